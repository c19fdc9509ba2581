// The declarations table is read a member at a time: what each name gives must be what
// parsing the whole object gives, whatever its values hold.
import * as assert from 'node:assert/strict';
import { LazyMembers, scanObject } from '../../src/core/kernels/lazyMembers';

describe('lazy JSON members', () => {
  const object = {
    kmalloc: [['void *kmalloc(size_t size, gfp_t flags)', 3, 0]],
    'odd "name"': [[1, 0, 7]],
    nested: { a: [1, [2, { b: '}]' }]], c: 'x\\"y,z' },
    count: -12.5e3,
    flag: true,
    nothing: null,
    text: 'a, b } ] "',
  };

  it('gives each member as parsing the whole object does, and nothing for a name it lacks', () => {
    const text = `{"before":1,"table": ${JSON.stringify(object, null, 1)} ,"after":2}`;
    const open = text.indexOf('{', 1);
    const scanned = scanObject(text, open);
    assert.ok(scanned);
    assert.equal(text.slice(scanned.end, scanned.end + 10), ' ,"after":');
    const members = new LazyMembers<unknown>(text, scanned.valueStarts, (name) => new Error(`corrupt ${name}`));
    for (const [name, value] of Object.entries(object)) assert.deepEqual(members.get(name), value, name);
    assert.equal(members.get('kfree'), undefined);
    assert.equal(members.get('constructor'), undefined);
    // Parsed once: the same value again.
    assert.equal(members.get('kmalloc'), members.get('kmalloc'));
  });

  it('names the member whose value is not valid JSON when it is asked for', () => {
    const text = '{"good":[1],"bad":[1,,2]}';
    const scanned = scanObject(text, 0);
    assert.ok(scanned);
    const members = new LazyMembers<unknown>(text, scanned.valueStarts, (name) => new Error(`corrupt ${name}`));
    assert.deepEqual(members.get('good'), [1]);
    assert.throws(() => members.get('bad'), /^Error: corrupt bad$/);
  });

  it('reads an empty object, and refuses text that is not one', () => {
    assert.deepEqual(scanObject('{ }', 0)?.end, 3);
    for (const broken of ['[1]', '{"a" 1}', '{"a":[1,2}', '{"a":1,}', '{"a":"open', '{"a":1 "b":2}']) {
      assert.equal(scanObject(broken, 0), undefined, broken);
    }
  });
});
