import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { createIncludeResolver } from '../../src/core/c/includes';
import { Checker, type CheckResult } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { createChecker } from '../../src/cli/runtime';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function targets(spec = 'versions'): number[] {
  return parseTargets(spec, db.images).images;
}

function check(text: string, spec = 'versions', headers: Record<string, string> = {}): CheckResult {
  const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
  return checker.check(text, { fileName: '/ws/driver.c', targets: targets(spec), resolveInclude });
}

/** Findings as comparable rows: code, 1-based line:column, targets, message. */
function rows(result: CheckResult): string[] {
  return result.findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

const OPS_OPEN = `#include <linux/vfio.h>
static int my_open(struct vfio_device *vdev) { return 0; }
static const struct vfio_device_ops my_ops = {
\t.name = "x",
\t.open = my_open,
};
`;

describe('checker', () => {
  it('warns on an unguarded .open from 5.15 on, Ubuntu and Debian, and names open_device; says where the struct is not in vmlinux', () => {
    assert.deepEqual(rows(check(OPS_OPEN)), [
      // Ubuntu 6.2–6.8 build VFIO as a module and carry vmlinux BTF only; Debian 5.10's modules carry no BTF.
      "struct-not-in-image 4:3-7 [4.4,4.8,4.10,4.13,4.15,4.18,5.0,5.3,5.10,6.2,6.5,6.8] struct vfio_device_ops is not in the vmlinux BTF of 4.4–5.3, 5.10, 6.2–6.8 (it may be built as a module or configured off there), so its members are not checked on those kernels",
      'callback-signature 5:3-7 [5.4,5.8,5.11] `my_open` does not fit `.open` of struct vfio_device_ops on 5.4–5.8, 5.11: its parameter 1 is struct vfio_device *, not void *; the member there is int (*)(void *)',
      // Debian 6.1–7.3 were read with their modules: vfio.ko has the struct, without open.
      'missing-member 5:3-7 [5.15,5.19,6.1,6.12,7.2,7.3] `open` is not in struct vfio_device_ops on 5.15–6.1, 6.12–7.3: replaced by `open_device` in 5.15',
    ]);
  });

  it('is silent on .open guarded below 5.15 and .open_device in the #else', () => {
    const text = `#include <linux/version.h>
#include <linux/vfio.h>
static int a(void *d) { return 0; }
static int b(struct vfio_device *v) { return 0; }
static const struct vfio_device_ops ops = {
#if LINUX_VERSION_CODE < KERNEL_VERSION(5,13,0)
\t.open = a,
#elif LINUX_VERSION_CODE < KERNEL_VERSION(5,15,0)
\t.open = b,
#else
\t.open_device = b,
#endif
};
`;
    assert.deepEqual(rows(check(text, '5.4..5.19')), ['struct-not-in-image 7:3-7 [5.10] struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels']);
  });

  it('warns on an unguarded .open_device on 5.4–5.13, the images that have the struct without it', () => {
    const text = 'static const struct vfio_device_ops ops = {\n\t.open_device = 0,\n};\n';
    assert.deepEqual(rows(check(text, '5.4..5.19')), [
      'missing-member 2:3-14 [5.4,5.8,5.11,5.13] `open_device` is not in struct vfio_device_ops on 5.4–5.8, 5.11–5.13: added in 5.15',
      'struct-not-in-image 2:3-14 [5.10] struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels',
    ]);
  });

  it('warns on a void * callback for .open on 5.13 only', () => {
    const text = 'static int o(void *data) { return 0; }\nstatic const struct vfio_device_ops ops = {\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5,15,0)\n\t.open = o,\n#endif\n};\n';
    assert.deepEqual(rows(check(text, '5.4..5.19')), [
      'callback-signature 4:3-7 [5.13] `o` does not fit `.open` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *)',
      'struct-not-in-image 4:3-7 [5.10] struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels',
    ]);
  });

  it('never reports a struct the file defines itself', () => {
    const text = 'struct foo { int open; };\nstruct vfio_device_ops { int zzz; };\nstatic struct foo f = { .open = 1 };\nstatic struct vfio_device_ops v = { .zzz = 1 };\nvoid g(struct foo *p) { p->open = 2; }\n';
    assert.deepEqual(rows(check(text)), []);
  });

  it('follows macros from a workspace compat.h, and leaves unknown guards alone', () => {
    const headers = {
      '/ws/compat.h': '#ifndef COMPAT_H\n#define COMPAT_H\n#define HAVE_OPEN_DEVICE (LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0))\n#endif\n',
    };
    const guarded = '#include "compat.h"\nstatic const struct vfio_device_ops ops = {\n#if HAVE_OPEN_DEVICE\n\t.open_device = 0,\n#else\n\t.open = 0,\n#endif\n};\n';
    assert.deepEqual(rows(check(guarded, '5.4..5.19', headers)), ['struct-not-in-image 6:3-7 [5.10] struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels']);
    const unknown = 'static const struct vfio_device_ops ops = {\n#ifdef RHEL_RELEASE_CODE\n\t.open_device = 0,\n#else\n\t.open = 0,\n#endif\n};\n';
    assert.deepEqual(rows(check(unknown, '5.4..5.19')), []);
  });

  it('judges CONFIG_ guards per image from its kernel config', () => {
    // CONFIG_VFIO is built in on 5.15 amd64; armhf 5.4 does not have vfio_device_ops in vmlinux at all.
    const text = 'static const struct vfio_device_ops ops = {\n#if IS_ENABLED(CONFIG_VFIO)\n\t.open_device = 0,\n#endif\n};\n';
    assert.deepEqual(rows(check(text, '5.13,5.15')), ['missing-member 3:3-14 [5.13] `open_device` is not in struct vfio_device_ops on 5.13: added in 5.15']);
  });

  it("decides gcc's architecture macros per image from its kernel config", () => {
    // An x86-only driver refuses the other architectures' kernels; the Debian and Ubuntu amd64 images build it.
    const text = '#ifndef __x86_64__\n#error "x86-64 only"\n#endif\n#ifdef __aarch64__\n#error "never on arm64"\n#endif\n';
    const targets = parseTargets('arm64,armhf,ppc64el,riscv64,5.15,6.1', db.images).images;
    const label = (image: number) => db.images[image].label;
    const { stops } = checker.check(text, { fileName: '/ws/x86.c', targets });
    assert.deepEqual(
      stops.map((stop) => `${stop.line + 1}: ${stop.targets.map(label).join(',')}`),
      ['2: arm64,armhf,ppc64el,riscv64'],
    );
  });

  it('resolves member accesses through locals, parameters, chains and container_of', () => {
    const text = `struct my_state { struct vfio_device vdev; int n; };
static int f(struct vfio_device *vdev)
{
\tstruct my_state *s = container_of(vdev, struct my_state, vdev);
\tif (vdev->ops->open)
\t\treturn s->vdev.ops->open_device(vdev);
\treturn 0;
}
`;
    assert.deepEqual(rows(check(text, '5.13,5.15')), [
      'missing-member 5:17-21 [5.15] `open` is not in struct vfio_device_ops on 5.15: replaced by `open_device` in 5.15',
      'missing-member 6:23-34 [5.13] `open_device` is not in struct vfio_device_ops on 5.13: added in 5.15',
    ]);
  });

  it('types members through a struct a driver header the file reads defines, even where no workspace index knows it', () => {
    // drivers/usb/gadget's uvc.h defines its own struct uvc_device (vdev is a video_device);
    // the uvcvideo module's, in the data, has a struct v4l2_device vdev without v4l2_dev.
    // No index here, as in a kernel tree past the index's file limit.
    const text = '#include <media/v4l2-dev.h>\n#include "uvc.h"\nstatic void uvc_setup(struct uvc_device *uvc)\n{\n\tuvc->vdev.v4l2_dev = &uvc->v4l2_dev;\n}\n';
    const header = { '/ws/uvc.h': 'struct uvc_device {\n\tstruct video_device vdev;\n\tstruct v4l2_device v4l2_dev;\n};\n' };
    const missing = (result: CheckResult) => rows(result).filter((row) => row.startsWith('missing-member'));
    assert.deepEqual(missing(check(text, '6.1', header)), []);
    assert.equal(missing(check(text.replace('#include "uvc.h"\n', ''), '6.1', header)).length, 1, "without the header, the kernel's uvc_device is meant");
  });

  it('reads `__exit_p(f)` as `f`, as a module build does (.remove returns void from 6.11)', () => {
    // gcc-12 builds this against Debian's 6.1 headers; against 6.12's: "11:28: initialization of
    // 'void (*)(struct platform_device *)' from incompatible pointer type 'int (*)(struct platform_device *)'".
    const text = [
      '#include <linux/module.h>',
      '#include <linux/platform_device.h>',
      '',
      'static int demo_remove(struct platform_device *pdev)',
      '{',
      '\treturn 0;',
      '}',
      '',
      'static struct platform_driver demo_driver = {',
      '\t.driver = { .name = "demo" },',
      '\t.remove = __exit_p(demo_remove),',
      '};',
      'module_platform_driver(demo_driver);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');
    assert.deepEqual(
      rows(check(text, '6.1,6.12')).filter((row) => row.startsWith('callback-signature')),
      ['callback-signature 11:3-9 [6.12] `demo_remove` does not fit `.remove` of struct platform_driver on 6.12: it returns int, not void; the member there is void (*)(struct platform_device *)'],
    );
  });

  it('takes a struct tag the kernel headers #define as another word for that struct in a callback (struct sockaddr_storage)', () => {
    // linux/socket.h: `#define sockaddr_storage __kernel_sockaddr_storage`; BTF knows only the latter.
    const text = (parameter: string) => `#include <target/iscsi/iscsi_transport.h>
static int demo_setup_np(struct iscsi_np *np, ${parameter} *addr) { return 0; }
static struct iscsit_transport demo_transport = {
\t.iscsit_setup_np = demo_setup_np,
};
`;
    const callbacks = (result: CheckResult) => rows(result).filter((row) => row.startsWith('callback-signature'));
    assert.deepEqual(callbacks(check(text('struct sockaddr_storage'), '6.1')), []);
    assert.equal(callbacks(check(text('struct sockaddr_in'), '6.1')).length, 1, 'another struct still does not fit');
  });

  it('takes a struct a kernel with header data lacks for a struct of its own in a callback (struct mnt_idmap on 6.1), and a #define of its name for that struct where the headers have one (spi_master before 6.12)', () => {
    // gcc 6.1: "initialization of 'int (*)(struct user_namespace *, …)' from incompatible pointer type".
    const create = `#include <linux/fs.h>
static int demo_create(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, umode_t mode, bool excl) { return 0; }
static const struct inode_operations demo_iops = {
\t.create = demo_create,
};
`;
    const callbacks = (result: CheckResult) => rows(result).filter((row) => row.startsWith('callback-signature'));
    assert.deepEqual(callbacks(check(create, '6.1,6.12')), [
      'callback-signature 4:3-9 [6.1] `demo_create` does not fit `.create` of struct inode_operations on 6.1: its parameter 1 is struct mnt_idmap *, not struct user_namespace *; the member there is int (*)(struct user_namespace *, struct inode *, struct dentry *, umode_t, bool)',
    ]);
    // Ubuntu 5.19 has no header data: a struct its types lack may be another's name there.
    assert.deepEqual(callbacks(check(create, '5.19')), []);
    // 6.1's linux/spi/spi.h has `#define spi_master spi_controller`, 6.12's no longer: a fit
    // on one kernel through its headers is no fit on another of the same architecture.
    const spi = `#include <linux/spi/spi.h>
static int demo_transfer(struct spi_master *master, struct spi_message *message) { return 0; }
static void demo_setup(struct spi_controller *ctlr)
{
\tctlr->transfer_one_message = demo_transfer;
}
`;
    assert.deepEqual(callbacks(check(spi, '6.1,6.12')), [
      'callback-signature 5:8-28 [6.12] `demo_transfer` does not fit `.transfer_one_message` of struct spi_controller on 6.12: its parameter 1 is struct spi_master *, not struct spi_controller *; the member there is int (*)(struct spi_controller *, struct spi_message *)',
    ]);
  });

  it('does not judge a member written only as an argument a kernel macro leaves out with the target\'s config (dep_map without CONFIG_LOCKDEP)', () => {
    // Debian 6.1: no CONFIG_DEBUG_LOCK_ALLOC, so no mutex.dep_map, and mutex_acquire expands to nothing.
    const text = (line: string) => `#include <linux/mutex.h>\n#include <linux/lockdep.h>\nstatic void demo_lock(struct mutex *m)\n{\n\t${line}\n}\n`;
    const missing = (result: CheckResult) => rows(result).filter((row) => row.startsWith('missing-member'));
    assert.deepEqual(missing(check(text('mutex_acquire(&m->dep_map, 0, 0, _RET_IP_);'), '6.1')), []);
    assert.deepEqual(missing(check(text('lockdep_init_map(&m->dep_map, "demo", NULL, 0);'), '6.1')), []);
    // Written as code, it does not compile there.
    assert.equal(missing(check(text('struct lockdep_map *map = &m->dep_map;'), '6.1')).length, 1);
    // The driver's own macro of that name is what it compiles.
    assert.equal(missing(check(`#define mutex_acquire(l, s, t, i) lock_map_acquire(l)\n${text('mutex_acquire(&m->dep_map, 0, 0, _RET_IP_);')}`, '6.1')).length, 1);
  });

  it('takes a member named in capitals that no kernel has for a macro (FLOW_KEYS_HASH_START_FIELD), but judges lower-case names', () => {
    // include/net/flow_dissector.h: `#define FLOW_KEYS_HASH_START_FIELD basic`.
    const text = (member: string) => `#include <net/flow_dissector.h>\nstatic const void *start(const struct flow_keys *flow)\n{\n\treturn &flow->${member};\n}\n`;
    const missing = (result: CheckResult) => rows(result).filter((row) => row.startsWith('missing-member'));
    assert.deepEqual(missing(check(text('FLOW_KEYS_HASH_START_FIELD'), '6.1')), []);
    assert.deepEqual(missing(check(text('hash_start'), '6.1')), ['missing-member 4:16-26 [6.1] `hash_start` is not in struct flow_keys on 6.1']);
  });

  it('knows gcc builds the kernel for Linux: code for other systems and compilers is not compiled, code for Linux certainly is', () => {
    const text = `#ifdef __linux__\n${OPS_OPEN}#else\nstatic const struct vfio_device_ops other_ops = { .open_device = 0 };\n#endif\n`;
    const missing = rows(check(text, '6.1')).filter((row) => row.startsWith('missing-member'));
    assert.deepEqual(missing, ['missing-member 6:3-7 [6.1] `open` is not in struct vfio_device_ops on 6.1: replaced by `open_device` in 5.15']);
    const windows = `#ifdef _MSC_VER\n#include "win_compat.h"\n#else\n${OPS_OPEN}#endif\n`;
    assert.equal(rows(check(windows, '6.1')).filter((row) => row.startsWith('missing-member')).length, 1);
  });

  it('judges a trace header\'s guarded part as its first reading compiles it (its guard is unset then)', () => {
    const text = '#undef TRACE_SYSTEM\n#define TRACE_SYSTEM demo\n#if !defined(_DEMO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)\n#define _DEMO_TRACE_H\n#include <linux/genhd.h>\n#endif\n';
    assert.deepEqual(rows(checker.check(text, { fileName: '/ws/demo_trace.h', targets: targets('6.1') })).filter((row) => row.startsWith('missing-header')), [
      'missing-header 5:11-24 [6.1] `<linux/genhd.h>` is not in the kernel headers of 6.1',
    ]);
  });

  it('is silenced by a kernel-compat-ignore comment on the same or the previous line', () => {
    const text = 'static const struct vfio_device_ops ops = {\n\t.open = 0, /* kernel-compat-ignore */\n\t// kernel-compat-ignore\n\t.release = 0,\n\t.open_device = 0,\n};\n';
    assert.deepEqual(rows(check(text, '5.15')), []);
    assert.deepEqual(rows(check(text, '5.13')), ['missing-member 5:3-14 [5.13] `open_device` is not in struct vfio_device_ops on 5.13: added in 5.15']);
  });

  it('reports a callback whose signature changed: ndo_tx_timeout gained a queue index', () => {
    const text = 'static void tx_timeout(struct net_device *dev) {}\nstatic const struct net_device_ops ops = { .ndo_tx_timeout = tx_timeout };\n';
    assert.deepEqual(rows(check(text, '5.4..5.8')), [
      'callback-signature 2:45-59 [5.8] `tx_timeout` does not fit `.ndo_tx_timeout` of struct net_device_ops on 5.8: it takes 1 parameter, not 2; the member there is void (*)(struct net_device *, unsigned int)',
    ]);
  });

  it('judges the code around a large register table at the right lines, and a member a table of names holds', () => {
    const registerRows = Array.from({ length: 300 }, (_, i) => `\t{0x${(i * 4).toString(16)}, 0x${i}0000000},`);
    const text = [
      '#include <linux/vfio.h>',
      'static const unsigned int regs[][2] = {',
      ...registerRows,
      '};',
      'static const struct vfio_device_ops ops = {',
      '\t.open_device = 0,',
      '};',
      'static const struct vfio_device_ops more[] = {',
      ...registerRows.slice(0, 150).map(() => '\t{ .open_device = 0 },'),
      '};',
    ].join('\n');
    const found = rows(check(text, '5.4..5.19'));
    const missing = found.filter((row) => row.startsWith('missing-member'));
    assert.deepEqual(missing.slice(0, 2), [
      'missing-member 305:3-14 [5.4,5.8,5.11,5.13] `open_device` is not in struct vfio_device_ops on 5.4–5.8, 5.11–5.13: added in 5.15',
      'missing-member 308:5-16 [5.4,5.8,5.11,5.13] `open_device` is not in struct vfio_device_ops on 5.4–5.8, 5.11–5.13: added in 5.15',
    ]);
    assert.equal(missing.length, 151);
    assert.equal(missing[150], 'missing-member 457:5-16 [5.4,5.8,5.11,5.13] `open_device` is not in struct vfio_device_ops on 5.4–5.8, 5.11–5.13: added in 5.15');
  });

  it('survives unbalanced #if/#endif with a note, and still judges what it can', () => {
    const text = '#endif\nstatic const struct vfio_device_ops ops = {\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5,15,0)\n\t.open = 0,\n};\n';
    const result = check(text, '5.13,5.15');
    assert.ok(result.findings.some((f) => f.code === 'preprocessor' && f.range.startLine === 0));
    assert.ok(!result.findings.some((f) => f.code === 'missing-member'));
  });

  it('does not crash on binary-looking or replacement-character text', () => {
    const text = 'static const struct vfio_device_ops ops = { .open = 0 }; \uFFFD\uFFFD\u0001\n';
    assert.deepEqual(rows(check(text, '5.15')).map((r) => r.split(' ')[0]), ['missing-member']);
  });
});

describe('re-checking an edited document (trees and reads kept per document)', () => {
  const driver = [
    '#include <linux/version.h>',
    '#include <linux/netdevice.h>',
    '#include <linux/vfio.h>',
    '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)',
    'static void my_timeout(struct net_device *nd, unsigned int txqueue)',
    '#else',
    'static void my_timeout(struct net_device *nd)',
    '#endif',
    '{',
    '\tnd->stats.tx_errors++;',
    '}',
    'static int my_open(struct net_device *nd)',
    '{',
    '\tnd->trans_start = 0;',
    '\treturn 0;',
    '}',
    'static const struct net_device_ops my_ops = {',
    '\t.ndo_open = my_open,',
    '\t.ndo_tx_timeout = my_timeout,',
    '};',
    'static const struct vfio_device_ops my_vfio_ops = {',
    '\t.open = 0,',
    '};',
  ].join('\n');
  const edits: [string, (text: string) => string][] = [
    ['type in an unguarded function', (t) => t.replace('\tnd->trans_start = 0;', '\tnd->trans_start = 0; nd->flags = 0;')],
    ['type in the function with alternative headers', (t) => t.replace('\tnd->stats.tx_errors++;', '\tnd->stats.tx_errors++;\n\tnd->watchdog_timeo = 0;')],
    ['guard the removed member', (t) => t.replace('\t.open = 0,', '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)\n\t.open = 0,\n#endif')],
    ['move the guard boundary', (t) => t.replace('KERNEL_VERSION(5, 6, 0)', 'KERNEL_VERSION(5, 11, 0)')],
    ['delete a line', (t) => t.replace('\tnd->watchdog_timeo = 0;\n', '')],
  ];

  it('gives the same findings as a fresh check after every edit, for every target set', () => {
    let text = driver;
    for (const spec of ['versions', '5.4..6.8']) {
      const key = `doc-${spec}`;
      const keep = (t: string) => rows(checker.check(t, { fileName: 'driver.c', targets: targets(spec), documentKey: key }));
      const fresh = (t: string) => rows(checker.check(t, { fileName: 'driver.c', targets: targets(spec) }));
      assert.deepEqual(keep(text), fresh(text));
      for (const [what, edit] of edits) {
        const edited = edit(text);
        assert.notEqual(edited, text, what);
        assert.deepEqual(keep(edited), fresh(edited), what);
        // And back: the kept trees and reads must follow an undo too.
        assert.deepEqual(keep(text), fresh(text), `${what}, undone`);
        text = edited;
      }
      checker.forget(key);
      text = driver;
    }
  });

  it('starts from a driver with findings, so the comparison means something', () => {
    const labels = rows(checker.check(driver, { fileName: 'driver.c', targets: targets('versions'), documentKey: 'doc-plain' })).map((r) => r.split(' [')[0]);
    checker.forget('doc-plain');
    assert.deepEqual(labels, ['missing-member 14:6-17', 'missing-member 22:3-7', 'struct-not-in-image 22:3-7']);
  });
});

describe('targets', () => {
  const labels = (spec: string) => parseTargets(spec, db.images).images.map((i) => db.images[i].label);
  it('reads labels, ranges, comparisons and groups', () => {
    // Ranges and comparisons take the version images of both distributions, in version order.
    assert.deepEqual(labels('5.4..5.15'), ['5.4', '5.8', '5.10', '5.11', '5.13', '5.15']);
    assert.deepEqual(labels('>=6.1'), ['6.1', '6.2', '6.5', '6.8', '6.12', '7.2', '7.3']);
    assert.deepEqual(labels('<4.10, arm64 aws'), ['4.4', '4.8', 'arm64', 'aws']);
    assert.equal(labels('versions').length, 22);
    assert.equal(labels('all').length, 30);
    assert.deepEqual(labels('arch'), ['arm64', 'armhf', 'ppc64el', 'riscv64']);
    assert.deepEqual(labels('debian'), ['5.10', '6.1', '6.12', '7.2', '7.3']);
    assert.equal(labels('ubuntu').length, 17);
  });
  it('says which parts match nothing', () => {
    assert.deepEqual(parseTargets('5.5,foo,1.2..x', db.images).errors.map((e) => e.split(' (')[0]), [
      "'5.5' matches no kernel image",
      "'foo' matches no kernel image",
      "'1.2..x' matches no kernel image",
    ]);
  });
});

export const examplesDir = join(__dirname, '..', '..', '..', 'examples');

describe('struct-not-in-image', () => {
  it('says once per file which structs some targets\' data lacks, on which kernels, and what fills the gap', () => {
    const text = [
      '#include <linux/vfio.h>',
      '#include <media/v4l2-dev.h>',
      'static void f(struct video_device *vdev, struct vfio_device_ops *ops)',
      '{',
      '\tvdev->minor = 0;',
      '\tops->name = 0;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(rows(check(text, '6.8,6.12')), [
      'struct-not-in-image 5:8-13 [6.8] 2 structs are not in the data of some targeted kernels, so their members are not checked there: struct video_device (6.8), struct vfio_device_ops (6.8). ' +
        'Kernels known from vmlinux only may build them as modules: import such a kernel with its modules (Add Kernel from BTF) to check them',
    ]);
  });
});
