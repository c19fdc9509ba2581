// Tables of plain numbers are blanked before parsing; anything that could name a member or a
// function keeps its table as it is, and no offset or line moves.
import * as assert from 'node:assert/strict';
import { blankNumberTables } from '../../src/core/c/numberTables';

/** A table of `rows` rows `{0x..., 0x...},` with `middle` as its middle row. */
function table(rows: number, middle = '\t{0x704, 0x601E0100},'): string {
  const lines = Array.from({ length: rows }, (_, i) => `\t{0x${(i * 4).toString(16).toUpperCase()}, 0x${i}0000000UL}, /* row ${i} */`);
  lines[rows >> 1] = middle;
  return `static const struct reg2 tbl[] = {\n${lines.join('\n')}\n};\n`;
}

describe('number tables', () => {
  it('blanks a large table of numbers, braces, signs and comments, keeping every line and offset', () => {
    const text = `int before;\n${table(200, '\t{-1, +2}, // signed')}int after;\n`;
    const blanked = blankNumberTables(text);
    assert.equal(blanked.length, text.length);
    const lines = blanked.split('\n');
    assert.equal(lines.length, text.split('\n').length);
    assert.equal(lines[0], 'int before;');
    assert.equal(lines[1], 'static const struct reg2 tbl[] = {');
    assert.ok(lines.slice(2, 202).every((line, i) => line === ' '.repeat(text.split('\n')[i + 2].length)));
    assert.deepEqual(lines.slice(202), ['};', 'int after;', '']);
  });

  it('leaves a table that holds a name, a designator, a string, a directive or an operator', () => {
    for (const middle of ['\t{REG_BASE, 1},', '\t[3] = {1, 2},', '\t{"x", 1},', '#ifdef CONFIG_X\n\t{1, 2},\n#endif', '\t{sizeof(int), 2},', '\t{1 << 2, 3},']) {
      const text = table(200, middle);
      assert.equal(blankNumberTables(text), text, middle);
    }
  });

  it('leaves a small table, and a table that never closes', () => {
    const small = 'static const int t[] = {1, 2, 3};\n';
    assert.equal(blankNumberTables(small), small);
    const open = table(200).slice(0, -4);
    assert.equal(blankNumberTables(open), open);
  });

  it('blanks each of several tables and leaves code between them', () => {
    const text = `${table(120)}static int probe(struct pci_dev *pdev) { return pdev->irq; }\n${table(120)}`;
    const blanked = blankNumberTables(text);
    assert.equal(blanked.length, text.length);
    assert.ok(blanked.includes('static int probe(struct pci_dev *pdev) { return pdev->irq; }'));
    assert.equal(blanked.match(/0x/g), null);
  });
});
