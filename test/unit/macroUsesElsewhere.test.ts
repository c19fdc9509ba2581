// A driver header's macro that calls a function some kernels lack, expanded by the .c files
// that include the header: gcc reports the call at the header's #define.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';
import { MacroUsesElsewhere } from '../../src/core/c/macroUsesElsewhere';

/** A reader and lister over in-memory files. */
function uses(files: Record<string, string>): MacroUsesElsewhere {
  const list = (folder: string) => Object.keys(files).filter((path) => path.slice(0, path.lastIndexOf('/')) === folder).map((path) => path.slice(path.lastIndexOf('/') + 1));
  return new MacroUsesElsewhere(list, (path) => files[path]);
}

/**
 * Built with Kbuild against Debian's headers: 6.12 (gcc-12) builds it; 7.3 (gcc-14) stops with
 * "compat.h:5:30: error: implicit declaration of function 'submit_bh'" and the note "demo.c:6:9:
 * in expansion of macro 'demo_submit_read'"; nothing at line 6, whose macro nothing expands.
 */
const COMPAT = [
  '#ifndef DEMO_COMPAT_H',
  '#define DEMO_COMPAT_H',
  '#include <linux/buffer_head.h>',
  '',
  '#define demo_submit_read(bh) submit_bh(REQ_OP_READ, bh)',
  '#define demo_unused(bh) submit_bh(REQ_OP_WRITE, bh)',
  '',
  '#endif',
  '',
].join('\n');
const DEMO = ['#include <linux/module.h>', '#include "compat.h"', '', 'void demo_read(struct buffer_head *bh)', '{', '\tdemo_submit_read(bh);', '}', 'EXPORT_SYMBOL_GPL(demo_read);', 'MODULE_LICENSE("GPL");', ''].join('\n');

describe('macros a header defines and the files that include it expand', () => {
  it('names a .c file that includes the header and expands the macro outside every conditional', () => {
    const found = uses({ '/m/compat.h': COMPAT, '/m/demo.c': DEMO });
    assert.equal(found.expandingSource('/m/compat.h', 'demo_submit_read', true, 'submit_bh'), 'demo.c');
    assert.equal(found.expandingSource('/m/compat.h', 'demo_unused', true, 'submit_bh'), undefined);
  });

  it('looks in the folders above the header, where includes point from', () => {
    const found = uses({ '/m/include/compat.h': COMPAT, '/m/demo.c': DEMO.replace('"compat.h"', '"include/compat.h"') });
    assert.equal(found.expandingSource('/m/include/compat.h', 'demo_submit_read', true, 'submit_bh'), 'demo.c');
  });

  it('counts nothing uncertain: a conditional include or expansion, a comment, or a file that spells the callee itself', () => {
    const conditionalInclude = DEMO.replace('#include "compat.h"', '#ifdef DEMO_COMPAT\n#include "compat.h"\n#endif');
    const conditionalUse = DEMO.replace('\tdemo_submit_read(bh);', '#if DEMO_READS\n\tdemo_submit_read(bh);\n#endif');
    const commented = DEMO.replace('\tdemo_submit_read(bh);', '\t/* demo_submit_read(bh); */');
    const ownDefinition = DEMO.replace('void demo_read', 'static void submit_bh(int op, struct buffer_head *bh) { }\nvoid demo_read');
    for (const source of [conditionalInclude, conditionalUse, commented, ownDefinition]) {
      assert.equal(uses({ '/m/compat.h': COMPAT, '/m/demo.c': source }).expandingSource('/m/compat.h', 'demo_submit_read', true, 'submit_bh'), undefined);
    }
  });

  it('reports the call at the #define on the kernels that lack the function, when the header is checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-macro-'));
    const check = async (files: Record<string, string>) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      let out = '';
      await run(['check', '--targets', '6.12,7.2,7.3', dir], { out: (text) => (out += text), err: () => {} });
      return out.split(dir + '/').join('');
    };
    try {
      mkdirSync(dir, { recursive: true });
      assert.equal(
        await check({ 'Kbuild': 'obj-m += demo.o\n', 'compat.h': COMPAT, 'demo.c': DEMO }),
        "compat.h:5:30: warning: `submit_bh` is not declared by the kernel headers of 7.2–7.3, so the call does not compile there (in the body of the driver's macro `demo_submit_read`, expanded in demo.c) [missing-function]\n",
      );
      assert.equal(await check({ 'demo.c': DEMO.replace('\tdemo_submit_read(bh);', '\t(void)bh;') }), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
