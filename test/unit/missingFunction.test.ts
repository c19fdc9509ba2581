// Rule missing-function: a call that a targeted kernel's headers do not declare.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { callSites } from '../../src/core/c/calls';
import { InitializerElements } from '../../src/core/c/initializerElements';
import { maskCode } from '../../src/core/c/statements';
import { parseTargets } from '../../src/core/kernels/targets';
import { createIncludeResolver } from '../../src/core/c/includes';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string): string[] {
  const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images });
  return result.findings
    .filter((f) => f.code === 'missing-function')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

const COPY = (body: string) => `#include <linux/string.h>\n${body}\nstatic void copy(char *dst, const char *src)\n{\n\tstrlcpy(dst, src, 16);\n}\n`;

describe('missing-function', () => {
  it('leaves alone a call written as an argument that a macro leaves out (i915\'s I915_SELFTEST_ONLY(should_fail(…)) without its selftests)', () => {
    const text = (definition: string) => `#include <linux/string.h>\n${definition}\nstatic int copy(char *dst, const char *src)\n{\n\treturn SELFTEST_ONLY(strlcpy(dst, src, 16));\n}\n`;
    assert.deepEqual(rows(text('#define SELFTEST_ONLY(x) 0'), '6.12'), []);
    assert.equal(rows(text('#define SELFTEST_ONLY(x) (x)'), '6.12').length, 1);
  });

  it('finds calls, not member calls, keywords, pointer declarations, comments or strings', () => {
    const text = 'if (x) f(a); ops->open(d); s.fn(1); /* g(2) */ h("k(3)"); int (*cb)(int); sizeof(int); u32 (*get_reg)(void *p); int (*rows)[4]; p = kzalloc_obj(*p);';
    assert.deepEqual(callSites(maskCode(text), () => false).map((s) => s.name), ['f', 'h', 'kzalloc_obj']);
  });

  it('warns where the kernel headers no longer declare the function (strlcpy left in 6.8)', () => {
    assert.deepEqual(rows(COPY(''), '6.1,6.12,7.3'), [
      'warning 5:2-9 [6.12,7.3] `strlcpy` is not declared by the kernel headers of 6.12–7.3, so the call does not compile there',
    ]);
  });

  it("words a use outside every function as gcc reads it: a declaration (MODULE_SUPPORTED_DEVICE, gone in 5.12)", () => {
    // gcc-12 against Debian's 6.1 headers: "13:25: error: expected declaration specifiers or '...' before string constant".
    const text = ['#include <linux/module.h>', 'static int demo_init(void)', '{', '\treturn 0;', '}', 'module_init(demo_init);', 'MODULE_LICENSE("GPL");', 'MODULE_SUPPORTED_DEVICE("demo");', ''].join('\n');
    assert.deepEqual(rows(text, '5.10,6.1'), [
      'warning 8:1-24 [6.1] `MODULE_SUPPORTED_DEVICE` is not declared by the kernel headers of 6.1, so the line does not compile there (outside a function, gcc reads it as a declaration with no type)',
    ]);
    const text2 = 'F(1);\nvoid g(void)\n{\n\tif (x) { h(2); }\n\tk(3);\n}\nstruct s v = { .a = m(4) };\nstruct s w = INIT(5);\nstatic int\nd(void);\nG(6);\n';
    const sites = callSites(maskCode(text2), () => false);
    // The names a definition or a prototype declares (g, d) are no calls.
    assert.deepEqual(sites.map((site) => `${site.name}${site.fileScope ? ' file scope' : ''}`), ['F file scope', 'h', 'k', 'm', 'INIT', 'G file scope']);
    const text3 = 'static DEFINE_SEMAPHORE(lock);\nstatic const struct page *\nalloc_one(int n)\n{\n\treturn get_page(n);\n}\n';
    const declared: string[] = [];
    assert.deepEqual(callSites(maskCode(text3), () => false, (name, line) => declared.push(`${name}:${line + 1}`)).map((site) => site.name), ['DEFINE_SEMAPHORE', 'get_page']);
    // The names declared are the driver's wherever the parse tree loses them (a broken file's
    // definitions nested in an error: i915_cmd_parser.c's own init_hash_table was taken for the kernel's).
    assert.deepEqual(declared, ['alloc_one:3']);
    // A prototype whose attribute macro ends the line before (rtw88's copy of linux/bitfield.h),
    // and calls at file scope after a line ending with a call's parenthesis.
    const text4 = 'extern void __compiletime_error("value doesn\'t fit into mask")\n__field_overflow(void);\nmodule_init(demo_init)\nmodule_exit(demo_exit)\n';
    const declared4: string[] = [];
    assert.deepEqual(callSites(maskCode(text4), () => false, (name) => declared4.push(name)).map((site) => site.name), ['__compiletime_error', 'module_init', 'module_exit']);
    assert.deepEqual(declared4, ['__field_overflow']);
  });

  it("warns at a call in the body of the driver's own macro where a target compiles an expansion of it, as gcc does (enhanceio's KPDE_DATA)", () => {
    // gcc-12 against Debian's 6.1 headers: "7:30: error: implicit declaration of function 'PDE_DATA'", "20:45: note: in expansion of macro 'DEMO_PDE_DATA'".
    const demo = (use: string) =>
      [
        '#include <linux/module.h>',
        '#include <linux/proc_fs.h>',
        '#include <linux/seq_file.h>',
        '#include <linux/version.h>',
        '',
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 10, 0)',
        '#define DEMO_PDE_DATA(inode) PDE_DATA(inode)',
        '#else',
        '#define DEMO_PDE_DATA(inode) PDE(inode)->data',
        '#endif',
        '#define DEMO_UNUSED(inode) \\',
        '\tPDE_DATA(inode)',
        '',
        'static int demo_show(struct seq_file *m, void *v)',
        '{',
        '\treturn 0;',
        '}',
        'static int demo_open(struct inode *inode, struct file *file)',
        '{',
        `\treturn single_open(file, demo_show, ${use});`,
        '}',
        '',
      ].join('\n');
    assert.deepEqual(rows(demo('DEMO_PDE_DATA(inode)'), '5.10,6.1'), [
      "warning 7:30-38 [6.1] `PDE_DATA` is not declared by the kernel headers of 6.1, so the call does not compile there (in the body of the driver's macro `DEMO_PDE_DATA`, expanded at line 20): `pde_data` took its place (the same parameters, declared from 6.1)",
    ]);
    // An expansion written in an argument a macro leaves out is not compiled either.
    const dropped = `#include <linux/string.h>\n#define SELFTEST_ONLY(x) 0\n#define COPY(d, s) strlcpy(d, s, 16)\nstatic int copy(char *dst, const char *src)\n{\n\treturn SELFTEST_ONLY(COPY(dst, src));\n}\n`;
    assert.deepEqual(rows(dropped, '6.12'), []);
    assert.equal(rows(dropped.replace('SELFTEST_ONLY(x) 0', 'SELFTEST_ONLY(x) (x)'), '6.12').length, 1);
    // Nor is one inside a kernel macro taking `...`, which may drop it (list_for_each_entry_rcu's cond without PROVE_RCU_LIST).
    assert.deepEqual(rows(demo('NULL); pr_debug("%p", DEMO_PDE_DATA(inode)'), '6.1'), []);
    // Defined again before the expansion (with an #undef or without): gcc expands the later body (an evaluator's false warning).
    const redefined = (between: string) => demo('DEMO_PDE_DATA(inode)').replace('#define DEMO_UNUSED', `${between}#define DEMO_PDE_DATA(inode) pde_data(inode)\n#define DEMO_UNUSED`);
    assert.deepEqual(rows(redefined('#undef DEMO_PDE_DATA\n'), '6.1'), []);
    assert.deepEqual(rows(redefined(''), '6.1'), []);
    // A macro the file never expands is never compiled; the same call written out is reported where it is.
    assert.deepEqual(rows(demo('NULL'), '6.1'), []);
    assert.deepEqual(rows(demo('PDE_DATA(inode)'), '6.1').map((row) => row.slice(0, row.indexOf(' ['))), ['warning 20:38-46']);
  });

  it("leaves va_start and its kin to gcc's <stdarg.h>, which 5.10's linux/kernel.h includes (the header data saw them only in ACPICA's acgcc.h there)", () => {
    const text = '#include <linux/kernel.h>\n#include <linux/printk.h>\nvoid demo_log(const char *fmt, ...);\nvoid demo_log(const char *fmt, ...)\n{\n\tva_list args;\n\tva_start(args, fmt);\n\tvprintk(fmt, args);\n\tva_end(args);\n}\n';
    assert.deepEqual(rows(text, '5.10,6.1,6.12'), []);
  });

  it('leaves alone a function that a driver header the file reads declares, from outside the workspace root too (surface\'s "../include/linux/surface_aggregator/controller.h")', () => {
    const text = ['#include <linux/string.h>', '#include "../include/compat.h"', 'static void copy(char *dst, const char *src)', '{', '\tstrlcpy(dst, src, 16);', '}', ''].join('\n');
    // The workspace is /ws/src; the header lies beside it, so no index of the workspace has it.
    const check = (header: string) =>
      checker
        .check(text, { fileName: '/ws/src/drv.c', targets: parseTargets('6.12', db.images).images, resolveInclude: createIncludeResolver(['/ws/src'], (path) => (path === '/ws/include/compat.h' ? header : undefined)) })
        .findings.filter((f) => f.code === 'missing-function')
        .map((f) => `${f.range.startLine + 1} ${f.message}`);
    assert.deepEqual(check('size_t strlcpy(char *dst, const char *src, size_t size);\n'), []);
    // A declaration no target compiles declares nothing; a header that only calls the name, neither.
    const warned = ['5 `strlcpy` is not declared by the kernel headers of 6.12, so the call does not compile there'];
    assert.deepEqual(check('#if 0\nsize_t strlcpy(char *dst, const char *src, size_t size);\n#endif\n'), warned);
    assert.deepEqual(check('#define COMPAT_COPY(d, s) strlcpy(d, s, 8)\n'), warned);
  });

  it('leaves alone a function that the .c files the file includes define, in whichever branch of an #if it cannot decide (amneziawg\'s poly1305-donna64.c or -donna32.c by __SIZEOF_INT128__)', () => {
    // gcc 7.2 builds it: the branch it takes includes a file that defines the static helper.
    const text = ['#include <linux/string.h>', '#if defined(__SIZEOF_INT128__)', '#include "copy64.c"', '#else', '#include "copy32.c"', '#endif', 'static void copy(char *dst, const char *src)', '{', '\tstrlcpy(dst, src, 16);', '}', ''].join('\n');
    const helper = (bits: number) => `static size_t strlcpy(char *dst, const char *src, size_t size)\n{\n\treturn ${bits};\n}\n`;
    const check = (files: Record<string, string>) =>
      checker
        .check(text, { fileName: '/ws/drv.c', targets: parseTargets('6.12', db.images).images, resolveInclude: createIncludeResolver(['/ws'], (path) => files[path]) })
        .findings.filter((f) => f.code === 'missing-function')
        .map((f) => `${f.range.startLine + 1} ${f.message}`);
    assert.deepEqual(check({ '/ws/copy64.c': helper(64), '/ws/copy32.c': helper(32) }), []);
    // Included files that define something else leave the call as gcc sees it.
    assert.deepEqual(check({ '/ws/copy64.c': 'static int other(void) { return 0; }\n', '/ws/copy32.c': '' }), [
      '9 `strlcpy` is not declared by the kernel headers of 6.12, so the call does not compile there',
    ]);
  });

  it('warns where the kernel declares the function only in a header the file does not reach (crypto_cipher_* moved to crypto/internal/cipher.h)', () => {
    const cipher = (includes: string) => `#include <linux/module.h>
#include <linux/crypto.h>
${includes}
static int gost_setkey(struct crypto_cipher *tfm, const u8 *key, unsigned int len)
{
	return crypto_cipher_setkey(tfm, key, len);
}
`;
    assert.deepEqual(rows(cipher(''), '5.10,6.1,6.12'), [
      'warning 6:9-29 [6.1,6.12] `crypto_cipher_setkey` is declared by the kernel headers of 6.1–6.12 only in `<crypto/internal/cipher.h>`, which this file does not include there, directly or through the headers it includes, so the call does not compile there',
    ]);
    assert.deepEqual(rows(cipher('#include <crypto/internal/cipher.h>'), '6.1,6.12'), []);
    assert.deepEqual(rows(cipher('#include "gost_compat.h"'), '6.1,6.12'), [], 'a header that cannot be read leaves the closure unknown');
  });

  it("warns where a header the file includes no longer includes the one declaring the function, which did not move (6.12's <linux/gpio.h> and gpio/driver.h)", () => {
    // gcc-12 builds this against Debian's 6.1 headers; against 6.12's: "7:19: error: implicit
    // declaration of function 'gpiochip_add_data'", "10:17: … 'gpiochip_remove'".
    const gpio = (includes: string) =>
      [
        '#include <linux/module.h>',
        `#include <linux/gpio.h>${includes}`,
        '',
        'int demo_add(struct gpio_chip *chip);',
        'int demo_add(struct gpio_chip *chip)',
        '{',
        '\tint ret = gpiochip_add_data(chip, NULL);',
        '',
        '\tif (ret)',
        '\t\tgpiochip_remove(chip);',
        '\treturn ret;',
        '}',
        'MODULE_LICENSE("GPL");',
        '',
      ].join('\n');
    assert.deepEqual(rows(gpio(''), '6.1,6.12'), [
      'warning 7:12-29 [6.12] `gpiochip_add_data` is declared by the kernel headers of 6.12 only in `<linux/gpio/driver.h>`, which this file does not include there, directly or through the headers it includes, so the call does not compile there',
      'warning 10:3-18 [6.12] `gpiochip_remove` is declared by the kernel headers of 6.12 only in `<linux/gpio/driver.h>`, which this file does not include there, directly or through the headers it includes, so the call does not compile there',
    ]);
    assert.deepEqual(rows(gpio('\n#include <linux/gpio/driver.h>'), '6.1,6.12'), []);
  });

  it("reports an undeclared loop macro and nothing in the block gcc then passes over; no call through a pointer or a pasted argument", () => {
    // gcc-12 builds this against Debian's 6.1 headers; against 6.12's it reports line 20 only:
    // "implicit declaration of function 'for_each_available_child_of_node'", then "expected ';'
    // before '{' token" and nothing of the block (of_property_read_bool, also in <linux/of.h>).
    // `free` is the parameter and `MASK` pasted into DEMO_MASK by the macro demo_clear hands it to: no kernel function is called.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/device.h>',
      '#include <linux/slab.h>',
      '#include <linux/gpio.h>',
      '',
      '#define demo_write(reg, value) pr_info("%d %d\\n", DEMO_##reg, value)',
      '#define DEMO_MASK(x) (0x310 + (x))',
      '#define demo_clear(reg, value) demo_write(reg, value)',
      'struct demo {',
      '\tvoid (*free)(void *data);',
      '\tvoid *data;',
      '};',
      '',
      'int demo_count(struct device *dev);',
      'int demo_count(struct device *dev)',
      '{',
      '\tstruct device_node *child;',
      '\tint n = 0;',
      '',
      '\tfor_each_available_child_of_node(dev->of_node, child) {',
      '\t\tif (of_property_read_bool(child, "demo"))',
      '\t\t\tn++;',
      '\t}',
      '\treturn n;',
      '}',
      '',
      'void demo_release(struct demo *d, void (*free)(void *data));',
      'void demo_release(struct demo *d, void (*free)(void *data))',
      '{',
      '\tdemo_clear(MASK(1), 2);',
      '\tfree(d->data);',
      '\tkfree(d);',
      '}',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1,6.12'), [
      'warning 20:2-34 [6.12] `for_each_available_child_of_node` is declared by the kernel headers of 6.12 only in `<linux/of.h>`, which this file does not include there, directly or through the headers it includes, so the call does not compile there',
    ]);
    // With <linux/of.h> included, both are declared.
    assert.deepEqual(rows(text.replace('#include <linux/gpio.h>', '#include <linux/gpio.h>\n#include <linux/of.h>'), '6.1,6.12'), []);
  });

  it('warns on a function a member is set to that the kernel no longer declares, at its first use only (no_llseek left in 6.12)', () => {
    const text = [
      '#include <linux/fs.h>',
      'static const struct file_operations a_fops = {',
      '\t.llseek = no_llseek,',
      '};',
      'static void setup(struct file_operations *ops)',
      '{',
      '\tops->llseek = no_llseek;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1,6.12'), ['warning 3:12-21 [6.12] `no_llseek` is not declared by the kernel headers of 6.12, so the reference to it does not compile there']);
    assert.deepEqual(rows(text.replace('\t.llseek = no_llseek,\n', ''), '6.12'), ['warning 6:16-25 [6.12] `no_llseek` is not declared by the kernel headers of 6.12, so the reference to it does not compile there']);
    assert.deepEqual(rows(text.replaceAll('no_llseek', 'noop_llseek'), '6.1,6.12'), []);
    // A variable some kernels also #define (jiffies, a macro of 5.10–6.12's headers) is no function.
    assert.deepEqual(rows('#include <linux/netdevice.h>\nstatic void t(struct net_device *nd)\n{\n\tnd->watchdog_timeo = jiffies;\n}\n', '5.10,6.1,6.12,7.3'), []);
    // A local variable named like a function some kernels declare (orinoco's `bool abort`, abort() from 6.12).
    const local = '#include <net/cfg80211.h>\nvoid done(struct cfg80211_scan_request *req, int n)\n{\n\tbool abort = false;\n\n\tif (n)\n\t\tabort = true;\n\tif (req) {\n\t\tstruct cfg80211_scan_info info = {\n\t\t\t.aborted = abort,\n\t\t};\n\t\tcfg80211_scan_done(req, &info);\n\t}\n}\n';
    assert.deepEqual(rows(local, '6.1,6.12'), []);
    // A constant may be an enum constant where the header data see no macro: not judged.
    const constant = '#include <linux/fb.h>\nstatic void setup(struct fb_info *info)\n{\n\tinfo->flags = FBINFO_FLAG_DEFAULT;\n}\n';
    assert.deepEqual(rows(constant, '6.1,6.12'), []);
  });

  it("warns at a call of a function older kernels had that no Debian kernel's headers declare (do_gettimeofday, gone in 5.0; blk_init_queue, gone in 5.0)", () => {
    // gcc-12 against Debian's 6.1 and 6.12 headers: "9:9: error: implicit declaration of function 'do_gettimeofday'", "16:35: … 'blk_init_queue'".
    const text = (guard: boolean) =>
      [
        '#include <linux/module.h>',
        '#include <linux/ktime.h>',
        '#include <linux/blkdev.h>',
        '',
        'static int demo_init(void)',
        '{',
        '\tstruct timespec64 ts;',
        '',
        ...(guard ? ['#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)', '\tdo_gettimeofday(&ts);', '#endif'] : ['\tdo_gettimeofday(&ts);']),
        '\tktime_get_real_ts64(&ts);',
        '\treturn 0;',
        '}',
        '',
        'static void demo_exit(void)',
        '{',
        '\tstruct request_queue *q = blk_init_queue(NULL, NULL);',
        '\t(void)q;',
        '}',
        '',
      ].join('\n');
    assert.deepEqual(rows(text(false), '5.10,6.1,6.12,7.2,7.3'), [
      'warning 9:2-17 [5.10,6.1,6.12,7.2,7.3] `do_gettimeofday` is not declared by the kernel headers of 5.10–7.3, so the call does not compile there',
      'warning 16:28-42 [5.10,6.1,6.12,7.2,7.3] `blk_init_queue` is not declared by the kernel headers of 5.10–7.3, so the call does not compile there',
    ]);
    assert.deepEqual(rows(text(true), '5.10,6.1'), ['warning 18:28-42 [5.10,6.1] `blk_init_queue` is not declared by the kernel headers of 5.10–6.1, so the call does not compile there']);
    // A function the kernel never had (the driver's own, in a file not shown) stays unjudged, and so does one the driver declares.
    assert.deepEqual(rows('void f(void) { my_board_reset(1); }\n', '6.1'), []);
    assert.deepEqual(rows('void do_gettimeofday(struct timespec64 *ts);\nvoid f(struct timespec64 *ts) { do_gettimeofday(ts); }\n', '6.1'), []);
    assert.equal(db.headers().isRetiredFunction('ktime_get_real_ts64'), false, 'a function the kernels still declare');
  });

  it('reports the first call only, as gcc reports an undeclared function once per file', () => {
    const text = '#include <linux/string.h>\nstatic void a(char *d) { strlcpy(d, "x", 2); }\nstatic void b(char *d) { strlcpy(d, "y", 2); }\n';
    assert.deepEqual(rows(text, '6.1,6.12'), ['warning 2:26-33 [6.12] `strlcpy` is not declared by the kernel headers of 6.12, so the call does not compile there']);
  });

  it('reports a later call whose int result is stored in a pointer, on the kernels built with gcc 14 and later', () => {
    // gcc-12 on 6.12: "implicit declaration" at 6:23, then only warnings (-Wint-conversion) at
    // 12:11 and 17:23; gcc-16 on 7.2 and gcc-14 on 7.3 refuse each: "assignment to 'struct d *'
    // from 'int' makes pointer from integer without a cast". The comparison (18) and the cast (19)
    // are warnings with all three.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/spi/spi.h>',
      'struct d { int x; };',
      'static int f1(struct spi_controller *m)',
      '{',
      '\tstruct d *a = spi_master_get_devdata(m);',
      '\treturn a->x;',
      '}',
      'static int f2(struct spi_controller *m)',
      '{',
      '\tstruct d *b;',
      '\tb = spi_master_get_devdata(m);',
      '\treturn b->x;',
      '}',
      'static int f3(struct spi_controller *m)',
      '{',
      '\tstruct d *c = spi_master_get_devdata(m);',
      '\tint n = spi_master_get_devdata(m) != NULL;',
      '\tc = (struct d *)spi_master_get_devdata(m);',
      '\treturn c->x + n + f1(m) + f2(m);',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1,6.12,7.2,7.3'), [
      'warning 6:16-38 [6.12,7.2,7.3] `spi_master_get_devdata` is not declared by the kernel headers of 6.12–7.3, so the call does not compile there',
      'warning 12:6-28 [7.2,7.3] `spi_master_get_devdata` is not declared by the kernel headers of 7.2–7.3: after its first call there it returns `int`, and their gcc (14 and later) refuses an `int` stored in the pointer `b`',
      'warning 17:16-38 [7.2,7.3] `spi_master_get_devdata` is not declared by the kernel headers of 7.2–7.3: after its first call there it returns `int`, and their gcc (14 and later) refuses an `int` stored in the pointer `c`',
    ]);
  });

  it('reports a later call whose int result is passed to a pointer parameter of a kernel function, or stored in a struct pointer member, on gcc 14 and later', () => {
    // gcc-16 on 7.2 and gcc-14 on 7.3: "passing argument 3 of 'single_open' makes pointer from
    // integer without a cast" at 18:45 and 23:45, "assignment to 'struct ctl_table_header *'
    // from 'int' makes pointer from integer" at 33:19 and 38:19; the cast at 28 compiles. gcc-12
    // on 6.1 and 6.12 reports only the implicit declarations (18:45; 33:21 on 6.12).
    const text = [
      '#include <linux/module.h>',
      '#include <linux/proc_fs.h>',
      '#include <linux/seq_file.h>',
      '#include <linux/sysctl.h>',
      '',
      'struct demo_tables {',
      '\tstruct ctl_table_header *header;',
      '\tstruct ctl_table *root;',
      '};',
      '',
      'static int demo_show(struct seq_file *m, void *v)',
      '{',
      '\treturn 0;',
      '}',
      '',
      'static int demo_open(struct inode *inode, struct file *file)',
      '{',
      '\treturn single_open(file, demo_show, PDE_DATA(inode));',
      '}',
      '',
      'static int demo_open_again(struct inode *inode, struct file *file)',
      '{',
      '\treturn single_open(file, demo_show, PDE_DATA(inode));',
      '}',
      '',
      'static int demo_count(struct inode *inode)',
      '{',
      '\treturn (long)PDE_DATA(inode) > 0;',
      '}',
      '',
      'void demo_register(struct demo_tables *t)',
      '{',
      '\tt->header = register_sysctl_table(t->root);',
      '}',
      '',
      'void demo_register_again(struct demo_tables *t)',
      '{',
      '\tt->header = register_sysctl_table(t->root);',
      '}',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    const later = (name: string) => `\`${name}\` is not declared by the kernel headers of 7.2–7.3: after its first call there it returns \`int\`, and their gcc (14 and later) refuses an \`int\``;
    assert.deepEqual(rows(text, '5.10,6.1,6.12,7.2,7.3'), [
      'warning 18:38-46 [6.1,6.12,7.2,7.3] `PDE_DATA` is not declared by the kernel headers of 6.1–7.3, so the call does not compile there: `pde_data` took its place (the same parameters, declared from 6.1)',
      `warning 23:38-46 [7.2,7.3] ${later('PDE_DATA')} passed as parameter 3 of \`single_open\`, a pointer`,
      'warning 33:14-35 [6.12,7.2,7.3] `register_sysctl_table` is not declared by the kernel headers of 6.12–7.3, so the call does not compile there',
      `warning 38:14-35 [7.2,7.3] ${later('register_sysctl_table')} stored in the pointer \`t->header\``,
    ]);
  });

  it("reports a later call whose int result is read as a pointer (udptun's NAPI_GRO_CB(skb)->flush), on every kernel that lacks the name, and not through a cast", () => {
    // gcc-12 on 6.1 and 6.12, gcc-16 on 7.2, gcc-14 on 7.3: "9:16: implicit declaration of
    // function 'NAPI_GRO_CB'", "9:32" and "14:25: invalid type argument of '->' (have 'int')";
    // 5.10 builds it (netdevice.h still defines the macro); the cast at 20 compiles.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/netdevice.h>',
      '',
      'struct demo_cb { int count; int flush; };',
      '#define DEMO_CB(skb) ((struct demo_cb *)(skb)->cb)',
      '',
      'int demo_first(struct sk_buff *skb)',
      '{',
      '\treturn NAPI_GRO_CB(skb)->count;',
      '}',
      '',
      'int demo_second(struct sk_buff *skb)',
      '{',
      '\tNAPI_GRO_CB(skb)->flush = 1;',
      '\treturn DEMO_CB(skb)->count;',
      '}',
      '',
      'int demo_third(struct sk_buff *skb)',
      '{',
      '\treturn (int)(long)NAPI_GRO_CB(skb);',
      '}',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '5.10,6.1,6.12,7.2,7.3'), [
      'warning 9:9-20 [6.1,6.12,7.2,7.3] `NAPI_GRO_CB` is declared by the kernel headers of 6.1–7.3 only in `<net/gro.h>`, which this file does not include there, directly or through the headers it includes, so the call does not compile there',
      'warning 14:2-13 [6.1,6.12,7.2,7.3] `NAPI_GRO_CB` is not declared by the headers this file reads on 6.1–7.3: after its first call there it returns `int`, which has no members to read with `->`',
    ]);
  });

  it("reports each later call that is an element of a table outside a function (tuxedo's X86_MATCH_INTEL_FAM6_MODEL, gone in 6.12), but not one whose argument gcc already reported", () => {
    // Kbuild against Debian's headers: 5.10 (gcc-10) and 6.1 (gcc-12) build it; 6.12 (gcc-12),
    // 7.2 (gcc-16) and 7.3 (gcc-14) stop at "6:9: implicit declaration of function
    // 'X86_MATCH_INTEL_FAM6_MODEL'", "7:36: 'KABYLAKE' undeclared here (not in a function)" and
    // "9:36: 'ICELAKE_L' undeclared here", and say nothing of line 8, whose SKYLAKE they reported at 6.
    const text = [
      '#include <linux/module.h>',
      '#include <asm/cpu_device_id.h>',
      '#include <asm/intel-family.h>',
      '',
      'static const struct x86_cpu_id demo_ids[] = {',
      '\tX86_MATCH_INTEL_FAM6_MODEL(SKYLAKE, NULL),',
      '\tX86_MATCH_INTEL_FAM6_MODEL(KABYLAKE, NULL),',
      '\tX86_MATCH_INTEL_FAM6_MODEL(SKYLAKE, NULL),',
      '\tX86_MATCH_INTEL_FAM6_MODEL(ICELAKE_L, NULL),',
      '\t{}',
      '};',
      'MODULE_DEVICE_TABLE(x86cpu, demo_ids);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    const later = '`X86_MATCH_INTEL_FAM6_MODEL` is not declared by the kernel headers of 6.12–7.3: after its first call there it is taken for a function returning `int`, and outside a function a call is no constant, so gcc refuses this element of the initializer ("initializer element is not constant", or first an undeclared name among its arguments)';
    assert.deepEqual(rows(text, '5.10,6.1,6.12,7.2,7.3'), [
      'warning 6:2-28 [6.12,7.2,7.3] `X86_MATCH_INTEL_FAM6_MODEL` is not declared by the kernel headers of 6.12–7.3, so the call does not compile there',
      `warning 7:2-28 [6.12,7.2,7.3] ${later}`,
      `warning 9:2-28 [6.12,7.2,7.3] ${later}`,
    ]);
  });

  it('takes as an element of an initializer outside a function only a whole element: not one under sizeof, inside another call or an expression, nor one outside the initializers', () => {
    const text = [
      'static const struct id a[] = { F(A, 1), { .x = F(B, 2) }, F(C, 3) | 1, G(F(D, 4)), [2] = F(E, 5) };',
      'static int b = F(e, 6);',
      'static int c = sizeof(F(g, 7));',
      'static int d(void)',
      '{',
      '\tstatic const struct id local[] = { F(h, 8) };',
      '\treturn local[0].x;',
      '}',
      'F(i, 9);',
    ].join('\n');
    const masked = maskCode(text);
    const sites = callSites(masked, () => false).filter((site) => site.name === 'F');
    const initializers = [
      { start: text.indexOf('{ F(A'), end: text.indexOf(';') + 1 },
      { start: text.indexOf('F(e'), end: text.indexOf('F(e') + 8 },
      { start: text.indexOf('sizeof'), end: text.indexOf('sizeof') + 16 },
    ];
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    const elements = new InitializerElements(masked, starts, initializers);
    assert.deepEqual(
      sites.map((site) => `${site.line + 1}:${site.startColumn + 1} ${JSON.stringify(elements.namesOf(site) ?? null)}`),
      ['1:32 ["A"]', '1:48 ["B"]', '1:59 null', '1:74 null', '1:90 ["E"]', '2:16 ["e"]', '3:23 null', '6:37 null', '9:1 null'],
    );
  });

  it('is silent where the driver defines it, where the line is not compiled, for unknown names, and without header data', () => {
    assert.deepEqual(rows(COPY('#define strlcpy strscpy'), '6.1,6.12,7.3'), []);
    assert.deepEqual(rows(COPY('static size_t strlcpy(char *d, const char *s, size_t n) { return 0; }'), '6.1,6.12,7.3'), []);
    const guarded = '#include <linux/string.h>\n#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)\nstatic void c(char *d) { strlcpy(d, "x", 2); }\n#endif\n';
    assert.deepEqual(rows(guarded, '6.1,6.12,7.3'), []);
    // A compat definition no target compiles is no definition there (gcc-12 against 6.12: "implicit declaration of function 'strlcpy'").
    const oldCompat = '#include <linux/string.h>\n#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nstatic size_t strlcpy(char *d, const char *s, size_t n)\n{\n\treturn 0;\n}\n#endif\nstatic void c(char *d) { strlcpy(d, "x", 2); }\n';
    assert.deepEqual(rows(oldCompat, '6.1,6.12'), ['warning 9:26-33 [6.12] `strlcpy` is not declared by the kernel headers of 6.12, so the call does not compile there']);
    assert.deepEqual(rows('static void c(void) { my_own_helper(1); }\n', '6.1,6.12'), []);
    assert.deepEqual(rows(COPY(''), '5.15,6.8'), [], 'the Ubuntu images have no header data');
  });
});

