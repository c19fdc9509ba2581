import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main';
import { reportJson, reportText } from '../../src/core/kernels/report';
import { bundledDatabase, fixturesDir, sharedDataDir, sharedDataPresent } from './helpers';

const VFIO = { kind: 'struct', name: 'vfio_device_ops' } as const;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The seed report's facts: status per label (null or member lines) and change lines per pair. */
function readSeed(text: string) {
  const status = new Map<string, string[] | null>();
  const changes = new Map<string, string[]>();
  const lines = text.split('\n');
  let current: string[] | undefined;
  let inDifferences = false;
  for (const raw of lines) {
    const line = raw.replace(/^vfio_device_ops/, '');
    if (line === 'Regular' && status.size > 0) {
      inDifferences = true;
      continue;
    }
    if (!inDifferences) {
      const absent = /^([\w.]+): Absent ⚠️$/.exec(line);
      const present = /^([\w.]+): ✅struct vfio_device_ops \{$/.exec(line);
      if (absent) status.set(absent[1], null);
      else if (present) status.set(present[1], (current = []));
      else if (line !== '};' && line !== 'Regular' && current) current.push(line.replace(/;$/, ''));
    } else {
      const pair = /^(\S+) and (\S+) (✅|⚠️)(.*)$/.exec(line);
      if (pair) {
        changes.set(`${pair[1]} and ${pair[2]}`, (current = pair[4] ? [pair[4]] : []));
      } else if (line.trim() && current) current.push(line);
    }
  }
  return { status, changes };
}

describe('kernel-compat report', () => {
  it('prints the vfio_device_ops report exactly as the golden file holds it', () => {
    const golden = readFileSync(join(fixturesDir, 'reports', 'vfio_device_ops.txt'), 'utf8');
    assert.equal(reportText(bundledDatabase(), VFIO), golden);
  });

  it('reads top-down: header, where the struct is, what changed, then every image with its definition', () => {
    const lines = reportText(bundledDatabase(), VFIO).split('\n');
    assert.deepEqual(lines.slice(4, 12), [
      'Summary',
      'Ubuntu: present on 5.4–5.19 ✅; absent from 4.4–5.3, 6.2–6.8 ⚠️',
      'Debian: present on 6.1–7.3 ✅; absent from 5.10 ⚠️',
      'Arches: present on ppc64el ✅; absent from arm64, armhf, riscv64 ⚠️',
      'Flavors: present on azure, gcp, lowlatency ✅; absent from aws ⚠️',
      '',
      'Differences',
      'Regular (Ubuntu, vmlinux)',
    ]);
    const differences = lines.indexOf('Differences');
    const status = lines.indexOf('Status');
    assert.ok(differences < status && lines.indexOf('struct vfio_device_ops {') > status, 'the definitions come last');
    assert.equal(lines[status - 1], '', 'a blank line before Status');
  });

  it('puts the differences of a long report near its top', () => {
    const lines = reportText(bundledDatabase(), { kind: 'struct', name: 'file_operations' }).split('\n');
    assert.ok(lines.length > 900, `${lines.length} lines`);
    assert.deepEqual(lines.slice(4, 11), [
      'Summary',
      'Ubuntu: present on 4.4–6.8 ✅',
      'Debian: present on 5.10–7.3 ✅',
      'Arches: present on arm64, armhf, ppc64el, riscv64 ✅',
      'Flavors: present on aws, azure, gcp, lowlatency ✅',
      '',
      'Differences',
    ]);
  });

  it('says present, absent, unchanged in words beside each mark, for a machine without an emoji font', () => {
    const lines = reportText(bundledDatabase(), VFIO).split('\n');
    for (const line of ['4.4: absent ⚠️', '5.4: present ✅', '5.10 (Debian): absent ⚠️', '5.8 and 5.11: unchanged ✅', 'generic and azure: unchanged ✅']) {
      assert.ok(lines.includes(line), line);
    }
    assert.ok(lines.includes('7.3 (Debian): present ✅ (in modules: vfio, vfio_iommu_type1, vfio-pci-core and 2 more)'));
    // A changed pair is followed by its field lines, which say what changed.
    assert.deepEqual(lines.slice(lines.indexOf('5.4 and 5.8 ⚠️'), lines.indexOf('5.4 and 5.8 ⚠️') + 2), ['5.4 and 5.8 ⚠️', '  Field added: int (*match)(void *, char *)']);
    const bare = lines.filter((line) => /^[^ ]+(?: \(Debian\))?: (?:✅|⚠️)/.test(line) || / and \S+ ✅$/.test(line));
    assert.deepEqual(bare, [], 'no mark stands alone');
  });

  it('carries every fact of the seed report for vfio_device_ops', function () {
    if (!sharedDataPresent) this.skip();
    const seed = readSeed(readFileSync(join(sharedDataDir, '..', 'seed', 'vfio_device_ops-report.txt'), 'utf8'));
    const json = reportJson(bundledDatabase(), VFIO);
    assert.equal(seed.status.size, 25);
    for (const [label, members] of seed.status) {
      const ours = json.images[label];
      if (members === null) assert.equal(ours, null, `${label} should be absent`);
      else assert.deepEqual(ours?.members.map((m) => m.declaration), members, `${label} definition`);
    }
    const text = reportText(bundledDatabase(), VFIO);
    for (const [pair, facts] of seed.changes) {
      const section = text.split('\n').findIndex((l) => l.startsWith(`${pair} `) || l.startsWith(`${pair}:`));
      assert.ok(section >= 0, `pair ${pair} is in the report`);
      const block = text.split('\n').slice(section, section + 12).join('\n');
      for (const fact of facts) {
        // The seed flattens "Field added"/"removed" markers away; each member line must be in the pair's block.
        const member = fact.split(' ➡️ ');
        for (const part of member) assert.ok(block.includes(part.trim()), `${pair}: ${part}`);
        if (member.length === 2) assert.ok(block.includes(`${member[0].trim()} ➡️ ${member[1].trim()}`), `${pair}: type change ${fact}`);
      }
    }
  });

  it('gives JSON with members in declaration order and every compared pair', async () => {
    const json = reportJson(bundledDatabase(), VFIO);
    assert.equal(json.struct, 'vfio_device_ops');
    assert.equal(json.kind, 'struct');
    assert.equal(Object.keys(json.images).length, 30);
    assert.equal(json.images['4.4'], null);
    // The Debian kernels continue the story, in vfio.ko and the modules that use it.
    assert.deepEqual(json.images['7.3']?.members.slice(0, 3).map((m) => m.name), ['name', 'init', 'release']);
    assert.equal(json.changes.find((c) => c.from === '5.19' && c.to === '6.1'), undefined, 'no pair across distributions');
    assert.deepEqual(json.changes.find((c) => c.from === '6.1' && c.to === '6.12')?.added.map((m) => m.name), ['bind_iommufd', 'unbind_iommufd', 'attach_ioas', 'detach_ioas']);
    assert.deepEqual(json.images['5.15']?.members.slice(0, 3).map((m) => [m.name, m.type]), [
      ['name', 'char *'],
      ['open_device', 'int (*)(struct vfio_device *)'],
      ['close_device', 'void (*)(struct vfio_device *)'],
    ]);
    const at515 = json.changes.find((c) => c.from === '5.13' && c.to === '5.15');
    assert.deepEqual(at515, {
      from: '5.13',
      to: '5.15',
      status: 'changed',
      added: [
        { name: 'open_device', type: 'int (*)(struct vfio_device *)' },
        { name: 'close_device', type: 'void (*)(struct vfio_device *)' },
      ],
      removed: [
        { name: 'open', type: 'int (*)(struct vfio_device *)' },
        { name: 'release', type: 'void (*)(struct vfio_device *)' },
      ],
      typeChanged: [],
      hidden: [],
    });
    assert.deepEqual(json.changes.find((c) => c.from === '5.19' && c.to === '6.2')?.status, 'removed');
    assert.deepEqual(json.changes.find((c) => c.from === '5.4' && c.to === 'ppc64el')?.status, 'unchanged');
    const cliJson = await cli(['report', 'vfio_device_ops', '--json']);
    assert.equal(cliJson.code, 0);
    assert.deepEqual(JSON.parse(cliJson.out), json);
  });

  it('says an unknown struct is unknown, suggests close names and exits 2', async () => {
    const result = await cli(['report', 'vfio_dev_ops']);
    assert.equal(result.code, 2);
    assert.equal(result.out, '');
    assert.match(result.err, /no struct, union or enum named 'vfio_dev_ops' in the kernel database\. Closest names: vfio_device_ops,/);
  });

  it('reports unions and enums, and honours an explicit kind', async () => {
    const union = await cli(['report', 'union', 'sigval']);
    assert.equal(union.code, 0);
    assert.match(union.out, /^union sigval\n/);
    assert.match(union.out, /\n5\.4: present ✅\nunion sigval \{\n {4}int sival_int;\n {4}void \*sival_ptr;\n\};/);
    assert.equal((await cli(['report', 'struct', 'sigval'])).code, 2);
  });

  it('marks a definition whose members hide in an unnamed member, and never calls them removed', async () => {
    const text = (await cli(['report', 'vm_fault'])).out;
    const at513 = text.slice(text.indexOf('\n5.13: present ✅'));
    assert.match(at513, /plus members inside an unnamed struct\/union whose contents the data does not show/);
    const change = reportJson(bundledDatabase(), { kind: 'struct', name: 'vm_fault' }).changes.find((c) => c.to === '5.13');
    assert.deepEqual(change?.removed, []);
    assert.deepEqual(change?.hidden.map((m) => m.name).sort(), ['address', 'gfp_mask', 'pgoff', 'vma']);
  });
});
