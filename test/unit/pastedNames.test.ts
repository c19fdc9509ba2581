// Functions a kernel's headers make by token pasting count as declared on that kernel: 6.1's
// page-flags.h makes PageSlab through two generator macros, 6.12 declares it outright, and a
// call of PageSlab compiles on both.
import * as assert from 'node:assert/strict';
import { macroBodies } from '../../scripts/import/droppingMacros';
import { lineStartCalls, PastedNames } from '../../scripts/import/pastedNames';

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
