// Rule undeclared-constant: a kernel constant that a targeted kernel's headers do not spell at all.
import * as assert from 'node:assert/strict';
import { spelledWordsFile, vanishingConstants } from '../../scripts/import/headers';
import { WordFilter } from '../../src/core/kernels/wordFilter';
import { addPastingFragments, mayBePasted, noPastingFragments } from '../../src/core/c/pastingFragments';
import { createChecker } from '../../src/cli/runtime';
import type { Checker, CheckOptions } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { constantOccurrences } from '../../src/core/c/constantUses';
import { maskCode } from '../../src/core/c/statements';
import { createIncludeResolver } from '../../src/core/c/includes';
import { bundledDatabase, checkFolder, headerFacts } from './helpers';
import { hoverAnswer } from '../../src/extension/worker/hoverAnswer';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string, options: Partial<CheckOptions> = {}): string[] {
  const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images, ...options });
  return result.findings
    .filter((f) => f.code === 'undeclared-constant')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/**
 * A module built with Kbuild and gcc-12 against Debian's headers: 6.1 stops at 9:26 and 21:16
 * ("‘BIO_MAX_PAGES’ undeclared (first use in this function)"), 6.12 there and at 16:28
 * ("‘QUEUE_FLAG_NONROT’ undeclared"); with `= BIO_MAX_PAGES` on line 5 both stop there
 * ("undeclared here (not in a function)") and report no BIO_MAX_PAGES after it.
 */
const demo = (limit: string) =>
  [
    '#include <linux/module.h>',
    '#include <linux/bio.h>',
    '#include <linux/blkdev.h>',
    '',
    `static unsigned int demo_limit = ${limit};`,
    '',
    'static unsigned int demo_pages(void)',
    '{',
    '\tunsigned int n = BIO_MAX_PAGES;',
    '',
    '\treturn n + BIO_MAX_PAGES;',
    '}',
    '',
    'static void demo_queue(struct request_queue *q)',
    '{',
    '\tblk_queue_flag_set(QUEUE_FLAG_NONROT, q);',
    '}',
    '',
    'static unsigned int demo_more(void)',
    '{',
    '\treturn BIO_MAX_PAGES;',
    '}',
    '',
  ].join('\n');

const GONE_BIO = '`BIO_MAX_PAGES` is declared by no kernel header of 6.1–7.3 (no macro, enumerator or variable of that name)';
const GONE_QUEUE = '`QUEUE_FLAG_NONROT` is declared by no kernel header of 6.12–7.3 (no macro, enumerator or variable of that name), so the use does not compile there';

