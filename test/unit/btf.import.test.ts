// Imported kernels ("bring your own kernel"): building one from BTF files and a config,
// the release and arch it gets, its persisted form, the database answering for it, and the
// CLI's import-btf and --db.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openBundledDatabase } from '../../src/cli/database';
import { run } from '../../src/cli/main';
import { BtfError } from '../../src/core/kernels/btf/errors';
import {
  addImportedKernels,
  deserializeImportedKernel,
  ImportedKernelError,
  importKernel,
  inferRelease,
  labelProblem,
  normalizeRelease,
  parseKernelConfig,
  releaseFromName,
  runningKernelRequest,
  serializeImportedKernel,
  type FileSystem,
  type ImportRequest,
} from '../../src/core/kernels/importedKernels';
import { parseTargets } from '../../src/core/kernels/targets';
import { fixturesDir } from './helpers';

const btfDir = join(fixturesDir, 'btf');
const fixture = (name: string) => new Uint8Array(readFileSync(join(btfDir, name)));
const ARCHIVE = '5.14.0-362.8.1.el9_3.x86_64.btf.tar.xz';

const CONFIG = `#
# Automatically generated file; DO NOT EDIT.
# Linux/x86 6.1.90 Kernel Configuration
#
CONFIG_X86_64=y
CONFIG_VFIO=m
CONFIG_LOCALVERSION="-custom"
# CONFIG_DEBUG_KERNEL is not set
`;

function request(overrides: Partial<ImportRequest> = {}): ImportRequest {
  return { label: 'mine', kernel: { name: 'vmlinux.btf', source: fixture('vmlinux.btf') }, release: '6.1.90', ...overrides };
}

