import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { openBundledDatabase } from '../../src/cli/database';
import { bundledDataDir } from '../../src/cli/paths';
import { DatabaseError, KernelDatabase } from '../../src/core/kernels/database';
import { compareAll, findSuccessor } from '../../src/core/kernels/history';
import { buildDatabase, readStatusSection, SHARDS } from '../../scripts/build-data';
import { shardFileName, shardNamesFileName, shardOf } from '../../src/core/kernels/schema';
import { cacheComplete, cacheRoot, readManifest } from '../../scripts/debian/packages';
import { bundledDatabase, sharedDataDir, sharedDataPresent } from './helpers';

const VFIO = { kind: 'struct', name: 'vfio_device_ops' } as const;

describe('kernel database', () => {
  it('lists the 25 Ubuntu and 5 Debian images in version order, with labels, groups, releases and LINUX_VERSION_CODE', () => {
    const db = bundledDatabase();
    assert.deepEqual(
      db.images.map((i) => i.label),
      ['4.4', '4.8', '4.10', '4.13', '4.15', '4.18', '5.0', '5.3', '5.4', '5.8', '5.10', '5.11', '5.13', '5.15', '5.19', '6.1', '6.2', '6.5', '6.8', '6.12', '7.2', '7.3',
        'arm64', 'armhf', 'ppc64el', 'riscv64', 'aws', 'azure', 'gcp', 'lowlatency'],
    );
    const at = (label: string) => db.images[db.imageIndex(label)!];
    assert.deepEqual(at('5.15'), {
      label: '5.15', image: '5.15.0-25-generic-amd64', group: 'version', arch: 'amd64', flavor: 'generic', release: '5.15.30', versionCode: 0x050f1e,
      distribution: 'ubuntu', btf: 'vmlinux',
    });
    assert.deepEqual(at('6.12'), {
      label: '6.12', image: '6.12.118+deb12-amd64', group: 'version', arch: 'amd64', flavor: 'amd64', release: '6.12.118', versionCode: 0x060c76,
      distribution: 'debian', btf: 'vmlinux+modules', package: 'linux-image-6.12.118+deb12-amd64 6.12.118-1~deb12u1', headers: true,
    });
    // Debian builds 5.10's modules without BTF: that kernel is known from its vmlinux only.
    assert.equal(at('5.10').btf, 'vmlinux');
    assert.equal(at('7.3').package, 'linux-binary-7.3.4+deb13-amd64 7.3.4-1~bpo13+1');
    assert.equal(at('6.1').release, '6.1.192');
    assert.equal(at('4.4').release, '4.4.6');
    assert.equal(at('riscv64').image, '5.4.0-24-generic-riscv64');
    assert.equal(at('riscv64').group, 'arch');
    assert.equal(at('lowlatency').group, 'flavor');
    assert.equal(at('aws').release, '5.4.30');
  });

  it('answers member histories: present with type, absent, struct absent', () => {
    const db = bundledDatabase();
    const open = db.memberHistory(VFIO, 'open');
    const state = (label: string) => open[db.imageIndex(label)!];
    assert.deepEqual(state('4.4'), { state: 'no-aggregate' });
    assert.equal(state('5.4').state, 'present');
    const typeOn = (label: string) => {
      const s = state(label);
      return s.state === 'present' ? s.member.type : s.state;
    };
    assert.equal(typeOn('5.4'), 'int (*)(void *)');
    assert.equal(typeOn('5.13'), 'int (*)(struct vfio_device *)');
    assert.deepEqual(state('5.15'), { state: 'absent' });
    assert.deepEqual(state('6.2'), { state: 'no-aggregate' });
  });

  it('answers the same after a run has asked about structs of every shard (parsed shards are bounded, answers are not lost)', () => {
    const fresh = openBundledDatabase();
    const before = {
      open: fresh.memberHistory(VFIO, 'open'),
      headered: fresh.definedInSomeHeader({ kind: 'struct', name: 'file' }),
      privateOn: fresh.privateImages({ kind: 'struct', name: 'file' }),
      carriers: fresh.carriers(VFIO, fresh.imageIndex('6.12')!),
    };
    // A struct name from each shard: every shard is parsed, the first ones long evicted.
    const names = fresh.names('struct');
    const seen = new Set<number>();
    for (const name of names) {
      const shard = shardOf(`struct ${name}`, SHARDS);
      if (seen.has(shard)) continue;
      seen.add(shard);
      fresh.memberHistory({ kind: 'struct', name }, 'lock');
    }
    assert.equal(seen.size, SHARDS);
    assert.deepEqual(fresh.memberHistory(VFIO, 'open'), before.open);
    assert.equal(fresh.definedInSomeHeader({ kind: 'struct', name: 'file' }), before.headered);
    assert.deepEqual(fresh.privateImages({ kind: 'struct', name: 'file' }), before.privateOn);
    assert.deepEqual(fresh.carriers(VFIO, fresh.imageIndex('6.12')!), before.carriers);
    assert.ok(before.carriers && before.carriers[0] > 0, 'vfio_device_ops is carried by modules on 6.12');
  });

  it('never calls a member missing when a same-named definition of that kernel has it (vmlinux\'s private map_info, mtd\'s public one)', () => {
    const db = bundledDatabase();
    const at = (member: string) => db.memberHistory({ kind: 'struct', name: 'map_info' }, member)[db.imageIndex('6.1')!];
    assert.deepEqual(at('vaddr').state, 'present');
    assert.deepEqual(at('virt'), { state: 'unknown' });
    assert.deepEqual(at('no_such_member'), { state: 'absent' });
  });

  it('never calls a member missing from a definition that hides members (vm_fault.address)', () => {
    const db = bundledDatabase();
    const history = db.memberHistory({ kind: 'struct', name: 'vm_fault' }, 'address');
    const byLabel = Object.fromEntries(db.images.map((image, i) => [image.label, history[i].state]));
    assert.equal(byLabel['4.4'], 'absent');
    assert.equal(byLabel['4.8'], 'absent');
    for (const label of ['4.10', '4.13', '5.4', '5.11', 'arm64', 'aws']) assert.equal(byLabel[label], 'present', label);
    for (const label of ['5.13', '5.15', '6.8']) assert.equal(byLabel[label], 'unknown', label);
    const virtualAddress = db.memberHistory({ kind: 'struct', name: 'vm_fault' }, 'virtual_address');
    assert.equal(virtualAddress[db.imageIndex('4.4')!].state, 'present');
  });

  it('finds the successor of a removed member at the boundary where it left', () => {
    const db = bundledDatabase();
    const open = findSuccessor(db, VFIO, 'open');
    assert.equal(open?.member.name, 'open_device');
    assert.equal(db.images[open!.image].label, '5.15');
    assert.equal(findSuccessor(db, VFIO, 'release')?.member.name, 'close_device');
    assert.equal(findSuccessor(db, VFIO, 'mmap'), undefined);
  });

  it('keeps each image\'s kernel config', () => {
    const db = bundledDatabase();
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_VFIO'), 'y');
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_VFIO_MDEV'), 'm');
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_SAMPLE_VFIO_MDEV_MTTY'), undefined);
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_PCI'), 'y');
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_NO_SUCH_SYMBOL'), undefined);
    assert.equal(db.configValue(db.imageIndex('5.15')!, 'CONFIG_VERSION_SIGNATURE'), '"Ubuntu 5.15.0-25.25-generic 5.15.30"');
  });

  it('knows member names the kernel headers define as macros (d_lock, sk_family, ifr_data)', () => {
    const db = bundledDatabase();
    const dLock = db.memberHistory({ kind: 'struct', name: 'dentry' }, 'd_lock');
    assert.deepEqual(dLock[db.imageIndex('6.8')!], {
      state: 'present',
      member: { name: 'd_lock', declaration: '#define d_lock d_lockref.lock', type: 'spinlock_t' },
    });
    const ifrData = db.memberHistory({ kind: 'struct', name: 'ifreq' }, 'ifr_data')[db.imageIndex('4.4')!];
    assert.equal(ifrData.state === 'present' && ifrData.member.declaration, '#define ifr_data ifr_ifru.ifru_data');
    const skFamily = db.memberHistory({ kind: 'struct', name: 'sock' }, 'sk_family')[db.imageIndex('5.15')!];
    assert.deepEqual(skFamily.state === 'present' && skFamily.member, {
      name: 'sk_family',
      declaration: '#define sk_family __sk_common.skc_family',
      type: 'short unsigned int',
    });
    // An alias counts only where the struct has the member it expands into.
    assert.equal(db.memberHistory({ kind: 'struct', name: 'inode' }, 'd_lock')[db.imageIndex('6.8')!].state, 'absent');
  });

  it('knows member names the kernel headers define as another name (rcu_head, input_event_sec)', () => {
    const db = bundledDatabase();
    const on61 = db.imageIndex('6.1')!;
    // `struct rcu_head rcu_head;` is BTF's `struct callback_head callback_head` (`#define rcu_head callback_head`).
    const rcuHead = db.memberHistory({ kind: 'struct', name: 'se_device' }, 'rcu_head')[on61];
    assert.deepEqual(rcuHead.state === 'present' && rcuHead.member, { name: 'rcu_head', declaration: '#define rcu_head callback_head', type: 'struct callback_head' });
    // The kernel's branch of uapi/linux/input.h: `#define input_event_sec __sec`.
    const seconds = db.memberHistory({ kind: 'struct', name: 'input_event' }, 'input_event_sec')[on61];
    assert.equal(seconds.state === 'present' && seconds.member.declaration, '#define input_event_sec __sec');
  });

  it('knows member aliases through arrays by a constant, through pointers and through other aliases', () => {
    const db = bundledDatabase();
    const on61 = db.imageIndex('6.1')!;
    const present = (name: string, member: string) => {
      const state = db.memberHistory({ kind: 'struct', name }, member)[on61];
      return state.state === 'present' ? `${state.member.declaration}: ${state.member.type}` : state.state;
    };
    assert.equal(present('ndisc_options', 'nd_opts_src_lladdr'), '#define nd_opts_src_lladdr nd_opt_array[ND_OPT_SOURCE_LL_ADDR]: struct nd_opt_hdr *');
    assert.equal(present('fib_info', 'fib_advmss'), '#define fib_advmss fib_metrics->metrics[RTAX_ADVMSS-1]: u32');
    // `#define gm_hold gm_sustain`, itself `control[MIDI_CTL_SUSTAIN]`.
    assert.match(present('snd_midi_channel', 'gm_hold'), /^#define gm_hold gm_sustain: /);
  });

  it('reads a data folder without member-aliases.json (written by build:data alone) as having no aliases, and refuses a corrupt one', () => {
    const dentryShard = shardOf('struct dentry', SHARDS);
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      [shardNamesFileName(dentryShard)]: readFileSync(join(bundledDataDir, shardNamesFileName(dentryShard))),
      [shardFileName(dentryShard)]: readFileSync(join(bundledDataDir, shardFileName(dentryShard))),
    };
    const read = (name: string) => {
      if (!files[name]) throw new Error(`ENOENT: ${name}`);
      return files[name];
    };
    assert.equal(KernelDatabase.open(read).memberHistory({ kind: 'struct', name: 'dentry' }, 'd_lock')[0].state, 'absent');
    files['member-aliases.json'] = Buffer.from('{"schema": 3, "aliases": ');
    assert.throws(() => KernelDatabase.open(read).memberHistory({ kind: 'struct', name: 'dentry' }, 'd_lock'), /member-aliases\.json is not valid JSON/);
  });

  it('refuses a corrupt or foreign data file with a clear message', () => {
    const vfioShard = shardOf('struct vfio_device_ops', SHARDS);
    const namesFile = shardNamesFileName(vfioShard);
    const tablesFile = shardFileName(vfioShard);
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      [namesFile]: Buffer.from('this is not gzip'),
      [tablesFile]: readFileSync(join(bundledDataDir, tablesFile)),
    };
    const open = () => KernelDatabase.open((name) => {
      if (!files[name]) throw new Error(`ENOENT: ${name}`);
      return files[name];
    });
    assert.throws(() => open().knows(VFIO), (e: unknown) => e instanceof DatabaseError && e.message.includes(`${namesFile} is corrupt`));
    files[namesFile] = brotliCompressSync('{"schema": 99}');
    assert.throws(() => open().knows(VFIO), /has schema 99, this version reads schema 3/);
    files[namesFile] = brotliCompressSync('{"schema": 3}\n"struct vfio_device_ops"\t{"layouts": []}');
    assert.throws(() => open().knows(VFIO), new RegExp(`${namesFile} is missing tables at struct vfio_device_ops`));
    files[namesFile] = brotliCompressSync('{"schema": 3}\n"struct vfio_device_ops"\t[1, 2');
    assert.throws(() => open().knows(VFIO), new RegExp(`${namesFile} is not valid JSON at struct vfio_device_ops`));
    // A names file without the name's line: no kernel has it (not an error).
    files[namesFile] = brotliCompressSync('{"schema": 3}\n"struct other"\t[0]');
    assert.equal(open().knows(VFIO), false);
    // The names whole, the tables broken: whether the name is a kernel's is still answered, its members are refused.
    files[namesFile] = readFileSync(join(bundledDataDir, namesFile));
    files[tablesFile] = brotliCompressSync('{"schema": 3}');
    assert.equal(open().knows(VFIO), true);
    assert.throws(() => open().memberHistory(VFIO, 'open'), new RegExp(`${tablesFile} has no record of struct vfio_device_ops`));
    files[tablesFile] = brotliCompressSync('{"schema": 3}\n"struct vfio_device_ops"\t{"layouts": [[["open"');
    assert.throws(() => open().memberHistory(VFIO, 'open'), new RegExp(`${tablesFile} is not valid JSON at struct vfio_device_ops`));
    files[tablesFile] = brotliCompressSync('{"schema": 2}\n"struct vfio_device_ops"\t{"layouts": []}');
    assert.throws(() => open().memberHistory(VFIO, 'open'), /has schema 2, this version reads schema 3/);
    delete files[tablesFile];
    assert.throws(() => open().memberHistory(VFIO, 'open'), new RegExp(`cannot read the kernel database \\(${tablesFile}\\)`));
    assert.throws(() => KernelDatabase.open(() => Buffer.from('{"schema": 3, "images": []}')), /shard count/);
    assert.throws(() => KernelDatabase.open(() => Buffer.from('{')), /kernels\.json is not valid JSON/);
  });

  it('answers whether a name is a kernel\'s, and what a name no kernel has lacks, from the shard\'s names alone', () => {
    const shard = shardOf('struct vfio_device_ops', SHARDS);
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      [shardNamesFileName(shard)]: readFileSync(join(bundledDataDir, shardNamesFileName(shard))),
    };
    const db = KernelDatabase.open((name) => {
      if (!files[name]) throw new Error(`ENOENT: ${name}`);
      return files[name];
    });
    assert.equal(db.knows(VFIO), true);
    // A name of the same shard that no kernel defines: no layouts to read, never private, not known.
    const unknown = Array.from({ length: 10000 }, (_, i) => `kc_no_such_struct_${i}`).find((name) => shardOf(`struct ${name}`, SHARDS) === shard)!;
    const ref = { kind: 'struct', name: unknown } as const;
    assert.equal(db.knows(ref), false);
    assert.deepEqual(new Set(db.memberHistory(ref, 'open').map((state) => state.state)), new Set(['no-aggregate']));
    assert.deepEqual(db.privateImages(ref), []);
    assert.throws(() => db.memberHistory(VFIO, 'open'), new RegExp(`cannot read the kernel database \\(${shardFileName(shard)}\\)`));
  });

  it('refuses header files of two builds, whose header ids would name the wrong headers', () => {
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      'header-names.json.gz': readFileSync(join(bundledDataDir, 'header-names.json.gz')),
    };
    const declarations = JSON.parse(gunzipSync(readFileSync(join(bundledDataDir, 'headers.json.gz'))).toString('utf8'));
    declarations.includes.headers += 1;
    files['headers.json.gz'] = gzipSync(JSON.stringify(declarations));
    const db = KernelDatabase.open((name) => {
      if (!files[name]) throw new Error(`ENOENT: ${name}`);
      return files[name];
    });
    const image = db.imageIndex('6.12')!;
    assert.throws(() => db.headers().includeClosure(['linux/fs.h'], image), /headers\.json\.gz and header-names\.json\.gz are of different builds/);
    delete declarations.includes;
    files['headers.json.gz'] = gzipSync(JSON.stringify(declarations));
    const older = KernelDatabase.open((name) => files[name]);
    assert.throws(() => older.headers().definingHeaders('struct file_lock', image), /headers\.json\.gz is missing tables/);
  });

  it('refuses a header-names.json.gz whose callables are not a packed table of as many names as masks (an older build wrote an object)', () => {
    const names = JSON.parse(gunzipSync(readFileSync(join(bundledDataDir, 'header-names.json.gz'))).toString('utf8'));
    const files: Record<string, Uint8Array> = { 'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')) };
    const image = bundledDatabase().imageIndex('6.12')!;
    const withCallables = (callables: unknown) => {
      files['header-names.json.gz'] = gzipSync(JSON.stringify({ ...names, callables }));
      return KernelDatabase.open((name) => files[name]).headers();
    };
    assert.throws(() => withCallables({ class_create: 3 }).declares('class_create', image), /header-names\.json\.gz is missing tables; reinstall, or run 'npm run build:data'/);
    assert.throws(() => withCallables({ names: 'a\nb', masks: [1] }).declares('a', image), /header-names\.json\.gz is missing tables/);
    assert.equal(withCallables({ names: 'a\nb', masks: [1, 2] }).isKernelCallable('b'), true);
  });

  it('refuses a spelled-words.json.gz without a usable filter or of another build, and reads older data without one as knowing no such name', () => {
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      'header-names.json.gz': readFileSync(join(bundledDataDir, 'header-names.json.gz')),
    };
    const words = JSON.parse(gunzipSync(readFileSync(join(bundledDataDir, 'spelled-words.json.gz'))).toString('utf8'));
    const headersWith = (file: unknown) => {
      if (file === undefined) delete files['spelled-words.json.gz'];
      else files['spelled-words.json.gz'] = gzipSync(JSON.stringify(file));
      return KernelDatabase.open((name) => {
        if (!files[name]) throw new Error(`ENOENT: ${name}`);
        return files[name];
      }).headers();
    };
    assert.equal(headersWith(words).isSpelledByNoKernel('RX_FLAG_HT'), true);
    assert.throws(() => headersWith({ ...words, filter: { bits: '', hashes: 8 } }).isSpelledByNoKernel('RX_FLAG_HT'), /spelled-words\.json\.gz is missing tables; reinstall, or run 'npm run build:data'/);
    assert.throws(() => headersWith({ ...words, pastedPrefixes: 'NETIF_F_' }).isSpelledByNoKernel('RX_FLAG_HT'), /spelled-words\.json\.gz is missing tables/);
    assert.throws(() => headersWith({ ...words, images: [1, 2] }).isSpelledByNoKernel('RX_FLAG_HT'), /spelled-words\.json\.gz does not match kernels\.json/);
    assert.equal(headersWith(undefined).isSpelledByNoKernel('RX_FLAG_HT'), false);
  });

  it('reads headers.json.gz the same whatever the order of its tables (the include graph is read apart when it comes first)', () => {
    const files: Record<string, Uint8Array> = {
      'kernels.json': readFileSync(join(bundledDataDir, 'kernels.json')),
      'header-names.json.gz': readFileSync(join(bundledDataDir, 'header-names.json.gz')),
    };
    const { schema, images, structs, includes, functions, macros } = JSON.parse(gunzipSync(readFileSync(join(bundledDataDir, 'headers.json.gz'))).toString('utf8'));
    const answers = (order: object) => {
      files['headers.json.gz'] = gzipSync(JSON.stringify(order));
      const headers = KernelDatabase.open((name) => files[name]).headers();
      const image = KernelDatabase.open((name) => files[name]).imageIndex('7.2')!;
      return [
        headers.definingHeaders('struct file_lock', image),
        headers.includeClosure(['linux/fs.h'], image)?.has('linux/filelock.h'),
        headers.functions('strscpy', image)?.length,
        headers.macros('container_of', image),
      ];
    };
    const built = answers({ schema, images, structs, includes, functions, macros });
    assert.deepEqual(answers({ schema, functions, macros, images, structs, includes }), built);
    assert.deepEqual(built[0], ['linux/filelock.h']);
  });

  describe('against the shared DepSurf pages', function () {
    this.timeout(300_000);
    before(function () {
      if (!sharedDataPresent) this.skip();
    });

    it('has every struct page\'s definitions and differences, for every struct', () => {
      const db = bundledDatabase();
      const root = join(sharedDataDir, 'depsurf', 'struct');
      let pages = 0;
      for (const letter of readdirSync(root)) {
        for (const file of readdirSync(join(root, letter))) {
          const name = file.replace(/\.md$/, '');
          const page = readFileSync(join(root, letter, file), 'utf8');
          const ref = { kind: 'struct', name } as const;
          const definitions = db.definitions(ref);
          for (const [label, code] of readStatusSection(page)) {
            const ours = definitions[db.imageIndex(label)!];
            if (code === null) {
              assert.equal(ours, null, `${name} on ${label}`);
              continue;
            }
            const expected = code.split('\n').slice(1, -1).map((l) => l.trim().replace(/;$/, '')).filter((l) => !/\(anon\)$/.test(l));
            assert.deepEqual(ours?.members.map((m) => m.declaration), expected, `${name} on ${label}`);
          }
          // Differences: the page's added/removed/type-changed lines per changed pair.
          const pageChanges = new Map<string, string[]>();
          const differences = page.split('## Differences')[1] ?? '';
          const pairPattern = /Changed between <code>([^<]+)<\/code> and <code>([^<]+)<\/code> ⚠️<\/summary>([\s\S]*?)<\/details>/g;
          for (let m = pairPattern.exec(differences); m; m = pairPattern.exec(differences)) {
            const items = [...m[3].matchAll(/<b>(Field \w+(?: \w+)?)\. <\/b>\n<code>(.*?)<\/code>(?: ➡️ <code>(.*?)<\/code>)?/g)]
              // DepSurf also flags a type change whose spelling is identical (the referenced type
              // itself differs, e.g. a forward declaration on one arch). The database keeps spellings
              // only, so such a change is invisible to it (96 of 4,443 in the dataset).
              .filter((x) => x[3] === undefined || x[2] !== x[3])
              // Unnamed members are not members one can name; the database marks the definition incomplete instead.
              .filter((x) => !/\(anon\)$/.test(x[2]))
              .map((x) => [x[1], x[2], x[3] ?? ''].join('|'));
            if (items.length > 0) pageChanges.set(`${m[1]} and ${m[2]}`, items.sort());
          }
          const ourChanges = new Map<string, string[]>();
          for (const c of compareAll(db, ref)) {
            if (c.status !== 'changed' || c.pair.distribution !== 'ubuntu') continue;
            const items = [
              ...c.added.map((m) => `Field added|${m.declaration}|`),
              ...c.removed.map((m) => `Field removed|${m.declaration}|`),
              ...c.hidden.map((m) => `Field removed|${m.declaration}|`),
              ...c.typeChanged.map((t) => `Field type changed|${t.old.declaration}|${t.new.declaration}`),
            ];
            ourChanges.set(`${c.pair.fromName} and ${c.pair.toName}`, items.sort());
          }
          assert.deepEqual(ourChanges, pageChanges, `differences of ${name}`);
          pages++;
        }
      }
      assert.equal(pages, 15509);
    });

    it('data/ is what the importer generates from ../shared and the pinned Debian packages today (not stale, not hand-edited)', async function () {
      // The Debian packages are 540 MB: the test runs where build:data has filled the cache,
      // and takes what build:data takes (about 5 minutes, more on a busy machine).
      const manifest = readManifest();
      if (!cacheComplete(manifest)) this.skip();
      this.timeout(20 * 60_000);
      const out = mkdtempSync(join(tmpdir(), 'kernel-compat-data-'));
      try {
        await buildDatabase({ source: join(sharedDataDir, 'depsurf'), out, manifest, cache: cacheRoot() });
        const written = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
        assert.deepEqual(written(out), written(bundledDataDir));
        for (const name of written(out)) {
          assert.ok(readFileSync(join(out, name)).equals(readFileSync(join(bundledDataDir, name))), `data/${name} is stale: run npm run build:data`);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
});
