// The scans every check makes over a file's text before parsing: the directive scan of the
// preprocessor, the code mask of the call readers and the include lines of the include rules. Both jump over blank stretches
// (an editor re-check blanks most of a file to spaces); what they find must not change.
import * as assert from 'node:assert/strict';
import { scanSource } from '../../src/core/c/preprocessor/directives';
import { maskCode } from '../../src/core/c/statements';
import { pushBlanked } from '../../src/core/c/blanks';
import { includeLines } from '../../src/core/check/includeRoots';
import { includeDirectives } from '../../src/core/check/followedIncludes';

describe('text scans', () => {
  describe('pushBlanked', () => {
    it('turns a stretch into spaces of the same length, keeping line breaks, and carriage returns when asked', () => {
      const text = 'a/* one\r\ntwo\n\nthree */b';
      const blanked = (keepReturns: boolean) => {
        const parts = ['a'];
        pushBlanked(parts, text, 1, text.length - 1, keepReturns);
        parts.push('b');
        return parts.join('');
      };
      assert.equal(blanked(true), 'a      \r\n   \n\n        b');
      assert.equal(blanked(false), 'a       \n   \n\n        b');
      const long = 'x'.repeat(5000);
      const parts: string[] = [];
      pushBlanked(parts, long, 10, 4990, true);
      assert.equal(parts.join(''), ' '.repeat(4980));
    });
  });

  describe('maskCode', () => {
    it('blanks comments, literals and directives, keeping every offset and line break', () => {
      const text = [
        '#define A(x) \\',
        '\t(x + 1) /* two',
        'lines */',
        '    ',
        'int f(void) { return g("a;b", \'}\'); } // tail',
        '   # if X',
        '/* c */ #not_a_directive',
        '  \t  ',
        'x = "unterminated',
        'y;',
      ].join('\n');
      const masked = maskCode(text);
      assert.equal(masked.length, text.length);
      assert.deepEqual(masked.split('\n'), [
        '              ',
        '               ',
        '        ',
        '    ',
        'int f(void) { return g("   ", \' \'); }        ',
        '         ',
        '        #not_a_directive',
        '  \t  ',
        'x = "' + ' '.repeat('unterminated'.length),
        'y;',
      ]);
    });

    it('reads CRLF text as LF text', () => {
      const lf = 'a = 1; // c\n   \n#if X\nb = "s";\n';
      assert.equal(maskCode(lf.replace(/\n/g, '\r\n')).replace(/\r\n/g, '\n').replace(/ +\n/g, '\n'), maskCode(lf).replace(/ +\n/g, '\n'));
    });
  });

  describe('scanSource', () => {
    it('finds directives after blank lines and not inside comments, and marks their lines', () => {
      const text = [
        '#ifndef GUARD',
        '#define GUARD',
        '      ',
        '/* a comment',
        '      ',
        '#define IN_COMMENT */',
        '   #  include <linux/x.h>',
        '#define LONG \\',
        '      ',
        'int s = "a\\',
        '   ',
        '#define AFTER 1";',
        '\t \t',
        '#endif',
      ].join('\n');
      const scanned = scanSource(text, true);
      assert.deepEqual(
        scanned.directives.map((d) => [d.line, d.endLine, d.name, d.body.trim()]),
        [
          [0, 0, 'ifndef', 'GUARD'],
          [1, 1, 'define', 'GUARD'],
          [6, 6, 'include', '<linux/x.h>'],
          [7, 8, 'define', 'LONG'],
          // The literal's backslash continues it over the blank line; the next line starts afresh.
          [11, 11, 'define', 'AFTER 1";'],
          [13, 13, 'endif', ''],
        ],
      );
      assert.deepEqual(Array.from(scanned.directiveLines), [1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1]);
      assert.equal(scanned.guard, 'GUARD');
    });
  });

  describe('include lines', () => {
    const text = [
      '#include <linux/module.h>',
      '  #  include_next "local.h"\r',
      'int x; #include <not/an/include.h>',
      '#includes <no.h>',
      '#include_nextx <no.h>',
      '#include DEMO_HEADER',
      ' '.repeat(300),
      '\t#include<linux/pci.h>',
    ].join('\n');

    it('finds lines that start with #include or #include_next, with what they name, for the closure rules', () => {
      assert.deepEqual(includeLines(text), [
        { line: 0, target: { spec: 'linux/module.h', quoted: false } },
        { line: 1, target: { spec: 'local.h', quoted: true }, next: true },
        { line: 5, target: undefined },
        { line: 7, target: { spec: 'linux/pci.h', quoted: false } },
      ]);
    });

    it('counts a keyword run on into a word (gcc: invalid directive) as an include it cannot follow, which only makes the include checks judge less', () => {
      assert.deepEqual(
        includeDirectives(text).map(({ line, spec, quoted, next }) => `${line} ${spec ?? '-'} ${quoted} ${next}`),
        ['0 linux/module.h false false', '1 local.h true true', '3 - false false', '4 - false true', '5 - false false', '7 linux/pci.h false false'],
      );
    });
  });
});
