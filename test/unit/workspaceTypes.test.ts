// The driver's own types, wherever in its workspace they are defined: never judged as the
// kernel's, and typing what is reached through them.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { readFileTypes, readWorkspaceFile } from '../../src/core/c/workspaceTypes';
import { WorkspaceTypeIndex } from '../../src/core/c/workspaceTypeIndex';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

const HEADER = `#ifndef HDEV_H
#define HDEV_H
#include <linux/blkdev.h>
struct hdev {
\tstruct block_device *bdev;
\tconst struct file_operations *fops, **more;
\tunion { int raw; struct list_head *link; };
\tunsigned int flags : 3;
};
typedef struct hdev hdev_t;
typedef struct { struct device *dev; } holder_t;
/* The driver's own struct with a kernel struct's name (ppp has a struct channel). */
struct channel { int mine; };
#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 11, 0)
struct compat_only { int x; };
#endif
#endif
`;

function check(text: string, index: WorkspaceTypeIndex, spec = '5.4,5.8,5.11,5.13,5.15,5.19,6.1,6.12'): string[] {
  const result = checker.check(text, { fileName: '/ws/driver.c', targets: parseTargets(spec, db.images).images, workspaceTypes: index });
  return result.findings.filter((f) => f.severity === 'warning').map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
}

