// A .c file that another .c file #includes is compiled as part of its includer, after the
// includer's headers: alone it is no translation unit, and is not judged alone.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';
import { IncludedSources, includedSourcePaths } from '../../src/core/c/includedSources';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('.c files included by other .c files', () => {
  const folder = relative(process.cwd(), join(packageRoot, 'test', 'fixtures', 'included-source'));

  it('judges an included .c file only as part of its includer, and a lone one as before', async () => {
    // demo_selftest.c uses struct pci_dev whole with only <linux/random.h>: demo.c includes it
    // after <linux/pci.h>. lone_selftest.c, the same text that nothing includes, is judged.
    const result = await cli(['check', '--targets', '6.1', folder]);
    const lone = join(folder, 'selftests', 'lone_selftest.c');
    assert.deepEqual(result.out.trim().split('\n'), [
      `${lone}:6:15: warning: \`struct pci_dev\` is an incomplete type here with the kernel headers of 6.1: only \`<linux/pci.h>\` defines it there, and this file does not include it, directly or through the headers it includes [incomplete-struct]`,
    ]);
    assert.match(result.err, /demo_selftest\.c: not built alone: \.\.\/demo\.c includes it: not checked/);
  });

  it('names the includer of a .c file that the module\'s object list leaves out, not only the list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernel-compat-included-'));
    try {
      writeFileSync(join(dir, 'Kbuild'), 'obj-m := demo.o\n');
      writeFileSync(join(dir, 'demo.c'), '#include <linux/module.h>\n#ifdef __x86_64__\n#include "demo_x86.c"\n#endif\nMODULE_LICENSE("GPL");\n');
      writeFileSync(join(dir, 'demo_x86.c'), 'static int demo_arch(void)\n{\n\treturn 64;\n}\n');
      writeFileSync(join(dir, 'stray.c'), 'static int stray(void)\n{\n\treturn 0;\n}\n');
      const result = await cli(['check', '--targets', '6.1', dir]);
      assert.match(result.err, /demo_x86\.c: not built alone: demo\.c includes it: not checked/);
      assert.match(result.err, /stray\.c: not built by Kbuild \(stray\.o is not in obj-m\): not checked/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds includers in the file\'s folder and the two above, by the path the include names', () => {
    const texts = new Map([
      ['/t/a/main.c', '#include "b/c/deep.c"\n #  include "near.c"\n#include "header.h"\n'],
      ['/t/a/b/c/near.c', ''],
      ['/t/a/near.c', ''],
    ]);
    const list = (dir: string) => [...texts.keys()].filter((path) => path.slice(0, path.lastIndexOf('/')) === dir).map((path) => path.slice(dir.length + 1));
    const sources = new IncludedSources(list, (path) => texts.get(path));
    assert.deepEqual(includedSourcePaths('/t/a/main.c', texts.get('/t/a/main.c')!), ['/t/a/b/c/deep.c', '/t/a/near.c']);
    assert.equal(sources.includerOf('/t/a/b/c/deep.c'), '/t/a/main.c');
    assert.equal(sources.includerOf('/t/a/near.c'), '/t/a/main.c');
    // Same name elsewhere: not the file main.c includes.
    assert.equal(sources.includerOf('/t/a/b/c/near.c'), undefined);
  });

  it("finds an includer in a folder beside the file's (wireguard's zinc/chacha20/chacha20.c includes \"../selftest/chacha20.c\")", () => {
    const texts = new Map([
      ['/z/chacha20/chacha20.c', '#include <linux/vmalloc.h>\n#include "../selftest/chacha20.c"\n'],
      ['/z/selftest/chacha20.c', 'static bool chacha20_selftest(void) { return vzalloc(1) != NULL; }\n'],
      ['/z/selftest/run.h', ''],
      ['/z/selftest/lonely.c', ''],
    ]);
    const list = (dir: string) => {
      const below = [...texts.keys()].filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1).split('/')[0]);
      return [...new Set(below)];
    };
    const sources = new IncludedSources(list, (path) => texts.get(path));
    assert.equal(sources.includerOf('/z/selftest/chacha20.c'), '/z/chacha20/chacha20.c');
    assert.equal(sources.includerOf('/z/selftest/lonely.c'), undefined);
  });
});
