import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { packageRoot, wasmLocation } from '../../src/cli/paths';
import { blankAnnotations, loadCParser } from '../../src/core/c/parser';
import { findFunctionSignatures, findUsages, type FileUsages, type FunctionSignature, type MemberUsage, type TypeOracle } from '../../src/core/c/usages';
import { parseDeclarations } from '../../src/core/c/declarationsTree';
import { normalizeTypeText } from '../../src/core/c/typeText';

/** A tiny stand-in for the kernel struct database: member types by aggregate. */
const KERNEL: Record<string, Record<string, string>> = {
  'struct vfio_device': {
    ops: 'const struct vfio_device_ops *',
    dev: 'struct device *',
    index: 'unsigned int',
    mig_ops: 'const struct vfio_migration_ops *',
  },
  'struct vfio_device_ops': {
    name: 'const char *',
    open: 'int (*)(struct mdev_device *)',
    release: 'void (*)(struct mdev_device *)',
    open_device: 'int (*)(struct vfio_device *)',
    close_device: 'void (*)(struct vfio_device *)',
    read: 'ssize_t (*)(struct vfio_device *, char *, size_t, loff_t *)',
    ioctl: 'long int (*)(struct vfio_device *, unsigned int, long unsigned int)',
    mmap: 'int (*)(struct vfio_device *, struct vm_area_struct *)',
    bind_iommufd: 'int (*)(struct vfio_device *, struct iommufd_ctx *, u32 *)',
  },
  'struct file_operations': {
    owner: 'struct module *',
    open: 'int (*)(struct inode *, struct file *)',
    release: 'int (*)(struct inode *, struct file *)',
    llseek: 'loff_t (*)(struct file *, loff_t, int)',
  },
  'struct proc_ops': { proc_open: 'int (*)(struct inode *, struct file *)', proc_read: 'ssize_t (*)(struct file *, char *, size_t, loff_t *)' },
  'struct net_device_ops': { ndo_open: 'int (*)(struct net_device *)', ndo_stop: 'int (*)(struct net_device *)' },
  'struct net_device': { netdev_ops: 'const struct net_device_ops *', name: 'char[16]' },
  'struct pci_dev': {
    dev: 'struct device',
    vendor: 'short unsigned int',
    device: 'short unsigned int',
    bus: 'struct pci_bus *',
    resource: 'struct resource[17]',
  },
  'struct task_struct': { pid: 'pid_t', comm: 'char[16]' },
  'struct pci_bus': { self: 'struct pci_dev *', resource: 'struct resource *[4]' },
  'struct resource': { start: 'resource_size_t', end: 'resource_size_t', name: 'const char *' },
  'struct device': { driver_data: 'void *', parent: 'struct device *', driver: 'struct device_driver *' },
  'struct device_driver': { name: 'const char *', owner: 'struct module *', pm: 'const struct dev_pm_ops *' },
  'struct dev_pm_ops': { suspend: 'int (*)(struct device *)', resume: 'int (*)(struct device *)' },
  'struct pci_driver': {
    name: 'const char *',
    id_table: 'const struct pci_device_id *',
    probe: 'int (*)(struct pci_dev *, const struct pci_device_id *)',
    driver: 'struct device_driver',
  },
  'struct pci_device_id': { vendor: '__u32', device: '__u32', driver_data: 'kernel_ulong_t' },
  'struct list_head': { next: 'struct list_head *', prev: 'struct list_head *' },
  'struct work_struct': { func: 'work_func_t', entry: 'struct list_head' },
  'struct delayed_work': { work: 'struct work_struct', cpu: 'int' },
  'struct mdev_device': { dev: 'struct device', type: 'struct mdev_type *' },
  'union acpi_object': { type: 'acpi_object_type', integer: 'struct (anon)' },
};

const oracle: TypeOracle = {
  isKernelAggregate: (ref) => `${ref.kind} ${ref.name}` in KERNEL,
  memberType: (ref, member) => KERNEL[`${ref.kind} ${ref.name}`]?.[member],
};

let parser: Parser;

before(async () => {
  ({ parser } = await loadCParser(wasmLocation()));
});

function analyze(source: string): FileUsages {
  const tree = parser.parse(source)!;
  try {
    return findUsages(tree, oracle);
  } finally {
    tree.delete();
  }
}

/** 'line:column' (0-based) of `token` inside the only occurrence of `context` in `source`. */
function at(source: string, context: string, token = context): string {
  const start = source.indexOf(context);
  assert.ok(start >= 0, `test bug: ${JSON.stringify(context)} not in source`);
  assert.equal(source.indexOf(context, start + 1), -1, `test bug: ${JSON.stringify(context)} is not unique`);
  const offset = context.indexOf(token);
  assert.ok(offset >= 0, `test bug: ${JSON.stringify(token)} not in ${JSON.stringify(context)}`);
  const index = start + offset;
  const line = source.slice(0, index).split('\n').length - 1;
  return `${line}:${index - source.lastIndexOf('\n', index - 1) - 1}`;
}

/** One line per usage: `kind aggregate.member@line:column`, in document order. */
function summarize(usages: MemberUsage[]): string[] {
  return usages.map((usage) => `${usage.kind} ${usage.aggregate.name}.${usage.member}@${usage.range.startLine}:${usage.range.startColumn}`);
}

