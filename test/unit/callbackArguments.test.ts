// Rule callback-signature, at calls: a function of the file passed for a kernel function's
// function-pointer parameter that does not fit that parameter's type on some targets.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec = 'debian'): string[] {
  return checker
    .check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images })
    .findings.filter((f) => f.code === 'callback-signature')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/** A driver that hands `callback` to ahash_request_set_callback, whose crypto_completion_t took `void *` in 6.3. */
const HASH = (callback: string, passed = 'my_complete') =>
  `#include <linux/module.h>\n#include <crypto/hash.h>\n\n${callback}\n\nvoid my_setup(struct ahash_request *r, void *data)\n{\n\tahash_request_set_callback(r, CRYPTO_TFM_REQ_MAY_BACKLOG, ${passed}, data);\n}\n`;

const OLD_CALLBACK = 'static void my_complete(struct crypto_async_request *req, int err) { }';
const NEW_CALLBACK = 'static void my_complete(void *data, int err) { }';

describe('callback-signature: functions passed to kernel functions', () => {
  it('warns where crypto_completion_t no longer takes a struct crypto_async_request * (6.3), on the argument', () => {
    assert.deepEqual(rows(HASH(OLD_CALLBACK)), [
      'warning 8:60-71 [6.12,7.2,7.3] `my_complete` does not fit parameter 3 of `ahash_request_set_callback` on 6.12–7.3: its parameter 1 is struct crypto_async_request *, not void *; the parameter there is void (*)(void *, int)',
    ]);
  });

  it('warns on the older kernels for a callback written for the new type, and counts `&my_complete` as the function', () => {
    assert.deepEqual(rows(HASH(NEW_CALLBACK, '&my_complete')), [
      'warning 8:61-72 [5.10,6.1] `my_complete` does not fit parameter 3 of `ahash_request_set_callback` on 5.10–6.1: its parameter 1 is void *, not struct crypto_async_request *; the parameter there is void (*)(struct crypto_async_request *, int)',
    ]);
  });

  it('judges a forward declaration and its definition as one function, and says nothing where they differ', () => {
    const declared = `static void my_complete(struct crypto_async_request *req, int err);\n${OLD_CALLBACK}`;
    assert.deepEqual(
      rows(HASH(declared)).map((row) => row.split(' ').slice(0, 3).join(' ')),
      ['warning 9:60-71 [6.12,7.2,7.3]'],
    );
    const differing = `static void my_complete(void *data, int err);\n${OLD_CALLBACK}`;
    assert.deepEqual(rows(HASH(differing)), []);
  });

  it('says nothing where the callback is written per kernel under a version guard', () => {
    const guarded = `#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)\n${NEW_CALLBACK}\n#else\n${OLD_CALLBACK}\n#endif`;
    assert.deepEqual(rows(HASH(guarded)), []);
  });

  it('says nothing for a name that is not a function of the file: a variable, a macro, or a call the driver defines', () => {
    const variable = 'static crypto_completion_t my_complete;';
    assert.deepEqual(rows(HASH(variable)), []);
    const macro = `${OLD_CALLBACK}\n#define my_done my_complete`;
    assert.deepEqual(rows(HASH(macro, 'my_done')), []);
    const own = `${OLD_CALLBACK}\nstatic void ahash_request_set_callback(struct ahash_request *r, u32 f, void (*cb)(struct crypto_async_request *, int), void *d) { }`;
    assert.deepEqual(rows(HASH(own)), []);
  });
});

describe("callback-signature: functions passed to the driver's own functions", () => {
  /** flashcache's wrapper of dm_io: a parameter of the kernel's io_notify_fn, which took an `unsigned long` more in 7.2. */
  const text = (ownType: string) =>
    [
      '#include <linux/module.h>',
      '#include <linux/dm-io.h>',
      '',
      ownType,
      '',
      'static int submit(struct dm_io_region *where, io_notify_fn fn, void *context)',
      '{',
      '\tstruct dm_io_request req = { .notify.fn = fn, .notify.context = context };',
      '',
      '\treturn where && req.notify.fn ? 0 : 1;',
      '}',
      '',
      'static int submit_own(demo_notify fn, void *context)',
      '{',
      '\treturn fn ? 0 : 1;',
      '}',
      '',
      'static void done(unsigned long error, void *context)',
      '{',
      '}',
      '',
      'int demo(struct dm_io_region *where)',
      '{',
      '\treturn submit(where, done, NULL) + submit_own(done, NULL);',
      '}',
      'EXPORT_SYMBOL(demo);',
      'MODULE_LICENSE("GPL");',
      '',
    ].join('\n');

  it('judges a parameter typed by a kernel typedef of a function as the kernel defines it, and leaves the driver’s own typedef alone', () => {
    // Kbuild against Debian's headers: 5.10 (gcc-10), 6.1 and 6.12 (gcc-12) build it; 7.2 (gcc-16) and 7.3 (gcc-14)
    // stop at "24:30: passing argument 2 of 'submit' from incompatible pointer type".
    assert.deepEqual(rows(text('typedef void (*demo_notify)(unsigned long error, void *context);')), [
      'warning 24:23-27 [7.2,7.3] `done` does not fit parameter 2 of `submit` on 7.2–7.3: it takes 2 parameters, not 3; the parameter there is void (*)(long unsigned int, long unsigned int, void *)',
    ]);
    // A driver that defines the name itself (a compat typedef) gets its own type: nothing is judged.
    assert.deepEqual(rows(text('typedef void (*demo_notify)(unsigned long error, void *context);\ntypedef void (*io_notify_fn)(unsigned long error, void *context);').replace('#include <linux/dm-io.h>', '#include <linux/types.h>\nstruct dm_io_region;')), []);
    // So does a typedef of a function type (drm_edid.c's `typedef int read_block_fn(void *context, u8 *buf, …)`, which
    // the BTF of later kernels holds with other parameters).
    assert.deepEqual(rows(text('typedef void (*demo_notify)(unsigned long error, void *context);\ntypedef void io_notify_fn(unsigned long error, void *context);').replace('#include <linux/dm-io.h>', '#include <linux/types.h>\nstruct dm_io_region;')), []);
  });

  it('reads a call whose arguments cross #if lines as each target compiles it (rapiddisk passes its callback after a version guard)', () => {
    const across = text('').replace(
      '\treturn submit(where, done, NULL) + submit_own(done, NULL);',
      '\treturn submit(where,\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 14, 0)\n\t\tdone, NULL);\n#else\n\t\tdone, 0);\n#endif',
    ).replace('#include <linux/module.h>', '#include <linux/module.h>\n#include <linux/version.h>');
    // Kbuild against Debian's 7.2 headers (gcc-16): "27:3: passing argument 2 of 'submit' from incompatible pointer type"; 5.10–6.12 build it.
    assert.deepEqual(rows(across), [
      'warning 27:3-7 [7.2,7.3] `done` does not fit parameter 2 of `submit` on 7.2–7.3: it takes 2 parameters, not 3; the parameter there is void (*)(long unsigned int, long unsigned int, void *)',
    ]);
    // A line the targets may or may not compile (a macro the build's flags may define) leaves the list unread.
    assert.deepEqual(rows(across.replace('LINUX_VERSION_CODE >= KERNEL_VERSION(3, 14, 0)', 'defined(DEMO_NEW)')), []);
  });
});
