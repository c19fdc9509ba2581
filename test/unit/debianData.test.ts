// The Debian kernels of the bundled database: module types, same-named private structs, and
// header facts, spot-checked against what the packages hold.
import * as assert from 'node:assert/strict';
import { reportJson } from '../../src/core/kernels/report';
import { bundledDatabase } from './helpers';

const struct = (name: string) => ({ kind: 'struct', name }) as const;

describe('Debian kernels in the bundled database', () => {
  const db = bundledDatabase();
  const at = (label: string) => db.imageIndex(label)!;
  const debianWithModules = ['6.1', '6.12', '7.2', '7.3'];

  it('knows structs that only modules carry, and names the modules', () => {
    for (const name of ['video_device', 'v4l2_file_operations', 'drm_driver', 'vfio_device_ops']) {
      for (const label of debianWithModules) assert.ok(db.definition(struct(name), at(label)), `${name} on ${label}`);
    }
    // Ubuntu's data is vmlinux only, where V4L2 and VFIO are modules (Ubuntu builds DRM in).
    for (const name of ['video_device', 'v4l2_file_operations', 'vfio_device_ops']) assert.equal(db.definition(struct(name), at('6.8')), null, `${name} on Ubuntu 6.8`);
    const carriers = db.carriers(struct('vfio_device_ops'), at('7.3'));
    assert.ok(carriers && carriers[0] >= 2 && carriers[1] === 'vfio', JSON.stringify(carriers));
    assert.equal(db.carriers(struct('list_head'), at('7.3')), undefined, 'vmlinux carries list_head');
  });

  it('keeps the vfio_device_ops story going to 7.3: open_device on every Debian kernel read with modules', () => {
    const history = db.memberHistory(struct('vfio_device_ops'), 'open_device');
    for (const label of debianWithModules) assert.equal(history[at(label)].state, 'present', label);
    assert.equal(db.memberHistory(struct('vfio_device_ops'), 'open')[at('6.12')].state, 'absent');
  });

  it('tells a private struct from the kernel\'s: struct channel is ppp\'s and another module\'s own, no public header defines it', () => {
    for (const label of debianWithModules) assert.equal(db.isPrivate(struct('channel'), at(label)), true, label);
    assert.equal(db.isPrivate(struct('file_operations'), at('6.12')), false);
    assert.equal(db.isPrivate(struct('channel'), at('6.8')), undefined, 'Ubuntu images have no header data');
    const others = db.alternatives(struct('channel'), at('7.3'));
    assert.ok(others.length >= 1, 'the other same-named struct channel is kept');
  });

  it('answers header facts per kernel, as the headers packages hold them', () => {
    const headers = db.headers();
    assert.equal(headers.hasHeader('linux/genhd.h', at('5.10')), true);
    assert.equal(headers.hasHeader('linux/genhd.h', at('6.1')), false);
    assert.equal(headers.hasHeader('linux/unaligned.h', at('6.12')), true);
    assert.equal(headers.hasHeader('linux/fs.h', at('6.8')), undefined, 'no header data for Ubuntu images');
    assert.deepEqual(headers.definingHeaders('struct file_lock', at('6.1')), ['linux/fs.h']);
    assert.deepEqual(headers.definingHeaders('struct file_lock', at('6.12')), ['linux/filelock.h']);
    assert.deepEqual(headers.definingHeaders('struct channel', at('6.12')), []);
    // class_create: a two-parameter macro on 6.1, a one-parameter function from 6.4.
    assert.deepEqual(headers.macros('class_create', at('6.1')), [{ parameters: 2, variadic: false, values: 0b11 }]);
    assert.deepEqual(headers.macros('class_create', at('6.12')), []);
    assert.deepEqual(headers.functions('class_create', at('6.12')), [{ prototype: 'struct class *class_create(const char *)', inline: false }]);
  });

  it('knows what typedefs of function types name on each Debian kernel', () => {
    // struct ctl_table's `proc_handler *proc_handler`: the table became const in 6.11.
    assert.equal(db.functionTypedef('proc_handler *', at('6.1')), 'int (*)(struct ctl_table *, int, void *, size_t *, loff_t *)');
    assert.equal(db.functionTypedef('proc_handler *', at('6.12')), 'int (*)(const struct ctl_table *, int, void *, size_t *, loff_t *)');
    assert.equal(db.functionTypedef('irq_handler_t', at('7.3')), 'irqreturn_t (*)(int, void *)');
    assert.equal(db.functionTypedef('irq_handler_t *', at('7.3')), undefined, 'a pointer to the pointer is no callback');
    assert.equal(db.functionTypedef('proc_handler *', at('6.8')), undefined, 'the Ubuntu data has no typedefs');
  });

  it('reports where a struct lives in JSON', () => {
    const json = reportJson(db, struct('vfio_device_ops'));
    assert.equal(json.images['7.3']?.modules?.names[0], 'vfio');
    assert.equal(json.images['6.8'], null);
    assert.equal(json.images['5.10']?.modules, undefined);
  });
});
