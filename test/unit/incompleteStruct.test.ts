// Rule incomplete-struct: a kernel struct used whole where the file's build reads no header
// that defines it (struct file_lock left linux/fs.h for linux/filelock.h in 6.9).
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { aggregateHover } from '../../src/core/check/hover';
import { createIncludeResolver } from '../../src/core/c/includes';
import { quickFixesFor } from '../../src/core/edits/quickFixes';
import { applyEdits } from '../../src/core/edits/textEdits';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function check(text: string, spec: string, headers: Record<string, string> = {}) {
  const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
  return checker.check(text, { fileName: '/ws/lockfs.c', targets: parseTargets(spec, db.images).images, resolveInclude });
}

function rows(text: string, spec: string, headers: Record<string, string> = {}): string[] {
  return check(text, spec, headers)
    .findings.filter((f) => f.code === 'incomplete-struct')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/** A filesystem's POSIX lock handler that reads the lock's range: fl_start stayed in struct file_lock. */
const LOCK_HANDLER = (includes: string) => `${includes}
static int lockfs_lock(struct file *filp, int cmd, struct file_lock *fl)
{
	if (fl->fl_start > fl->fl_end)
		return -EINVAL;
	return posix_lock_file(filp, fl, NULL);
}
`;

const FS_ONLY = '#include <linux/module.h>\n#include <linux/fs.h>\n';

describe('incomplete-struct', () => {
  it("judges an object of a struct no kernel's BTF has but a kernel's headers define (asoc_simple_card_info, gone in 6.12), and never the driver's own of that name", () => {
    // gcc-12 builds this against Debian's 6.1 headers; against 6.12's: "4:15: error: variable
    // 'demo_info' has initializer but incomplete type", "5:10: … has no member named 'name'",
    // "6:10: … 'card'".
    const text = (before: string) =>
      `#include <linux/module.h>\n#include <sound/simple_card.h>\n${before}\nstatic struct asoc_simple_card_info demo_info = {\n\t.name = "demo",\n\t.card = "demo-card",\n};\n\nMODULE_LICENSE("GPL");\n`;
    const why = "`struct asoc_simple_card_info` is an incomplete type here with the kernel headers of 6.12: no header there defines it or #defines its name (6.1's headers define it in `<sound/simple_card.h>`)";
    assert.deepEqual(rows(text(''), '6.1,6.12'), [`warning 4:15-36 [6.12] ${why}`, `warning 5:3-7 [6.12] ${why}`, `warning 6:3-7 [6.12] ${why}`]);
    assert.deepEqual(rows(text('struct asoc_simple_card_info { const char *name; const char *card; };'), '6.1,6.12'), []);
  });

  it("says nothing of a nested initializer's designators where the struct around them is incomplete itself (acpi_driver and acpi_device_ops, gone in 7.3)", () => {
    // gcc-14 against Debian's 7.3 headers: "4:15: variable 'demo_driver' has initializer but
    // incomplete type", then "has no member named" at 5 and 6, and nothing at 7 or 8.
    const text = '#include <linux/module.h>\n#include <linux/acpi.h>\nstatic int demo_add(struct acpi_device *device) { return 0; }\nstatic struct acpi_driver demo_driver = {\n\t.name = "demo",\n\t.ops = {\n\t\t.add = demo_add,\n\t},\n};\nMODULE_LICENSE("GPL");\n';
    const why = (struct: string) => `\`struct ${struct}\` is an incomplete type here with the kernel headers of 7.3: no header there defines it or #defines its name (7.2's headers define it in \`<acpi/acpi_bus.h>\`)`;
    assert.deepEqual(rows(text, '7.2,7.3'), [`warning 4:15-26 [7.3] ${why('acpi_driver')}`, `warning 5:3-7 [7.3] ${why('acpi_driver')}`, `warning 6:3-6 [7.3] ${why('acpi_driver')}`]);
  });

  it("warns at the driver's own struct's member of the incomplete type, and not at the designators of its nested initializer", () => {
    // gcc-12 against Debian's 6.12 headers (linux/fb.h no longer includes linux/backlight.h):
    // "5:30: error: field 'backlight_ops' has incomplete type", and nothing at 11; 6.1 builds it.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/fb.h>',
      'struct dd {',
      '\tint x;',
      '\tstruct backlight_ops backlight_ops;',
      '};',
      'static int g(struct backlight_device *b) { return 0; }',
      'static struct dd d1 = {',
      '\t.x = 1,',
      '\t.backlight_ops = {',
      '\t\t.get_brightness = g,',
      '\t}',
      '};',
      'void *p = &d1;',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(
      rows(text, '6.1,6.12').map((row) => row.slice(0, row.indexOf(']') + 1)),
      ['warning 5:9-22 [6.12]'],
    );
  });

  it('warns where struct file_lock is defined only in linux/filelock.h, which linux/fs.h does not include (6.9+)', () => {
    assert.deepEqual(rows(LOCK_HANDLER(FS_ONLY), '5.10,6.1,6.12,7.3'), [
      'warning 6:10-18 [6.12,7.3] `struct file_lock` is an incomplete type here with the kernel headers of 6.12–7.3: only `<linux/filelock.h>` defines it there, and this file does not include it, directly or through the headers it includes',
    ]);
  });

  it('leaves alone a struct that a driver header the file reads defines, whether or not a workspace index knows it', () => {
    // bnx2x defines its own struct regpair, as linux/qed/common_hsi.h does for qed: no index
    // here (a kernel tree past the index's file limit), the header read through the include says it.
    const text = '#include <linux/module.h>\n#include "bnx2x_hsi.h"\nstatic void bnx2x_set(struct regpair *r)\n{\n\tr->lo = 0;\n}\n';
    const header = { '/ws/bnx2x_hsi.h': 'struct regpair {\n\t__le32 lo;\n\t__le32 hi;\n};\n' };
    assert.deepEqual(rows(text, '6.1,6.12', header), []);
    assert.equal(rows(text.replace('#include "bnx2x_hsi.h"\n', ''), '6.1,6.12', header).length, 1, 'without the header, the kernel\'s regpair is meant');
  });

  it('warns on sizeof and on objects of the struct, not on pointers, extern declarations or parameters', () => {
    const text = `${FS_ONLY}
extern struct file_lock lockfs_template;
static struct file_lock *lockfs_last;

static int lockfs_getlk(struct file *filp, struct file_lock *fl)
{
	struct file_lock conflock;

	memcpy(&conflock, fl, sizeof(struct file_lock));
	return vfs_test_lock(filp, &conflock);
}
`;
    assert.deepEqual(
      rows(text, '6.1,6.12').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 9:9-18 [6.12]', 'warning 11:38-47 [6.12]'],
    );
  });

  it("warns on sizeof of what a struct pointer the function declares points to, not on the pointer's own size, another expression's, or the driver's own struct", () => {
    const text = `${FS_ONLY}
struct lockfs_state { int held; };

static int lockfs_copy(struct file *filp, struct file_lock *fl, struct lockfs_state *state)
{
	struct file_lock *copy = kmalloc(sizeof(*copy), GFP_KERNEL);

	memcpy(copy, fl, sizeof *fl);
	memset(state, 0, sizeof(*state));
	return sizeof(fl) + sizeof(*filp);
}
`;
    assert.deepEqual(
      rows(text, '6.1,6.12').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 8:35-47 [6.12]', 'warning 10:19-29 [6.12]'],
    );
  });

  it('is silent where the file includes the defining header, itself or through a workspace header', () => {
    const guarded = `${FS_ONLY}#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)\n#include <linux/filelock.h>\n#endif\n`;
    assert.deepEqual(rows(LOCK_HANDLER(guarded), '5.10,6.1,6.12,7.3'), []);
    const compat = { '/ws/lockfs_compat.h': '#ifndef LOCKFS_COMPAT_H\n#define LOCKFS_COMPAT_H\n#include <linux/filelock.h>\n#endif\n' };
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#include "lockfs_compat.h"\n`), '6.12,7.3', compat), []);
  });

  it('reads the includes of a file with CRLF line ends', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    assert.deepEqual(rows(crlf(LOCK_HANDLER(`${FS_ONLY}#include <linux/filelock.h>\n`)), '6.12'), []);
    assert.equal(rows(crlf(LOCK_HANDLER(FS_ONLY)), '6.12').length, 1);
  });

  it('is silent where the include closure is not fully known', () => {
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#include "lockfs_compat.h"\n`), '6.12'), [], 'a workspace header that cannot be read');
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#define LOCKFS_EXTRA <linux/filelock.h>\n#include LOCKFS_EXTRA\n`), '6.12'), [], 'a computed include');
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#include <lockfs/backport.h>\n`), '6.12'), [], 'a header neither the workspace nor the kernel has');
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#include <trace/define_trace.h>\n`), '6.12'), [], 'a kernel header with computed includes, included by the file itself');
    assert.deepEqual(rows(LOCK_HANDLER('#include "lockfs_compat.h"\n'), '6.12', { '/ws/lockfs_compat.h': '#define LOCKFS_MAX 4\n' }), [], 'no kernel include: a file built as part of another one');
  });

  it("follows a closure through the driver's trace header: define_trace.h's computed include reads that header again", () => {
    // gcc-12 on 6.12, with and without CREATE_TRACE_POINTS: "error: invalid use of undefined type
    // 'struct file_lock'" at fl->fl_start, as without the trace header.
    const trace = [
      '#undef TRACE_SYSTEM',
      '#define TRACE_SYSTEM lockfs',
      '#if !defined(_LOCKFS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)',
      '#define _LOCKFS_TRACE_H',
      '#include <linux/tracepoint.h>',
      'TRACE_EVENT(lockfs_lock, TP_PROTO(int cmd), TP_ARGS(cmd), TP_STRUCT__entry(__field(int, cmd)), TP_fast_assign(__entry->cmd = cmd;), TP_printk("%d", __entry->cmd));',
      '#endif',
      '#undef TRACE_INCLUDE_PATH',
      '#define TRACE_INCLUDE_PATH .',
      '#undef TRACE_INCLUDE_FILE',
      '#define TRACE_INCLUDE_FILE lockfs_trace',
      '#include <trace/define_trace.h>',
      '',
    ].join('\n');
    for (const before of ['', '#define CREATE_TRACE_POINTS\n']) {
      assert.deepEqual(
        rows(LOCK_HANDLER(`${FS_ONLY}${before}#include "lockfs_trace.h"\n`), '6.12', { '/ws/lockfs_trace.h': trace }).map((row) => row.split(' ').slice(0, 3).join(' ')),
        [`warning ${before === '' ? 7 : 8}:10-18 [6.12]`],
        before,
      );
    }
  });

  it('follows a closure past a header nobody has under a guard the build may not take: taken, it would stop the build', () => {
    const otherOs = { '/ws/lockfs_env.h': '#ifdef _WIN32\n#include "lockfs_win.h"\n#endif\n' };
    assert.equal(rows(LOCK_HANDLER(`${FS_ONLY}#include "lockfs_env.h"\n`), '6.12', otherOs).length, 1);
    assert.equal(rows(LOCK_HANDLER(`${FS_ONLY}#ifdef LOCKFS_BACKPORT\n#include <lockfs/backport.h>\n#endif\n`), '6.12').length, 1);
    // On a line every build compiles, the build stops at that include: nothing is judged.
    assert.deepEqual(rows(LOCK_HANDLER(`${FS_ONLY}#include <lockfs/backport.h>\n`), '6.12'), []);
  });

  it('is silent on kernels without header data, on lines a kernel does not compile, and for the driver\'s own struct', () => {
    assert.deepEqual(rows(LOCK_HANDLER(FS_ONLY), '6.8,6.11'), [], 'the Ubuntu images have no header data');
    const versioned = LOCK_HANDLER(`${FS_ONLY}#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)`) + '#endif\n';
    assert.deepEqual(rows(versioned, '6.1,6.12'), []);
    const own = `${FS_ONLY}struct file_lock { loff_t fl_start, fl_end; };\n` + LOCK_HANDLER('');
    assert.deepEqual(rows(own, '6.12'), []);
  });

  it('is silent in a header, which is read after what its includer included first', () => {
    const resolveInclude = createIncludeResolver(['/ws'], () => undefined);
    const inline = `#include <linux/fs.h>\nstatic inline loff_t lockfs_start(struct file_lock *fl)\n{\n\treturn fl->fl_start;\n}\n`;
    const result = checker.check(inline, { fileName: '/ws/lockfs.h', targets: parseTargets('6.12', db.images).images, resolveInclude });
    assert.deepEqual(result.findings.filter((f) => f.code === 'incomplete-struct'), []);
    assert.equal(rows(inline, '6.12').length, 1, 'the same text as a .c file');
  });

  it("reports a field of an incomplete struct in a driver header at the header's line, from the check of the .c file that reads it (flashcache.h's struct timeval)", () => {
    // gcc-10 on 5.10 and gcc-14 on 7.3: "demo.h:7: error: field 'start_time' has incomplete
    // type", "demo.h:9: error: array type has incomplete element type 'struct timespec'"; the
    // pointer at 8 compiles.
    const header = ['#ifndef DEMO_H', '#define DEMO_H', '#include <linux/time.h>', '', 'struct demo_job {', '\tint id;', '\tstruct timeval start_time;', '\tstruct timespec *stamp;', '\tstruct timespec done[2];', '};', '#endif', ''].join('\n');
    const text = '#include <linux/module.h>\n#include "demo.h"\n\nint demo_id(struct demo_job *job)\n{\n\treturn job->id;\n}\n';
    const inHeaders = (headerText: string, spec: string) =>
      (check(text, spec, { '/ws/demo.h': headerText }).headerFindings ?? []).flatMap(({ path, findings }) =>
        findings.filter((f) => f.code === 'incomplete-struct').map((f) => `${path}:${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message.slice(0, f.message.indexOf(':'))}`),
      );
    assert.deepEqual(inHeaders(header, '5.10,6.12,7.3,6.8'), [
      '/ws/demo.h:7:9 [5.10,6.12,7.3] `struct timeval` is an incomplete type here with the kernel headers of 5.10, 6.12–7.3',
      '/ws/demo.h:9:9 [5.10,6.12,7.3] `struct timespec` is an incomplete type here with the kernel headers of 5.10, 6.12–7.3',
    ]);
    // The driver's own struct, or its #define of the name as another struct, is no kernel's.
    assert.deepEqual(inHeaders(header.replace('struct demo_job {', 'struct timeval { long tv_sec; };\nstruct demo_job {'), '6.12').map((row) => row.split(' ')[0]), ['/ws/demo.h:10:9']);
    assert.deepEqual(inHeaders(header.replace('#include <linux/time.h>', '#include <linux/time.h>\n#define timeval __kernel_old_timeval\n#define timespec timespec64'), '6.12'), []);
  });

  it('says nothing more where the code uses a field whose declaration already failed (gcc gives it an erroneous type)', () => {
    const text = '#include <linux/module.h>\n#include <linux/fs.h>\nstruct lockfs_dev {\n\tint id;\n\tstruct file_lock lock;\n};\nstatic struct lockfs_dev dev;\nint lockfs_start(void)\n{\n\treturn dev.lock.fl_start;\n}\n';
    assert.deepEqual(
      rows(text, '6.12').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 5:9-18 [6.12]'],
    );
  });

  it('warns where a struct name that was only a #define for another struct is gone (spi_master, 6.12), and not where the driver keeps the #define', () => {
    // gcc 6.12: "invalid use of undefined type 'struct spi_master'"; 6.1 builds.
    const text = '#include <linux/spi/spi.h>\nstatic int demo_bus(struct spi_master *master)\n{\n\treturn master->bus_num;\n}\n';
    assert.deepEqual(rows(text, '6.1,6.12'), [
      "warning 4:17-24 [6.12] `struct spi_master` is an incomplete type here with the kernel headers of 6.12: no header there defines it or #defines its name (6.1's headers have `#define spi_master spi_controller`)",
    ]);
    const compat = { '/ws/compat.h': '#ifndef spi_master\n#define spi_master spi_controller\n#endif\n' };
    assert.deepEqual(rows(text.replace('\n', '\n#include "compat.h"\n'), '6.1,6.12', compat), []);
    // A struct no header of any kernel renames, defined only in a .c file of the kernel: not judged.
    assert.deepEqual(rows('#include <linux/fs.h>\nstatic int demo_idmap(struct mnt_idmap *idmap)\n{\n\treturn idmap->count;\n}\n', '6.12'), []);
  });

  it('is silent on struct mutex on 7.2-7.3, whose headers open it with a macro (context_lock_struct(mutex) {), and on crypto\'s struct hash_alg_common, whose body is a macro', () => {
    const text = '#include <linux/module.h>\n#include <linux/mutex.h>\nstruct demo_state {\n\tstruct mutex lock;\n\tint users;\n};\nstatic struct demo_state state;\n';
    assert.deepEqual(rows(text, '6.12,7.2,7.3'), []);
    const digest = '#include <crypto/hash.h>\nunsigned int demo_digest_size(struct hash_alg_common *alg)\n{\n\treturn alg->digestsize;\n}\n';
    assert.deepEqual(rows(digest, '5.10,6.1,6.12,7.2,7.3'), []);
  });

  it('warns where a struct the kernel still has left the public headers for its own files (struct thermal_zone_device, private from 6.4)', () => {
    // The kernel's BTF has the struct on every kernel; from 6.4 drivers/thermal/thermal_core.h
    // defines it, which an out-of-tree build never reads. gcc 6.12: "invalid use of undefined
    // type 'struct thermal_zone_device'" (5); 6.1 builds it.
    const text = '#include <linux/module.h>\n#include <linux/thermal.h>\nconst char *demo_zone_type(struct thermal_zone_device *tz)\n{\n\treturn tz->type;\n}\n';
    const why = "`struct thermal_zone_device` is an incomplete type here with the kernel headers of 6.12–7.3: no header there defines it or #defines its name (6.1's headers define it in `<linux/thermal.h>`)";
    assert.deepEqual(rows(text, '6.1,6.12,7.2,7.3'), [`warning 5:13-17 [6.12,7.2,7.3] ${why}`]);
  });

  it('warns where no header of a targeted kernel defines a struct a newer one does (platform_profile_ops, 6.14), at the object and at each designator', () => {
    // gcc 6.1 and 6.12: "variable 'demo_ops' has initializer but incomplete type" (9) and
    // "'const struct platform_profile_ops' has no member named 'profile_get'" (10).
    const text = [
      '#include <linux/module.h>',
      '#include <linux/platform_profile.h>',
      '',
      'static int demo_get(struct device *dev, enum platform_profile_option *p)',
      '{',
      '\treturn 0;',
      '}',
      '',
      'static const struct platform_profile_ops demo_ops = {',
      '\t.profile_get = demo_get,',
      '};',
      '',
    ].join('\n');
    const why = "`struct platform_profile_ops` is an incomplete type here with the kernel headers of 6.1–6.12: no header there defines it or #defines its name (7.3's headers define it in `<linux/platform_profile.h>`)";
    assert.deepEqual(rows(text, '6.1,6.12'), [`warning 9:21-41 [6.1,6.12] ${why}`, `warning 10:3-14 [6.1,6.12] ${why}`]);
    assert.deepEqual(rows(text, '7.3'), []);
    // A header checked alone is read after whatever its includer includes: not judged (a stale
    // copy of a kernel header at a repository's root, included by nothing).
    const header = checker.check(text, { fileName: '/ws/demo.h', targets: parseTargets('6.1,6.12', db.images).images });
    assert.deepEqual(header.findings.filter((f) => f.code === 'incomplete-struct'), []);
  });

  it('follows a backport layer\'s `#include_next` of a kernel header on to the kernel\'s header (batman-adv\'s compat-include)', () => {
    const text = '#include <linux/module.h>\n#include <linux/if_bridge.h>\nint demo_proto(struct br_ip *ip)\n{\n\treturn ip->proto;\n}\n';
    const layer = (directive: string) => ({ '/ws/linux/if_bridge.h': `#ifndef DEMO_COMPAT_IF_BRIDGE_H\n#define DEMO_COMPAT_IF_BRIDGE_H\n${directive}\n#endif\n` });
    assert.deepEqual(rows(text, '6.1,6.12', layer('#include_next <linux/if_bridge.h>')), []);
    // A layer that wraps another header instead does not bring the kernel's if_bridge.h.
    assert.deepEqual(
      rows(text, '6.1,6.12', layer('#include <linux/kernel.h>')).map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 5:13-18 [6.1,6.12]'],
    );
  });

  it("warns where no kernel with header data defines an older kernels' struct (timespec, timeval, gone in 5.6), as gcc does: at objects, fields and uses through pointers, not after a failed declaration", () => {
    // gcc-10 on 5.10 and gcc-14 on 7.3: errors at 6 (field 'when' has incomplete type), 11
    // (storage size of 'now' isn't known) and 14 (invalid use of undefined type), none at 13 or 19.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/time.h>',
      '#include <linux/ktime.h>',
      '',
      'struct demo_stamp {',
      '\tstruct timeval when;',
      '};',
      '',
      'static long demo_age(const struct timespec *then)',
      '{',
      '\tstruct timespec now;',
      '',
      '\tnow.tv_sec = ktime_get_real_seconds();',
      '\treturn now.tv_sec - then->tv_sec;',
      '}',
      '',
      'static long demo_usec(struct demo_stamp *s)',
      '{',
      '\treturn s->when.tv_usec;',
      '}',
      '',
    ].join('\n');
    const why = "no header there defines it or #defines its name (older kernels' functions were declared with it, and no kernel with header data defines it)";
    assert.deepEqual(rows(text, '5.10,7.3'), [
      `warning 6:9-16 [5.10,7.3] \`struct timeval\` is an incomplete type here with the kernel headers of 5.10–7.3: ${why}`,
      `warning 11:9-17 [5.10,7.3] \`struct timespec\` is an incomplete type here with the kernel headers of 5.10–7.3: ${why}`,
      `warning 14:28-34 [5.10,7.3] \`struct timespec\` is an incomplete type here with the kernel headers of 5.10–7.3: ${why}`,
    ]);
  });

  it("warns at a declaration of several objects and at a definition's parameter by value, never at a use through an object the driver declares", () => {
    // gcc-12 on 6.1: errors at 4 (parameter 1 ('t') has incomplete type) and 6 (storage size of
    // 'start' and of 'end' isn't known), none at 8.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/time.h>',
      '',
      'long demo_span(struct timespec t)',
      '{',
      '\tstruct timespec start, end;',
      '',
      '\treturn end.tv_sec - start.tv_sec + t.tv_nsec;',
      '}',
    ].join('\n');
    assert.deepEqual(
      rows(text, '6.1').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 4:23-31 [6.1]', 'warning 6:9-17 [6.1]'],
    );
  });

  it("warns at a function definition's parameter and return type by value, not at a prototype's, a function pointer's or a pointer", () => {
    // gcc-12 on 6.1: errors at 9 (parameter 1 ('ts') has incomplete type), 15 (parameter 2
    // ('start')), 23 (return type is an incomplete type); also at 14 (the function's name: its
    // declaration isn't a prototype) and 27 (invalid use of undefined type), which the rule does
    // not claim; none at 20, 21 or 30.
    const text = [
      '#include <linux/module.h>',
      '#include <linux/time.h>',
      '',
      'struct demo_stamp {',
      '	int id;',
      '};',
      '',
      '',
      'static long demo_seconds(struct timespec ts)',
      '{',
      '	return ts.tv_sec;',
      '}',
      '',
      'static long demo_both(int id,',
      '		      const struct timespec start, struct timespec *end)',
      '{',
      '	return id;',
      '}',
      '',
      'long demo_declared(struct timespec ts);',
      'typedef void (*demo_cb)(struct timespec ts);',
      '',
      'static struct timespec demo_now(void)',
      '{',
      '	struct timespec *none = NULL;',
      '',
      '	return *none;',
      '}',
      '',
      'static void demo_call(void (*cb)(struct timespec ts), int n)',
      '{',
      '}',
    ].join('\n');
    assert.deepEqual(
      rows(text, '6.1').map((row) => row.slice(0, row.indexOf(' `'))),
      ['warning 9:33-41 [6.1]', 'warning 15:22-30 [6.1]', 'warning 23:15-23 [6.1]'],
    );
  });

  it('warns once per line and struct, at its first use there', () => {
    const findings = check(LOCK_HANDLER(FS_ONLY), '6.12').findings.filter((f) => f.code === 'incomplete-struct');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].member, 'fl_start');
  });

  it('fixes by including the header where the kernel has it, and the fixed file checks clean', () => {
    const text = LOCK_HANDLER(FS_ONLY);
    const result = check(text, '5.10,6.1,6.12,7.3');
    const finding = result.findings.find((f) => f.code === 'incomplete-struct')!;
    const [fix] = quickFixesFor(finding, text, result.usages, db);
    assert.equal(fix.title, 'Include `<linux/filelock.h>` where the kernel has it');
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed.split('\n').slice(0, 6).join('\n'),
      ['#include <linux/module.h>', '#include <linux/fs.h>', '#if __has_include(<linux/filelock.h>)', '#include <linux/filelock.h>', '#endif', ''].join('\n'),
    );
    assert.deepEqual(
      check(fixed, '5.10,6.1,6.12,7.3').findings.map((f) => f.code),
      [],
      'no finding of any kind: not missing-header on 5.10 and 6.1 either',
    );
  });

  it('fixes with a plain include when every targeted kernel has the header', () => {
    const text = LOCK_HANDLER(FS_ONLY);
    const result = check(text, '6.12,7.3');
    const finding = result.findings.find((f) => f.code === 'incomplete-struct')!;
    const [fix] = quickFixesFor(finding, text, result.usages, db);
    assert.equal(fix.title, 'Include `<linux/filelock.h>`');
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.startsWith('#include <linux/module.h>\n#include <linux/fs.h>\n#include <linux/filelock.h>\n'));
    assert.deepEqual(rows(fixed, '6.12,7.3'), []);
  });

  it('hovers a struct with its defining headers per kernel', () => {
    const hover = aggregateHover(db, { kind: 'struct', name: 'file_lock' }, parseTargets('6.1,6.8,6.12,7.3', db.images).images);
    assert.match(hover, /Defined in `<linux\/fs\.h>` on 6\.1\./);
    assert.match(hover, /Defined in `<linux\/filelock\.h>` on 6\.12–7\.3\./);
    assert.match(hover, /Its header is not known on 6\.8: the data has no headers of those kernels\./);
  });
});
