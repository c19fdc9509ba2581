// Where a declaration names its type with one word (c/declarationWords.ts): the places
// undefined-macro asks whether the driver's macro is defined, and the look-alikes it must not.
import * as assert from 'node:assert/strict';
import { declarationWords } from '../../src/core/c/declarationWords';
import { maskCode } from '../../src/core/c/statements';

const candidates = new Set(['W', 'IN']);
const found = (text: string, bodies: { open: number; close: number }[] = []) =>
  declarationWords(maskCode(text), (name) => candidates.has(name), bodies).map((word) => `${text.slice(0, word.offset).split('\n').length}:${word.name}${word.inParameterList ? ' (parameter)' : ''}${word.inBody ? ' (body)' : ''}`);

describe('declaration words', () => {
  it('finds the type word of a declaration, a member, a static or const one, and a prototype and its parameters', () => {
    const text = ['W count;', 'struct s {', '\tW *table;', '};', 'static const W rates[4] = { 1 };', 'W init(', '\tIN struct s *p,', '\tIN int n);', '#define W_TOO W', '/* W x; */'].join('\n');
    assert.deepEqual(found(text), ['1:W', '3:W', '5:W', '6:W', '7:IN (parameter)', '8:IN (parameter)']);
  });

  it('leaves out products, casts, calls, a function pointer\'s parameters and words after other words', () => {
    const text = ['int a = (W * b);', 'int c = (W *)d;', 'int e = f(W);', 'void (*cb)(IN int r);', 'else W x;', 'xW y;', 'return W;'].join('\n');
    assert.deepEqual(found(text), []);
  });

  it('marks the words inside the bodies given', () => {
    const text = 'int f(void)\n{\n\tW x = 0;\n\tfor (W i = 0; i < 2; i++)\n\t\tx++;\n}\n';
    assert.deepEqual(found(text, [{ open: text.indexOf('{'), close: text.lastIndexOf('}') }]), ['3:W (body)', '4:W (parameter) (body)']);
  });
});
