// Rule date-time: __DATE__, __TIME__ and __TIMESTAMP__, which Kbuild's -Werror=date-time refuses.
import * as assert from 'node:assert/strict';
import { dateTimeUses } from '../../src/core/c/dateTimeUses';
import { maskCode } from '../../src/core/c/statements';
import { checkFolder } from './helpers';

/**
 * Built with Kbuild against Debian's 6.1 headers (gcc-12), gcc stops at 5:24, 6:24, 7:24, 3:16
 * (with "in expansion of macro 'V2'" at 7:24), 8:24, 9:9 and 12:56: "macro "__DATE__" might
 * prevent reproducible builds [-Werror=date-time]". The first date-time macro of an expansion is
 * reported where the macro is expanded, the later ones at the #define.
 */
const DEMO = `#include <linux/module.h>
#define V1 __DATE__
#define V2 "x" __DATE__ " " __TIME__
#define V3(s) s __TIMESTAMP__
static const char *a = __DATE__;
static const char *b = V1;
static const char *c = V2;
static const char *d = __TIME__ " "
	__DATE__;
static int __init dt_init(void)
{
	pr_info("%s %s %s %s %s\\n", a, b, c, d, V3("y"));
	return 0;
}
module_init(dt_init);
MODULE_LICENSE("GPL");
`;

async function rows(files: Record<string, string>): Promise<string[]> {
  return (await checkFolder({ 'dt.c': DEMO, ...files }, 'debian')).filter((f) => f.code === 'date-time').map((f) => `${f.line}:${f.column} [${f.targets.join(',')}]`);
}

describe('date-time', () => {
  it('finds the lines gcc reports: each use in code, and for a macro of the file the expansion, then the #define for its later ones', () => {
    const uses = dateTimeUses(DEMO, maskCode(DEMO)).map((use) => `${use.line + 1}:${use.startColumn + 1} ${use.name}${use.through ? ` via ${use.through}@${use.compiledAt + 1}` : ''}`);
    assert.deepEqual(uses, ['3:29 __TIME__ via V2@7', '5:24 __DATE__', '6:24 __DATE__ via V1@6', '7:24 __DATE__ via V2@7', '8:24 __TIME__', '9:2 __DATE__', '12:42 __TIMESTAMP__ via V3@12']);
    assert.deepEqual(dateTimeUses(`#undef __DATE__\n#define __DATE__ "today"\nconst char *s = __DATE__;\n`, ''), []);
  });

  it('warns on every kernel with header data in a Kbuild-built file, with the message naming the macro expanded', async () => {
    const all = '[5.10,6.1,6.12,7.2,7.3]';
    assert.deepEqual(await rows({ Kbuild: 'obj-m += dt.o\n' }), ['3:29', '5:24', '6:24', '7:24', '8:24', '9:2', '12:42'].map((at) => `${at} ${all}`));
    const [viaMacro] = (await checkFolder({ 'dt.c': DEMO, Kbuild: 'obj-m += dt.o\n' }, '6.1')).filter((f) => f.code === 'date-time' && f.line === 6);
    assert.equal(viaMacro.message, '`V1` expands to `__DATE__`, which differs from build to build, and Kbuild compiles modules with -Werror=date-time: the build stops here on 6.1; use a version string of your own');
  });

  it('is silent where the make files turn the error off, and warns from 6.15 where only EXTRA_CFLAGS does (Kbuild ignores it there)', async () => {
    assert.deepEqual(await rows({ Kbuild: 'obj-m += dt.o\nccflags-y += -Wno-date-time\n' }), []);
    assert.deepEqual(await rows({ Kbuild: 'obj-m += dt.o\nccflags-y += -Wno-error=date-time\n' }), []);
    assert.deepEqual(await rows({ Makefile: 'obj-m += dt.o\nall:\n\t$(MAKE) -C $(KDIR) M=$(PWD) KCFLAGS=-w modules\n' }), []);
    const onlyExtra = await rows({ Makefile: 'obj-m += dt.o\nEXTRA_CFLAGS += -Wno-date-time\n' });
    assert.deepEqual(onlyExtra, ['3:29', '5:24', '6:24', '7:24', '8:24', '9:2', '12:42'].map((at) => `${at} [7.2,7.3]`));
    assert.deepEqual(await rows({ Makefile: 'obj-m += dt.o\nEXTRA_CFLAGS += -Wno-date-time\nccflags-y += $(EXTRA_CFLAGS)\n' }), []);
  });

  it('judges nothing where no object list names the file or the flags are not all read', async () => {
    assert.deepEqual(await rows({}), []);
    assert.deepEqual(await rows({ Kbuild: 'obj-m += dt.o\nccflags-y += $(shell ./flags.sh)\n' }), []);
  });
});
