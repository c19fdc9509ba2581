// Functions only the kernel's generator macros make (`PAGEFLAG(Error, error, PF_NO_TAIL)` makes
// SetPageError, PageError and ClearPageError up to 6.1; 6.12 dropped PG_error): the importer
// keeps them with the kernels that make them, and a call compiles nowhere else, unless the
// driver may paste the name itself.
import * as assert from 'node:assert/strict';
import { headerFacts, bundledDatabase } from './helpers';
import { headersFile, pastedCallables } from '../../scripts/import/headers';
import { driverMayPaste } from '../../src/core/c/pastedCallNames';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';

describe('functions only generator macros make', () => {
  it('keeps, per name no kernel declares outright, the kernels that paste it, and those still passing a generator the word that made it', () => {
    const pasting = (pastedFrom: Record<string, string[]>, generatorWords: string[] = []) =>
      headerFacts({ pastedFunctions: Object.keys(pastedFrom), pastedFrom, generatorWords: new Set([...generatorWords, ...Object.values(pastedFrom).flat()]) });
    const facts = [
      pasting({ SetPageError: ['Error'], PageSlab: ['Slab'], PageWords: [], PageActive: ['Active'] }),
      pasting({ SetPageError: ['Error'], PageActive: ['Active'] }, ['Slab']),
      pasting({ PageActive: ['Active'] }, ['Slab']),
    ];
    // PageActive, pasted everywhere, is never missing; PageSlab's word is passed to a generator on
    // the other kernels in some form the reader did not fill; PageWords' words are not known.
    assert.deepEqual([...pastedCallables(facts, new Map())], [['SetPageError', 0b011]]);
    // A name some kernel declares outright is a callable like any other.
    assert.deepEqual([...pastedCallables(facts, new Map([['SetPageError', 0b100]]))], []);
    const { names } = headersFile([0, 1, 2], facts);
    assert.deepEqual(names.pastedCallables, { names: 'SetPageError', masks: [0b011] });
  });

  it("tells when the driver may paste a name itself: a `##` of its own, or a line's call passing a word the name holds", () => {
    assert.equal(driverMayPaste(['#define MYFLAG(n) static inline int Page##n(struct page *p) { return 0; }'])('SetPageError'), true);
    const own = driverMayPaste(['/* PAGEFLAG(Dirty) */', 'PAGEFLAG(Error, error, PF_NO_TAIL)', 'static const char *s = "##";', '']);
    assert.equal(own('SetPageError'), true);
    assert.equal(own('ClearPageDirty'), false);
    assert.equal(driverMayPaste(['static void f(struct page *page)', '{', '\tSetPageError(page);', '}', ''].map(String))('SetPageError'), false);
  });
});

describe('missing-function: a function only generators made', () => {
  const db = bundledDatabase();
  let checker: Checker;
  before(async () => {
    checker = (await createChecker(db)).checker;
  });
  const rows = (text: string) =>
    checker
      .check(text, { fileName: '/ws/pg.c', targets: parseTargets('6.1,6.12,7.3', db.images).images })
      .findings.filter((f) => f.code === 'missing-function')
      .map((f) => `${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);

  /** Built against Debian's headers: 6.1 builds it; 6.12 (gcc-12) and 7.3 (gcc-14) stop at 8:9, 13:13 and 15:9, "implicit declaration of function". */
  const PG = [
    '#include <linux/module.h>',
    '#include <linux/mm.h>',
    '#include <linux/pagemap.h>',
    '',
    'static void demo_fail(struct page *page)',
    '{',
    '\tClearPageUptodate(page);',
    '\tSetPageError(page);',
    '}',
    '',
    'static int demo_done(struct page *page)',
    '{',
    '\tif (PageError(page))',
    '\t\treturn -EIO;',
    '\tClearPageError(page);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');

  it('warns on the kernels whose headers no longer make it, at each first call, as gcc does', () => {
    const message = (name: string) => `\`${name}\` is not declared by the kernel headers of 6.12–7.3, so the call does not compile there`;
    assert.deepEqual(rows(PG), [`8:2 [6.12,7.3] ${message('SetPageError')}`, `13:6 [6.12,7.3] ${message('PageError')}`, `15:2 [6.12,7.3] ${message('ClearPageError')}`]);
  });

  it('is silent where the driver may paste the name itself', () => {
    assert.deepEqual(rows(PG.replace('#include <linux/pagemap.h>', '#include <linux/pagemap.h>\n#define DEMO_FLAG(n) static inline int Demo##n(void) { return 0; }')), []);
    assert.deepEqual(rows(PG.replace('#include <linux/pagemap.h>', '#include <linux/pagemap.h>\nPAGEFLAG(Error, error, PF_NO_TAIL)')), []);
  });
});
