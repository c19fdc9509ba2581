// Rule call-arguments: a call whose argument count a targeted kernel's prototype or macro does not take.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { ArgumentTypes } from '../../src/core/c/argumentTypes';
import { argumentsReading, callArguments, callSites } from '../../src/core/c/calls';
import { callHover } from '../../src/core/check/callHover';
import { prototypeParameters } from '../../src/core/c/prototypes';
import { maskCode } from '../../src/core/c/statements';
import { quickFixesFor } from '../../src/core/edits/quickFixes';
import { applyEdits } from '../../src/core/edits/textEdits';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function check(text: string, spec: string) {
  return checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images });
}

function rows(text: string, spec: string): string[] {
  return check(text, spec)
    .findings.filter((f) => f.code === 'call-arguments')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

const CLASS = (call: string, before = '') =>
  `#include <linux/module.h>\n#include <linux/device.h>\n${before}static struct class *cls;\n\nstatic int __init demo_init(void)\n{\n\tcls = ${call};\n\treturn PTR_ERR_OR_ZERO(cls);\n}\n`;

describe('call-arguments', () => {
  it('reads argument lists across lines, with nested calls, strings and braces', () => {
    const text = 'f(a, g(b, c), "x, y",\n  (int[]){1, 2});\nh();\nk( );\n';
    const masked = maskCode(text);
    const [f, , h, k] = callSites(masked, () => false);
    const argsOf = (site: { line: number; startColumn: number; name: string }) => {
      const open = masked.indexOf('(', text.split('\n').slice(0, site.line).join('\n').length + (site.line > 0 ? 1 : 0) + site.startColumn);
      const args = callArguments(masked, open, site.line, () => false)!;
      return { words: args.spans.map((s) => text.slice(s.start, s.end)), commaInBraces: args.commaInBraces };
    };
    assert.deepEqual(argsOf(f), { words: ['a', 'g(b, c)', '"x, y"', '(int[]){1, 2}'], commaInBraces: true });
    assert.deepEqual(argsOf(h).words, []);
    assert.deepEqual(argsOf(k).words, []);
  });

  it('reads a list that crosses #if lines as each target does: skipped lines leave the arguments around them whole, or mark the one they split', () => {
    const text = 'f(a,\n#if X\n  b, c);\n#else\n  d\n#endif\n  , e(1,\n#if X\n 2\n#endif\n  ));\n';
    const masked = maskCode(text);
    const directive = (line: number) => text.split('\n')[line].startsWith('#');
    const read = (onX: boolean) => {
      const args = argumentsReading(masked, 1, 0, (line) => (directive(line) || (onX ? line === 4 : line === 2 || line === 8) ? 'skip' : 'read'))!;
      return args.spans.map((s) => `${s.spliced ? '~' : ''}${text.slice(s.start, s.end)}`);
    };
    assert.deepEqual(read(true), ['a', 'b', 'c']);
    assert.deepEqual(read(false), ['a', 'd', '~e(1,\n#if X\n 2\n#endif\n  )']);
    assert.equal(argumentsReading(masked, 1, 0, (line) => (line === 2 ? 'stop' : 'read')), undefined);
  });

  it('reads prototypes, and refuses the fortified ones the header reader split', () => {
    assert.deepEqual(prototypeParameters('struct class *class_create(const char *)', 'class_create'), { types: ['const char *'], variadic: false });
    assert.deepEqual(prototypeParameters('void f(int (*)(int, int), ...)', 'f'), { types: ['int (*)(int, int)'], variadic: true });
    assert.deepEqual(prototypeParameters('int g(void)', 'g'), { types: [], variadic: false });
    assert.equal(prototypeParameters('size_t strlcpy(char *const, p, const char *const, q, size_t)', 'strlcpy'), undefined);
  });

  it('judges no call in an argument the driver\'s own macro leaves out (a TRACE_EVENT that drops its body with tracing off)', () => {
    const trace = (define: string) =>
      `#include <linux/tracepoint.h>\n#undef TRACE_EVENT\n${define}\nTRACE_EVENT(my_dbg,\n\tTP_PROTO(const char *dev),\n\tTP_ARGS(dev),\n\tTP_STRUCT__entry(__string(device, dev)),\n\tTP_fast_assign(__assign_str(device, dev);),\n\tTP_printk("%s", __get_str(device))\n);\n`;
    assert.deepEqual(rows(trace('#define TRACE_EVENT(name, proto, ...) static inline void trace_ ## name(proto) {}'), '6.1,6.12'), []);
    // A macro that keeps its body: 6.12's __assign_str takes the field only.
    assert.deepEqual(
      rows(trace('#define TRACE_EVENT(name, proto, ...) __VA_ARGS__'), '6.1,6.12').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 8:17-29 [6.12]'],
    );
  });

  it('warns where the code assigns, negates, tests or compares the value of a function that returns void there (pwmchip_remove from 6.1), and only then', () => {
    const remove = (statement: string) => `#include <linux/pwm.h>\nint demo_remove(struct pwm_chip *chip)\n{\n\tint ret = 0;\n\t${statement}\n\treturn ret;\n}\n`;
    assert.deepEqual(rows(remove('ret = pwmchip_remove(chip);'), '5.10,6.1,6.12'), [
      'warning 5:8-22 [6.1,6.12] `pwmchip_remove` returns void on 6.1–6.12 (`void pwmchip_remove(struct pwm_chip *)`); the call\'s value is used, so it does not compile there',
    ]);
    assert.deepEqual(rows(remove('pwmchip_remove(chip);'), '5.10,6.1,6.12'), []);
    // gcc 6.1: "void value not ignored as it ought to be" (if, while), "invalid use of void expression" (!).
    const columns = (statement: string) => rows(remove(statement), '6.1').map((row) => row.slice(0, row.indexOf(' [')));
    assert.deepEqual(columns('if (pwmchip_remove(chip)) ret = 1;'), ['warning 5:6-20']);
    assert.deepEqual(columns('while (!pwmchip_remove(chip)) ret = 1;'), ['warning 5:10-24']);
    // An operand of an operator after it (xt_FULLCONENAT's `nf_conntrack_register_notifier(…) == 0`, void from 5.15).
    assert.deepEqual(columns('if (pwmchip_remove(chip) == 0) ret = 1;'), ['warning 5:6-20']);
    assert.deepEqual(columns('ret = pwmchip_remove(chip) < 0;'), ['warning 5:8-22']);
    assert.deepEqual(rows(remove('if (ret == pwmchip_remove(chip)) ret = 1;'), '6.1'), [], 'an operand after an operator is not judged (the value is used, but the rule reads only the plainer uses)');
    // Two void calls as the branches of a conditional are a statement gcc takes.
    assert.deepEqual(rows(remove('ret ? pwmchip_remove(chip) : pwmchip_remove(chip);'), '6.1'), []);
    assert.deepEqual(rows(remove('if (ret) pwmchip_remove(chip);'), '6.1'), []);
    // The driver's compat macro keeps the old shape.
    assert.deepEqual(rows(`#define pwmchip_remove(c) (pwmchip_remove(c), 0)\n${remove('ret = pwmchip_remove(chip);')}`, '6.1'), []);
  });

  it('warns where class_create lost its owner parameter (a function of the name only from 6.4)', () => {
    assert.deepEqual(rows(CLASS('class_create(THIS_MODULE, "demo")'), 'debian'), [
      'warning 7:8-20 [6.12,7.2,7.3] `class_create` takes 1 argument on 6.12–7.3 (`struct class *class_create(const char *)`); the call passes 2, so it does not compile there',
    ]);
  });

  it('judges the kernels with header data among targets that include Ubuntu images', () => {
    assert.deepEqual(rows(CLASS('class_create(THIS_MODULE, "demo")'), '6.1..7.3'), [
      'warning 7:8-20 [6.12,7.2,7.3] `class_create` takes 1 argument on 6.12–7.3 (`struct class *class_create(const char *)`); the call passes 2, so it does not compile there',
    ]);
  });

  it('warns the other way where the older kernels have a macro of two arguments', () => {
    assert.deepEqual(rows(CLASS('class_create("demo")'), '5.10,6.1,6.12'), [
      'warning 7:8-20 [5.10,6.1] `class_create` is a macro of 2 arguments on 5.10–6.1; the call passes 1, so it does not compile there',
    ]);
  });

  it('counts the arguments of a macro that passes them all to one function by that function (__vmalloc from 6.10)', () => {
    const text = '#include <linux/vmalloc.h>\nstatic void *demo_alloc(unsigned long size)\n{\n\treturn __vmalloc(size, GFP_KERNEL, PAGE_KERNEL);\n}\n';
    assert.deepEqual(rows(text, '6.1,6.12,7.3').map((row) => row.slice(0, row.indexOf(' `'))), ['warning 4:9-18 [6.1,6.12,7.3]']);
    assert.deepEqual(rows(text.replace(', PAGE_KERNEL', ''), '6.1,6.12,7.3'), []);
  });

  it('is silent under a version guard, for a wrapper the driver defines, and without header data', () => {
    const guarded = CLASS(
      'NULL;\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)\n\tcls = class_create("demo");\n#else\n\tcls = class_create(THIS_MODULE, "demo");\n#endif\n\tcls = cls',
      '#include <linux/version.h>\n',
    );
    assert.deepEqual(rows(guarded, 'debian'), []);
    assert.deepEqual(rows(CLASS('class_create(THIS_MODULE, "demo")', '#undef class_create\n#define class_create(owner, name) class_create(name)\n'), 'debian'), []);
    assert.deepEqual(rows(CLASS('class_create(THIS_MODULE, "demo")'), '5.15,6.8'), [], 'the Ubuntu images have no header data');
  });

  it('names the prototype that lost a parameter (netif_napi_add without its weight from 6.1)', () => {
    const text = '#include <linux/netdevice.h>\nstatic int poll(struct napi_struct *n, int budget) { return 0; }\nstatic void setup(struct net_device *dev, struct napi_struct *napi)\n{\n\tnetif_napi_add(dev, napi, poll, 64);\n}\n';
    assert.deepEqual(rows(text, '5.10,6.1,6.12'), [
      'warning 5:2-16 [6.1,6.12] `netif_napi_add` takes 3 arguments on 6.1–6.12 (`void netif_napi_add(struct net_device *, struct napi_struct *, int (*)(struct napi_struct *, int))`); the call passes 4, so it does not compile there',
    ]);
  });
});

describe('call-arguments: argument lists that cross #if lines', () => {
  /** class_create with its owner argument under a version guard of the driver's. */
  const GUARDED = (condition: string) =>
    CLASS(`class_create(\n#if ${condition}\n\t\tTHIS_MODULE,\n#endif\n\t\t"demo")`, '#include <linux/version.h>\n');

  it('judges each target by the lines it compiles: a guard drawn at the wrong version fails on the kernels between, and the only fix offered is the ignore comment', () => {
    // Kbuild against Debian's 6.12 headers (gcc-12): "8:15: too many arguments to function 'class_create'"; 5.10, 6.1, 7.2, 7.3 build it.
    const text = GUARDED('LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0)');
    assert.deepEqual(rows(text, 'debian'), [
      'warning 8:8-20 [6.12] `class_create` takes 1 argument on 6.12 (`struct class *class_create(const char *)`); the call passes 2, so it does not compile there',
    ]);
    const result = check(text, 'debian');
    const finding = result.findings.find((f) => f.code === 'call-arguments')!;
    assert.deepEqual(quickFixesFor(finding, text, result.usages, db).map((f) => f.kind), ['ignore']);
  });

  it("is silent where the guard is right, and where a line of the list depends on a macro the build's flags may define", () => {
    assert.deepEqual(rows(GUARDED('LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)'), 'debian'), []);
    assert.deepEqual(rows(GUARDED('defined(DEMO_OWNER)'), 'debian'), []);
  });
});

describe('call-arguments fixes', () => {
  const fix = (text: string, spec: string) => {
    const result = check(text, spec);
    const finding = result.findings.find((f) => f.code === 'call-arguments');
    assert.ok(finding, 'no call-arguments finding');
    const [guard] = quickFixesFor(finding, text, result.usages, db);
    return { guard, fixed: applyEdits(text, guard.edits) };
  };

  it('guards the statement with THIS_MODULE dropped from the boundary on, and the result builds everywhere', () => {
    const { guard, fixed } = fix(CLASS('class_create(THIS_MODULE, "demo")'), 'debian');
    assert.equal(guard.title, 'Guard this call by kernel version: `class_create("demo")` from 6.12, as written otherwise');
    assert.equal(
      fixed,
      '#include <linux/module.h>\n#include <linux/device.h>\n#include <linux/version.h>\nstatic struct class *cls;\n\nstatic int __init demo_init(void)\n{\n' +
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)\n\tcls = class_create("demo");\n#else\n\tcls = class_create(THIS_MODULE, "demo");\n#endif\n' +
        '\treturn PTR_ERR_OR_ZERO(cls);\n}\n',
    );
    assert.deepEqual(rows(fixed, 'debian'), []);
  });

  it('drops the one parameter the newer prototype lost', () => {
    const text = '#include <linux/version.h>\n#include <linux/netdevice.h>\nstatic int poll(struct napi_struct *n, int budget) { return 0; }\nstatic void setup(struct net_device *dev, struct napi_struct *napi)\n{\n\tnetif_napi_add(dev, napi, poll, 64);\n}\n';
    const { guard, fixed } = fix(text, '5.10,6.1,6.12');
    assert.equal(guard.title, 'Guard this call by kernel version: `netif_napi_add(dev, napi, poll)` from 6.1, as written otherwise');
    assert.match(fixed, /#if LINUX_VERSION_CODE >= KERNEL_VERSION\(6, 1, 0\)\n\tnetif_napi_add\(dev, napi, poll\);\n#else\n\tnetif_napi_add\(dev, napi, poll, 64\);\n#endif\n/);
    assert.deepEqual(rows(fixed, '5.10,6.1,6.12'), []);
  });

  it('offers only the ignore comment where the dropped argument is not clear', () => {
    const result = check(CLASS('class_create(owner, "demo")'), 'debian');
    const finding = result.findings.find((f) => f.code === 'call-arguments')!;
    assert.deepEqual(quickFixesFor(finding, CLASS('class_create(owner, "demo")'), result.usages, db).map((f) => f.kind), ['ignore']);
  });
});

describe('hover on a call', () => {
  it('shows each targeted kernel\'s declaration, grouped, and the kernels without header data', () => {
    const targets = parseTargets('5.15,6.1,6.12,7.2,7.3', db.images).images;
    assert.equal(
      callHover(db, 'class_create', targets),
      [
        '**`class_create`** on the targeted kernels',
        '',
        '- 6.1: a macro of 2 arguments',
        '- 6.12–7.3: `struct class *class_create(const char *)`',
        '',
        'Not known on 5.15: the data has no headers of those kernels.',
      ].join('\n'),
    );
    assert.match(callHover(db, 'strlcpy', targets)!, /- 6\.12–7\.3: \*\*not declared\*\*: a call does not compile there/);
    assert.equal(callHover(db, 'my_driver_helper', targets), undefined);
  });
});

describe('call-arguments: argument types', () => {
  const SETATTR = (parameter: string) =>
    `#include <linux/fs.h>\nstatic int demo_setattr(${parameter} *mnt_userns, struct dentry *dentry, struct iattr *attr)\n{\n\treturn setattr_prepare(mnt_userns, dentry, attr);\n}\n`;

  it('warns on an argument whose struct pointer type the function no longer takes (user_namespace → mnt_idmap)', () => {
    assert.deepEqual(rows(SETATTR('struct user_namespace'), '6.1,6.12,7.3'), [
      'warning 4:25-35 [6.12,7.3] `setattr_prepare` takes `struct mnt_idmap *` as argument 1 on 6.12–7.3 (`int setattr_prepare(struct mnt_idmap *, struct dentry *, struct iattr *)`); the call passes `mnt_userns`, a `struct user_namespace *`, so it does not compile there',
    ]);
  });

  it("types a later declarator of a declaration too (amneziawg's `struct socket *new4 = NULL, *new6 = NULL;`), not a call's argument", () => {
    // gcc 7.2: "passing argument 1 of 'udp_tunnel_sock_release' from incompatible pointer type".
    const RELEASE = (declaration: string) =>
      `#include <net/udp_tunnel.h>\nstatic void demo_release(struct net *net)\n{\n\t${declaration};\n\tudp_tunnel_sock_release(new6);\n}\n`;
    const why = "`udp_tunnel_sock_release` takes `struct sock *` as argument 1 on 7.2–7.3 (`void udp_tunnel_sock_release(struct sock *)`); the call passes `new6`, a `struct socket *`, so it does not compile there";
    assert.deepEqual(rows(RELEASE('struct socket *new4 = NULL, *new6 = NULL'), '6.12,7.2,7.3'), [`warning 5:26-30 [7.2,7.3] ${why}`]);
    assert.deepEqual(rows(RELEASE('struct sock *new4 = NULL, *new6 = NULL'), '6.12,7.2,7.3'), [
      'warning 5:26-30 [6.12] `udp_tunnel_sock_release` takes `struct socket *` as argument 1 on 6.12 (`void udp_tunnel_sock_release(struct socket *)`); the call passes `new6`, a `struct sock *`, so it does not compile there',
    ]);
    // Not declarations: an argument list, and a comma in parentheses of an initializer.
    assert.deepEqual(rows(RELEASE('void *new6 = NULL; pr_info("%p %p", net, new6)'), '7.2'), []);
    assert.deepEqual(rows(RELEASE('void *new6 = NULL; struct socket *new4 = max(net, *new6)'), '7.2'), []);
  });

  it("types the parameters of a whole function under #else, the newer kernels' version of it (apfs's fileattr_fill_flags on 7.2+)", () => {
    // gcc-14 against Debian's 7.3 headers: "passing argument 1 of 'fileattr_fill_flags' from incompatible pointer type".
    const GET = (older: string) =>
      `#include <linux/fs.h>\n#include <linux/fileattr.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)\n${older}\n#else\nint demo_fileattr_get(struct dentry *dentry, struct fileattr *fa)\n{\n\tfileattr_fill_flags(fa, 0);\n\treturn 0;\n}\n#endif\n`;
    const why = "`fileattr_fill_flags` takes `struct file_kattr *` as argument 1 on 7.2–7.3 (`void fileattr_fill_flags(struct file_kattr *, u32)`); the call passes `fa`, a `struct fileattr *`, so it does not compile there";
    assert.deepEqual(rows(GET('static int demo_old(void)\n{\n\treturn 0;\n}'), '6.12,7.2,7.3'), [`warning 11:22-24 [7.2,7.3] ${why}`]);
    // A whole file under `#if … #error #else` (spi-ch341-usb), alternative headers of another function inside it.
    const wholeFile = [
      '#include <linux/fs.h>',
      '#include <linux/fileattr.h>',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 10, 0)',
      '#error too old',
      '#else',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)',
      'int demo_other(struct dentry *dentry, int x) {',
      '#else',
      'int demo_other(struct dentry *dentry, long x) {',
      '#endif',
      '\treturn 0;',
      '}',
      'int demo_fileattr_get(struct dentry *dentry, struct fileattr *fa)',
      '{',
      '\tfileattr_fill_flags(fa, 0);',
      '\treturn 0;',
      '}',
      'struct demo_dev { struct fileattr *attr; };',
      'int demo_dev_get(struct demo_dev* dev)',
      '{',
      '\tfileattr_fill_flags(dev->attr, 0);',
      '\treturn 0;',
      '}',
      '#endif',
      '',
    ].join('\n');
    // The driver's struct, defined only in that branch, types its member (spi-ch341-usb's ch341_dev->master).
    assert.deepEqual(rows(wholeFile, '6.12,7.2,7.3'), [`warning 15:22-24 [7.2,7.3] ${why}`, `warning 21:22-31 [7.2,7.3] ${why.replace('passes `fa`', 'passes `dev->attr`')}`]);
    // Alternative headers of one body: the #else branch opens a brace it does not close, so its parameter is not typed from it.
    const shared = '#include <linux/fs.h>\n#include <linux/fileattr.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)\nint demo_fileattr_get(struct dentry *dentry, struct file_kattr *fa) {\n#else\nint demo_fileattr_get(struct dentry *dentry, struct fileattr *fa) {\n#endif\n\tfileattr_fill_flags(fa, 0);\n\treturn 0;\n}\n';
    assert.deepEqual(rows(shared, '7.2,7.3'), []);
  });

  it('types an argument cast to a struct pointer (kecho\'s `(struct sockaddr *) &addr` to kernel_bind, which takes `struct sockaddr_unsized *` from 7.2)', () => {
    // gcc-14 on 7.3 errors at 6:35 and 8:37 ("passing argument 2 ... from incompatible pointer type"); 6.12 builds it.
    const text = [
      '#include <linux/net.h>',
      '#include <linux/in.h>',
      'int demo_bind(struct socket *sock, struct sockaddr_in *sin)',
      '{',
      '\tstruct sockaddr_in addr = { 0 };',
      '\tint error = kernel_bind(sock, (struct sockaddr *) &addr, sizeof(addr));',
      '\tif (!error)',
      '\t\terror = kernel_connect(sock, (struct sockaddr *)sin, sizeof(*sin), 0) + kernel_bind(sock, (void *)sin, 4) + kernel_bind(sock, (struct sockaddr *)sin + 1, 4);',
      '\treturn error;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.12,7.3').map((row) => row.split(' ').slice(0, 4).join(' ')), ['warning 6:32-57 [7.3] `kernel_bind`', 'warning 8:32-54 [7.3] `kernel_connect`']);
  });

  it('is silent where the argument has the right type, where its type is not plain, and where a target renames the tag', () => {
    assert.deepEqual(rows(SETATTR('struct mnt_idmap'), '6.12,7.3'), []);
    assert.deepEqual(rows(SETATTR('void'), '6.12,7.3'), []);
    assert.deepEqual(rows('#define user_namespace mnt_idmap\n' + SETATTR('struct user_namespace'), '6.12,7.3'), []);
  });

  it('warns on a pointer to a struct pointer whose struct the function no longer takes (block_write_begin: struct page ** → struct folio ** in 6.12)', () => {
    const WRITE_BEGIN = (declaration: string, argument: string) =>
      `#include <linux/buffer_head.h>\nstatic int demo_write_begin(struct address_space *mapping, loff_t pos, unsigned len, get_block_t *get_block${declaration.startsWith(',') ? declaration : ''})\n{\n${declaration.startsWith(',') ? '' : `\t${declaration};\n`}\treturn block_write_begin(mapping, pos, len, ${argument}, get_block);\n}\n`;
    const expected = (line: number, columns: string, argument: string) =>
      `warning ${line}:${columns} [6.12] \`block_write_begin\` takes \`struct folio **\` as argument 4 on 6.12 (\`int block_write_begin(struct address_space *, loff_t, unsigned, struct folio **, get_block_t *)\`); the call passes \`${argument}\`, a \`struct page **\`, so it does not compile there`;
    assert.deepEqual(rows(WRITE_BEGIN(', struct page **pagep', 'pagep'), '6.1,6.12'), [expected(4, '46-51', 'pagep')]);
    assert.deepEqual(rows(WRITE_BEGIN('struct page *page = NULL', '&page'), '6.1,6.12'), [expected(5, '46-51', '&page')]);
    assert.deepEqual(rows(WRITE_BEGIN(', struct folio **foliop', 'foliop'), '6.12'), []);
    // One pointer fewer than the parameter: gcc-12 against Debian's 6.12 headers gives the same
    // "passing argument 4 of 'block_write_begin' from incompatible pointer type".
    assert.deepEqual(rows(WRITE_BEGIN('struct page *page = NULL', 'page'), '6.12'), [expected(5, '46-50', 'page').replace('a `struct page **`', 'a `struct page *`')]);
    // The right struct behind the wrong count of pointers (6.7's get_file_rcu takes `struct file **`).
    const getFile = (declaration: string) => `#include <linux/fs.h>
static bool demo_get(${declaration})
{
	return get_file_rcu(f) != NULL;
}
`;
    assert.deepEqual(rows(getFile('struct file *f'), '6.1,6.12'), [
      'warning 4:22-23 [6.12] `get_file_rcu` takes `struct file **` as argument 1 on 6.12 (`struct file *get_file_rcu(struct file **)`); the call passes `f`, a `struct file *`, so it does not compile there',
    ]);
    assert.deepEqual(rows(getFile('struct file **f'), '6.12'), []);
  });

  it("counts 6.1's fortified inline strscpy as its extern: the two-argument form of 6.8 does not compile there", () => {
    // gcc-12 against Debian's 6.1 headers: "7:9: error: too few arguments to function 'strscpy'".
    const text = '#include <linux/module.h>\n#include <linux/string.h>\nvoid demo_copy(const char *src);\nvoid demo_copy(const char *src)\n{\n\tchar buf[16];\n\tstrscpy(buf, src);\n}\n';
    assert.deepEqual(rows(text, '5.10,6.1,6.12,7.2'), [
      'warning 7:2-9 [5.10,6.1] `strscpy` takes 3 arguments on 5.10–6.1 (`ssize_t strscpy(char *, const char *, size_t)`); the call passes 2, so it does not compile there',
    ]);
  });

  it("types `ptr->member` by the kernel struct's member on each kernel, and by the driver's own definition of its struct (amneziawg's sk->sk_socket)", () => {
    // gcc-12 against Debian's 7.2 headers: "8:35: passing argument 1 of 'udp_tunnel_sock_release' from incompatible pointer type"; 6.12 builds it.
    const release = (before: string, parameter: string, argument: string) =>
      `#include <linux/module.h>\n#include <net/sock.h>\n#include <net/udp_tunnel.h>\n${before}\nvoid demo_release(${parameter});\nvoid demo_release(${parameter})\n{\n\tudp_tunnel_sock_release(${argument});\n}\n`;
    assert.deepEqual(rows(release('', 'struct sock *sk', 'sk->sk_socket'), '6.1,6.12,7.2'), [
      'warning 8:26-39 [7.2] `udp_tunnel_sock_release` takes `struct sock *` as argument 1 on 7.2 (`void udp_tunnel_sock_release(struct sock *)`); the call passes `sk->sk_socket`, a `struct socket *`, so it does not compile there',
    ]);
    // A struct of the driver's: its own definition types the member, whatever the kernel's struct of that name holds.
    assert.deepEqual(rows(release('struct demo_tunnel { struct socket *sock; };', 'struct demo_tunnel *tun', 'tun->sock'), '6.12,7.2'), [
      'warning 8:26-35 [7.2] `udp_tunnel_sock_release` takes `struct sock *` as argument 1 on 7.2 (`void udp_tunnel_sock_release(struct sock *)`); the call passes `tun->sock`, a `struct socket *`, so it does not compile there',
    ]);
    // Unless the definition leaves the member's type open: two types under #if, or a second definition in a later branch.
    const eitherType = 'struct demo_tunnel {\n#ifdef CONFIG_DEMO_OLD\n\tstruct socket *sock;\n#else\n\tstruct sock *sock;\n#endif\n};';
    assert.deepEqual(rows(release(eitherType, 'struct demo_tunnel *tun', 'tun->sock'), '7.2'), []);
    const eitherDefinition = '#ifdef CONFIG_DEMO_OLD\nstruct demo_tunnel { struct socket *sock; };\n#else\nstruct demo_tunnel { struct sock *sock; };\n#endif';
    assert.deepEqual(rows(release(eitherDefinition, 'struct demo_tunnel *tun', 'tun->sock'), '7.2'), []);
    // A member through something other than a declared pointer, or a member the struct lacks there.
    assert.deepEqual(rows(release('', 'struct sock *sk', 'sk_of(sk)->sk_socket'), '7.2'), []);
    assert.deepEqual(rows(release('', 'struct sock *sk', 'sk->sk_no_such_member'), '7.2'), []);
  });


  it("types a member read through the driver's own accessor function (apfs's `APFS_NXI(sb)->nx_bdev` to set_blocksize, which takes `struct file *` from 6.11)", () => {
    // Kbuild with gcc-12 against Debian's headers: 6.12 stops at "16:43: passing argument 1 of 'set_blocksize' from incompatible pointer type"; 6.1 builds it.
    const text = (accessor: string) =>
      [
        '#include <linux/module.h>',
        '#include <linux/blkdev.h>',
        '',
        'struct demo_info {',
        '\tstruct block_device *bdev;',
        '};',
        '',
        accessor,
        '',
        'int demo_set_size(struct super_block *sb, int size);',
        'int demo_set_size(struct super_block *sb, int size)',
        '{',
        '\treturn set_blocksize(DEMO_INFO(sb)->bdev, size);',
        '}',
        '',
      ].join('\n');
    const inline = 'static inline struct demo_info *DEMO_INFO(struct super_block *sb)\n{\n\treturn sb->s_fs_info;\n}';
    assert.deepEqual(rows(text(inline), '6.1,6.12'), [
      'warning 16:23-42 [6.12] `set_blocksize` takes `struct file *` as argument 1 on 6.12 (`int set_blocksize(struct file *, int)`); the call passes `DEMO_INFO(sb)->bdev`, a `struct block_device *`, so it does not compile there',
    ]);
    // A macro of the name, or declarations that disagree on the struct, leave the result's type open.
    assert.deepEqual(rows(text('#define DEMO_INFO(sb) ((struct demo_info *)(sb)->s_fs_info)\n\n\n'), '6.12'), []);
    assert.deepEqual(rows(text(`struct other_info *DEMO_INFO(struct super_block *sb);\n${inline}`), '6.12'), []);
  });

  it("judges calls of the file's own functions by their struct pointer parameters (exfat's `struct timespec *` given `&inode->i_mtime`, a `struct timespec64` from 4.18)", () => {
    // Kbuild against Debian's headers: 5.10 (gcc-10) and 6.1 (gcc-12) stop at "13:26: passing argument 1 of 'demo_time' from incompatible pointer type".
    const text = (parameter: string) =>
      [
        '#include <linux/module.h>',
        '#include <linux/fs.h>',
        '',
        `static void demo_time(${parameter}, int x)`,
        '{',
        '}',
        '',
        'void demo_read(struct inode *inode);',
        'void demo_read(struct inode *inode)',
        '{',
        '\tstruct inode *other = inode;',
        '',
        '\tdemo_time(&inode->i_mtime, 0);',
        '\tdemo_time(&other->i_atime, 1);',
        '}',
        'MODULE_LICENSE("GPL");',
        '',
      ].join('\n');
    const message = (argument: string) =>
      `\`demo_time\`, the file's own function, takes \`struct timespec *\` as argument 1; the call passes \`${argument}\`, a \`struct timespec64 *\` on 5.10–6.1, so it does not compile there`;
    assert.deepEqual(rows(text('struct timespec *ts'), '5.10,6.1'), [`warning 13:12-27 [5.10,6.1] ${message('&inode->i_mtime')}`, `warning 14:12-27 [5.10,6.1] ${message('&other->i_atime')}`]);
    // An inner block's other declaration of the name is the one the call sees (wireguard's netlink.c, which builds on 6.1):
    // `struct nlattr *attr, *peer[…]` after an outer `struct wg_peer *peer`. The name's type is then not read.
    const shadowed = [
      '#include <linux/module.h>',
      '#include <net/netlink.h>',
      'struct demo_peer { int x; };',
      'static int set_peer(struct demo_peer *dp, struct nlattr **attrs) { return attrs != NULL; }',
      'int demo(struct demo_peer *dp);',
      'int demo(struct demo_peer *dp)',
      '{',
      '\tstruct demo_peer *peer = dp;',
      '\t{',
      '\t\tstruct nlattr *attr = NULL, *peer[4] = { NULL };',
      '\t\treturn set_peer(dp, peer) + (attr != NULL);',
      '\t}',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(shadowed, '6.1'), []);
    // The right struct, a parameter that is no struct pointer, or a tag the file #defines: nothing to say.
    assert.deepEqual(rows(text('struct timespec64 *ts'), '5.10,6.1'), []);
    assert.deepEqual(rows(text('void *ts'), '5.10,6.1'), []);
    assert.deepEqual(rows(`#define timespec timespec64\n${text('struct timespec *ts')}`, '5.10,6.1'), []);
  });

  it("types `ptr->a->member` through the driver's own structs, their anonymous unions and structs included (vwifi's vif->ap->ndev)", () => {
    // gcc-16 against Debian's 7.2 headers and gcc-14 against 7.3's: "14:26: passing argument 1 of
    // 'cfg80211_del_sta' from incompatible pointer type"; 6.12 builds it.
    const text = (members: string) =>
      [
        '#include <linux/module.h>',
        '#include <net/cfg80211.h>',
        '',
        'struct demo_vif {',
        '\tstruct net_device *ndev;',
        members,
        '};',
        '',
        'void demo_leave(struct demo_vif *vif, const u8 *mac);',
        'void demo_leave(struct demo_vif *vif, const u8 *mac)',
        '{',
        '\tif (vif->ap)',
        '\t\tcfg80211_del_sta(vif->ap->ndev, mac, GFP_KERNEL);',
        '}',
        'MODULE_LICENSE("GPL");',
        '',
      ].join('\n');
    const anonymous = '\tunion {\n\t\tstruct {\n\t\t\tstruct demo_vif *ap;\n\t\t};\n\t\tint mode;\n\t};';
    assert.deepEqual(rows(text(anonymous), '6.12,7.2,7.3'), [
      'warning 18:20-33 [7.2,7.3] `cfg80211_del_sta` takes `struct wireless_dev *` as argument 1 on 7.2–7.3 (`void cfg80211_del_sta(struct wireless_dev *, const u8 *, gfp_t)`); the call passes `vif->ap->ndev`, a `struct net_device *`, so it does not compile there',
    ]);
    // A member of a named inner struct is not the struct's own (`vif->ap` does not reach it), nor
    // is it another declaration of the struct's own member.
    assert.deepEqual(rows(text('\tstruct {\n\t\tstruct demo_vif *ap;\n\t} peer;'), '7.2'), []);
    assert.deepEqual(rows(text('\tstruct demo_vif *ap;\n\tstruct {\n\t\tint ap;\n\t} peer;'), '7.2').map((row) => row.split(' ').slice(0, 3).join(' ')), ['warning 16:20-33 [7.2]']);
  });
  it("judges calls of functions declared alike on every kernel with header data: a call in an older kernel's shape fails on all of them", () => {
    // gcc-12 against Debian's 6.1 and 6.12 headers, on both: "21:41: macro "access_ok" passed 3
    // arguments, but takes just 2", "24:38: passing argument 4 of 'proc_create' from incompatible
    // pointer type", "25:48: passing argument 1 of 'security_binder_transaction' from incompatible
    // pointer type" and "25:61: … argument 2 …". 6.12 builds udp_tunnel_sock_release's.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/proc_fs.h>',
      '#include <linux/security.h>',
      '#include <linux/uaccess.h>',
      '#include <net/sock.h>',
      '#include <net/udp_tunnel.h>',
      '',
      'struct demo_proc {',
      '\tint pid;',
      '\tstruct task_struct *tsk;',
      '\tstruct socket *sock, *other;',
      '};',
      '',
      'static const struct file_operations demo_fops = {',
      '\t.owner = THIS_MODULE,',
      '};',
      '',
      'int demo_check(struct demo_proc *proc, struct demo_proc *target, void __user *p);',
      'int demo_check(struct demo_proc *proc, struct demo_proc *target, void __user *p)',
      '{',
      '\tif (!access_ok(VERIFY_READ, p, 4))',
      '\t\treturn -EFAULT;',
      '\tudp_tunnel_sock_release(proc->sock);',
      '\tproc_create("demo", 0, NULL, &demo_fops);',
      '\treturn security_binder_transaction(proc->tsk, target->tsk);',
      '}',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1,6.12'), [
      'warning 21:7-16 [6.1,6.12] `access_ok` is a macro of 2 arguments on 6.1–6.12; the call passes 3, so it does not compile there',
      'warning 24:31-41 [6.1,6.12] `proc_create` takes `const struct proc_ops *` as argument 4 on 6.1–6.12 (`struct proc_dir_entry *proc_create(const char *, umode_t, struct proc_dir_entry *, const struct proc_ops *)`); the call passes `&demo_fops`, a `const struct file_operations *`, so it does not compile there',
      'warning 25:37-46 [6.1,6.12] `security_binder_transaction` takes `const struct cred *` as argument 1 on 6.1–6.12 (`int security_binder_transaction(const struct cred *, const struct cred *)`); the call passes `proc->tsk`, a `struct task_struct *`, so it does not compile there',
      'warning 25:48-59 [6.1,6.12] `security_binder_transaction` takes `const struct cred *` as argument 2 on 6.1–6.12 (`int security_binder_transaction(const struct cred *, const struct cred *)`); the call passes `target->tsk`, a `struct task_struct *`, so it does not compile there',
    ]);
    // The calls as these kernels take them.
    const fixed = text
      .replace('access_ok(VERIFY_READ, p, 4)', 'access_ok(p, 4)')
      .replace('struct file_operations demo_fops = {\n\t.owner = THIS_MODULE,', 'struct proc_ops demo_fops = {\n\t.proc_open = NULL,')
      .replace('struct task_struct *tsk;', 'const struct cred *tsk;');
    assert.deepEqual(rows(fixed, '6.1,6.12'), []);
  });

  it("is silent where the count or the type is not the text's to read: a macro standing for two arguments, `M()`, an inline or a macro by config, a tag the kernel #defines", () => {
    // gcc-12 builds this against Debian's 6.1 headers; against 6.12's it stops at line 14
    // only: "passing argument 1 of 'spi_finalize_current_transfer' from incompatible pointer
    // type", 6.12 no longer defining spi_master as spi_controller.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/delay.h>',
      '#include <linux/ethtool.h>',
      '#include <linux/spi/spi.h>',
      '#include <asm/amd_nb.h>',
      '',
      '#define DEMO_SLEEP_RANGE 3000, 3300',
      '',
      'void demo_wait(struct spi_master *master);',
      'void demo_wait(struct spi_master *master)',
      '{',
      '\tusleep_range(DEMO_SLEEP_RANGE);',
      '\tpr_info("%zu %u\\n", sizeof(__ETHTOOL_DECLARE_LINK_MODE_MASK()), amd_nb_num());',
      '\tspi_finalize_current_transfer(master);',
      '}',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(rows(text, '6.1,6.12'), [
      'warning 14:32-38 [6.12] `spi_finalize_current_transfer` takes `struct spi_controller *` as argument 1 on 6.12 (`void spi_finalize_current_transfer(struct spi_controller *)`); the call passes `master`, a `struct spi_master *`, so it does not compile there',
    ]);
    // A macro of one value is one argument.
    assert.deepEqual(rows(text.replace('3000, 3300', '3000'), '6.1').map((row) => row.split(' ').slice(0, 3).join(' ')), ['warning 12:2-14 [6.1]']);
  });

  it('types `&name` of a struct the file declares, and nothing declared inside another function', () => {
    const text = 'static const struct file_operations fops = { };\nstatic void f(void)\n{\n\tstruct inode *ip;\n\tg(&fops, ip, &other);\n}\nstatic void h(void) { struct dentry *d; }\n';
    const types = new ArgumentTypes(text, maskCode(text));
    const at = (word: string) => text.indexOf(word, text.indexOf('g('));
    assert.deepEqual(types.typeOf('&fops', at('&fops')), { tag: 'file_operations', constant: true, depth: 1 });
    assert.deepEqual(types.typeOf('ip', at('ip,')), { tag: 'inode', constant: false, depth: 1 });
    assert.equal(types.typeOf('&other', at('&other')), undefined);
    assert.equal(types.typeOf('d', at('&other')), undefined);
    assert.deepEqual(types.typeOf('&init_user_ns', at('&other')), { tag: 'user_namespace', constant: false, depth: 1 }, 'a kernel global');
  });

  it('finds the enclosing function when #if gives it two headers', () => {
    const text = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 11, 0)',
      'static int f(struct vm_area_struct *vma, struct vm_fault *vmf)',
      '{',
      '#else',
      'static int f(struct vm_fault *vmf)',
      '{',
      '#endif',
      '\tstruct page *page = vmf->page;',
      '\tcreate_empty_buffers(page, 512, 0);',
      '\treturn 0;',
      '}',
    ].join('\n');
    const types = new ArgumentTypes(text, maskCode(text));
    assert.deepEqual(types.typeOf('page', text.indexOf('page, 512')), { tag: 'page', constant: false, depth: 1 });
  });

  it('is silent on `&name` of a file-scope struct that #if branches declare with two tags', () => {
    const driver = (alternative: string) =>
      [
        '#include <linux/mmc/sdio_func.h>',
        '#if defined(CONFIG_DEMO_CNSS)',
        'static struct demo_cnss_driver demo_drv = { .name = "demo" };',
        ...(alternative ? ['#else', alternative] : []),
        '#endif',
        'static int demo_init(void)',
        '{',
        '#if defined(CONFIG_DEMO_CNSS)',
        '\treturn demo_cnss_register(&demo_drv);',
        '#else',
        '\treturn sdio_register_driver(&demo_drv);',
        '#endif',
        '}',
      ].join('\n');
    // Without CONFIG_DEMO_CNSS (as on every target) the #else declaration is compiled: the call fits.
    assert.deepEqual(rows(driver('static struct sdio_driver demo_drv = { .name = "demo" };'), '6.1'), []);
    // Declared only with the other tag, the call passes a struct sdio_register_driver does not take.
    assert.deepEqual(rows(driver(''), '6.1'), [
      'warning 10:30-39 [6.1] `sdio_register_driver` takes `struct sdio_driver *` as argument 1 on 6.1 (`int sdio_register_driver(struct sdio_driver *)`); the call passes `&demo_drv`, a `struct demo_cnss_driver *`, so it does not compile there',
    ]);
  });

  it("types `&name` by its own function's declaration, in the first #if branch and in a whole function under #else alike", () => {
    const text = [
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 10, 0)',
      'static int enc(struct skcipher_request *req)',
      '{',
      '\tstruct skcipher_walk walk;',
      '\treturn skcipher_walk_virt(&walk, req, false);',
      '}',
      '#else',
      'static int enc(struct blkcipher_desc *desc)',
      '{',
      '\tstruct blkcipher_walk walk;',
      '\treturn blkcipher_walk_virt(desc, &walk);',
      '}',
      '#endif',
    ].join('\n');
    const types = new ArgumentTypes(text, maskCode(text));
    assert.deepEqual(types.typeOf('&walk', text.indexOf('&walk, req')), { tag: 'skcipher_walk', constant: false, depth: 1 });
    assert.deepEqual(types.typeOf('&walk', text.indexOf('&walk);')), { tag: 'blkcipher_walk', constant: false, depth: 1 });
  });
});