describe('imported kernels', () => {
  describe('release, arch and label', () => {
    it('takes --release first, then CONFIG_VERSION_SIGNATURE, the config header, the file name', async () => {
      const signed = { name: 'config', bytes: new TextEncoder().encode(CONFIG + 'CONFIG_VERSION_SIGNATURE="Ubuntu 6.8.0-31.31-generic 6.8.1"\n') };
      assert.equal((await importKernel(request({ config: signed, release: '6.9' }))).kernel.image.release, '6.9.0');
      const fromSignature = await importKernel(request({ config: signed, release: undefined }));
      assert.deepEqual([fromSignature.kernel.image.release, fromSignature.releaseFrom, fromSignature.kernel.image.versionCode], ['6.8.1', 'CONFIG_VERSION_SIGNATURE', (6 << 16) + (8 << 8) + 1]);
      const fromHeader = await importKernel(request({ config: { name: 'config', bytes: new TextEncoder().encode(CONFIG) }, release: undefined }));
      assert.deepEqual([fromHeader.kernel.image.release, fromHeader.releaseFrom, fromHeader.kernel.image.arch], ['6.1.90', 'config header', 'amd64']);
      const fromName = await importKernel(request({ kernel: { name: `/tmp/${ARCHIVE}`, source: fixture(ARCHIVE) }, release: undefined }));
      assert.deepEqual(
        [fromName.kernel.image.release, fromName.releaseFrom, fromName.kernel.image.image, fromName.kernel.image.arch],
        ['5.14.0', 'file name', '5.14.0-362.8.1.el9_3.x86_64', 'amd64'],
      );
    });

    it('refuses, asking for --release, when nothing tells the release', async () => {
      assert.equal(inferRelease(request({ release: undefined })), undefined, 'the extension asks before reading');
      assert.equal(inferRelease(request({ release: undefined, nameHints: ['6.6.30-custom'] })), '6.6.30');
      await assert.rejects(importKernel(request({ release: undefined })), (error: Error) => error instanceof ImportedKernelError && /--release 5\.14\.0/.test(error.message));
      await assert.rejects(importKernel(request({ release: 'latest' })), /not a kernel version/);
    });

    it('reads releases out of names and version texts', () => {
      assert.equal(releaseFromName('/boot/vmlinux-5.14.0-362.8.1.el9_3.x86_64'), '5.14.0');
      assert.equal(releaseFromName('6.18.44-fc-v669'), '6.18.44');
      assert.equal(releaseFromName('vmlinux'), undefined);
      assert.equal(releaseFromName('el9_3.btf'), undefined);
      assert.equal(normalizeRelease('6.8'), '6.8.0');
      assert.equal(normalizeRelease('4.19.300-foo'), '4.19.300');
      assert.equal(normalizeRelease('v6'), undefined);
    });

    it('accepts labels that read as labels only', () => {
      assert.equal(labelProblem('rhel9'), undefined);
      assert.equal(labelProblem('5.14.0-362.el9'), undefined);
      assert.match(labelProblem('all')!, /word of the targets syntax/);
      assert.match(labelProblem('5.4..6.8')!, /range/);
      assert.match(labelProblem('../evil')!, /not a usable label/);
      assert.match(labelProblem('')!, /not a usable label/);
    });

    it('parses configs, plain or gzip\'d, and refuses what is not one', async () => {
      const config = parseKernelConfig(CONFIG);
      assert.equal(config.get('CONFIG_VFIO'), 'm');
      assert.equal(config.get('CONFIG_DEBUG_KERNEL'), undefined);
      const gzipped = await importKernel(request({ config: { name: '/proc/config.gz', bytes: gzipSync(CONFIG) } }));
      assert.equal(gzipped.kernel.config?.get('CONFIG_LOCALVERSION'), '"-custom"');
      await assert.rejects(importKernel(request({ config: { name: 'notes.txt', bytes: new TextEncoder().encode('hello') } })), /not a kernel config/);
    });
  });

  describe('in the database', () => {
    it('makes a module struct present when its split BTF is imported, and absent without it', async () => {
      const withModule = (await importKernel(request({ label: 'with-module', modules: [{ name: 'module.ko', source: fixture('module.ko') }] }))).kernel;
      const without = (await importKernel(request({ label: 'without-module' }))).kernel;
      const db = openBundledDatabase();
      const a = db.addImage(withModule);
      const b = db.addImage(without);
      const history = db.memberHistory({ kind: 'struct', name: 'vfio_device_ops' }, 'open_device');
      assert.deepEqual(history[a], { state: 'present', member: { name: 'open_device', declaration: 'int (*open_device)(struct vfio_device *)', type: 'int (*)(struct vfio_device *)' } });
      assert.deepEqual(history[b], { state: 'no-aggregate' });
      assert.deepEqual(db.memberHistory({ kind: 'struct', name: 'gadget' }, 'nope')[b], { state: 'absent' });
      assert.equal(db.configValue(a, 'CONFIG_VFIO'), null, 'no config: unknown, so CONFIG_ guards stay undecided');
      assert.deepEqual(parseTargets('imported', db.images).images, [a, b]);
      assert.deepEqual(parseTargets('with-module', db.images).images, [a]);
    });

    it('leaves out a module whose BTF cannot be read, names it, and keeps the rest', async () => {
      const summary = await importKernel(request({ modules: [{ name: 'broken.ko', source: new Uint8Array(64) }, { name: 'module.btf', source: fixture('module.btf') }] }));
      assert.equal(summary.modules, 1);
      assert.equal(summary.skippedModules.length, 1);
      assert.match(summary.skippedModules[0], /^broken\.ko: not BTF/);
      assert.ok(summary.kernel.definitions.has('struct vfio_device_ops'));
      assert.deepEqual(summary.kernel.sources, ['vmlinux.btf', 'module.btf']);
    });

    it('answers CONFIG_ values from the imported config', async () => {
      const kernel = (await importKernel(request({ config: { name: 'config', bytes: new TextEncoder().encode(CONFIG) } }))).kernel;
      const db = openBundledDatabase();
      const index = db.addImage(kernel);
      assert.equal(db.configValue(index, 'CONFIG_VFIO'), 'm');
      assert.equal(db.configValue(index, 'CONFIG_DEBUG_KERNEL'), undefined);
    });
  });

  describe('persisted form', () => {
    it('round-trips through bytes, deterministically', async () => {
      const kernel = (await importKernel(request({ config: { name: 'config', bytes: new TextEncoder().encode(CONFIG) }, modules: [{ name: 'module.btf', source: fixture('module.btf') }] }))).kernel;
      const bytes = serializeImportedKernel(kernel);
      assert.deepEqual(serializeImportedKernel(kernel), bytes);
      const back = deserializeImportedKernel(bytes, 'mine.kernel.json.gz');
      assert.deepEqual(back.image, kernel.image);
      assert.deepEqual(back.config, kernel.config);
      assert.deepEqual(back.sources, ['vmlinux.btf', 'module.btf', 'config']);
      assert.deepEqual([...back.definitions.keys()].sort(), [...kernel.definitions.keys()].sort());
      for (const [key, definition] of kernel.definitions) assert.deepEqual(back.definitions.get(key), definition);
      const stored = JSON.parse(gunzipSync(bytes).toString('utf8'));
      assert.equal(stored.schema, 1);
      assert.equal(stored.image.group, 'imported');
    });

    it('refuses corrupt files with a clear error, never a crash', async () => {
      const good = serializeImportedKernel((await importKernel(request())).kernel);
      const stored = JSON.parse(gunzipSync(good).toString('utf8'));
      const broken = (change: (value: any) => void) => {
        const copy = JSON.parse(JSON.stringify(stored));
        change(copy);
        return gzipSync(JSON.stringify(copy));
      };
      const cases: [Uint8Array, RegExp][] = [
        [new Uint8Array([1, 2, 3]), /unreadable/],
        [good.subarray(0, good.length / 2), /unreadable/],
        [gzipSync('{"schema":1}'), /not an imported kernel file/],
        [gzipSync('[1,2'), /unreadable/],
        [broken((v) => (v.schema = 99)), /schema 99, this version reads schema 1/],
        [broken((v) => (v.image.group = 'version')), /image record is malformed/],
        [broken((v) => (v.image.label = '../x')), /not a usable label/],
        [broken((v) => (v.config = [1])), /config is malformed/],
        [broken((v) => (v.definitions['struct gadget'].members[0] = ['x', 1, 'y'])), /member of struct gadget is malformed/],
        [broken((v) => (v.definitions['gadget'] = { members: [] })), /not a struct, union or enum name/],
      ];
      for (const [bytes, pattern] of cases) {
        assert.throws(() => deserializeImportedKernel(bytes, 'k.kernel.json.gz'), (error: Error) => error instanceof ImportedKernelError && pattern.test(error.message), String(pattern));
      }
      const db = openBundledDatabase();
      const result = addImportedKernels(db, [
        { name: 'bad.kernel.json.gz', read: () => cases[0][0] },
        { name: 'mine.kernel.json.gz', read: () => good },
        { name: 'again.kernel.json.gz', read: () => good },
        { name: 'notes.txt', read: () => new Uint8Array() },
      ]);
      assert.deepEqual(result.added, ['mine']);
      assert.equal(result.problems.length, 2);
      assert.match(result.problems[0], /bad\.kernel\.json\.gz is unreadable/);
      assert.match(result.problems[1], /already in the database/);
    });
  });

  describe('the running kernel', () => {
    it('takes /sys/kernel/btf/vmlinux, every module beside it and /proc/config.gz', async () => {
      const files: Record<string, Uint8Array> = {
        '/sys/kernel/btf/vmlinux': fixture('vmlinux.btf'),
        '/sys/kernel/btf/vfio': fixture('module.btf'),
        '/proc/config.gz': gzipSync(CONFIG),
      };
      const fs: FileSystem = { read: (path) => files[path], list: (path) => (path === '/sys/kernel/btf' ? ['vmlinux', 'vfio'] : []) };
      const built = runningKernelRequest(fs, '6.1.90-custom', 'here');
      assert.deepEqual(built.modules?.map((m) => m.name), ['/sys/kernel/btf/vfio']);
      assert.equal(built.config?.name, '/proc/config.gz');
      const summary = await importKernel(built);
      assert.deepEqual([summary.kernel.image.image, summary.kernel.image.release, summary.modules], ['6.1.90-custom', '6.1.90', 1]);
      assert.ok(summary.kernel.definitions.has('struct vfio_device_ops'));
      // /boot/config-<uname -r> when /proc/config.gz is missing.
      delete files['/proc/config.gz'];
      files['/boot/config-6.1.90-custom'] = new TextEncoder().encode(CONFIG);
      assert.equal(runningKernelRequest(fs, '6.1.90-custom', 'here').config?.name, '/boot/config-6.1.90-custom');
      assert.throws(() => runningKernelRequest({ read: () => undefined, list: () => [] }, 'x', 'here'), /CONFIG_DEBUG_INFO_BTF/);
    });
  });

  describe('kernel-compat import-btf and --db', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'kernel-compat-import-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    const cli = async (...argv: string[]) => {
      let out = '';
      let err = '';
      const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };

    it('imports vmlinux and a module, then checks and reports against them by label', async () => {
      const kernels = join(dir, 'kernels');
      const imported = await cli('import-btf', join(btfDir, 'vmlinux.btf'), join(btfDir, 'module.ko'), '--label', 'fixture', '--release', '6.1.0', '--out', kernels);
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /Imported fixture: Linux 6\.1\.0 \(from option\), unknown, 4 structs, 0 unions, 3 enums from vmlinux\.btf and 1 module\./);
      assert.match(imported.out, /fixture\.kernel\.json\.gz/);

      const source = join(dir, 'driver.c');
      writeFileSync(source, 'struct vfio_device;\nint probe(struct vfio_device_ops *ops) { return ops->open_device(0) + ops->missing_member; }\n');
      const checked = await cli('check', '--db', kernels, '--targets', 'fixture', source);
      assert.equal(checked.code, 1, checked.err);
      assert.match(checked.out, /`missing_member` is not in struct vfio_device_ops on fixture/);
      assert.doesNotMatch(checked.out, /open_device/);

      const report = await cli('report', 'vfio_device_ops', '--db', kernels, '--json');
      assert.equal(report.code, 0, report.err);
      const json = JSON.parse(report.out);
      assert.deepEqual(json.images.fixture.members.map((m: { name: string }) => m.name), ['name', 'open_device', 'close_device', 'gadget_of', 'node', 'count']);
      assert.equal(json.images['6.8'], null);
    });

    it('says what is wrong, with exit 2', async () => {
      const noLabel = await cli('import-btf', join(btfDir, 'vmlinux.btf'), '--out', dir);
      assert.deepEqual([noLabel.code, /--label/.test(noLabel.err)], [2, true]);
      const bundled = await cli('import-btf', join(btfDir, 'vmlinux.btf'), '--label', '6.8', '--out', dir);
      assert.match(bundled.err, /'6\.8' is a bundled kernel image/);
      const noRelease = await cli('import-btf', join(btfDir, 'vmlinux.btf'), '--label', 'x', '--out', dir);
      assert.deepEqual([noRelease.code, /--release/.test(noRelease.err)], [2, true]);
      const notBtf = await cli('import-btf', join(btfDir, 'kinds.c'), '--label', 'x', '--release', '6.1', '--out', dir);
      assert.deepEqual([notBtf.code, /not BTF, an ELF file/.test(notBtf.err)], [2, true]);
      const splitAlone = await cli('import-btf', join(btfDir, 'module.btf'), '--label', 'x', '--release', '6.1', '--out', dir);
      assert.equal(splitAlone.code, 2);
      const folder = await cli('import-btf', btfDir, '--label', 'x', '--release', '6.1', '--out', dir);
      assert.deepEqual([folder.code, folder.err], [2, `kernel-compat: ${btfDir}: is a folder: name the BTF files in it (e.g. /sys/kernel/btf/*)\n`]);
      const device = await cli('import-btf', '/dev/zero', '--label', 'x', '--release', '6.1', '--out', dir);
      assert.deepEqual([device.code, device.err], [2, 'kernel-compat: /dev/zero: is a device, not a file\n']);
      const missingDb = await cli('report', 'list_head', '--db', join(dir, 'nowhere'));
      assert.deepEqual([missingDb.code, /no such folder/.test(missingDb.err)], [2, true]);
      writeFileSync(join(dir, 'broken.kernel.json.gz'), 'not gzip');
      const corrupt = await cli('report', 'list_head', '--db', dir);
      assert.deepEqual([corrupt.code, /broken\.kernel\.json\.gz is unreadable/.test(corrupt.err)], [2, true]);
    });

    it('BtfError and ImportedKernelError are the errors bad input gives', async () => {
      await assert.rejects(importKernel(request({ kernel: { name: 'x', source: new Uint8Array(10) } })), BtfError);
      await assert.rejects(importKernel(request({ label: 'all' })), ImportedKernelError);
    });
  });
});
