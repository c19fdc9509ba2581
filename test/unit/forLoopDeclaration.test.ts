// Rule for-loop-declaration: `for (int i = 0; …)` on kernels before 5.18, which compile modules
// with -std=gnu89.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChecker } from '../../src/cli/runtime';
import { run } from '../../src/cli/main';
import type { Checker, CheckOptions } from '../../src/core/check/checker';
import { kbuildFlags } from '../../src/core/c/includes';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';
import { quickFixesFor } from '../../src/core/edits/quickFixes';
import { applyEdits } from '../../src/core/edits/textEdits';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

/** The module's only object, as its Kbuild (`obj-m += demo.o`) names it. */
const NAMED: Partial<CheckOptions> = { namedByKbuild: true };

function rows(text: string, spec: string, options: Partial<CheckOptions> = NAMED): string[] {
  const result = checker.check(text, { fileName: '/ws/demo.c', targets: parseTargets(spec, db.images).images, ...options });
  return result.findings
    .filter((f) => f.code === 'for-loop-declaration')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endLine + 1}:${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/**
 * Built with Kbuild against Debian's headers: 5.10 (gcc-10) stops with "'for' loop initial
 * declarations are only allowed in C99 or C11 mode" at 11:2 and 15:2, the `for` keywords of the
 * two loops that declare; the loop under the 5.18 guard is not compiled there, and 6.1 (gcc-12,
 * -std=gnu11) builds the file. With `ccflags-y += -std=gnu99` in its Kbuild, 5.10 builds it too.
 */
const DEMO = [
  '#include <linux/module.h>',
  '#include <linux/version.h>',
  '#include <linux/kernel.h>',
  '',
  'static int demo_table[4];',
  '',
  'static int demo_sum(void)',
  '{',
  '\tint total = 0, i;',
  '',
  '\tfor (int k = 0; k < 4; k++)',
  '\t\ttotal += demo_table[k];',
  '\tfor (i = 0; i < 4; i++)',
  '\t\ttotal += demo_table[i];',
  '\tfor (unsigned int a = 0, b = 3; a < b; a++, b--)',
  '\t\ttotal += demo_table[a] - demo_table[b];',
  '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)',
  '\tfor (int n = 0; n < 4; n++)',
  '\t\ttotal += n;',
  '#endif',
  '\tfor (;;)',
  '\t\tbreak;',
  '\treturn total;',
  '}',
  '',
  'static int __init demo_init(void)',
  '{',
  '\treturn demo_sum();',
  '}',
  'module_init(demo_init);',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

describe('for-loop-declaration', () => {
  it('warns at each loop that declares, on the kernels before 5.18 only, naming what it declares', () => {
    assert.deepEqual(rows(DEMO, '5.10,6.1'), [
      'warning 11:7-11:16 [5.10] `for` declares `k` in its first clause, which -std=gnu89 refuses: 5.10 compiles modules with it (kernels before 5.18), so the loop does not compile there; declare `k` before the loop',
      'warning 15:7-15:32 [5.10] `for` declares `a`, `b` in its first clause, which -std=gnu89 refuses: 5.10 compiles modules with it (kernels before 5.18), so the loop does not compile there; declare `a`, `b` before the loop',
    ]);
    assert.deepEqual(rows(DEMO, '6.1,6.12,7.3'), []);
  });

  it('names every targeted kernel before 5.18 that compiles the line, and none that the version guard leaves it out of', () => {
    const ubuntu = rows(DEMO, '5.4..6.8');
    assert.equal(ubuntu.length, 2);
    assert.match(ubuntu[0], /^warning 11:7-11:16 \[5\.4,5\.8,5\.10,5\.11,5\.13,5\.15\] /);
    // The guarded loop (line 18) is compiled from 5.18 only, where the declaration is fine.
    assert.ok(!ubuntu.some((row) => row.includes(' 18:')));
  });

  it('judges nothing where the build may use another standard: named in the make files, flags unread, or a file Kbuild does not compile as an object', () => {
    assert.deepEqual(rows(DEMO, '5.10', { ...NAMED, namesCStandard: true }), []);
    assert.deepEqual(rows(DEMO, '5.10', { ...NAMED, unreadFlags: true }), []);
    // A header, or a .c file built by a recipe of its own (falco's BPF probe: clang, no -std).
    assert.deepEqual(rows(DEMO, '5.10', {}), []);
  });

  it('fixes each loop with a block that declares its variables first; the result builds on 5.10 with no warning', () => {
    const targets = parseTargets('5.10', db.images).images;
    let text = DEMO;
    const titles: string[] = [];
    for (let round = 0; round < 3; round++) {
      const finding = checker.check(text, { fileName: '/ws/demo.c', targets, namedByKbuild: true }).findings.find((f) => f.code === 'for-loop-declaration');
      if (!finding) break;
      const [fix] = quickFixesFor(finding, text, [], db);
      titles.push(`${fix.title} ${fix.preferred}`);
      text = applyEdits(text, fix.edits);
    }
    assert.deepEqual(titles, [
      'Declare int k in a block around the loop (C89, as kernels before 5.18 compile) true',
      'Declare unsigned int a, b in a block around the loop (C89, as kernels before 5.18 compile) true',
    ]);
    // Kbuild with gcc-10 against Debian's 5.10 headers builds this text without a diagnostic.
    assert.equal(
      text.split('\n').slice(10, 24).join('\n'),
      [
        '\t{',
        '\t\tint k;',
        '',
        '\t\tfor (k = 0; k < 4; k++)',
        '\t\t\ttotal += demo_table[k];',
        '\t}',
        '\tfor (i = 0; i < 4; i++)',
        '\t\ttotal += demo_table[i];',
        '\t{',
        '\t\tunsigned int a, b;',
        '',
        '\t\tfor (a = 0, b = 3; a < b; a++, b--)',
        '\t\t\ttotal += demo_table[a] - demo_table[b];',
        '\t}',
      ].join('\n'),
    );
    assert.deepEqual(rows(text, '5.10'), []);
  });

  it('keeps the fix right after an edit above the loop, which the editor re-checks in part', () => {
    const targets = parseTargets('5.10', db.images).images;
    const options = { fileName: '/ws/demo.c', targets, namedByKbuild: true, documentKey: 'demo' };
    checker.check(DEMO, options);
    const edited = DEMO.replace('static int demo_table[4];', 'static int demo_table[4];\nstatic int demo_unused;');
    const finding = checker.check(edited, options).findings.find((f) => f.code === 'for-loop-declaration')!;
    assert.equal(finding.range.startLine, 11);
    const fixed = applyEdits(edited, quickFixesFor(finding, edited, [], db)[0].edits);
    assert.ok(fixed.includes('\t{\n\t\tint k;\n\n\t\tfor (k = 0; k < 4; k++)\n\t\t\ttotal += demo_table[k];\n\t}\n'));
  });

  it('reads a C standard named anywhere in the module\'s make files', () => {
    const standardOf = (makefile: string) => kbuildFlags('/m/demo.c', ['/m'], (path) => (path === '/m/Makefile' ? makefile : undefined)).namesStandard;
    assert.equal(standardOf('obj-m += demo.o\nccflags-y += -std=gnu99\n'), true);
    assert.equal(standardOf('obj-m += demo.o\nall:\n\t$(MAKE) -C $(KDIR) M=$(PWD) EXTRA_CFLAGS="-std=gnu11" modules\n'), true);
    assert.equal(standardOf('obj-m += demo.o\nccflags-y += -DDEMO -Wall\n'), false);
    // A daemon's flags beside the module (uniwill-laptop's Makefile) are not the module's.
    assert.equal(standardOf('obj-m += demo.o\nHOSTCFLAGS ?= -O2 -g -Wall -std=c11 -pthread\nHOSTCXXFLAGS_tool += -std=c++17\n'), false);
  });

  it('is judged end to end from the module folder: its Kbuild names the object, and a -std flag there silences it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-for-'));
    const check = async () => {
      let out = '';
      await run(['check', '--targets', '5.10,6.1', dir], { out: (text) => (out += text), err: () => {} });
      return out.split('\n').filter((line) => line.includes('[for-loop-declaration]')).map((line) => line.slice(dir.length + 1, line.indexOf(': warning')));
    };
    try {
      writeFileSync(join(dir, 'demo.c'), DEMO);
      writeFileSync(join(dir, 'Kbuild'), 'obj-m += demo.o\n');
      assert.deepEqual(await check(), ['demo.c:11:7', 'demo.c:15:7']);
      writeFileSync(join(dir, 'Kbuild'), 'obj-m += demo.o\nccflags-y += -std=gnu99\n');
      assert.deepEqual(await check(), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
