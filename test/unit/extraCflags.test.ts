// Rule extra-cflags: the module's EXTRA_CFLAGS, which Kbuild ignores from 6.15: an include found
// only through its -I folders stops the build there, and its -D flags are not set there.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';
import { EXTRA_CFLAGS_IGNORED_FROM, kbuildFlags } from '../../src/core/c/includes';

/** kbuildFlags of /m/demo.c over an in-memory module folder /m (and the folders beside it). */
function flagsOf(makefile: string[], files: Record<string, string> = {}) {
  const all: Record<string, string> = { '/m/Makefile': makefile.join('\n'), ...files };
  return kbuildFlags('/m/demo.c', ['/m'], (path) => all[path]);
}

/**
 * A module whose header sits in a folder beside it. Built with Kbuild against Debian's headers:
 * 6.12 (gcc-12) builds it; 7.3 (gcc-14) stops with "3:10: fatal error: demo_api.h: No such file
 * or directory" and never reaches the #error. With the -I in ccflags-y and only the -D in
 * EXTRA_CFLAGS, 7.3 stops at the #error instead ("6:2: error: #error …").
 */
const DEMO = ['#include <linux/module.h>', '#include <linux/kernel.h>', '#include "demo_api.h"', '', '#ifndef DEMO_LEGACY', '#error "build with the module\'s Makefile"', '#endif', '', 'static int __init demo_init(void)', '{', '\treturn demo_api() - 1;', '}', 'module_init(demo_init);', 'MODULE_LICENSE("GPL");', ''].join('\n');

