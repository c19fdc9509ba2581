// Rule undefined-macro: a call of one of the driver's own function-like macros, or one of its
// macros named as a type in a function definition, where none of its #defines is compiled (each
// under a condition the kernel does not meet): gcc takes it for an undeclared function or an
// unknown type name and stops; a body whose parameters it cannot read it passes over.
import * as assert from 'node:assert/strict';
import { checkFolder, type ReportedFinding } from './helpers';

/**
 * Built with Kbuild against Debian's headers: 5.10 (gcc-10) builds it; 6.1 (gcc-12) stops at
 * 35:16 ("implicit declaration of function 'demo_old_helper'"); 7.3 (gcc-14) at 19:9
 * (`DEMO_CHECK`, whose #define needs the EXTRA_CFLAGS flag Kbuild ignores from 6.15), 20:16
 * (`DEMO_TO_CTRL`) and 35:16, and at what follows from them (19:23 and 27:23, "'out'
 * undeclared"; 20:31), which the rule does not claim. The second call of `DEMO_CHECK`, at 27, gets no
 * implicit declaration error: gcc reports one per file.
 */
const MODULE = {
  Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += -DDEMO_USE_SDIO\n',
  'demo.h': [
    '#ifndef DEMO_H',
    '#define DEMO_H',
    '#ifdef DEMO_USE_SDIO',
    '#define DEMO_CHECK(p, label) do { if (!(p)) goto label; } while (0)',
    '#define DEMO_TO_CTRL(p) ((struct demo_ctrl *)(p)->priv)',
    '#else',
    '#define DEMO_BUS_NAME "spi"',
    '#endif',
    '#endif',
    '',
  ].join('\n'),
  'demo.c': [
    '#include <linux/module.h>',
    '#include <linux/version.h>',
    '#include "demo.h"',
    '',
    'struct demo_ctrl {',
    '\tint n;',
    '};',
    '',
    'struct demo {',
    '\tvoid *priv;',
    '};',
    '',
    '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)',
    '#define demo_old_helper(x) ((x) + 1)',
    '#endif',
    '',
    'static int demo_a(struct demo *d)',
    '{',
    '\tDEMO_CHECK(d, out);',
    '\treturn DEMO_TO_CTRL(d)->n;',
    'out:',
    '\treturn -1;',
    '}',
    '',
    'static int demo_b(struct demo *d)',
    '{',
    '\tDEMO_CHECK(d, out);',
    '\treturn 0;',
    'out:',
    '\treturn -1;',
    '}',
    '',
    'static int demo_c(int x)',
    '{',
    '\treturn demo_old_helper(x);',
    '}',
    '',
    'static int __init demo_init(void)',
    '{',
    '\tstruct demo d = { 0 };',
    '',
    '\treturn demo_a(&d) + demo_b(&d) + demo_c(1);',
    '}',
    '',
    'static void __exit demo_exit(void)',
    '{',
    '}',
    '',
    'module_init(demo_init);',
    'module_exit(demo_exit);',
    'MODULE_LICENSE("GPL");',
    '',
  ].join('\n'),
};

const TARGETS = '5.10,6.1,6.12,7.2,7.3';

