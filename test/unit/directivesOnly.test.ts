// Register headers are read without parsing them: the test that tells them must never take a
// header with code for one (its prototypes and calls would be lost), and may leave a doubtful
// one to the full reading.
import * as assert from 'node:assert/strict';
import { holdsOnlyDirectives } from '../../src/core/c/directivesOnly';
import { createChecker } from '../../src/cli/runtime';
import type { CheckResult } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

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

  it('checks such a header, read as a file, for its includes and version guards, and as before once code is typed into it', async () => {
    // A file of only directives is neither masked nor parsed: what it can be judged on is in its directives.
    const db = bundledDatabase();
    const { checker } = await createChecker(db);
    const targets = parseTargets('5.10,6.1', db.images).images;
    const header = ['#ifndef REGS_H', '#define REGS_H', '#include <linux/genhd.h>', '#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 0, 0)', '#define REGS_OLD 1', '#endif', '#define mmREG 0x10', '#endif', ''].join('\n');
    const said = (result: CheckResult) => result.findings.map((f) => `${f.range.startLine + 1} ${f.code} ${f.targets.map((t) => db.images[t].label).join(',')}`);
    // 6.1 lacks linux/genhd.h: gcc stops there, so the guard below is judged for 5.10 alone.
    assert.deepEqual(said(checker.check(header, { fileName: 'regs.h', targets })), ['3 missing-header 6.1', '4 dead-guard 5.10']);
    // In an editor: the same header, then a function typed into it, each as a fresh check says.
    const withCode = header.replace('#define mmREG 0x10\n', '#define mmREG 0x10\nstatic inline int regs_flags(struct file *f) { return f->f_mode; }\n');
    for (const text of [header, withCode, header]) {
      const kept = checker.check(text, { fileName: 'regs.h', targets, documentKey: 'regs' });
      assert.deepEqual(JSON.parse(JSON.stringify(kept)), JSON.parse(JSON.stringify(checker.check(text, { fileName: 'regs.h', targets }))));
    }
    assert.equal(holdsOnlyDirectives(withCode), false);
    checker.forget('regs');
  });
});