describe('extra-cflags', () => {
  describe('reading the make files', () => {
    it('keeps the -I folders only EXTRA_CFLAGS gives, and marks its -D flags as set before 6.15', () => {
      const flags = flagsOf(['obj-m += demo.o', 'EXTRA_CFLAGS += -I$(src)/../include -DDEMO_LEGACY', 'ccflags-y += -I$(src)/common -DDEMO_ALWAYS']);
      assert.deepEqual(flags.includeDirs, ['/include', '/m/common']);
      assert.deepEqual(flags.ignoredIncludeDirs, ['/include']);
      assert.deepEqual(flags.defines, [
        { name: 'DEMO_LEGACY', value: '1', certain: true, untilVersion: EXTRA_CFLAGS_IGNORED_FROM },
        { name: 'DEMO_ALWAYS', value: '1', certain: true },
      ]);
    });

    it('ignores nothing where a flag variable folds EXTRA_CFLAGS in, gives the same folder, or holds flags it cannot read', () => {
      const folded = flagsOf(['EXTRA_CFLAGS += -I$(src)/../include -DDEMO_LEGACY', 'ccflags-y += $(EXTRA_CFLAGS)']);
      assert.deepEqual([folded.ignoredIncludeDirs, folded.defines[0].untilVersion], [[], undefined]);
      assert.deepEqual(flagsOf(['EXTRA_CFLAGS += -I$(src)/../include', 'ccflags-y += -I$(src)/../include']).ignoredIncludeDirs, []);
      assert.deepEqual(flagsOf(['EXTRA_CFLAGS += -I$(src)/../include', 'ccflags-y += $(shell ./flags.sh)']).ignoredIncludeDirs, []);
      // Flags EXTRA_CFLAGS cannot show go with it: Xilinx's `$(XVC_FLAGS)`, set from make's command line.
      assert.deepEqual(flagsOf(['ifneq ($(xvc_bar_num),)', 'XVC_FLAGS += -D__XVC_BAR_NUM__=$(xvc_bar_num)', 'endif', 'EXTRA_CFLAGS := -I$(src)/../include $(XVC_FLAGS)']).ignoredIncludeDirs, ['/include']);
    });

    it('reads the folder a `$(shell cd … && pwd)` prints from the module folder', () => {
      const flags = flagsOf(['topdir := $(shell cd $(src)/.. && pwd)', 'EXTRA_CFLAGS := -I$(topdir)/include']);
      assert.deepEqual(flags.includeDirs, ['/include']);
      // Relative to make's own folder (the kernel's, in the Kbuild pass): not known.
      assert.deepEqual(flagsOf(['topdir := $(shell cd .. && pwd)', 'EXTRA_CFLAGS := -I$(topdir)/include']).includeDirs, []);
    });

    it("takes an exported `?= $(shell pwd)` for the module folder, which the first pass run there hands to Kbuild's, and reads the make file it names", () => {
      const makefile = ['export TopDIR ?= $(shell pwd)', 'EXTRA_CFLAGS += -I$(TopDIR)/include', 'include $(TopDIR)/hal/phydm.mk'];
      const flags = flagsOf(makefile, { '/m/hal/phydm.mk': 'EXTRA_CFLAGS += -I$(src)/hal/phydm\n' });
      assert.deepEqual([flags.includeDirs, flags.unread], [['/m/include', '/m/hal/phydm'], false]);
      // Not exported, or set outright, it is the folder `make -C` runs Kbuild's pass in: the kernel's.
      assert.equal(flagsOf(['TopDIR ?= $(shell pwd)', 'include $(TopDIR)/hal/phydm.mk']).unread, true);
      assert.equal(flagsOf(['export TopDIR := $(shell pwd)', 'include $(TopDIR)/hal/phydm.mk']).unread, true);
    });
  });

  describe('checking the module', () => {
    let dir: string;
    const check = async (makefile: string) => {
      writeFileSync(join(dir, 'mod', 'Makefile'), makefile);
      let out = '';
      let err = '';
      await run(['check', '--targets', '6.12,7.2,7.3', join(dir, 'mod')], { out: (text) => (out += text), err: (text) => (err += text) });
      return { out: out.split(dir + '/').join(''), err: err.split(dir + '/').join('') };
    };

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'kc-extra-'));
      mkdirSync(join(dir, 'mod'));
      mkdirSync(join(dir, 'include'));
      writeFileSync(join(dir, 'include', 'demo_api.h'), 'static inline int demo_api(void)\n{\n\treturn 1;\n}\n');
      writeFileSync(join(dir, 'mod', 'demo.c'), DEMO);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('warns at the include that only EXTRA_CFLAGS finds, on the kernels from 6.15, where gcc stops before the #error', async () => {
      const { out, err } = await check('obj-m += demo.o\nEXTRA_CFLAGS += -I$(src)/../include -DDEMO_LEGACY\n');
      assert.equal(
        out,
        'mod/demo.c:3:11: warning: `demo_api.h` is found only through `-I../include` of EXTRA_CFLAGS, which Kbuild ignores from 6.15: the build stops here on 7.2–7.3 (No such file or directory); give the folder in ccflags-y [extra-cflags]\n',
      );
      assert.doesNotMatch(err, /#error/);
    });

    it('knows the module folder is no -I of Kbuild: `<linux/x.h>` beside the file needs EXTRA_CFLAGS\' -I$(src), a quoted include does not', async () => {
      // gcc-14 against Debian's 7.3 headers: "2:10: fatal error: linux/demo_local.h: No such file or directory" (dm-vdo's kvdo).
      mkdirSync(join(dir, 'mod', 'linux'));
      writeFileSync(join(dir, 'mod', 'linux', 'demo_local.h'), '#define DEMO_LOCAL 1\n');
      writeFileSync(join(dir, 'mod', 'demo.c'), '#include <linux/module.h>\n#include <linux/demo_local.h>\nMODULE_LICENSE("GPL");\n');
      const angle = await check('obj-m += demo.o\nEXTRA_CFLAGS += -I$(src)\n');
      assert.match(angle.out, /^mod\/demo\.c:2:11: warning: `linux\/demo_local\.h` is found only through `-I\.` of EXTRA_CFLAGS, which Kbuild ignores from 6\.15: the build stops here on 7\.2–7\.3 /);
      writeFileSync(join(dir, 'mod', 'demo.c'), '#include <linux/module.h>\n#include "linux/demo_local.h"\nMODULE_LICENSE("GPL");\n');
      assert.equal((await check('obj-m += demo.o\nEXTRA_CFLAGS += -I$(src)\n')).out, '');
    });

    it('drops EXTRA_CFLAGS\' -D flags on those kernels: the #error the define kept out stops them', async () => {
      const { out, err } = await check('obj-m += demo.o\nccflags-y += -I$(src)/../include\nEXTRA_CFLAGS += -DDEMO_LEGACY\n');
      assert.equal(out, 'mod/demo.c:6:1: warning: This #error is reached on 7.2–7.3, so the build fails there: "build with the module\'s Makefile" [error-directive]\n');
      assert.doesNotMatch(err, /not checked/);
    });

    /**
     * Built with Kbuild against Debian's headers: 6.12 (gcc-12) builds it; 7.2 (gcc-16) and 7.3
     * (gcc-14) stop at 6:17 and 11:13 ("undeclared (first use in this function)"), at 16:30
     * (`DRIVERVERSION`) and at 23:16, once per function: not at 8 or 17.
     */
    const VALUES = [
      '#include <linux/module.h>',
      '#include <linux/kernel.h>',
      '',
      'static int demo_count(void)',
      '{',
      '\tint n = DEMO_RETRIES;',
      '',
      '\tn += DEMO_RETRIES;',
      '#ifdef DEMO_FLAG',
      '\tn++;',
      '#endif',
      '\tif (DEMO_DEBUG)',
      '\t\tn--;',
      '\treturn n;',
      '}',
      '',
      'static int demo_name(char *buf, size_t len)',
      '{',
      '\tpr_info("demo %s\\n", DRIVERVERSION);',
      '\treturn snprintf(buf, len, "%s", DRIVERVERSION);',
      '}',
      '',
      'static int __init demo_init(void)',
      '{',
      '\tchar buf[16];',
      '',
      '\tpr_info("demo %d %d\\n", demo_count(), demo_name(buf, sizeof(buf)));',
      '\treturn DEMO_RETRIES - 3;',
      '}',
      'module_init(demo_init);',
      'MODULE_LICENSE("GPL");',
      '',
    ];
    const VALUE_FLAGS = '-DDRIVERVERSION=\\"1.2\\" -DDEMO_RETRIES=3 -DDEMO_FLAG -DDEMO_DEBUG=0';

    it("warns where a macro only EXTRA_CFLAGS' -D defines is used as a value, on the kernels from 6.15, once per function as gcc does", async () => {
      writeFileSync(join(dir, 'mod', 'demo.c'), VALUES.join('\n'));
      const { out } = await check(`obj-m += demo.o\nEXTRA_CFLAGS += ${VALUE_FLAGS}\n`);
      const tail = 'of EXTRA_CFLAGS, which Kbuild ignores from 6.15: the use is undeclared on 7.2–7.3 and the build stops here; give the flag in ccflags-y [extra-cflags]';
      assert.equal(
        out,
        [
          `mod/demo.c:6:10: warning: \`DEMO_RETRIES\` is defined only by \`-DDEMO_RETRIES\` ${tail}`,
          `mod/demo.c:12:6: warning: \`DEMO_DEBUG\` is defined only by \`-DDEMO_DEBUG\` ${tail}`,
          `mod/demo.c:19:23: warning: \`DRIVERVERSION\` is defined only by \`-DDRIVERVERSION\` ${tail}`,
          `mod/demo.c:28:9: warning: \`DEMO_RETRIES\` is defined only by \`-DDEMO_RETRIES\` ${tail}`,
          '',
        ].join('\n'),
      );
    });

    it('reports such a macro outside every function once: gcc then takes it as declared for the rest of the file', async () => {
      writeFileSync(join(dir, 'mod', 'demo.c'), ['static int retries = DEMO_RETRIES;', ...VALUES].join('\n'));
      const { out } = await check(`obj-m += demo.o\nEXTRA_CFLAGS += ${VALUE_FLAGS}\n`);
      const tail = 'of EXTRA_CFLAGS, which Kbuild ignores from 6.15: the use';
      const ending = 'is undeclared on 7.2–7.3 and the build stops here; give the flag in ccflags-y [extra-cflags]';
      assert.equal(
        out,
        [
          `mod/demo.c:1:22: warning: \`DEMO_RETRIES\` is defined only by \`-DDEMO_RETRIES\` ${tail} outside a function ${ending}`,
          `mod/demo.c:13:6: warning: \`DEMO_DEBUG\` is defined only by \`-DDEMO_DEBUG\` ${tail} ${ending}`,
          `mod/demo.c:20:23: warning: \`DRIVERVERSION\` is defined only by \`-DDRIVERVERSION\` ${tail} ${ending}`,
          '',
        ].join('\n'),
      );
    });

    it('is silent on such a macro where another flag, the file or a workspace header defines it, or an #ifdef guards the use', async () => {
      writeFileSync(join(dir, 'mod', 'demo.c'), VALUES.join('\n'));
      assert.equal((await check(`obj-m += demo.o\nEXTRA_CFLAGS += ${VALUE_FLAGS}\nccflags-y += ${VALUE_FLAGS}\n`)).out, '');
      writeFileSync(join(dir, 'mod', 'demo.c'), ['#include "demo_version.h"', ...VALUES].join('\n'));
      writeFileSync(join(dir, 'mod', 'demo_version.h'), '#ifndef DRIVERVERSION\n#define DRIVERVERSION "0"\n#endif\n#define DEMO_RETRIES 3\n#define DEMO_DEBUG 0\n');
      assert.equal((await check(`obj-m += demo.o\nEXTRA_CFLAGS += ${VALUE_FLAGS}\n`)).out, '');
      writeFileSync(join(dir, 'mod', 'demo.c'), ['#ifdef DEMO_FLAG', 'static int flagged = DEMO_RETRIES;', '#endif', 'MODULE_LICENSE("GPL");', ''].join('\n'));
      assert.equal((await check(`obj-m += demo.o\nEXTRA_CFLAGS += ${VALUE_FLAGS}\n`)).out, '');
    });

    it('is silent where the flags reach every kernel: in ccflags-y, or folded in from EXTRA_CFLAGS', async () => {
      assert.deepEqual(await check('obj-m += demo.o\nccflags-y += -I$(src)/../include -DDEMO_LEGACY\n'), { out: '', err: 'kernel-compat: 1 file(s) checked against 3 kernel(s), 0 finding(s)\n' });
      assert.deepEqual(await check('obj-m += demo.o\nEXTRA_CFLAGS += -I$(src)/../include -DDEMO_LEGACY\nccflags-y += $(EXTRA_CFLAGS)\n'), { out: '', err: 'kernel-compat: 1 file(s) checked against 3 kernel(s), 0 finding(s)\n' });
    });
  });
});
