// Code inside an argument the driver's macro drops, stringifies or pastes is not judged as written.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { macroDefinitions } from '../../src/core/c/droppedArguments';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

const DRIVER = `#include <linux/fs.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define OLD_CTIME(x) x
#else
#define OLD_CTIME(x)
#endif
#define NAME_OF(x) #x
#define OPS_OF(x) x##_ops

static void touch(struct inode *inode)
{
	OLD_CTIME(inode->i_ctime.tv_sec = 0);
	pr_info("%s\\n", NAME_OF(inode->i_nope));
}
`;

function rows(text: string, spec: string): string[] {
  const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images });
  return result.findings.filter((f) => f.code === 'missing-member').map((f) => `${f.range.startLine + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.member}`);
}

describe('arguments of driver macros', () => {
  it('reads which parameters a macro uses as code', () => {
    const found = macroDefinitions(
      '#define A(x, y) f(x) + #y\n#define B(p) p##_ops\n#define C(a, b) a + \\\n  b\n#define V(...) g(__VA_ARGS__)\n#define W(fmt, arg...) h(fmt, ##arg)\n#define P(x, ...) x##__VA_ARGS__\n',
    );
    assert.deepEqual(found.map((m) => [m.name, m.line, m.parameters, [...m.used], m.variadic]), [
      ['A', 0, 2, [0], false],
      ['B', 1, 1, [], false],
      ['C', 2, 2, [0, 1], false],
      ['V', 4, 1, [0], true],
      // `, ##arg` drops only the comma before empty arguments: they are code.
      ['W', 5, 2, [0, 1], true],
      ['P', 6, 2, [], true],
    ]);
  });

  it('judges a member only where the compiler sees it: debug output compiled away, an argument a macro keeps', () => {
    const text = [
      '#include <linux/blkdev.h>',
      '#define dbg(fmt, args...)',
      '#define rx_quota(count, quota) count',
      'static int f(struct block_device *b)',
      '{',
      '\tdbg("part %p, %s", b->bd_part, "a, b");',
      '\treturn rx_quota(1, (int)b->bd_part->x) + rx_quota(b->bd_part != NULL, 0);',
      '}',
      '',
    ].join('\n');
    const result = checker.check(text, { fileName: '/ws/drop.c', targets: parseTargets('6.1', db.images).images });
    // Only the argument rx_quota keeps reaches the compiler (bd_part left block_device in 5.11).
    assert.deepEqual(
      result.findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1}`),
      ['missing-member 7:55'],
    );
  });

  it("judges the arguments a variadic debug macro passes on after `, ##` (fbtft's fbtft_par_dbg), also on a call's later lines", () => {
    // gcc-12 on 6.1: "14:21" and "15:34: error: 'struct block_device' has no member named 'bd_part'"; 5.10 builds it.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/blkdev.h>',
      '#define demo_dbg(level, dev, format, arg...) \\',
      'do { \\',
      '\tif (level) \\',
      '\t\tdev_info(dev, format, ##arg); \\',
      '} while (0)',
      '#define demo_log(format, ...) pr_info(format, ## __VA_ARGS__)',
      '#define demo_pasted(x, ...) x##__VA_ARGS__',
      '',
      'void f(struct block_device *b, struct device *dev)',
      '{',
      '\tdemo_dbg(1, dev, "part %p\\n",',
      '\t\t b->bd_part);',
      '\tdemo_log("part %p\\n", b->bd_part);',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '5.10,6.1'), ['14 [6.1] bd_part', '15 [6.1] bd_part']);
  });

  it("judges no argument that one of the macro's definitions of another shape leaves out, where the target may take either (seeed-voicecard's AC101_DBG under #ifdef AC101_DEBG)", () => {
    const text = [
      '#include <linux/blkdev.h>',
      '#ifdef DEMO_DEBUG',
      '#define demo_dbg(fmt, ...) printk(fmt, __VA_ARGS__)',
      '#else',
      '#define demo_dbg(...)',
      '#endif',
      'static void f(struct block_device *b)',
      '{',
      '\tdemo_dbg("part %p\\n", b->bd_part);',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1'), []);
    assert.deepEqual(rows(text.replace('#define demo_dbg(...)', '#define demo_dbg(...) printk(__VA_ARGS__)'), '6.1'), ['9 [6.1] bd_part']);
  });

  it('judges an argument only on the targets whose definition of the macro compiles it', () => {
    assert.deepEqual(rows(DRIVER, '6.1,6.12'), []);
    assert.deepEqual(rows(DRIVER.replace('#define OLD_CTIME(x)\n', '#define OLD_CTIME(x) x\n'), '6.1,6.12'), ['13 [6.12] i_ctime']);
  });
});
