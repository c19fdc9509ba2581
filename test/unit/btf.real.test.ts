// The BTF reader on a real kernel: ../shared/data/btf/vmlinux-6.18.44.btf (skipped when
// absent), checked against facts from elsewhere: bpftool's own reading of the same blob
// (test/fixtures/btf/vmlinux-6.18.44.bpftool-*.json, made by generate.sh), and the bundled
// 6.8 image for structs that did not change between 6.8 and 6.18.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBundledDatabase } from '../../src/cli/database';
import { btfDefinitions, type DefinitionMap } from '../../src/core/kernels/btf/definitions';
import { parseBtf, type Btf } from '../../src/core/kernels/btf/parse';
import { compareDefinitions } from '../../src/core/kernels/history';
import { importKernel } from '../../src/core/kernels/importedKernels';
import { fixturesDir, sharedDataDir } from './helpers';

const blobPath = join(sharedDataDir, 'btf', 'vmlinux-6.18.44.btf');
const expected = (name: string) => JSON.parse(readFileSync(join(fixturesDir, 'btf', name), 'utf8'));

describe('BTF reader: the real 6.18.44 vmlinux BTF', function () {
  let btf: Btf;
  let definitions: DefinitionMap;

  before(function () {
    if (!existsSync(blobPath)) this.skip();
    btf = parseBtf(readFileSync(blobPath), { source: blobPath });
    definitions = btfDefinitions(btf);
  });

  it('has as many types of each kind as bpftool lists', () => {
    const counts: Record<string, number> = {};
    for (const type of btf.ownTypes) counts[type.kind] = (counts[type.kind] ?? 0) + 1;
    assert.deepEqual(counts, expected('vmlinux-6.18.44.bpftool-kinds.json'));
    assert.equal(btf.littleEndian, true);
  });

  it('reads the members bpftool prints, in order, for a handful of structs, unions and enums', () => {
    const bpftool: Record<string, [string, string][]> = expected('vmlinux-6.18.44.bpftool-members.json').members;
    const withoutSpaces = (text: string) => text.replace(/\s+/g, '');
    for (const [key, members] of Object.entries(bpftool)) {
      const ours = definitions.get(key);
      assert.ok(ours, `${key} is missing`);
      assert.deepEqual(ours.members.map((m) => m.name), members.map(([name]) => name), `${key}: member names`);
      // Spacing differs by design (`const char *const *` against bpftool's `const char * const *`).
      assert.deepEqual(ours.members.map((m) => withoutSpaces(m.declaration)), members.map(([, declaration]) => withoutSpaces(declaration)), `${key}: declarations`);
      assert.equal(ours.incomplete, false);
    }
  });

  describe('against the bundled 6.8 image', () => {
    const db = openBundledDatabase();
    let imported: number;
    const v68 = db.imageIndex('6.8')!;

    before(async function () {
      if (!existsSync(blobPath)) this.skip();
      const summary = await importKernel({ label: '6.18-real', kernel: { name: blobPath, source: readFileSync(blobPath) }, release: '6.18.44' });
      imported = db.addImage(summary.kernel);
    });

    // Found by comparing every struct of both; these did not change from 6.8 to 6.18.
    for (const name of ['list_head', 'callback_head', 'kref', 'sock_common', 'input_dev', 'dcbnl_rtnl_ops']) {
      it(`struct ${name} reads the same from the 6.18 blob as from the bundled 6.8 data`, () => {
        const ref = { kind: 'struct' as const, name };
        const before = db.definition(ref, v68);
        const after = db.definition(ref, imported);
        assert.ok(before && after);
        const comparison = compareDefinitions({ from: v68, to: imported, group: 'version', distribution: 'ubuntu', fromName: '6.8', toName: '6.18-real' }, before, after);
        assert.equal(comparison.status, 'unchanged', JSON.stringify(comparison.typeChanged.slice(0, 3)));
        assert.deepEqual(after.members, before.members, 'declarations and types alike');
      });
    }

    it('sees what did change: struct file_operations gained fop_flags (Linux 6.11), lost mmap_supported_flags', () => {
      const ref = { kind: 'struct' as const, name: 'file_operations' };
      const comparison = compareDefinitions({ from: v68, to: imported, group: 'version', distribution: 'ubuntu', fromName: '6.8', toName: '6.18-real' }, db.definition(ref, v68), db.definition(ref, imported));
      assert.equal(comparison.status, 'changed');
      assert.ok(comparison.added.some((m) => m.declaration === 'fop_flags_t fop_flags'));
      assert.deepEqual(comparison.removed.map((m) => m.name), ['mmap_supported_flags']);
      assert.equal(db.memberHistory(ref, 'open')[imported].state, 'present');
    });

    it('opens what 6.8 hides: struct vm_fault members inside its const anonymous struct', () => {
      const history = db.memberHistory({ kind: 'struct', name: 'vm_fault' }, 'address');
      assert.equal(history[v68].state, 'unknown');
      assert.deepEqual(history[imported], { state: 'present', member: { name: 'address', declaration: 'long unsigned int address', type: 'long unsigned int' } });
    });
  });
});
