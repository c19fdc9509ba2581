// A driver's test of a kernel macro is decided on the kernels whose headers have no such name
// (kernelNameDecisions.ts), and only where nothing the checker did not read could define it.
import * as assert from 'node:assert/strict';
import { checkFolder } from './helpers';

async function findings(files: Record<string, string>, targets: string): Promise<string[]> {
  return (await checkFolder(files, targets)).map((f) => `${f.file}:${f.line}:${f.column}-${f.endColumn} ${f.code} [${f.targets.join(',')}] ${f.message}`);
}

/** Built with Kbuild and gcc-12 against Debian's headers: 7.2 fails at line 20 only; 6.1 and 6.12 build. */
const DEMO = [
  '#include <linux/module.h>',
  '#include <linux/netdevice.h>',
  '#include <linux/timer.h>',
  '#include "compat.h"',
  '',
  'static struct timer_list demo_timer;',
  '',
  'static void demo_setup(struct net_device *dev)',
  '{',
  '#ifdef NETIF_F_LLTX',
  '\tdev->features |= NETIF_F_LLTX;',
  '#else',
  '\tdev->lltx = true;',
  '#endif',
  '}',
  '',
  '#ifndef from_timer',
  'static void demo_stop(void)',
  '{',
  '\tdel_timer(&demo_timer);',
  '}',
  '#endif',
  '',
  '#ifndef __has_builtin',
  'static void demo_delete(void)',
  '{',
  '\ttimer_delete(&demo_timer);',
  '}',
  '#endif',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

const delTimerOn72 = (line: number) =>
  `demo.c:${line}:2-11 missing-function [7.2] \`del_timer\` is not declared by the kernel headers of 7.2, so the call does not compile there: \`timer_delete\` took its place (the same parameters, declared from 6.1)`;
const DEL_TIMER_ON_7_2 = delTimerOn72(20);

/** A driver that stops its timer with del_timer (gone in 7.2) unless `#ifndef` finds `macro` defined; its 10th line calls it. */
const stopUnless = (macro: string, secondInclude: string) =>
  [
    '#include <linux/module.h>',
    secondInclude,
    '',
    'static struct timer_list demo_timer;',
    '',
    `#ifndef ${macro}`,
    'void demo_stop(void);',
    'void demo_stop(void)',
    '{',
    '\tdel_timer(&demo_timer);',
    '}',
    '#endif',
    'MODULE_LICENSE("GPL");',
    '',
  ].join('\n');

describe('conditions on kernel macros', () => {
  it("judges the branch a kernel takes because its headers lack the macro, and no other: not the compiler's own names", async () => {
    // from_timer left the headers in 7.2, NETIF_F_LLTX in 6.12 (where `lltx` is a member);
    // gcc defines __has_builtin itself, whatever 5.10's headers say.
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': DEMO, 'compat.h': '' }, '5.10,6.1,6.12,7.2'), [DEL_TIMER_ON_7_2]);
  });

  it("leaves it undecided where the driver may define the name out of sight: an include it did not find, or flags its Kbuild computes", async () => {
    const files = { 'Kbuild': 'obj-m := demo.o\n', 'demo.c': DEMO, 'compat.h': '' };
    assert.deepEqual(await findings({ ...files, 'compat.h': '#include "config-generated.h"\n' }, '6.12,7.2'), []);
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\nccflags-y += $(shell $(src)/detect.sh)\n' }, '6.12,7.2'), []);
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\ninclude $(src)/flags.mk\n' }, '6.12,7.2'), []);
    // A forced header the build makes (not there to read), or one whose path make computes.
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\nccflags-y += -include $(src)/generated.h\n' }, '6.12,7.2'), []);
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\nccflags-y += -include $(CONFIG_HEADER)\n' }, '6.12,7.2'), []);
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\nccflags-y += -include $(src)/compat.h\n' }, '6.12,7.2'), [DEL_TIMER_ON_7_2]);
    // Literal options through a make function, and -I folders, hide no macro.
    assert.deepEqual(await findings({ ...files, 'Kbuild': 'obj-m := demo.o\nccflags-y += -I$(src)/include $(call cc-option,-Wno-unused)\n' }, '6.12,7.2'), [DEL_TIMER_ON_7_2]);
  });

  it('decides the test in a compat header too, and what the file tests of the macros it sets', async () => {
    // Kbuild with gcc-12 against Debian's 7.2 headers: "implicit declaration of function 'del_timer'" at 10:9.
    const compat = '#include <linux/timer.h>\n#ifdef from_timer\n#define DEMO_HAVE_FROM_TIMER 1\n#endif\n';
    const demo = stopUnless('DEMO_HAVE_FROM_TIMER', '#include "compat.h"');
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': demo, 'compat.h': compat }, '6.1,6.12,7.2'), [delTimerOn72(10)]);
  });

  it("takes the driver's own name that no kernel header spells as undefined where its Kbuild passes no -D of it (falco's `#ifndef UDIG`), and only then", async () => {
    // Kbuild against Debian's headers: 7.2 (gcc-16) stops at "10:2: implicit declaration of function 'del_timer'"; 6.12 builds it, and so does 7.2 with -DDEMO_USERSPACE.
    const text = stopUnless('DEMO_USERSPACE', '#include <linux/timer.h>');
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': text }, '6.12,7.2'), [delTimerOn72(10)]);
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\nccflags-y += -DDEMO_USERSPACE\n', 'demo.c': text }, '6.12,7.2'), []);
    // Without the Kbuild file that builds it, the flags the build passes are not known: the branch is left open.
    assert.deepEqual(await findings({ 'demo.c': text }, '6.12,7.2'), []);
    // A name kernel headers spell (DEBUG) may be defined by one of them: left open too.
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': stopUnless('DEBUG', '#include <linux/timer.h>') }, '6.12,7.2'), []);
  });

  it("follows the driver's own definition of the name before the test", async () => {
    const compat = '#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)\n#define from_timer timer_container_of\n#endif\n';
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': DEMO, 'compat.h': compat }, '6.12,7.2'), []);
  });
});