describe('undeclared-constant', () => {
  it('warns at the first use in each function, on exactly the kernels whose headers never spell the name, as gcc does', () => {
    assert.deepEqual(rows(demo('1'), '5.10,6.1,6.12,7.3'), [
      `warning 9:19-32 [6.1,6.12,7.3] ${GONE_BIO}, so the use does not compile there`,
      `warning 16:21-38 [6.12,7.3] ${GONE_QUEUE}`,
      `warning 21:9-22 [6.1,6.12,7.3] ${GONE_BIO}, so the use does not compile there`,
    ]);
  });

  it('judges enumerators as it judges macros (BLK_MQ_F_SHOULD_MERGE, gone in 7.2), and not one every kernel spells', () => {
    // gcc-16 on 7.2 and gcc-14 on 7.3: "8:26: error: 'BLK_MQ_F_SHOULD_MERGE' undeclared"; 6.12 builds it.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/blk-mq.h>',
      '',
      'static struct blk_mq_tag_set demo_set;',
      '',
      'static void demo_setup(void)',
      '{',
      '\tdemo_set.flags = BLK_MQ_F_SHOULD_MERGE;',
      '\tdemo_set.flags |= BLK_MQ_F_BLOCKING;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.12,7.2,7.3'), [
      'warning 8:19-40 [7.2,7.3] `BLK_MQ_F_SHOULD_MERGE` is declared by no kernel header of 7.2–7.3 (no macro, enumerator or variable of that name), so the use does not compile there',
    ]);
  });

  it("counts only what a module build compiles: a uapi name under #ifndef __KERNEL__ (ASYNCB_INITIALIZED) and one under a config the kernel turns off (5.10's KERNEL_DS, CONFIG_SET_FS off on x86)", () => {
    // gcc-12 on 6.12 and gcc-14 on 7.3: "7:17: error: 'ASYNCB_INITIALIZED' undeclared (first use in this function)".
    const text = [
      '#include <linux/module.h>',
      '#include <linux/tty.h>',
      '#include <linux/serial.h>',
      '',
      'int demo_flag(struct tty_port *port)',
      '{',
      '\tint x = ASYNCB_INITIALIZED;',
      '',
      '\treturn x + test_bit(ASYNCB_INITIALIZED, &port->flags);',
      '}',
      '',
      'static void demo_fs(void)',
      '{',
      '\tset_fs(KERNEL_DS);',
      '}',
    ].join('\n');
    assert.deepEqual(
      rows(text, '5.10,6.1,6.12,7.3').map((row) => row.slice(0, row.indexOf(' (no macro'))),
      ['warning 7:10-28 [5.10,6.1,6.12,7.3] `ASYNCB_INITIALIZED` is declared by no kernel header of 5.10–7.3', 'warning 14:9-18 [5.10,6.1,6.12,7.3] `KERNEL_DS` is declared by no kernel header of 5.10–7.3'],
    );
  });

  it('reports a use outside every function once, and nothing of that name after it (gcc takes it as declared then)', () => {
    assert.deepEqual(rows(demo('BIO_MAX_PAGES'), '5.10,6.1,6.12,7.3'), [
      `warning 5:34-47 [6.1,6.12,7.3] ${GONE_BIO}, so the use outside a function does not compile there`,
      `warning 16:21-38 [6.12,7.3] ${GONE_QUEUE}`,
    ]);
  });

  it("is silent where the driver defines the name (a compat #define, an enumerator, a variable, a -D flag) or the line is not compiled", () => {
    const compat = demo('1').replace('#include <linux/blkdev.h>', '#include <linux/blkdev.h>\n#ifndef BIO_MAX_PAGES\n#define BIO_MAX_PAGES BIO_MAX_VECS\n#endif');
    assert.deepEqual(rows(compat, '6.12').map((row) => row.split(' ')[3]), ['`QUEUE_FLAG_NONROT`']);
    const enumerated = demo('1').replace('#include <linux/blkdev.h>', '#include <linux/blkdev.h>\nenum { QUEUE_FLAG_NONROT = 6, BIO_MAX_PAGES = 256 };');
    assert.deepEqual(rows(enumerated, '6.12'), []);
    const variable = demo('1').replace('#include <linux/blkdev.h>', '#include <linux/blkdev.h>\nstatic int BIO_MAX_PAGES = 256, QUEUE_FLAG_NONROT;');
    assert.deepEqual(rows(variable, '6.12'), []);
    const flagged = rows(demo('1'), '6.12', { defines: [{ name: 'BIO_MAX_PAGES', value: '256', certain: true }] });
    assert.deepEqual(flagged.map((row) => row.split(' ')[3]), ['`QUEUE_FLAG_NONROT`']);
    const guarded = demo('1').replace('\tblk_queue_flag_set(QUEUE_FLAG_NONROT, q);', '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)\n\tblk_queue_flag_set(QUEUE_FLAG_NONROT, q);\n#endif').replace('#include <linux/module.h>', '#include <linux/module.h>\n#include <linux/version.h>');
    assert.deepEqual(rows(guarded, '6.12').map((row) => row.split(' ')[3]), ['`BIO_MAX_PAGES`', '`BIO_MAX_PAGES`']);
  });

  it('is silent on a name a macro of the driver may declare: one its #define bodies spell, one a macro outside every function is given (evaluator probes)', () => {
    const probe = (lines: string[]) => rows(['#include <linux/module.h>', '#include <linux/spinlock.h>', ...lines, ''].join('\n'), '6.1,6.12');
    assert.deepEqual(probe(['#define HCI_TYPES(X) X(HCI_PRIMARY) X(HCI_AMP)', '#define AS_ENUM(n) n,', 'enum hci_types { HCI_TYPES(AS_ENUM) };', 'int b(void) { return HCI_AMP; }']), []);
    assert.deepEqual(probe(['#define DECLARE_CONST(n, v) static const int n = v', 'DECLARE_CONST(TTY_LDISC_MAGIC, 0x5403);', 'int a(void) { return TTY_LDISC_MAGIC; }']), []);
    assert.deepEqual(probe(['static DEFINE_SPINLOCK(HCI_AMP);', 'void c(void) { spin_lock(&HCI_AMP); }']), []);
    // The same uses with nothing declaring them: gcc-12 stops at each on 6.1 and 6.12.
    assert.deepEqual(probe(['int b(void) { return HCI_AMP; }', 'int a(void) { return TTY_LDISC_MAGIC; }']).map((row) => row.split(' ').slice(1, 4).join(' ')), [
      '3:22-29 [6.1,6.12] `HCI_AMP`',
      '4:22-37 [6.1,6.12] `TTY_LDISC_MAGIC`',
    ]);
  });

  it("judges a constant in a kernel macro's argument that the macro compiles as a value (min), not in one it may make something else of (__stringify, the driver's own), nor without header data", () => {
    const inMacro = demo('1').replace('\tunsigned int n = BIO_MAX_PAGES;', '\tunsigned int n = min(BIO_MAX_PAGES, 8);').replace('\treturn BIO_MAX_PAGES;', '\treturn __stringify(BIO_MAX_PAGES)[0];');
    // gcc-12, 6.1: "9:30: error: ‘BIO_MAX_PAGES’ undeclared (first use in this function)"; line 21 compiles (a string).
    assert.deepEqual(rows(inMacro, '6.1').map((row) => row.split(' ')[1]), ['9:23-36']);
    const inOwnMacro = demo('1').replace('#include <linux/blkdev.h>', '#include <linux/blkdev.h>\n#define DEMO_ID(x) x').replace('\tunsigned int n = BIO_MAX_PAGES;', '\tunsigned int n = DEMO_ID(BIO_MAX_PAGES);');
    // gcc reports line 10 (its first use in the function, through DEMO_ID); the check judges no
    // driver macro's argument, so it reports nothing in that function rather than line 12.
    assert.deepEqual(rows(inOwnMacro, '6.1').map((row) => row.split(' ')[1]), ['22:9-22']);
    // Likewise after a use in a kernel macro the data does not show passing it (sizeof_field's
    // member, which gcc compiles, index and all), and after one on a line the target may compile
    // (a test of a kernel header's macro, which the check does not read).
    const afterSizeofField = demo('1').replace('\tunsigned int n = BIO_MAX_PAGES;', '\tunsigned int n = sizeof_field(struct bio_vec, bv_len) * 0 + sizeof_field(struct demo_table, slots[BIO_MAX_PAGES]);').replace('static unsigned int demo_pages', 'struct demo_table { int slots[4]; };\nstatic unsigned int demo_pages');
    assert.deepEqual(rows(afterSizeofField, '6.1').map((row) => row.split(' ')[1]), ['22:9-22']);
    const afterMaybe = demo('1').replace('\tunsigned int n = BIO_MAX_PAGES;', '#if BITS_PER_LONG == 64\n\tunsigned int n = BIO_MAX_PAGES;\n#else\n\tunsigned int n = 1;\n#endif');
    assert.deepEqual(rows(afterMaybe, '6.1').map((row) => row.split(' ')[1]), ['25:9-22']);
    // gcc's architecture macro follows the kernel's config: 6.1 is Debian's amd64 (gcc-12: 10:26).
    const onX86 = afterMaybe.replace('#if BITS_PER_LONG == 64', '#ifdef __x86_64__');
    assert.deepEqual(rows(onX86, '6.1').map((row) => row.split(' ')[1]), ['10:19-32', '25:9-22']);
    // What Kbuild and gcc always do decides: -O2 defines __OPTIMIZE__, so BUILD_BUG_ON compiles
    // its condition, and a line under #ifdef __OPTIMIZE__ is compiled (gcc-12, 6.1: 11:22 and 10:26).
    const inBuildBug = demo('1').replace('\tunsigned int n = BIO_MAX_PAGES;', '\tunsigned int n = 1;\n\n\tBUILD_BUG_ON(BIO_MAX_PAGES > 1024);');
    assert.deepEqual(rows(inBuildBug, '6.1').map((row) => row.split(' ')[1]), ['11:15-28', '23:9-22']);
    const optimized = demo('1').replace('\tunsigned int n = BIO_MAX_PAGES;', '#ifdef __OPTIMIZE__\n\tunsigned int n = BIO_MAX_PAGES;\n#else\n\tunsigned int n = 1;\n#endif');
    assert.deepEqual(rows(optimized, '6.1').map((row) => row.split(' ')[1]), ['10:19-32', '25:9-22']);
    // A function of the driver's, defined in another file (enhanceio's eio_ttc_get_device(…, mode | FMODE_EXCL, …)): judged.
    const inFunction = demo('1').replace('\treturn BIO_MAX_PAGES;', '\treturn demo_elsewhere(BIO_MAX_PAGES);').replace('static unsigned int demo_more', 'unsigned int demo_elsewhere(unsigned int);\nstatic unsigned int demo_more');
    assert.deepEqual(rows(inFunction, '6.1').map((row) => row.split(' ')[1]), ['9:19-32', '22:24-37']);
    assert.deepEqual(rows(demo('1'), '4.4,5.4,6.8'), []);
  });


  it("judges the argument of an attribute macro the parser takes for a type (`u8 buffer[16] __aligned(IIO_DMA_MINALIGN);`, IIO_DMA_MINALIGN from 6.0), not a driver macro's", () => {
    const text = (member: string) =>
      ['#include <linux/module.h>', '#include <linux/iio/iio.h>', '', 'struct demo_state {', '\tint x;', member, '};', '', 'int demo_size(void);', 'int demo_size(void)', '{', '\treturn sizeof(struct demo_state);', '}', ''].join('\n');
    // gcc-10 on 5.10: "6:26: error: 'IIO_DMA_MINALIGN' undeclared here (not in a function)"; gcc-12 builds it on 6.1.
    assert.deepEqual(rows(text('\tu8 buffer[16] __aligned(IIO_DMA_MINALIGN);'), '5.10,6.1'), [
      'warning 6:26-42 [5.10] `IIO_DMA_MINALIGN` is declared by no kernel header of 5.10 (no macro, enumerator or variable of that name), so the use outside a function does not compile there',
    ]);
    const ownMacro = text('\tu8 buffer[16] DEMO_ALIGNED(IIO_DMA_MINALIGN);').replace('struct demo_state {', '#define DEMO_ALIGNED(x)\nstruct demo_state {');
    assert.deepEqual(rows(ownMacro, '5.10,6.1'), []);
  });
  it("reports a use in a workspace header at the header's line, from the check of the .c file that reads it", async () => {
    // gcc-10 on 5.10: "In file included from demo.c:2: demo.h:4:12: error: 'IIO_DMA_MINALIGN'
    // undeclared here (not in a function)", and nothing at line 8, which then counts as declared;
    // 6.1 builds it. Without the member, line 8 is the first use.
    const header = [
      '#include <linux/iio/iio.h>',
      'struct demo_state {',
      '\tint x;',
      '\tu8 buffer[IIO_DMA_MINALIGN];',
      '};',
      'static inline unsigned int demo_align(void)',
      '{',
      '\treturn IIO_DMA_MINALIGN;',
      '}',
      '',
    ].join('\n');
    const files = { Kbuild: 'obj-m += demo.o\n', 'demo.h': header, 'demo.c': '#include <linux/module.h>\n#include "demo.h"\n\nMODULE_LICENSE("GPL");\n' };
    const reported = async (given: Record<string, string>) =>
      (await checkFolder(given, '5.10,6.1')).map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.code} [${finding.targets.join(',')}]`);
    assert.deepEqual(await reported(files), ['demo.h:4:12 undeclared-constant [5.10]']);
    assert.deepEqual(await reported({ ...files, 'demo.h': header.replace('\tu8 buffer[IIO_DMA_MINALIGN];\n', '') }), ['demo.h:7:9 undeclared-constant [5.10]']);
    // The driver's own: the .c file or another header spells the name, or a #define of the header's body does.
    assert.deepEqual(await reported({ ...files, 'demo.c': files['demo.c'].replace('MODULE_LICENSE', '#ifndef IIO_DMA_MINALIGN\n#define IIO_DMA_MINALIGN 8\n#endif\nMODULE_LICENSE') }), []);
    assert.deepEqual(await reported({ ...files, 'demo.h': `#define DEMO_LIST(X) X(IIO_DMA_MINALIGN)\n${header}` }), []);
    // No .c file reads it: nothing says what comes before it.
    assert.deepEqual(await reported({ Kbuild: files.Kbuild, 'demo.h': header }), []);
  });

  it("is silent on names the driver's own headers spell (tpm_tis_core.h's enumerator TPM_INTF_BURST_COUNT_STATIC), and in a header checked alone", () => {
    const withHeader = demo('1').replace('#include <linux/module.h>', '#include <linux/module.h>\n#include "limits.h"');
    const headers: Record<string, string> = { '/ws/limits.h': 'enum demo_limits {\n\tBIO_MAX_PAGES = 256,\n};\n' };
    const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
    assert.deepEqual(rows(withHeader, '6.12', { resolveInclude }).map((row) => row.split(' ')[3]), ['`QUEUE_FLAG_NONROT`']);
    const plain = createIncludeResolver(['/ws'], (path) => ({ '/ws/limits.h': '#define DEMO_LIMIT 4\n' })[path]);
    assert.deepEqual(rows(withHeader, '6.12', { resolveInclude: plain }).map((row) => row.split(' ')[3]), ['`BIO_MAX_PAGES`', '`QUEUE_FLAG_NONROT`', '`BIO_MAX_PAGES`']);
    assert.deepEqual(rows(demo('1'), '6.12', { fileName: '/ws/drv.h' }), []);
  });

  it('judges nothing where the build may define the name unseen: an include it cannot follow, flags it cannot read', () => {
    const unread = demo('1').replace('#include <linux/module.h>', '#include <linux/module.h>\n#include "compat.h"');
    assert.deepEqual(rows(unread, '6.12'), []);
    assert.deepEqual(rows(demo('1'), '6.12', { unreadFlags: true }), []);
  });

  it('follows a quoted include of a kernel header that the workspace lacks: gcc finds it through the kernel\'s -I folders (AQtion\'s "net/macsec.h")', () => {
    const quoted = demo('1').replace('#include <linux/bio.h>', '#include "linux/bio.h"');
    assert.deepEqual(rows(quoted, '6.12').map((row) => row.split(' ')[1]), ['9:19-32', '16:21-38', '21:9-22']);
  });

  it('re-checks an edit inside a function as a whole check does, also where a use outside every function silences later ones', () => {
    const targets = parseTargets('6.1,6.12', db.images).images;
    for (const limit of ['1', 'BIO_MAX_PAGES']) {
      const before = demo(limit);
      const after = before.replace('\treturn BIO_MAX_PAGES;', '\treturn BIO_MAX_PAGES + 1;');
      const documentKey = `edit-${limit}`;
      checker.check(before, { fileName: '/ws/drv.c', targets, documentKey });
      const edited = checker.check(after, { fileName: '/ws/drv.c', targets, documentKey });
      const whole = checker.check(after, { fileName: '/ws/drv.c', targets });
      const constants = (findings: typeof whole.findings) => findings.filter((f) => f.code === 'undeclared-constant').map((f) => `${f.range.startLine + 1}:${f.range.startColumn + 1} ${f.targets.join(',')}`);
      assert.deepEqual(constants(edited.findings), constants(whole.findings));
      assert.equal(constants(whole.findings).length, limit === '1' ? 3 : 2);
      checker.forget(documentKey);
    }
  });

  it('hovers on a constant with how each targeted kernel has it', () => {
    const targets = parseTargets('5.10,6.1,6.8,6.12', db.images).images;
    const text = demo('1');
    const result = checker.check(text, { fileName: '/ws/drv.c', targets });
    const hover = (constant: string) => hoverAnswer(db, { version: 1, targets, result, text }, { key: 'k', version: 1, offset: 0, line: 8, character: 20, constant })?.markdown;
    assert.equal(
      hover('BIO_MAX_PAGES'),
      [
        '**`BIO_MAX_PAGES`** on the targeted kernels',
        '',
        '- 5.10: a macro of the kernel headers',
        '- 6.1, 6.12: **not declared**: no kernel header spells it, so a use does not compile there',
        '',
        'Not known on 6.8: the data has no headers of those kernels.',
      ].join('\n'),
    );
    // A name every kernel with header data spells, or none does: nothing to say.
    assert.equal(hover('GFP_KERNEL'), undefined);
    assert.equal(hover('DEMO_OWN_LIMIT'), undefined);
  });

  it('finds candidate names in code only: not in directives, comments, strings, calls or member names', () => {
    const text = ['#ifdef FOO_A', '/* FOO_A */ x = FOO_A + s.FOO_A + p->FOO_A + FOO_A(1);', 'y = "FOO_A";', '#define BAR FOO_A', ''].join('\n');
    const masked = maskCode(text);
    const directive = (line: number) => /^\s*#/.test(text.split('\n')[line]);
    const found = constantOccurrences(masked, directive, [0, 13, 67, 80], (name) => name === 'FOO_A');
    assert.deepEqual(found.map((o) => `${o.line}:${o.startColumn}`), ['1:16']);
  });
});

