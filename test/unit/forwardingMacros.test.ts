// Macros that pass all their arguments to one function are called with its parameters: what
// the data builder records so that `__vmalloc(size, gfp, prot)` fails on 6.12 as on 6.1.
import * as assert from 'node:assert/strict';
import { macroBodies } from '../../scripts/import/droppingMacros';
import { forwardingMacros } from '../../scripts/import/forwardingMacros';

describe('macros that pass every argument on to one function', () => {
  it('reads 6.10\'s allocation profiling wrappers, bare or inside one call, and nothing else', () => {
    const header = [
      '#define kmalloc(...)\t\t\t\talloc_hooks(kmalloc_noprof(__VA_ARGS__))',
      '#define __vmalloc(...)\t\talloc_hooks(__vmalloc_noprof(__VA_ARGS__))',
      '#define my_alloc(...) my_alloc_impl(__VA_ARGS__)',
      '#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)',
      '#define both(...) (a(__VA_ARGS__) + b(__VA_ARGS__))',
      '#define self(...) self(__VA_ARGS__)',
      '',
    ].join('\n');
    assert.deepEqual(Object.fromEntries(forwardingMacros(macroBodies(header))), {
      kmalloc: 'kmalloc_noprof',
      __vmalloc: '__vmalloc_noprof',
      my_alloc: 'my_alloc_impl',
    });
  });

  it('leaves out a name whose definitions pass to different functions', () => {
    const header = '#ifdef A\n#define alloc(...) alloc_a(__VA_ARGS__)\n#else\n#define alloc(...) alloc_b(__VA_ARGS__)\n#endif\n';
    assert.deepEqual(Object.fromEntries(forwardingMacros(macroBodies(header))), {});
  });
});
