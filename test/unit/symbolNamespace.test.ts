// Rule symbol-namespace: MODULE_IMPORT_NS with a bare word, which kernels from 6.13 refuse.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { quickFixesFor } from '../../src/core/edits/quickFixes';
import { applyEdits } from '../../src/core/edits/textEdits';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string): string[] {
  return checker
    .check(text, { fileName: '/ws/demo.c', targets: parseTargets(spec, db.images).images })
    .findings.filter((f) => f.code === 'symbol-namespace')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/**
 * Built with Kbuild against Debian's headers: 6.12 (gcc-12) builds it; 7.3 (gcc-14) stops with
 * "11:18: error: 'DMA_BUF' undeclared here (not in a function)" and nothing at the export. With
 * the import guarded as the fix below guards it, 7.3 compiles the file and its assembler
 * refuses the export's bare word ("Error: junk at end of line", at no line of demo.c); with the
 * export's namespace a string too, 7.3 builds it.
 */
const DEMO = [
  '#include <linux/module.h>',
  '#include <linux/kernel.h>',
  '#include <linux/dma-buf.h>',
  '',
  'int demo_fn(void)',
  '{',
  '\treturn 0;',
  '}',
  'EXPORT_SYMBOL_NS_GPL(demo_fn, DEMO_NS);',
  '',
  'MODULE_IMPORT_NS(DMA_BUF);',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

describe('symbol-namespace', () => {
  it('warns at the bare namespace word on the kernels from 6.13, and not at the export, which still compiles', () => {
    assert.deepEqual(rows(DEMO, '6.1,6.12,7.2,7.3'), [
      'warning 11:18-25 [7.2,7.3] `MODULE_IMPORT_NS(DMA_BUF)` names the namespace bare, but from 6.13 it takes a string (`MODULE_IMPORT_NS("DMA_BUF")`): on 7.2–7.3 `DMA_BUF` is an undeclared name, so the line does not compile there',
    ]);
  });

  it('judges it under `#if __has_include(<linux/dma-buf.h>)`, which every Debian kernel takes (Google\'s gasket driver)', () => {
    const probed = DEMO.replace('MODULE_IMPORT_NS(DMA_BUF);', '#if __has_include(<linux/dma-buf.h>)\nMODULE_IMPORT_NS(DMA_BUF);\n#endif');
    assert.deepEqual(
      rows(probed, '6.12,7.2,7.3').map((row) => row.slice(0, row.indexOf(']') + 1)),
      ['warning 12:18-25 [7.2,7.3]'],
    );
  });

  it('is silent on a string, on the branch of a version guard that gives one, and on a word the driver defines', () => {
    assert.deepEqual(rows(DEMO.replace('MODULE_IMPORT_NS(DMA_BUF);', 'MODULE_IMPORT_NS("DMA_BUF");'), '7.2,7.3'), []);
    const guarded = DEMO.replace(
      'MODULE_IMPORT_NS(DMA_BUF);',
      '#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)\nMODULE_IMPORT_NS("DMA_BUF");\n#else\nMODULE_IMPORT_NS(DMA_BUF);\n#endif',
    );
    assert.deepEqual(rows(guarded, '6.12,7.2,7.3'), []);
    assert.deepEqual(rows(DEMO.replace('MODULE_IMPORT_NS(DMA_BUF);', '#define DEMO_IMPORTED "DMA_BUF"\nMODULE_IMPORT_NS(DEMO_IMPORTED);'), '7.2,7.3'), []);
  });

  it('fixes it with a version guard that builds everywhere, or with the string alone for 6.13 and later', () => {
    const targets = parseTargets('6.12,7.2,7.3', db.images).images;
    const finding = checker.check(DEMO, { fileName: '/ws/demo.c', targets }).findings.find((f) => f.code === 'symbol-namespace')!;
    const [guard, string] = quickFixesFor(finding, DEMO, [], db);
    assert.deepEqual([guard.title, guard.preferred, string.title, string.preferred], [
      'Guard by kernel version: `"DMA_BUF"` from 6.13, the bare word before',
      true,
      'Pass the namespace as a string (builds on 6.13 and later only)',
      false,
    ]);
    const guarded = applyEdits(DEMO, guard.edits);
    assert.ok(guarded.includes('#include <linux/version.h>\n'));
    assert.ok(guarded.includes('#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)\nMODULE_IMPORT_NS("DMA_BUF");\n#else\nMODULE_IMPORT_NS(DMA_BUF);\n#endif\nMODULE_LICENSE("GPL");'));
    assert.deepEqual(rows(guarded, '6.12,7.2,7.3'), []);
    const quoted = applyEdits(DEMO, string.edits);
    assert.ok(quoted.includes('MODULE_IMPORT_NS("DMA_BUF");'));
    assert.deepEqual(rows(quoted, '7.2,7.3'), []);
  });
});