describe('the driver\'s own types across its workspace', () => {
  it('reads members, typedefs and conditional definitions of a header', () => {
    const types = readFileTypes(checker.parser, HEADER);
    assert.deepEqual([...types.aggregates.get('struct hdev')!], [
      ['bdev', 'struct block_device *'],
      ['fops', 'const struct file_operations *'],
      ['more', 'const struct file_operations **'],
      ['raw', 'int'],
      ['link', 'struct list_head *'],
      ['flags', 'unsigned int'],
    ]);
    assert.equal(types.typedefs.get('hdev_t'), 'struct hdev');
    assert.equal(types.typedefs.get('holder_t'), 'struct holder_t');
    assert.deepEqual([...types.aggregates.get('struct holder_t')!], [['dev', 'struct device *']]);
    assert.deepEqual([...types.conditional], ['struct compat_only'], 'the include guard is not a condition');
    // Always true where Kbuild builds a module: not a condition either (enhanceio's eio.h).
    const kernelOnly = readFileTypes(checker.parser, '#if defined(__KERNEL__)\nstruct eio_bdev { struct block_device *bdev; };\n#endif\n#ifdef __KERNEL__\nstruct k2 { int x; };\n#endif\n');
    assert.deepEqual([...kernelOnly.conditional], []);
    assert.deepEqual([...kernelOnly.aggregates.keys()], ['struct eio_bdev', 'struct k2']);
  });

  it('reads the same types from a .c file whose bodies it skips, a packed anonymous typedef and a function in #if branches included', () => {
    const source = [
      'typedef struct __attribute__((packed)) {',
      '\tstruct device *dev;',
      '} packed_t;',
      'static int probe(struct platform_device *pdev)',
      '{',
      '\tstruct local_only { int y; } l = { 0 };',
      '\treturn l.y;',
      '}',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)',
      'struct compat_only { int x; };',
      '#endif',
      'struct board { struct pci_dev *pdev; };',
      '',
    ].join('\n');
    const types = readFileTypes(checker.parser, source);
    assert.deepEqual([...types.aggregates.keys()], ['struct packed_t', 'struct compat_only', 'struct board']);
    assert.deepEqual([...types.aggregates.get('struct packed_t')!], [['dev', 'struct device *']]);
    assert.equal(types.rows.get('struct compat_only'), 9);
    assert.deepEqual([...types.callables], ['probe']);
  });

  it('keeps pointers to functions declared at file scope as callables, not a struct\'s members or a local', () => {
    const helpers = [
      'static int (*bpf_probe_read)(void *dst, int size, void *unsafe_ptr) = (void *)BPF_FUNC_probe_read;',
      'static u64 (**table_entry)(void);',
      'struct ops { int (*open)(void); };',
      'static void run(void) { int (*local)(void) = 0; }',
      '',
    ].join('\n');
    assert.deepEqual([...readFileTypes(checker.parser, helpers).callables], ['bpf_probe_read', 'table_entry', 'run']);
  });

  it('keeps macros a call may reach as callables, not register numbers', () => {
    const registers = [
      '#define mmGRBM_STATUS 0x2004',
      '#define GRBM_STATUS__GUI_ACTIVE_MASK 0x80000000L',
      '#define GRBM_STATUS__GUI_ACTIVE__SHIFT (31) /* bit 31 */',
      '#define RREG32_SOC15(ip, inst, reg) rreg(ip, inst, reg)',
      '#define my_alloc kmalloc_node_track',
      '#define WAIT_FLAGS \\',
      '\t0x10',
      '',
    ].join('\n');
    assert.deepEqual([...readFileTypes(checker.parser, registers).callables], ['RREG32_SOC15', 'my_alloc', 'WAIT_FLAGS']);
  });

  it('keeps of a .c file only the names of its structs and unions and its macros: no other file sees its members', () => {
    const source = [
      '/* struct in_comment { int x; }; */',
      'static const char *s = "struct in_string { int y; }";',
      'struct board { struct pci_dev *pdev; };',
      'union __packed regs { u32 raw; };',
      'typedef struct { int z; } untagged_t;',
      '#define BOARD_PRIV(b) ((b)->pdev)',
      '#define BOARD_BAR 2',
      'static int probe(struct pci_dev *pdev) { struct local { int y; } l = { 0 }; return l.y; }',
      '',
    ].join('\n');
    const types = readWorkspaceFile(checker.parser, '/ws/board.c', source);
    assert.deepEqual([...types.namedOnly!], ['struct board', 'union regs', 'struct local']);
    assert.deepEqual([...types.aggregates.keys()], []);
    assert.deepEqual([...types.typedefs.keys()], []);
    assert.deepEqual([...types.callables], ['BOARD_PRIV']);
    // A header of the same text is read whole.
    assert.deepEqual([...readWorkspaceFile(checker.parser, '/ws/board.h', source).aggregates.keys()], ['struct board', 'union regs', 'struct untagged_t']);
  });

  it('takes a struct a .c file defines as the driver\'s, with the members a header gives it where one defines it too', () => {
    const index = new WorkspaceTypeIndex(checker.parser);
    // Before hdev.h in path order: a definition with members still speaks first.
    index.update('/ws/a_hdev.c', 'struct hdev { int other; };\nstruct channel { int mine; };\nstruct file_lock { int mine; };\n');
    index.update('/ws/hdev.h', HEADER);
    const text = [
      'static int f(struct hdev *d, struct file_lock *l)',
      '{',
      '\treturn d->bdev->bd_part != 0 || l->mine;',
      '}',
      '',
    ].join('\n');
    // bd_part is judged through the header's members; file_lock is the driver's: l->mine is not judged.
    assert.deepEqual(check(text, index), ['missing-member 3:18 [5.11,5.13,5.15,5.19,6.1,6.12]']);
    assert.equal(index.update('/ws/a_hdev.c', 'struct hdev { int other; };\nstruct channel { int mine; };\nstruct file_lock { int mine; };\nstatic int g(void) { return 1; }\n'), false, 'an edit that defines no new name changes nothing');
  });

  it('takes, of two drivers\' same-named structs, the one in the header the file reads', () => {
    const index = new WorkspaceTypeIndex(checker.parser);
    const gadget = '#include <media/v4l2-dev.h>\nstruct uvc_device { struct video_device vdev; };\n';
    // Earlier in path order, another driver's struct of the same name.
    index.update('/tree/drivers/media/usb/uvc/uvcvideo.h', '#include <media/v4l2-device.h>\nstruct uvc_device { struct v4l2_device vdev; };\n');
    index.update('/tree/drivers/usb/gadget/uvc.h', gadget);
    const text = '#include "uvc.h"\nstatic void f(struct uvc_device *uvc) { uvc->vdev.v4l2_dev = 0; }\n';
    const resolveInclude = (spec: string) => (spec === 'uvc.h' ? { path: '/tree/drivers/usb/gadget/uvc.h', text: gadget } : undefined);
    const warnings = (fileName: string, resolve: typeof resolveInclude | undefined) =>
      checker
        .check(text, { fileName, targets: parseTargets('6.1', db.images).images, workspaceTypes: index, ...(resolve ? { resolveInclude: resolve } : {}) })
        .findings.filter((f) => f.severity === 'warning')
        .map((f) => `${f.code} ${f.message}`);
    // video_device has v4l2_dev; v4l2_device has not.
    assert.deepEqual(warnings('/tree/drivers/usb/gadget/f_uvc.c', resolveInclude), []);
    // Without the include read, the first definition in path order speaks, as before.
    assert.deepEqual(warnings('/tree/drivers/usb/gadget/f_uvc.c', undefined), ['missing-member `v4l2_dev` is not in struct v4l2_device on 6.1']);
  });

  it('judges the kernel structs reached through a struct defined in another file, and never the driver\'s own names', () => {
    const index = new WorkspaceTypeIndex(checker.parser);
    index.update('/ws/hdev.h', HEADER);
    const text = [
      '#include "hdev.h"',
      'static int f(struct hdev *d, hdev_t *e, struct channel *c)',
      '{',
      '\treturn d->bdev->bd_part != 0 || e->bdev->bd_contains != 0 || c->mine;',
      '}',
      '',
    ].join('\n');
    // bd_part and bd_contains left struct block_device in Linux 5.11.
    assert.deepEqual(check(text, index), ['missing-member 4:18 [5.11,5.13,5.15,5.19,6.1,6.12]', 'missing-member 4:43 [5.11,5.13,5.15,5.19,6.1,6.12]']);
    // Without the index, the file knows none of it: nothing is judged.
    assert.deepEqual(check(text, new WorkspaceTypeIndex(checker.parser)), []);
  });

  it('leaves a name the driver defines only under #if alone, and forgets a file when it goes', () => {
    const index = new WorkspaceTypeIndex(checker.parser);
    index.update('/ws/hdev.h', HEADER);
    const text = 'static int g(struct compat_only *p, struct hdev *d) { return p->x + d->bdev->bd_part; }\n';
    const before = index.generation;
    assert.deepEqual(check(text, index, '5.13'), ['missing-member 1:78 [5.13]']);
    index.update('/ws/hdev.h', undefined);
    assert.ok(index.generation > before);
    assert.deepEqual(check(text, index, '5.13'), []);
  });
});

