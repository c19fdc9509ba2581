// The packed name tables of the database (header-names.json.gz's callables): every name found
// with its mask, no other name found, whatever the names' order when packed.
import * as assert from 'node:assert/strict';
import { isNameMasks, NameMaskTable, packNameMasks } from '../../src/core/kernels/nameMasks';

describe('packed name tables', () => {
  const table = new Map([
    ['kmalloc_node_track', 3],
    ['class_create', 7],
    ['A0_ONESEC', 30],
    ['_Z', 1],
    ['class_create_file', 0],
    ['zz', 16],
  ]);

  it('packs names in code-unit order and finds each with its mask, and no name it lacks', () => {
    const packed = packNameMasks(table);
    assert.equal(packed.names, 'A0_ONESEC\n_Z\nclass_create\nclass_create_file\nkmalloc_node_track\nzz');
    assert.deepEqual(packed.masks, [30, 1, 7, 0, 3, 16]);
    assert.ok(isNameMasks(packed));
    const read = new NameMaskTable(packed);
    for (const [name, mask] of table) assert.equal(read.get(name), mask, name);
    for (const absent of ['', 'A', 'class', 'class_create_', 'zzz', 'a0_onesec']) assert.equal(read.get(absent), undefined, absent);
    assert.deepEqual([...read.entries()], [...table].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });

  it('reads an empty table, and tells a table whose names and masks disagree', () => {
    const empty = packNameMasks(new Map());
    assert.deepEqual(empty, { names: '', masks: [] });
    assert.ok(isNameMasks(empty));
    assert.equal(new NameMaskTable(empty).get('x'), undefined);
    assert.equal(isNameMasks({ names: 'a\nb', masks: [1] }), false);
    assert.equal(isNameMasks({ names: 'a', masks: 'x' }), false);
    assert.equal(isNameMasks({ a: 1 }), false);
    assert.throws(() => packNameMasks(new Map([['a\nb', 1]])), /newline/);
  });
});
