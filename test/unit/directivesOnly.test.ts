// Register headers are read without parsing them: the test that tells them must never take a
// header with code for one (its prototypes and calls would be lost), and may leave a doubtful
// one to the full reading.
import * as assert from 'node:assert/strict';
import { holdsOnlyDirectives } from '../../src/core/c/directivesOnly';

describe('headers that hold only directives', () => {
  it('takes a register header with its licence comment, guards, continued defines and CRLF line ends', () => {
    const header = [
      '/*',
      ' * Copyright 2014 Advanced Micro Devices, Inc.',
      ' */',
      '#ifndef GFX_8_0_D_H',
      '#define GFX_8_0_D_H',
      '',
      '#define mmCB_BLEND_RED 0xa105 /* red */',
      '  #  define mmCB_COLOR0_BASE \\',
      '\t0xa318',
      '#define REG_FIELD(x) ((x) & 0xff) // a macro body is no code of the header',
      '#endif /* GFX_8_0_D_H */',
      '',
    ];
    assert.equal(holdsOnlyDirectives(header.join('\n')), true);
    assert.equal(holdsOnlyDirectives(header.join('\r\n')), true);
    assert.equal(holdsOnlyDirectives(''), true);
  });

  it('refuses a header with a declaration, a statement or a stray token anywhere', () => {
    assert.equal(holdsOnlyDirectives('#define A 1\nint amdgpu_read(void);\n'), false);
    assert.equal(holdsOnlyDirectives('#define A 1\n/* note */ extern int x;\n'), false);
    assert.equal(holdsOnlyDirectives('#define A 1\nstruct regs { int a; };'), false);
    assert.equal(holdsOnlyDirectives('#define A \\\n 1\nB\n'), false, 'the line after a finished directive is code');
  });

  it('leaves to the full reading what it does not follow: a comment a directive opens and a later line closes, a # after a comment', () => {
    assert.equal(holdsOnlyDirectives('#define A 1 /* starts\n   ends */\n'), false);
    assert.equal(holdsOnlyDirectives('/* x */ #define A 1\n'), false);
  });

  it('follows block comments over many lines, and code after one closes', () => {
    assert.equal(holdsOnlyDirectives('/*\n * a\n * b\n */\n#define A 1\n/* c */ /* d */\n'), true);
    assert.equal(holdsOnlyDirectives('/*\n * a\n */ int x;\n'), false);
  });
});