describe('a compat definition the driver compiles only for some kernels', () => {
  const folder = relative(process.cwd(), join(packageRoot, 'test', 'fixtures', 'compat-backport'));

  it('leaves the kernel\'s struct in charge where the version guard drops the driver\'s, and judges nothing where the guard is unknown', async () => {
    let out = '';
    await run(['check', '--targets', '5.4,5.8,5.11,6.1', folder], { out: (t) => (out += t), err: () => undefined });
    // compat.h backports struct proc_ops before 5.6: on 5.4 `.proc_read_iter` is the driver's
    // own member; from 5.8 on the kernel's struct is compiled, which gained it only in 5.10/5.11.
    // struct timer_list is defined under a macro nothing decides: its `data` (gone in 4.15) is
    // judged nowhere.
    assert.equal(out, `${join(folder, 'demo.c')}:12:3: warning: \`proc_read_iter\` is not in struct proc_ops on 5.8: added in 5.10 [missing-member]\n`);
  });
});

describe('callbacks stored in members typed by a function typedef', () => {
  it('checks a sysctl handler against proc_handler as each Debian kernel defines it (const table from 6.11)', () => {
    const text = [
      '#include <linux/sysctl.h>',
      'static int my_handler(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)',
      '{',
      '\treturn 0;',
      '}',
      'static struct ctl_table my_table[] = {',
      '\t{ .procname = "x", .mode = 0644, .proc_handler = &my_handler },',
      '\t{ }',
      '};',
      '',
    ].join('\n');
    const result = checker.check(text, { fileName: '/ws/sysctl.c', targets: parseTargets('6.1,6.12,7.3', db.images).images });
    assert.deepEqual(
      result.findings.map((f) => `${f.code} ${f.range.startLine + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`),
      [
        'callback-signature 7 [6.12,7.3] `my_handler` does not fit `.proc_handler` of struct ctl_table on 6.12–7.3: its parameter 1 is struct ctl_table *, not const struct ctl_table *; the member there is int (*)(const struct ctl_table *, int, void *, size_t *, loff_t *)',
      ],
    );
  });
});
