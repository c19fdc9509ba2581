// A type shard file read a line at a time: the names a check asks about are found in the
// text and parsed alone; a file this version did not write is refused with its name.
import * as assert from 'node:assert/strict';
import { ShardLines } from '../../src/core/kernels/shardLines';

const fail = (message: string) => new Error(message);
const FILE = ['{"schema":3}', '"enum e"\t[0,-1]', '"struct a\\"quoted"\t{"layouts":[]}', '"struct file"\t[1,0]'].join('\n');

describe('shard lines', () => {
  it('finds a name\'s line and parses its value alone, escapes and all; no line is no value', () => {
    const lines = new ShardLines('types/0001.names.json.br', FILE, fail);
    assert.deepEqual(lines.value('struct file'), [1, 0]);
    assert.deepEqual(lines.value('enum e'), [0, -1]);
    assert.deepEqual(lines.value('struct a"quoted'), { layouts: [] });
    // A name that is a prefix of another, or a value's text, is not a line of its own.
    assert.equal(lines.value('struct fil'), undefined);
    assert.equal(lines.value('layouts'), undefined);
    assert.deepEqual(lines.keys(), ['enum e', 'struct a"quoted', 'struct file']);
  });

  it('refuses another schema, a broken first line and a broken value, naming the file', () => {
    assert.throws(() => new ShardLines('types/0002.json.br', FILE.replace('"schema":3', '"schema":2'), fail), /types\/0002\.json\.br has schema 2, this version reads schema 3/);
    assert.throws(() => new ShardLines('types/0002.json.br', 'not json\n"struct file"\t[1]', fail), /types\/0002\.json\.br is not valid JSON/);
    const broken = new ShardLines('types/0003.json.br', '{"schema":3}\n"struct file"\t[1,', fail);
    assert.throws(() => broken.value('struct file'), /types\/0003\.json\.br is not valid JSON at struct file/);
    assert.throws(() => new ShardLines('types/0004.json.br', '{"schema":3}\nno separator', fail).keys(), /types\/0004\.json\.br has a line without a name/);
  });
});