function brief(findings: ReportedFinding[]): string[] {
  return findings.filter((finding) => finding.code === 'undefined-macro').map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.targets.join(',')}`);
}

describe('undefined-macro', () => {
  it("reports the first call of a driver's macro that no compiled #define defines, on exactly the kernels where none is", async () => {
    const findings = await checkFolder(MODULE, TARGETS);
    assert.deepEqual(brief(findings), ['demo.c:19:2 7.2,7.3', 'demo.c:20:9 7.2,7.3', 'demo.c:35:9 6.1,6.12,7.2,7.3']);
    assert.equal(
      findings.find((finding) => finding.line === 35)?.message,
      "`demo_old_helper` is a macro of the driver's (demo.c:14) that no #define compiled on 6.1–7.3 defines: each stands under a condition those kernels do not meet, so gcc takes the call for one of an undeclared function and the build stops there",
    );
    assert.match(findings.find((finding) => finding.line === 19)!.message, /^`DEMO_CHECK` is a macro of the driver's \(demo\.h:4\) that no #define compiled on 7\.2–7\.3 defines/);
  });

  it('is silent where the flag reaches every kernel, and where something else may give the name', async () => {
    const silent = async (files: Record<string, string>) => assert.deepEqual(brief(await checkFolder({ ...MODULE, ...files }, TARGETS)), []);
    const c = MODULE['demo.c'];
    // The flag in ccflags-y; and no old helper.
    await silent({ Makefile: 'obj-m += demo.o\nccflags-y += -DDEMO_USE_SDIO\n', 'demo.c': c.replace('demo_old_helper(x)', 'x') });
    const withoutHeaderCalls = c.replace(/\tDEMO_CHECK\(d, out\);\n/g, '').replace('DEMO_TO_CTRL(d)->n', '0');
    // What each case below changes is reported otherwise.
    assert.deepEqual(brief(await checkFolder({ ...MODULE, 'demo.c': withoutHeaderCalls }, TARGETS)), ['demo.c:33:9 6.1,6.12,7.2,7.3']);
    // A condition that tests the name expects someone else to define it.
    await silent({ 'demo.c': withoutHeaderCalls.replace('#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)', '#ifndef demo_old_helper') });
    // A name the kernel's headers have (a compat #define of `timer_setup`).
    await silent({ 'demo.c': withoutHeaderCalls.replace(/demo_old_helper/g, 'timer_setup') });
    // Another macro's body calls it: gcc meets it where that macro is expanded.
    await silent({ 'demo.c': withoutHeaderCalls.replace('#endif\n\nstatic int demo_a', '#endif\n#define demo_twice(x) demo_old_helper(demo_old_helper(x))\n\nstatic int demo_a') });
    // The file declares a function of that name.
    await silent({ 'demo.c': withoutHeaderCalls.replace('static int demo_c(int x)', 'int demo_old_helper(int x);\n\nstatic int demo_c(int x)') });
    // An include the check cannot follow may define anything.
    await silent({ 'demo.c': withoutHeaderCalls.replace('#include "demo.h"', '#include "demo.h"\n#include "generated_by_make.h"') });
  });

  /**
   * Built with Kbuild against Debian's headers: 6.1 (gcc-12) builds it; 6.12 (gcc-12) stops at
   * 8:9 (`strlcpy`, gone in 6.8); 7.3 (gcc-14) at 5:8 ("unknown type name 'VOID'"), 5:23 and 6:23
   * ('IN'), 13:9 (`strlcpy`: gcc passed over demo_fill's body, whose parameters it could not
   * read) and 17:8, and at 20:1 and 26:9, which follow from those and are not claimed.
   */
  const TYPES = {
    Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += -DDEMO_PLATFORM_LINUX\n',
    'demo_types.h': [
      '#ifndef DEMO_TYPES_H',
      '#define DEMO_TYPES_H',
      '#ifdef DEMO_PLATFORM_LINUX',
      '#define IN',
      '#define OUT',
      '#define VOID void',
      '#endif',
      '#endif',
      '',
    ].join('\n'),
    'demo.c': [
      '#include <linux/module.h>',
      '#include <linux/string.h>',
      '#include "demo_types.h"',
      '',
      'static VOID demo_fill(IN char *buf,',
      '\t\t      IN size_t len)',
      '{',
      '\tstrlcpy(buf, "demo", len);',
      '}',
      '',
      'static int demo_copy(char *buf, size_t len)',
      '{',
      '\tstrlcpy(buf, "copy", len);',
      '\treturn 0;',
      '}',
      '',
      'static VOID demo_clear(char *buf)',
      '{',
      '\tbuf[0] = 0;',
      '}',
      '',
      'static int __init demo_init(void)',
      '{',
      '\tchar buf[8];',
      '',
      '\tdemo_fill(buf, sizeof(buf));',
      '\tdemo_clear(buf);',
      '\treturn demo_copy(buf, sizeof(buf));',
      '}',
      '',
      'module_init(demo_init);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n'),
  };

  it("reports the driver's macros read as types where no #define is compiled, and judges nothing in a body gcc passes over", async () => {
    const findings = await checkFolder(TYPES, '6.1,6.12,7.3');
    assert.deepEqual(
      findings.map((finding) => `${finding.line}:${finding.column} ${finding.code} ${finding.targets.join(',')}`),
      ['5:8 undefined-macro 7.3', '5:23 undefined-macro 7.3', '6:9 undefined-macro 7.3', '8:2 missing-function 6.12', '13:2 missing-function 7.3', '17:8 undefined-macro 7.3'],
    );
    assert.equal(
      findings[1].message,
      "`IN` is a macro of the driver's (demo_types.h:4) that no #define compiled on 7.3 defines: each stands under a condition those kernels do not meet, so gcc reads an unknown type name here and passes over the function's body there, and the build stops",
    );
  });

  it('judges the kernels from 6.15 where the only flags it cannot read are in EXTRA_CFLAGS, which those kernels ignore (Realtek\'s $(USER_EXTRA_CFLAGS))', async () => {
    const userFlags = { ...TYPES, Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += $(USER_EXTRA_CFLAGS)\nEXTRA_CFLAGS += -DDEMO_PLATFORM_LINUX\n' };
    const rows = (findings: ReportedFinding[]) => findings.map((finding) => `${finding.line}:${finding.column} ${finding.code} ${finding.targets.join(',')}`);
    assert.deepEqual(rows(await checkFolder(userFlags, '6.1,6.12,7.3')), rows(await checkFolder(TYPES, '6.1,6.12,7.3')));
    const elsewhere = { ...TYPES, Makefile: 'obj-m += demo.o\nccflags-y += $(USER_EXTRA_CFLAGS)\nEXTRA_CFLAGS += -DDEMO_PLATFORM_LINUX\n' };
    assert.deepEqual(rows(await checkFolder(elsewhere, '6.1,6.12,7.3')).filter((row) => row.includes('undefined-macro')), []);
  });

  /**
   * A vendor driver's ways, each of which had hidden the findings: flags it cannot read
   * ($(USER_EXTRA_CFLAGS)) leave a FreeBSD include undecided on the kernels they reach, a body
   * opens its `if` in both branches of an #if (the braces of all branches do not balance), and a
   * comment line ends in an old Mac line break. gcc-14 (7.3) errors at 7:8, 7:23 and 7:37, passes
   * over demo_fill's body and meets strlcpy at 20:9 (and at 28:9 calls demo_fill, which it could
   * not declare: not claimed); gcc-12 on 6.12 at 14:10; 6.1 builds it.
   */
  const VENDOR = {
    Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += $(USER_EXTRA_CFLAGS)\nEXTRA_CFLAGS += -DDEMO_PLATFORM_LINUX\n',
    'demo_types.h': ['#ifndef DEMO_TYPES_H', '#define DEMO_TYPES_H', '#ifdef DEMO_PLATFORM_LINUX', '#ifdef DEMO_PLATFORM_FREEBSD', '#include <sys/cdefs.h>', '#endif', '#define IN', '#define VOID void', '#endif', '#endif', ''].join('\n'),
    'demo.c': [
      '#include <linux/module.h>',
      '#include <linux/string.h>',
      '#include "demo_types.h"',
      '',
      '/* An old Mac line break ends this comment line:\r the lines below are numbered as gcc numbers them. */',
      'static VOID demo_fill(IN char *buf, IN size_t len)',
      '{',
      '#ifdef DEMO_PLATFORM_LINUX',
      '\tif (len > 4) {',
      '#else',
      '\tif (len > 8) {',
      '#endif',
      '\t\tstrlcpy(buf, "demo", len);',
      '\t}',
      '}',
      '',
      'static int demo_copy(char *buf, size_t len)',
      '{',
      '\tstrlcpy(buf, "copy", len);',
      '\treturn 0;',
      '}',
      '',
      'static int __init demo_init(void)',
      '{',
      '\tchar buf[8];',
      '',
      '\tdemo_fill(buf, sizeof(buf));',
      '\treturn demo_copy(buf, sizeof(buf));',
      '}',
      '',
      'module_init(demo_init);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n'),
  };

  it("judges a vendor driver's kernels that its undecided includes, unbalanced branches and old Mac line breaks do not reach", async () => {
    const findings = await checkFolder(VENDOR, '6.1,6.12,7.3');
    assert.deepEqual(
      findings.map((finding) => `${finding.file} ${finding.line}:${finding.column} ${finding.code} ${finding.targets.join(',')}`),
      ['demo.c 7:8 undefined-macro 7.3', 'demo.c 7:23 undefined-macro 7.3', 'demo.c 7:37 undefined-macro 7.3', 'demo.c 14:3 missing-function 6.12', 'demo.c 20:2 missing-function 7.3'],
    );
  });

  /**
   * The same words in declarations, and in the headers a file reads, where gcc reports them for
   * every file that includes the header. gcc-14 (7.3) errors at demo_hal.h 4:9, 5:9, 7:24, 10:1,
   * 11:9, 12:9 and 16:34, and at demo.c 5:14 and 9:9 (and 19:41, the inline function it could
   * not declare); 6.12 builds it. Not claimed: a function pointer's parameter (7:24) and that call.
   */
  const HEADERS = {
    Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += -DDEMO_PLATFORM_LINUX\n',
    'demo_types.h': [
      '#ifndef DEMO_TYPES_H',
      '#define DEMO_TYPES_H',
      '#ifdef DEMO_PLATFORM_LINUX',
      '#define IN',
      '#define VOID void',
      '#define u1Byte unsigned char',
      '#endif',
      '#endif',
      '',
    ].join('\n'),
    'demo_hal.h': [
      '#ifndef DEMO_HAL_H',
      '#define DEMO_HAL_H',
      'struct demo_hal {',
      '\tu1Byte\trate;',
      '\tu1Byte\t*table;',
      '\tint\tcount;',
      '\tvoid (*notify)(IN int reason);',
      '};',
      '',
      'VOID demo_hal_init(',
      '\tIN struct demo_hal *hal,',
      '\tIN int count',
      '\t);',
      'int demo_hal_rate(struct demo_hal *hal, int index);',
      '',
      'static inline int demo_hal_count(IN struct demo_hal *hal)',
      '{',
      '\tu1Byte unused = 0;',
      '\treturn hal->count + unused;',
      '}',
      '#endif',
      '',
    ].join('\n'),
    'demo.c': [
      '#include <linux/module.h>',
      '#include "demo_types.h"',
      '#include "demo_hal.h"',
      '',
      'static const u1Byte demo_rates[4] = { 1, 2, 5, 11 };',
      '',
      'int demo_hal_rate(struct demo_hal *hal, int index)',
      '{',
      '\tu1Byte rate = demo_rates[index];',
      '',
      '\thal->rate = rate;',
      '\treturn rate;',
      '}',
      '',
      'static int __init demo_init(void)',
      '{',
      '\tstruct demo_hal hal = { 0 };',
      '',
      '\treturn demo_hal_rate(&hal, 1) + demo_hal_count(&hal) - 3;',
      '}',
      '',
      'module_init(demo_init);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n'),
  };

  it("reports them in declarations, prototypes and struct members, and at the lines of the headers the file reads, outside function bodies", async () => {
    const findings = await checkFolder(HEADERS, '6.12,7.3');
    assert.deepEqual(
      findings.map((finding) => `${finding.file} ${finding.line}:${finding.column} ${finding.code} ${finding.targets.join(',')}`),
      [
        'demo.c 5:14 undefined-macro 7.3',
        'demo.c 9:2 undefined-macro 7.3',
        'demo_hal.h 4:2 undefined-macro 7.3',
        'demo_hal.h 5:2 undefined-macro 7.3',
        'demo_hal.h 10:1 undefined-macro 7.3',
        'demo_hal.h 11:2 undefined-macro 7.3',
        'demo_hal.h 12:2 undefined-macro 7.3',
        'demo_hal.h 16:34 undefined-macro 7.3',
      ],
    );
    assert.equal(
      findings[2].message,
      "`u1Byte` is a macro of the driver's (demo_types.h:6) that no #define compiled on 7.3 defines: each stands under a condition those kernels do not meet, so gcc reads an unknown type name here, and the build stops",
    );
  });

  it('judges nothing in a body whose parameter types may or may not be defined (flags it cannot read), reports none of them, nor a later call gcc may not meet first', async () => {
    // Where the unread flags define DEMO_PLATFORM_LINUX, gcc reports strlcpy at line 8, not 13.
    const unread = { ...TYPES, Makefile: 'obj-m += demo.o\nEXTRA_CFLAGS += $(shell ./platform-flags.sh)\n' };
    const findings = await checkFolder(unread, '6.1,6.12,7.3');
    assert.deepEqual(
      findings.map((finding) => `${finding.line}:${finding.column} ${finding.code} ${finding.targets.join(',')}`),
      [],
    );
  });
});