describe('missing-function across included headers', () => {
  it('leaves a call to the header that calls the function first, where gcc reports it', async () => {
    const { createIncludeResolver } = await import('../../src/core/c/includes');
    const headers: Record<string, string> = { '/ws/fs.h': '#include <linux/string.h>\nstatic inline void h(char *d) { strlcpy(d, "x", 2); }\n' };
    const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
    const text = '#include "fs.h"\nstatic void c(char *d) { strlcpy(d, "y", 2); }\n';
    const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets('6.1,6.12', db.images).images, resolveInclude });
    assert.deepEqual(result.findings.filter((f) => f.code === 'missing-function'), []);
    const header = checker.check(headers['/ws/fs.h'], { fileName: '/ws/fs.h', targets: parseTargets('6.1,6.12', db.images).images, resolveInclude });
    assert.deepEqual(header.findings.filter((f) => f.code === 'missing-function').map((f) => f.range.startLine + 1), [2]);
  });
});

describe('missing-function successors', () => {
  const TIMER = '#include <linux/timer.h>\nstatic void stop(struct timer_list *t)\n{\n\tdel_timer(t);\n}\n';

  it('names the function that took its place, with the same parameters (del_timer → timer_delete)', () => {
    assert.deepEqual(rows(TIMER, '6.12,7.2,7.3'), [
      'warning 4:2-11 [7.2,7.3] `del_timer` is not declared by the kernel headers of 7.2–7.3, so the call does not compile there: `timer_delete` took its place (the same parameters, declared from 6.1)',
    ]);
  });

  it('renames the call where every target has the successor, and the finding goes', async () => {
    const { quickFixesFor } = await import('../../src/core/edits/quickFixes');
    const { applyEdits } = await import('../../src/core/edits/textEdits');
    const targets = parseTargets('6.12,7.2,7.3', db.images).images;
    const result = checker.check(TIMER, { fileName: '/ws/drv.c', targets });
    const finding = result.findings.find((f) => f.code === 'missing-function')!;
    const [rename] = quickFixesFor(finding, TIMER, result.usages, db);
    assert.equal(rename.title, 'Call `timer_delete`, which took the place of `del_timer`');
    const fixed = applyEdits(TIMER, rename.edits);
    assert.match(fixed, /\ttimer_delete\(t\);/);
    assert.deepEqual(rows(fixed, '6.12,7.2,7.3'), []);
  });

  it('offers no rename where a target lacks the successor (5.10 has no timer_delete)', async () => {
    const { quickFixesFor } = await import('../../src/core/edits/quickFixes');
    const result = checker.check(TIMER, { fileName: '/ws/drv.c', targets: parseTargets('5.10,7.3', db.images).images });
    const finding = result.findings.find((f) => f.code === 'missing-function')!;
    assert.deepEqual(quickFixesFor(finding, TIMER, result.usages, db).map((f) => f.kind), ['ignore']);
  });
});
