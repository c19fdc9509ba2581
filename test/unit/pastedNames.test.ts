// Functions a kernel's headers make by token pasting count as declared on that kernel: 6.1's
// page-flags.h makes PageSlab through two generator macros, 6.12 declares it outright, and a
// call of PageSlab compiles on both.
import * as assert from 'node:assert/strict';
import { macroBodies } from '../../scripts/import/droppingMacros';
import { lineStartCalls, PastedNames } from '../../scripts/import/pastedNames';
import { headerFacts } from './helpers';
import { headersFile } from '../../scripts/import/headers';
import { NameMaskTable } from '../../src/core/kernels/nameMasks';

// Shaped as 6.1's include/linux/page-flags.h (comments blanked, as the scanner hands it over).
const PAGE_FLAGS = [
  '#define TESTPAGEFLAG(uname, lname, policy)\t\t\t\t\\',
  'static __always_inline bool folio_test_##lname(struct folio *folio)\t\\',
  '{ return test_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); }\t\\',
  'static __always_inline int Page##uname(struct page *page)\t\t\\',
  '{ return test_bit(PG_##lname, &policy(page, 0)->flags); }',
  '#define __SETPAGEFLAG(uname, lname, policy)\t\t\t\t\\',
  'static __always_inline void __SetPage##uname(struct page *page)\t\\',
  '{ __set_bit(PG_##lname, &policy(page, 1)->flags); }',
  '#define __PAGEFLAG(uname, lname, policy)\t\t\t\t\\',
  '\tTESTPAGEFLAG(uname, lname, policy)\t\t\t\t\\',
  '\t__SETPAGEFLAG(uname, lname, policy)',
  '#define PF_NO_TAIL(page, enforce) (page)',
  '',
  '__PAGEFLAG(Slab, slab, PF_NO_TAIL) TESTPAGEFLAG(Dirty, dirty, PF_HEAD);',
  'TESTPAGEFLAG(Writeback, writeback, PF_NO_TAIL)',
  'TESTPAGEFLAG(Odd, odd_name(x), PF_ANY)',
  '',
].join('\n');

function pasted(text: string): string[] {
  const generators = new PastedNames(macroBodies(text));
  return lineStartCalls(text).flatMap((call) => generators.of(call)).sort();
}

describe('functions made by token pasting in kernel headers', () => {
  it('fills the pasted names of generator macros called at a line\'s start (one after another too), also through a generator that passes its parameters on', () => {
    assert.deepEqual(pasted(PAGE_FLAGS), ['PageDirty', 'PageSlab', 'PageWriteback', '__SetPageSlab', 'folio_test_dirty', 'folio_test_slab', 'folio_test_writeback']);
  });

  it('makes nothing from a generator\'s own body lines, an argument that is not a plain word, or a macro that pastes only parameters', () => {
    const names = pasted(PAGE_FLAGS);
    // `\tTESTPAGEFLAG(uname, lname, policy) \` is part of __PAGEFLAG's definition, not a call.
    assert.ok(!names.includes('Pageuname'));
    // TESTPAGEFLAG(Odd, odd_name(x), …) has a call among its arguments: it is not read at all.
    assert.ok(!names.some((name) => name.endsWith('Odd') || name.startsWith('folio_test_odd')));
    assert.deepEqual(pasted('#define GLUE(a, b) a##b(void)\nGLUE(foo, bar)\n'), []);
  });
});

describe('pasted names in the header data', () => {
  /** One kernel's facts: only what the callables table reads. */
  const facts = (functions: string[], pasted: string[]) =>
    headerFacts({
      functions: Object.fromEntries(functions.map((name) => [name, [{ returnType: 'int', parameters: ['struct page *'], variadic: false, inline: true, header: 'linux/page-flags.h' }]])),
      pastedFunctions: pasted,
    });

  it('counts a pasted name as declared where a generator makes it, and never makes a name the kernel\'s by itself', () => {
    // 6.1 pastes PageSlab and PageActive; 6.12 declares PageSlab outright and lacks PageActive.
    // 5.10 pastes SET_KEY_PTRS (uapi bcache.h); 6.1 and 6.12 do not (bcache pastes its own).
    const { names } = headersFile([0, 1, 2], [facts(['strlcpy'], ['PageSlab', 'PageActive', 'SET_KEY_PTRS']), facts(['strlcpy'], ['PageSlab', 'PageActive']), facts(['PageSlab'], [])]);
    const table = new NameMaskTable(names.callables);
    assert.equal(table.get('PageSlab'), undefined, 'declared on every kernel: not a changing callable');
    assert.equal(table.get('PageActive'), undefined, 'only ever pasted: never judged');
    assert.equal(table.get('SET_KEY_PTRS'), undefined);
    assert.equal(table.get('strlcpy'), 0b011);
  });
});