/**
 * A module built with Kbuild against Debian's headers, each with its kernel's gcc (10, 12, 12,
 * 16, 14): 5.10-7.3 stop at 15:25 ("‘RX_FLAG_HT’ undeclared (first use in this function)",
 * gone from mac80211.h in 4.12) and 21:16 (RX_FLAG_SHORTPRE), not at 16; 6.12-7.3 also at 8:9
 * (implicit declaration of X86_MATCH_INTEL_FAM6_MODEL, gone in 6.12), 8:36 and 9:36
 * ("‘CORE2_MEROM’ undeclared here (not in a function)"). Lines 24-31 compile everywhere: the
 * driver's macro pastes DEMO_REG_CTRL, and DEFINE_WAIT declares WAITER.
 */
const NEVER_SPELLED = [
  '#include <linux/module.h>',
  '#include <linux/wait.h>',
  '#include <asm/cpu_device_id.h>',
  '#include <asm/intel-family.h>',
  '#include <net/mac80211.h>',
  '',
  'static const struct x86_cpu_id demo_ids[] = {',
  '\tX86_MATCH_INTEL_FAM6_MODEL(CORE_YONAH, NULL),',
  '\tX86_MATCH_INTEL_FAM6_MODEL(CORE2_MEROM, NULL),',
  '\t{}',
  '};',
  '',
  'void demo_rx(struct ieee80211_rx_status *status)',
  '{',
  '\tstatus->flag |= RX_FLAG_HT;',
  '\tstatus->flag |= RX_FLAG_HT;',
  '}',
  '',
  'int demo_other(void)',
  '{',
  '\treturn RX_FLAG_SHORTPRE;',
  '}',
  '',
  '#define DEMO_REG(x) DEMO_REG_##x',
  'enum { DEMO_REG(CTRL) = 1 };',
  '',
  'int demo_reg(void)',
  '{',
  '\tDEFINE_WAIT(WAITER);',
  '\tfinish_wait(NULL, &WAITER);',
  '\treturn DEMO_REG_CTRL + (int)demo_ids[0].family;',
  '}',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

describe('undeclared-constant: names no kernel spells', () => {
  const NO_MACRO = '(no macro, enumerator or variable of that name)';
  const GONE_MATCH = 'it is an argument of `X86_MATCH_INTEL_FAM6_MODEL`, which those kernels do not define';

  it('warns on a constant every targeted kernel dropped (RX_FLAG_HT, gone in 4.12) and on the arguments of a pasting macro where the macro is gone, as gcc does', () => {
    assert.deepEqual(rows(NEVER_SPELLED, '5.10,6.1,6.12,7.2,7.3'), [
      `warning 8:29-39 [6.12,7.2,7.3] \`CORE_YONAH\` is declared by no kernel header of 6.12–7.3 ${NO_MACRO}, so the use outside a function does not compile there; ${GONE_MATCH}`,
      `warning 9:29-40 [6.12,7.2,7.3] \`CORE2_MEROM\` is declared by no kernel header of 6.12–7.3 ${NO_MACRO}, so the use outside a function does not compile there; ${GONE_MATCH}`,
      `warning 15:18-28 [5.10,6.1,6.12,7.2,7.3] \`RX_FLAG_HT\` is declared by no kernel header of 5.10–7.3 ${NO_MACRO}, so the use does not compile there`,
      `warning 21:9-25 [5.10,6.1,6.12,7.2,7.3] \`RX_FLAG_SHORTPRE\` is declared by no kernel header of 5.10–7.3 ${NO_MACRO}, so the use does not compile there`,
    ]);
  });

  it('judges such a name only on kernels with header data, and not where the driver may make it: a macro of its own that joins two parameters', () => {
    assert.deepEqual(rows(NEVER_SPELLED, '4.15,5.4'), []);
    const joining = NEVER_SPELLED.replace('#define DEMO_REG(x) DEMO_REG_##x', '#define DEMO_REG(x) DEMO_REG_##x\n#define DEMO_JOIN(a, b) a##b');
    assert.deepEqual(rows(joining, '6.12'), []);
    const unfollowed = NEVER_SPELLED.replace('#include <linux/wait.h>', '#include "generated_regs.h"');
    assert.deepEqual(rows(unfollowed, '6.12'), []);
    assert.deepEqual(rows(NEVER_SPELLED, '6.12', { unreadFlags: true }), []);
  });
});

describe('undeclared-constant data: names no kernel spells', () => {
  it('keeps every name the kernels spell, and the pieces their macros paste names from', () => {
    const facts = [
      headerFacts({ spelledConstants: new Set(['NETIF_F_SG', 'GFP_KERNEL']), pastingFragments: { prefixes: new Set(['NETIF_F_']), suffixes: new Set(['_BIT']), joinsParameters: true } }),
      headerFacts({ spelledConstants: new Set(['GFP_ATOMIC']), pastingFragments: { prefixes: new Set(['PGALLOC_']), suffixes: new Set(), joinsParameters: false } }),
    ];
    const file = spelledWordsFile([3, 5], facts);
    const filter = WordFilter.unpack(file.filter);
    assert.deepEqual(['NETIF_F_SG', 'GFP_KERNEL', 'GFP_ATOMIC'].map((name) => filter.mayHold(name)), [true, true, true]);
    assert.deepEqual([file.images, file.pastedPrefixes, file.pastedSuffixes], [[3, 5], ['NETIF_F_', 'PGALLOC_'], ['_BIT']]);
    const pieces = { prefixes: new Set(file.pastedPrefixes), suffixes: new Set(file.pastedSuffixes) };
    assert.deepEqual(['PGALLOC_NORMAL', 'NETIF_F_LLTX', 'DEMO_ENABLE_BIT', 'RX_FLAG_HT'].map((name) => mayBePasted(name, pieces)), [true, true, true, false]);
    // Only onto a piece some caller spells (or digits): a header passing DEMO_ENABLE makes DEMO_ENABLE_BIT, nothing makes RX_FLAG_STBC_BIT.
    const spelled = (piece: string) => ['DEMO_ENABLE', 'PGALLOC'].includes(piece);
    assert.deepEqual(['DEMO_ENABLE_BIT', 'RX_FLAG_STBC_BIT', 'PGALLOC_NORMAL', 'NETIF_F_32'].map((name) => mayBePasted(name, { prefixes: new Set(['NETIF_F_']), suffixes: new Set(['_BIT', '_NORMAL']) }, spelled)), [true, false, true, true]);
  });

  it('reads the pieces a driver macro pastes: literals beside ## in capitals, not its parameters; two parameters joined leave every name open', () => {
    const fragments = noPastingFragments();
    addPastingFragments(['#define REG(x) MYDEV_##x', '#define SHOW(name) name##_show', '#define FIELD(f) \\', '\t(f##_MASK | f ## _SHIFT)', '#define ONE 1'].join('\n'), fragments);
    assert.deepEqual([[...fragments.prefixes], [...fragments.suffixes].sort(), fragments.joinsParameters], [['MYDEV_'], ['_MASK', '_SHIFT'], false]);
    addPastingFragments('#define LOG(lvl, fmt, ...) pr_##lvl(fmt, ##__VA_ARGS__)\n#define SIZE_C(n) n##ULL', fragments);
    assert.deepEqual([...fragments.suffixes].sort(), ['_MASK', '_SHIFT']);
    assert.equal(fragments.joinsParameters, false);
    addPastingFragments('#define CAT(a, b) a ## b', fragments);
    assert.equal(fragments.joinsParameters, true);
  });

  it('answers "maybe" for every word it was built from, and "no" for most others', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `KERNEL_NAME_${i}`);
    const filter = WordFilter.unpack(WordFilter.of(words, 0.01).pack());
    assert.equal(words.every((word) => filter.mayHold(word)), true);
    const strangers = Array.from({ length: 5000 }, (_, i) => `DRIVER_NAME_${i}`).filter((word) => filter.mayHold(word));
    assert.ok(strangers.length < 150, `${strangers.length} of 5000 other words read as held`);
  });
});

describe('undeclared-constant data: enumerators', () => {
  it('takes enumerators in capitals as constants too (BLK_MQ_F_SHOULD_MERGE, an enumerator up to 6.12, spelled nowhere in 7.2)', () => {
    const facts = [
      headerFacts({ enumConstants: ['BLK_MQ_F_SHOULD_MERGE', 'BLK_MQ_F_BLOCKING'], spelledConstants: new Set(['BLK_MQ_F_SHOULD_MERGE', 'BLK_MQ_F_BLOCKING']) }),
      headerFacts({ enumConstants: ['BLK_MQ_F_BLOCKING'], spelledConstants: new Set(['BLK_MQ_F_BLOCKING']) }),
    ];
    assert.deepEqual([...vanishingConstants(facts)], [['BLK_MQ_F_SHOULD_MERGE', 0b01]]);
  });
});
