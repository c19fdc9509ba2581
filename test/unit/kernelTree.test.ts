// A workspace that is a kernel tree: its include/ and arch/<arch>/include/ are the kernel's
// headers, so the structs they define are judged as the kernel's, not taken for a driver's.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('a workspace that is a kernel tree', () => {
  const tree = relative(process.cwd(), join(packageRoot, 'test', 'fixtures', 'kernel-tree'));
  const driver = join(tree, 'drivers', 'block', 'demo', 'demo.c');

  it('judges an in-tree driver against the kernel\'s structs, not the tree\'s headers taken as the driver\'s', async () => {
    const result = await cli(['check', '--targets', '6.1', '--workspace', tree, join(tree, 'drivers')]);
    assert.deepEqual(result.out.trim().split('\n'), [
      `${driver}:7:15: warning: \`bd_part\` is not in struct block_device on 6.1: removed in 5.11 [missing-member]`,
      `${driver}:13:3: warning: \`not_a_member\` is not in struct file_operations on 6.1 [missing-member]`,
    ]);
    // unset.c has the same bd_part, under a symbol no kernel's config sets: in a kernel tree
    // that symbol is the kernel's, and off.
    assert.match(result.err, /unset\.c: not built on the targeted kernels \(CONFIG_BLK_DEV_DEMO_UNSET off\): not checked/);
  });

  it('knows a folder named alone lies in a kernel tree, and judges it as part of that tree', async () => {
    // An in-tree driver's folder checked without --workspace: the tree around it still decides
    // what is the kernel's and which config symbols are off.
    const alone = await cli(['check', '--targets', '6.1', join(tree, 'drivers', 'block')]);
    const withRoot = await cli(['check', '--targets', '6.1', '--workspace', tree, join(tree, 'drivers', 'block')]);
    assert.equal(alone.out, withRoot.out);
    assert.match(alone.err, /unset\.c: not built on the targeted kernels \(CONFIG_BLK_DEV_DEMO_UNSET off\): not checked/);
  });

  it('takes the same headers for the driver\'s own where no kernel tree holds them', async () => {
    // A copy of the tree's folders without its top Kbuild and Makefile: include/ and arch/ are
    // then folders of the driver, and their structs its own.
    const copy = mkdtempSync(join(tmpdir(), 'kc-not-a-tree-'));
    try {
      for (const folder of ['include', 'arch', 'drivers']) cpSync(join(tree, folder), join(copy, folder), { recursive: true });
      const result = await cli(['check', '--targets', '6.1', join(copy, 'include'), join(copy, 'arch'), join(copy, 'drivers')]);
      assert.equal(result.out, '');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
