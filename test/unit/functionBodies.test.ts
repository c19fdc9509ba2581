// Function bodies emptied for the workspace's type index: what a file declares at top level
// must read the same as from the whole text, on kernel-style code and on code that is not.
import * as assert from 'node:assert/strict';
import { emptyFunctionBodies } from '../../src/core/c/functionBodies';

const DRIVER = [
  '#include <linux/module.h>',
  'struct ring { int head; };',
  'static const struct file_operations ring_fops = {',
  '\t.owner = THIS_MODULE,',
  '};',
  'static int ring_open(struct inode *inode, struct file *file)',
  '{',
  '\tstruct ring *r = kzalloc(sizeof(*r), GFP_KERNEL);',
  '\tif (!r) {',
  '\t\treturn -ENOMEM; /* } in a comment */',
  '\t}',
  '\tpr_info("{ in a string");',
  'out:',
  '\treturn 0;',
  '}',
  'struct after { int tail; };',
  '',
].join('\n');

describe('function bodies emptied for the type index', () => {
  it('empties each function body to its line breaks, keeping declarations, initializers and rows', () => {
    const { text, openings } = emptyFunctionBodies(DRIVER);
    const lines = text.split('\n');
    assert.equal(lines.length, DRIVER.split('\n').length, 'rows hold');
    assert.deepEqual(lines.slice(0, 7), DRIVER.split('\n').slice(0, 7));
    assert.deepEqual(lines.slice(7, 14), ['', '', '', '', '', '', ''], 'the body, with its label, is empty');
    assert.equal(lines[14], '}');
    assert.equal(lines[15], 'struct after { int tail; };');
    assert.deepEqual(openings.map((at) => text[at]), ['{']);
  });

  it('leaves a body alone when an #if gives it a brace per branch, and reads on at the next top-level line', () => {
    const text = [
      'static void poll(struct timer_list *t)',
      '{',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 15, 0)',
      '\tif (from_timer(dev, t, timer)) {',
      '#else',
      '\tif (dev) {',
      '#endif',
      '\t\tkick(dev);',
      '\t}',
      '}',
      'struct kept { int x; };',
      'static int other(void)',
      '{',
      '\treturn 0;',
      '}',
      '',
    ].join('\n');
    const emptied = emptyFunctionBodies(text);
    const lines = emptied.text.split('\n');
    assert.equal(lines[7], '\t\tkick(dev);', 'the unbalanced body is kept whole');
    assert.equal(lines[10], 'struct kept { int x; };');
    assert.equal(lines[13], '', 'the next function is emptied');
    assert.equal(emptied.openings.length, 1);
  });

  it('does not empty a body in which a line starts at column 0 (code that is not kernel style)', () => {
    const text = 'int main(void)\n{\nint x = 0;\nreturn x;\n}\n';
    assert.deepEqual(emptyFunctionBodies(text), { text, openings: [] });
  });
});