function usagesOf(source: string): string[] {
  return summarize(analyze(source).usages);
}

describe('findUsages', () => {
  describe('designated initializers', () => {
    const mtty = [
      '#include <linux/vfio.h>',
      '',
      'static const struct vfio_device_ops mtty_dev_ops = {',
      '\t.name = "vfio-mtty",',
      '\t.open = mtty_open,',
      '\t.release = &mtty_release,',
      '\t.read = (void *)mtty_read,',
      '\t.ioctl = (mtty_ioctl),',
      '\t.mmap = pick_mmap(1),',
      '};',
      '',
    ].join('\n');

    it('reports each member of an mtty-style ops table with exact ranges', () => {
      const { usages } = analyze(mtty);
      assert.deepEqual(summarize(usages), [
        'initializer vfio_device_ops.name@3:2',
        'initializer vfio_device_ops.open@4:2',
        'initializer vfio_device_ops.release@5:2',
        'initializer vfio_device_ops.read@6:2',
        'initializer vfio_device_ops.ioctl@7:2',
        'initializer vfio_device_ops.mmap@8:2',
      ]);
      const open = usages[1];
      const openIndex = mtty.indexOf('open = mtty_open');
      assert.deepEqual(open.aggregate, { kind: 'struct', name: 'vfio_device_ops' });
      assert.deepEqual(open.range, { startLine: 4, startColumn: 2, endLine: 4, endColumn: 6, startIndex: openIndex, endIndex: openIndex + 4 });
      assert.deepEqual(open.statementRange, {
        startLine: 4,
        startColumn: 1,
        endLine: 4,
        endColumn: 18,
        startIndex: openIndex - 1,
        endIndex: openIndex + '.open = mtty_open'.length - 1,
      });
    });

    it('tells which function each member is set to: f, &f and (f); not through a cast or a call', () => {
      const assigned = analyze(mtty).usages.map((usage) => [usage.member, usage.assignedFunction]);
      assert.deepEqual(assigned, [
        ['name', undefined],
        ['open', 'mtty_open'],
        ['release', 'mtty_release'],
        ['read', undefined],
        ['ioctl', 'mtty_ioctl'],
        ['mmap', undefined],
      ]);
    });

    it('does not take a variable declared in the file for a function', () => {
      const source = [
        'static struct device_driver my_driver;',
        'static const struct pci_driver drv = { .driver = my_driver, .probe = my_probe };',
      ].join('\n');
      const assigned = analyze(source).usages.map((usage) => [usage.member, usage.assignedFunction]);
      assert.deepEqual(assigned, [
        ['driver', undefined],
        ['probe', 'my_probe'],
      ]);
    });

    it('tolerates storage classes, qualifiers and annotation macros around the declaration', () => {
      const source = [
        'static struct file_operations fops __read_mostly = { .open = f_open };',
        'const struct proc_ops pops __ro_after_init = { .proc_open = p_open, };',
        'struct net_device_ops nops = { .ndo_open = n_open, .ndo_stop = n_stop };',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `initializer file_operations.open@${at(source, '.open', 'open')}`,
        `initializer proc_ops.proc_open@${at(source, 'proc_open =', 'proc_open')}`,
        `initializer net_device_ops.ndo_open@${at(source, 'ndo_open =', 'ndo_open')}`,
        `initializer net_device_ops.ndo_stop@${at(source, 'ndo_stop =', 'ndo_stop')}`,
      ]);
      assert.equal(analyze(source).usages[0].assignedFunction, 'f_open');
    });

    it('reports initializers of plain and block-scope declarations', () => {
      const source = ['void f(void)', '{', '\tstruct resource res = { .start = 0, .end = 15 };', '}'].join('\n');
      assert.deepEqual(usagesOf(source), ['initializer resource.start@2:26', 'initializer resource.end@2:38']);
    });

    it('walks arrays of structs, skipping positional entries', () => {
      const source = [
        'static const struct pci_device_id mtty_ids[] = {',
        '\t{ PCI_DEVICE(0x10de, 0x1234) },',
        '\t{ .vendor = 0x8086, .device = 0x1111 },',
        '\t{ 0x1af4, 0x1000 },',
        '\t{ .driver_data = 2 },',
        '\t{}',
        '};',
        'static struct resource extra[2] = { [1] = { .name = "bar" }, [0 ... 1] = { .end = 4 } };',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'initializer pci_device_id.vendor@2:4',
        'initializer pci_device_id.device@2:22',
        'initializer pci_device_id.driver_data@4:4',
        `initializer resource.name@${at(source, '.name', 'name')}`,
        `initializer resource.end@${at(source, '.end', 'end')}`,
      ]);
    });

    it('follows nested designators through member types', () => {
      const source = [
        'static struct pci_driver drv = {',
        '\t.driver.name = "drv",',
        '\t.driver.pm = &drv_pm,',
        '};',
        'static struct pci_dev fake = {',
        '\t.resource[0].start = 0x1000,',
        '\t.resource[1] = { .end = 0x1fff },',
        '\t.bus = { .self = 0 },',
        '};',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'initializer pci_driver.driver@1:2',
        'initializer device_driver.name@1:9',
        'initializer pci_driver.driver@2:2',
        'initializer device_driver.pm@2:9',
        'initializer pci_dev.resource@5:2',
        'initializer resource.start@5:14',
        'initializer pci_dev.resource@6:2',
        'initializer resource.end@6:19',
        // `bus` is a pointer: braces cannot initialize what it points to.
        'initializer pci_dev.bus@7:2',
      ]);
      const pm = analyze(source).usages[3];
      assert.equal(pm.assignedFunction, 'drv_pm');
      // The pair range covers all designators: a quick fix removes the whole line.
      assert.equal(pm.statementRange?.startColumn, 1);
    });

    it('types nested braces by the embedded member', () => {
      const source = [
        'static struct pci_driver drv = {',
        '\t.name = "drv",',
        '\t.driver = {',
        '\t\t.owner = THIS_MODULE,',
        '\t\t.pm = &drv_pm_ops,',
        '\t},',
        '};',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'initializer pci_driver.name@1:2',
        'initializer pci_driver.driver@2:2',
        'initializer device_driver.owner@3:3',
        'initializer device_driver.pm@4:3',
      ]);
    });

    it('stops at a member the database does not know, still reporting it', () => {
      const source = 'static struct pci_driver drv = { .gone.name = 1, .driver.name = "x" };';
      assert.deepEqual(usagesOf(source), [
        `initializer pci_driver.gone@${at(source, 'gone')}`,
        `initializer pci_driver.driver@${at(source, 'driver.name', 'driver')}`,
        `initializer device_driver.name@${at(source, 'driver.name', 'name')}`,
      ]);
      assert.equal(analyze(source).usages[0].assignedFunction, undefined);
    });

    it('reads compound literals: assigned, returned, passed and addressed', () => {
      const source = [
        'static struct resource get(void)',
        '{',
        '\treturn (struct resource){ .start = 1 };',
        '}',
        'void f(struct resource *r)',
        '{',
        '\t*r = (struct resource){ .end = 2 };',
        '\tregister_fops(&(struct file_operations){ .open = my_open, .owner = THIS_MODULE });',
        '\tuse_array((struct resource[]){ { .name = "a" }, { .name = "b" } });',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `initializer resource.start@${at(source, '.start', 'start')}`,
        `initializer resource.end@${at(source, '.end', 'end')}`,
        `initializer file_operations.open@${at(source, '.open', 'open')}`,
        `initializer file_operations.owner@${at(source, '.owner', 'owner')}`,
        `initializer resource.name@${at(source, '.name = "a"', 'name')}`,
        `initializer resource.name@${at(source, '.name = "b"', 'name')}`,
      ]);
      assert.equal(analyze(source).usages[2].assignedFunction, 'my_open');
    });

    it('resolves struct typedefs declared in the file, and ignores local typedef structs', () => {
      const source = [
        'typedef struct vfio_device_ops my_ops_t;',
        'typedef struct { int open; } local_ops_t;',
        'my_ops_t ops = { .open = my_open };',
        'local_ops_t mine = { .open = 1 };',
      ].join('\n');
      const { usages } = analyze(source);
      assert.deepEqual(summarize(usages), ['initializer vfio_device_ops.open@2:18']);
      assert.equal(usages[0].assignedFunction, 'my_open');
    });

    it('accepts the old GNU `member: value` form', () => {
      const source = 'static struct file_operations fops = { open: my_open, owner: THIS_MODULE };';
      assert.deepEqual(usagesOf(source), [
        `initializer file_operations.open@${at(source, 'open:', 'open')}`,
        `initializer file_operations.owner@${at(source, 'owner')}`,
      ]);
      assert.equal(analyze(source).usages[0].assignedFunction, 'my_open');
    });
  });

  describe('member accesses', () => {
    it('types parameters, locals and globals, static or extern', () => {
      const source = [
        'static struct pci_dev *the_pdev;',
        'extern struct net_device *the_netdev;',
        'static int probe(struct pci_dev *pdev, const struct vfio_device *vdev)',
        '{',
        '\tstruct device *dev = &pdev->dev;',
        '\treturn pdev->vendor + vdev->index + dev->parent + the_pdev->device + the_netdev->name[0];',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `access pci_dev.dev@${at(source, '->dev;', 'dev')}`,
        `access pci_dev.vendor@${at(source, 'pdev->vendor', 'vendor')}`,
        `access vfio_device.index@${at(source, 'index')}`,
        `access device.parent@${at(source, 'parent')}`,
        `access pci_dev.device@${at(source, 'the_pdev->device', 'device')}`,
        `access net_device.name@${at(source, 'name[0]', 'name')}`,
      ]);
    });

    it('respects block scopes and shadowing', () => {
      const source = [
        'struct pci_dev *dev;',
        'static void a(struct vfio_device *dev)',
        '{',
        '\tdev->ops;',
        '\t{',
        '\t\tstruct device *dev = NULL;',
        '\t\tdev->driver_data;',
        '\t}',
        '\tdev->index;',
        '}',
        'static void b(void)',
        '{',
        '\tdev->vendor;',
        '\tfor (struct device *dev = first(); dev; dev = dev->parent)',
        '\t\tdev->driver_data;',
        '\tdev->device;',
        '}',
        'static void c(void)',
        '{',
        '\tmy_dev_t *dev = lookup();',
        '\tdev->vendor;',
        '\tint unrelated = dev->vendor;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'access vfio_device.ops@3:6',
        'access device.driver_data@6:7',
        'access vfio_device.index@8:6',
        'access pci_dev.vendor@12:6',
        `access device.parent@${at(source, 'dev->parent', 'parent')}`,
        'access device.driver_data@14:7',
        'access pci_dev.device@15:6',
        // In c(), dev has a type this file does not define: nothing is guessed.
      ]);
    });

    it('resolves casts, parentheses, dereference, address-of and subscripts', () => {
      const source = [
        'void f(void *p, struct pci_dev **pp, struct pci_dev devs[4], struct pci_bus *bus)',
        '{',
        '\tstruct pci_dev local;',
        '\tstruct pci_dev *table[8];',
        '\t((struct pci_dev *)p)->vendor;',
        '\t(*pp)->device;',
        '\t(&local)->bus;',
        '\t(*(&local)).vendor;',
        '\tdevs[1].device;',
        '\ttable[2]->vendor;',
        '\tbus->resource[1]->start;',
        '\tpp[0][0].vendor;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `access pci_dev.vendor@${at(source, 'p)->vendor', 'vendor')}`,
        `access pci_dev.device@${at(source, '(*pp)->device', 'device')}`,
        `access pci_dev.bus@${at(source, '(&local)->bus', 'bus')}`,
        `access pci_dev.vendor@${at(source, '(*(&local)).vendor', 'vendor')}`,
        `access pci_dev.device@${at(source, 'devs[1].device', 'device')}`,
        `access pci_dev.vendor@${at(source, 'table[2]->vendor', 'vendor')}`,
        `access pci_bus.resource@${at(source, 'bus->resource', 'resource')}`,
        `access resource.start@${at(source, 'start')}`,
        `access pci_dev.vendor@${at(source, 'pp[0][0].vendor', 'vendor')}`,
      ]);
    });

    it('follows chains through member types', () => {
      const source = [
        'int f(struct vfio_device *vdev, struct pci_dev *pdev, struct pci_dev p)',
        '{',
        '\tvdev->ops->open(vdev);',
        '\tp.dev.driver_data = 0;',
        '\tpdev->bus->self->dev.parent->driver->pm->suspend(0);',
        '\tpdev->resource[2].name;',
        '\treturn vdev->ops->gone->deeper;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'access vfio_device.ops@2:7',
        'access vfio_device_ops.open@2:12',
        'access pci_dev.dev@3:3',
        'access device.driver_data@3:7',
        'access pci_dev.bus@4:7',
        'access pci_bus.self@4:12',
        'access pci_dev.dev@4:18',
        'access device.parent@4:22',
        'access device.driver@4:30',
        'access device_driver.pm@4:38',
        'access dev_pm_ops.suspend@4:42',
        'access pci_dev.resource@5:7',
        `access resource.name@${at(source, '[2].name', 'name')}`,
        'access vfio_device.ops@6:14',
        // `gone` is unknown to the database: reported, but nothing after it is guessed.
        'access vfio_device_ops.gone@6:19',
      ]);
    });

    it('goes through the file\'s own structs without reporting their members', () => {
      const source = [
        'struct my_priv {',
        '\tstruct vfio_device vdev;',
        '\tstruct pci_dev *pdev, *peers[2];',
        '\tunion {',
        '\t\tstruct device *dev;',
        '\t\tint fd;',
        '\t};',
        '};',
        'void f(struct my_priv *priv)',
        '{',
        '\tpriv->vdev.ops->release(0);',
        '\tpriv->pdev->dev.parent = 0;',
        '\tpriv->peers[1]->vendor = 0;',
        '\tpriv->dev->driver_data = 0;',
        '\tpriv->fd = 0;',
        '}',
      ].join('\n');
      const result = analyze(source);
      assert.deepEqual(summarize(result.usages), [
        `access vfio_device.ops@${at(source, 'vdev.ops', 'ops')}`,
        `access vfio_device_ops.release@${at(source, 'ops->release', 'release')}`,
        `access pci_dev.dev@${at(source, '->dev.parent', 'dev')}`,
        `access device.parent@${at(source, 'parent')}`,
        `access pci_dev.vendor@${at(source, 'vendor')}`,
        `access device.driver_data@${at(source, 'driver_data')}`,
      ]);
      assert.deepEqual([...result.localAggregates], ['my_priv']);
    });

    it('lets a local definition shadow a kernel struct of the same name', () => {
      const source = [
        'struct device { int driver_data; struct pci_dev *pdev; };',
        'static struct device one = { .driver_data = 1 };',
        'void f(struct device *d)',
        '{',
        '\td->driver_data = 2;',
        '\td->pdev->vendor = 3;',
        '}',
      ].join('\n');
      const result = analyze(source);
      assert.deepEqual(summarize(result.usages), [`access pci_dev.vendor@${at(source, 'vendor')}`]);
      assert.deepEqual([...result.localAggregates], ['device']);
      assert.deepEqual(
        result.mentions.map((mention) => mention.aggregate.name),
        ['pci_dev'],
      );
    });

    it('resolves struct typedefs, and skips types it cannot know', () => {
      const source = [
        'typedef struct pci_dev pdev_t;',
        'typedef struct pci_dev *pdev_ptr;',
        'void f(pdev_t *a, pdev_ptr b, unknown_t *c, void *d)',
        '{',
        '\ta->vendor;',
        '\tb->device;',
        '\tc->vendor;',
        '\td->vendor;',
        '\tundeclared->vendor;',
        '\tunknown_function(a)->vendor;',
        '\tSOME_MACRO(a)->vendor;',
        '\ta->dev.unknown_member.more;',
        '\t(&a)->vendor;',
        '\ta.vendor;',
        '\t(*a)->vendor;',
        '}',
      ].join('\n');
      // The last three use the wrong operator for the pointer depth: the type must be wrong.
      assert.deepEqual(usagesOf(source), ['access pci_dev.vendor@4:4', 'access pci_dev.device@5:4', 'access pci_dev.dev@11:4', 'access device.unknown_member@11:8']);
    });

    it('knows the struct kernel helpers return and `current`, unless the file declares its own', () => {
      const source = [
        'static void f(struct device *dev)',
        '{',
        '\tto_pci_dev(dev)->vendor;',
        '\tcurrent->pid;',
        '}',
        'static struct device *to_platform_device(struct device *dev);',
        'static void g(struct device *dev)',
        '{',
        '\tstruct vfio_device *current = 0;',
        '\tcurrent->index;',
        '\tto_platform_device(dev)->parent;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `access pci_dev.vendor@${at(source, 'vendor')}`,
        `access task_struct.pid@${at(source, 'pid')}`,
        `access vfio_device.index@${at(source, 'index')}`,
        `access device.parent@${at(source, 'parent')}`,
      ]);
    });

    it('uses return types of functions the file declares', () => {
      const source = [
        'struct my_priv { struct pci_dev *pdev; };',
        'static struct pci_dev *lookup(int id);',
        'static inline struct my_priv *get_priv(struct vfio_device *vdev)',
        '{',
        '\treturn container_of(vdev, struct my_priv, pdev);',
        '}',
        'static struct pci_dev * __init first_dev(void)',
        '{',
        '\treturn 0;',
        '}',
        'void f(struct vfio_device *vdev)',
        '{',
        '\tlookup(1)->vendor;',
        '\tget_priv(vdev)->pdev->device;',
        '\tfirst_dev()->bus;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        `access pci_dev.vendor@${at(source, 'vendor')}`,
        `access pci_dev.device@${at(source, '->device', 'device')}`,
        `access pci_dev.bus@${at(source, '->bus', 'bus')}`,
      ]);
    });

    it('strips const, volatile and sparse annotations', () => {
      const source = [
        'static struct pci_dev *gp __read_mostly;',
        'void f(const struct pci_dev *cp, volatile struct pci_dev *vp)',
        '{',
        '\tstruct vfio_device __rcu *rp = get();',
        '\tstruct pci_dev __iomem *io = map();',
        '\tconst struct pci_dev *const kp = cp;',
        '\tcp->vendor + vp->device + rp->index + io->vendor + kp->device + gp->vendor;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'access pci_dev.vendor@6:5',
        'access pci_dev.device@6:18',
        'access vfio_device.index@6:31',
        'access pci_dev.vendor@6:43',
        'access pci_dev.device@6:56',
        'access pci_dev.vendor@6:69',
      ]);
    });

    it('reports union members with the union kind', () => {
      const source = 'int f(union acpi_object *obj) { return obj->type; }';
      const { usages, mentions } = analyze(source);
      assert.deepEqual(usages.map((usage) => [usage.aggregate, usage.member]), [[{ kind: 'union', name: 'acpi_object' }, 'type']]);
      assert.deepEqual(mentions.map((mention) => mention.aggregate), [{ kind: 'union', name: 'acpi_object' }]);
    });
  });

  describe('container_of, list_entry and offsetof', () => {
    it('reports the member and types the result as a pointer to the struct', () => {
      const source = [
        'struct my_dev { struct work_struct work; };',
        'void handler(struct work_struct *work, struct list_head *node)',
        '{',
        '\tstruct delayed_work *dw = container_of(work, struct delayed_work, work);',
        '\tdw->cpu = 1;',
        '\tcontainer_of(node, struct work_struct, entry)->func = 0;',
        '\tlist_entry(node, struct work_struct, entry)->func = 0;',
        '\tlist_first_entry(node, struct work_struct, entry)->func = 0;',
        '\tcontainer_of(work, struct my_dev, work);',
        '}',
      ].join('\n');
      const call = (text: string) => ({ entry: at(source, text, 'entry)'), func: at(source, text, 'func') });
      const plain = call('container_of(node, struct work_struct, entry)->func');
      const listEntry = call('list_entry(node, struct work_struct, entry)->func');
      const firstEntry = call('list_first_entry(node, struct work_struct, entry)->func');
      assert.deepEqual(usagesOf(source), [
        'container_of delayed_work.work@3:67',
        `access delayed_work.cpu@${at(source, 'cpu')}`,
        `container_of work_struct.entry@${plain.entry}`,
        `access work_struct.func@${plain.func}`,
        `container_of work_struct.entry@${listEntry.entry}`,
        `access work_struct.func@${listEntry.func}`,
        `container_of work_struct.entry@${firstEntry.entry}`,
        `access work_struct.func@${firstEntry.func}`,
      ]);
    });

    it('follows a member path in container_of without reading it as an access', () => {
      // `work` is also a variable here; `work.entry` must still not read as an access on it.
      const source = [
        'void f(struct work_struct *w, struct delayed_work work)',
        '{',
        '\tstruct my_thing *t = container_of(w, struct delayed_work, work.entry);',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), ['container_of delayed_work.work@2:59', 'container_of work_struct.entry@2:64']);
    });

    it('reads list iteration macros through the type of the cursor', () => {
      const source = [
        'void f(struct list_head *head)',
        '{',
        '\tstruct work_struct *pos, *tmp;',
        '\tlist_for_each_entry(pos, head, entry) {',
        '\t\tpos->func = 0;',
        '\t}',
        '\tlist_for_each_entry_safe(pos, tmp, head, entry)',
        '\t\tlist_next_entry(pos, entry)->func = 0;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'container_of work_struct.entry@3:32',
        'access work_struct.func@4:7',
        'container_of work_struct.entry@6:42',
        'container_of work_struct.entry@7:23',
        `access work_struct.func@${at(source, '->func = 0;\n}', 'func')}`,
      ]);
    });

    it('reports offsetof members, including member paths', () => {
      const source = [
        'size_t a = offsetof(struct pci_dev, vendor);',
        'size_t b = offsetof(struct pci_dev, dev.parent);',
        'size_t c = offsetofend(struct pci_dev, device);',
        'size_t d = sizeof_field(struct pci_dev, bus);',
      ].join('\n');
      assert.deepEqual(usagesOf(source), [
        'offsetof pci_dev.vendor@0:36',
        'offsetof pci_dev.dev@1:36',
        'offsetof device.parent@1:40',
        'offsetof pci_dev.device@2:39',
        'offsetof pci_dev.bus@3:40',
      ]);
    });
  });

  describe('mentions', () => {
    it('lists every kernel struct reference, not local or unknown ones', () => {
      const source = [
        'struct my_priv { struct pci_dev *pdev; };',
        'struct unknown_thing *u;',
        'static int f(struct vfio_device *vdev, struct my_priv *priv)',
        '{',
        '\tvoid *p = kzalloc(sizeof(struct pci_dev), GFP_KERNEL);',
        '\treturn container_of(vdev, struct mdev_device, dev) != (struct mdev_device *)p;',
        '}',
      ].join('\n');
      const { mentions } = analyze(source);
      assert.deepEqual(
        mentions.map((mention) => `${mention.aggregate.name}@${mention.range.startLine}:${mention.range.startColumn}-${mention.range.endColumn}`),
        ['pci_dev@0:24-31', 'vfio_device@2:20-31', 'pci_dev@4:33-40', 'mdev_device@5:34-45', 'mdev_device@5:63-74'],
      );
      assert.equal(mentions[0].range.endIndex - mentions[0].range.startIndex, 'pci_dev'.length);
    });
  });

  describe('function signatures', () => {
    it('records definitions and prototypes with normalized types', () => {
      const source = [
        'static int mtty_open(struct mdev_device *mdev);',
        'static int mtty_open(struct mdev_device *mdev)',
        '{',
        '\treturn 0;',
        '}',
        'static ssize_t mtty_read(struct mdev_device  *mdev, char __user *buf,',
        '\t\t\t size_t count, loff_t *ppos);',
        'static inline struct my_priv *to_priv(struct vfio_device *vdev) { return 0; }',
        'extern const char *name_of(const struct pci_dev *pdev, unsigned long flags);',
        'int log_it(const char *fmt, ...);',
        'int register_cb(int (*cb)(void *data), void *data);',
        'static int __init mtty_init(void) { return 0; }',
        'static void __exit mtty_exit(void) { }',
        'void __iomem *map_bar(struct pci_dev *pdev, int bar);',
        'int probe(struct pci_dev *pdev, const struct pci_device_id *id __maybe_unused);',
        'void fill(u8 data[4], struct device *devs[]);',
        'static ssize_t write_it(struct file *file, const char __user *ubuf, size_t len) { return 0; }',
        'struct pci_dev * __must_check find_dev(void) { return 0; }',
        'static __always_inline u32 read_reg(void __iomem *base) { return 0; }',
        'static __u32 raw_value(void) { return 0; }',
      ].join('\n');
      const { functions } = analyze(source);
      const signatures = Object.fromEntries([...functions].map(([name, signature]) => [name, [signature.returnType, signature.parameterTypes]]));
      assert.deepEqual(signatures, {
        mtty_open: ['int', ['struct mdev_device *']],
        mtty_read: ['ssize_t', ['struct mdev_device *', 'char __user *', 'size_t', 'loff_t *']],
        to_priv: ['struct my_priv *', ['struct vfio_device *']],
        name_of: ['const char *', ['const struct pci_dev *', 'unsigned long']],
        log_it: ['int', ['const char *', '...']],
        register_cb: ['int', ['int (*)(void *)', 'void *']],
        mtty_init: ['int', []],
        mtty_exit: ['void', []],
        map_bar: ['void __iomem *', ['struct pci_dev *', 'int']],
        probe: ['int', ['struct pci_dev *', 'const struct pci_device_id *']],
        fill: ['void', ['u8[4]', 'struct device *[]']],
        write_it: ['ssize_t', ['struct file *', 'const char __user *', 'size_t']],
        find_dev: ['struct pci_dev *', []],
        read_reg: ['u32', ['void __iomem *']],
        raw_value: ['__u32', []],
      });
      // The definition, not the prototype before it, is where the function is.
      assert.deepEqual(functions.get('mtty_open')?.range, {
        startLine: 1,
        startColumn: 11,
        endLine: 1,
        endColumn: 20,
        startIndex: source.indexOf('mtty_open(struct mdev_device *mdev)\n'),
        endIndex: source.indexOf('mtty_open(struct mdev_device *mdev)\n') + 9,
      });
    });

    it('reads the same signatures for a header alone, its inline bodies emptied', () => {
      const source = [
        'struct my_dev { struct pci_dev *pdev; };',
        'static const struct file_operations my_fops = { .open = my_open };',
        '#ifdef CONFIG_PM',
        'int my_suspend(struct device *dev);',
        '#else',
        'static inline int my_suspend(struct device *dev) { return dev->parent ? 0 : 1; }',
        '#endif',
        'static inline struct my_dev *to_my(struct pci_dev *pdev)',
        '{',
        '\tstruct my_dev *my = container_of(pdev, struct my_dev, pdev);',
        '\treturn my;',
        '}',
        'void __iomem *map_bar(struct pci_dev *pdev, int bar);',
      ].join('\n');
      const header = source.split('\n').map((line) => (line.startsWith('#') ? ' '.repeat(line.length) : line)).join('\n');
      const read = (signatures: Map<string, FunctionSignature[]>) => [...signatures].map(([name, versions]) => versions.map((version) => `${name}: ${version.returnType} (${version.parameterTypes.join(', ')}) line ${version.range.startLine}, header lines ${version.header.startLine}-${version.header.endLine}`)).flat();
      const declarations = parseDeclarations(parser, header)!;
      const alone = read(findFunctionSignatures(declarations, oracle));
      declarations.delete();
      assert.deepEqual(alone, [
        'my_suspend: int (struct device *) line 3, header lines 3-3',
        'my_suspend: int (struct device *) line 5, header lines 5-5',
        'to_my: struct my_dev * (struct pci_dev *) line 7, header lines 7-7',
        'map_bar: void __iomem * (struct pci_dev *, int) line 12, header lines 12-12',
      ]);
      assert.deepEqual(alone, read(analyze(header).functionVersions));
    });

    it('recovers a parameter name followed by an attribute where the tree is needed', () => {
      const source = [
        'static int probe(int (*cb)(void *), const struct pci_device_id *id __maybe_unused)',
        '{',
        '\treturn id->vendor;',
        '}',
      ].join('\n');
      const { usages, functions } = analyze(source);
      assert.deepEqual(summarize(usages), [`access pci_device_id.vendor@${at(source, 'vendor')}`]);
      assert.deepEqual(functions.get('probe')?.parameterTypes, ['int (*)(void *)', 'const struct pci_device_id *']);
    });

    it('types parameters read from the text for the body', () => {
      const source = [
        'static void f(const struct pci_dev *pdev, struct device *devs[2], u32 flags)',
        '{',
        '\tpdev->vendor;',
        '\tdevs[1]->parent;',
        '}',
      ].join('\n');
      assert.deepEqual(usagesOf(source), ['access pci_dev.vendor@2:7', 'access device.parent@3:10']);
    });

    it('normalizes type text', () => {
      assert.equal(normalizeTypeText('const  struct vfio_device*'), 'const struct vfio_device *');
      assert.equal(normalizeTypeText('int ( * ) ( void * )'), 'int (*)(void *)');
      assert.equal(normalizeTypeText('char  * * /* name */'), 'char **');
      assert.equal(normalizeTypeText('struct device * [ 4 ]'), 'struct device *[4]');
    });
  });

  describe('robustness', () => {
    it('finds usages around a region tree-sitter cannot parse', () => {
      const source = [
        'static int before(struct pci_dev *pdev)',
        '{',
        '\treturn pdev->vendor;',
        '}',
        '',
        'static int broken(struct pci_dev *pdev)',
        '{',
        '\tpdev->device = 1;',
        '\t@@ this is not ] C at all ((( ;',
        '\treturn 0;',
        '}',
        '',
        'static const struct file_operations fops = { .open = after_open };',
        '',
        'static void after(struct vfio_device *vdev)',
        '{',
        '\tvdev->ops->open(vdev);',
        '}',
      ].join('\n');
      const tree = parser.parse(source)!;
      try {
        assert.ok(tree.rootNode.hasError, 'test bug: the sample should not parse cleanly');
        const usages = summarize(findUsages(tree, oracle).usages);
        for (const expected of [
          'access pci_dev.vendor@2:14',
          'access pci_dev.device@7:7',
          'initializer file_operations.open@12:46',
          'access vfio_device.ops@16:7',
          'access vfio_device_ops.open@16:12',
        ]) {
          assert.ok(usages.includes(expected), `${expected} missing from ${JSON.stringify(usages)}`);
        }
      } finally {
        tree.delete();
      }
    });

    it('never throws, whatever the input', () => {
      const samples = [
        '',
        '}}}}',
        'struct',
        'struct pci_dev',
        '.open = f,',
        'container_of(',
        'offsetof(struct pci_dev,',
        'x = (struct pci_dev){ .vendor = ',
        'static const struct file_operations f = { .open = [',
        'void f(struct pci_dev *p) { p->; p->->x; (*)->y; }',
        '#define X(a) container_of(a, struct pci_dev, dev)\nint x;',
      ];
      for (const sample of samples) assert.doesNotThrow(() => analyze(sample), sample);
    });

    it('asks nothing of aggregates the database does not know', () => {
      const source = 'static struct out_of_tree_ops ops = { .open = f }; void g(struct out_of_tree_ops *o) { o->open(); }';
      const result = analyze(source);
      assert.deepEqual(result.usages, []);
      assert.deepEqual(result.mentions, []);
    });
  });

  describe('a whole driver', () => {
    const driver = readFileSync(join(packageRoot, 'test', 'fixtures', 'usages', 'mtty_like.c'), 'utf8');

    it('finds the usages of an mtty-style mdev driver', () => {
      const result = analyze(driver);
      assert.deepEqual(summarize(result.usages), [
        `access vfio_device.dev@${at(driver, 'vdev->dev;', 'dev;')}`,
        `access vfio_device.index@${at(driver, 'vdev->index', 'index')}`,
        `access pci_dev.dev@${at(driver, 'pdev->dev.driver_data', 'dev.')}`,
        `access device.driver_data@${at(driver, 'dev.driver_data', 'driver_data')}`,
        `access vfio_device.ops@${at(driver, 'vdev.ops->release)', 'ops')}`,
        `access vfio_device_ops.release@${at(driver, 'vdev.ops->release)', 'release')}`,
        `access vfio_device.ops@${at(driver, 'vdev.ops->release(', 'ops')}`,
        `access vfio_device_ops.release@${at(driver, 'vdev.ops->release(', 'release')}`,
        `access vfio_device.ops@${at(driver, 'vdev->ops->read', 'ops')}`,
        `access vfio_device_ops.read@${at(driver, 'vdev->ops->read', 'read')}`,
        `initializer vfio_device_ops.name@${at(driver, '.name = "vfio-mtty"', 'name')}`,
        `initializer vfio_device_ops.open@${at(driver, '.open = mtty_open', 'open')}`,
        `initializer vfio_device_ops.release@${at(driver, '.release = mtty_close', 'release')}`,
        `initializer vfio_device_ops.read@${at(driver, '.read = mtty_read', 'read')}`,
        `initializer vfio_device_ops.bind_iommufd@${at(driver, '.bind_iommufd', 'bind_iommufd')}`,
        `initializer file_operations.owner@${at(driver, '.owner', 'owner')}`,
        `initializer file_operations.open@${at(driver, '.open = simple_open', 'open')}`,
        `initializer file_operations.llseek@${at(driver, '.llseek', 'llseek')}`,
      ]);
      assert.deepEqual([...result.localAggregates], ['mdev_state']);
      assert.deepEqual(
        Object.fromEntries([...result.functions].map(([name, signature]) => [name, signature.parameterTypes])),
        {
          to_state: ['struct vfio_device *'],
          mtty_open: ['struct vfio_device *'],
          mtty_close: ['struct vfio_device *'],
          mtty_read: ['struct vfio_device *', 'char __user *', 'size_t', 'loff_t *'],
          mtty_dev_init: [],
          mtty_dev_exit: [],
        },
      );
    });

    it('gives the same answer for every copy of a repeated driver (timing lives in npm run bench)', () => {
      // About 3,000 lines: the driver repeated with renamed symbols.
      const copies = 28;
      const big = Array.from({ length: copies }, (_, i) =>
        driver.replace(/\b(mdev_state|to_state|mtty_\w+|mdev_devices_list)\b/g, `$1_${i}`),
      ).join('\n');
      const tree = parser.parse(big)!;
      try {
        const result = findUsages(tree, oracle);
        assert.equal(result.usages.length, copies * 18);
        assert.equal(result.functions.size, copies * 6);
        assert.equal(result.localAggregates.size, copies);
      } finally {
        tree.delete();
      }
    });
  });
});

describe('blankAnnotations', () => {
  it('blanks kernel annotations tree-sitter cannot read, keeping offsets and longer names', () => {
    const text = 'static int __init f(char __user *p, void __iomem *regs, int __initcall_x, int my__init);';
    assert.equal(
      blankAnnotations(text),
      'static int        f(char        *p, void         *regs, int __initcall_x, int my__init);',
    );
  });
});
