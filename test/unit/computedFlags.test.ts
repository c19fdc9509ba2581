// Flags whose paths make computes from a variable the reader cannot follow (wireguard's
// `kbuild-dir`, set under `ifeq ($(shell …))`): the `-include`d compat header is found in the
// workspace by the rest of its path, and a folder `-I` adds under a condition may give a header
// the kernel lacks.
import * as assert from 'node:assert/strict';
import { run } from '../../src/cli/main';
import { inFolder } from './helpers';

async function check(files: Record<string, string>): Promise<string[]> {
  return inFolder(files, async (root) => {
    let out = '';
    await run(['check', '--targets', '5.10,6.1,6.12,7.3', root], { out: (t) => (out += t), err: () => undefined });
    return out.split('\n').filter(Boolean).map((line) => line.slice(root.length + 1).replace(/ \(7\.3's.*$/, ''));
  });
}

/** Built with Kbuild against Debian's 5.10, 6.1, 6.12 and 7.3 headers (gcc-10, gcc-12, gcc-12, gcc-14): no error on any. */
const MODULE = {
  Kbuild: [
    'ifeq ($(shell [ $(VERSION) -lt 6 ] && echo y),y)',
    'kbuild-dir := $(if $(filter /%,$(src)),$(src),$(srctree)/$(src))',
    'else',
    'kbuild-dir := $(src)',
    'endif',
    'ccflags-y += -include $(kbuild-dir)/compat/compat.h',
    'ifeq ($(wildcard $(srctree)/include/crypto/utils.h),)',
    'ccflags-y += -I$(kbuild-dir)/compat/crypto/utils/include',
    'endif',
    'obj-m := wg.o',
    '',
  ].join('\n'),
  'compat/compat.h': ['#include <linux/version.h>', '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)', '#define blake2s_ctx blake2s_state', '#endif', ''].join('\n'),
  'compat/crypto/utils/include/crypto/utils.h': '#include <crypto/algapi.h>\n',
  'wg.c': [
    '#include <linux/module.h>',
    '#include <crypto/utils.h>',
    '#include <crypto/blake2s.h>',
    '',
    'static int demo_hash(void)',
    '{',
    '\tstruct blake2s_ctx ctx;',
    '',
    '\tmemzero_explicit(&ctx, sizeof(ctx));',
    '\treturn crypto_memneq(&ctx, &ctx, sizeof(ctx));',
    '}',
    'MODULE_LICENSE("GPL");',
    '',
  ].join('\n'),
};

describe('build flags with computed paths', () => {
  it('reads the forced compat header and lets a computed -I folder give the header the kernel lacks', async () => {
    assert.deepEqual(await check(MODULE), []);
  });

  it('warns as before where the workspace has neither', async () => {
    const { 'compat/compat.h': _compat, 'compat/crypto/utils/include/crypto/utils.h': _utils, ...bare } = MODULE;
    assert.deepEqual(await check(bare), [
      'wg.c:2:11: warning: `<crypto/utils.h>` is not in the kernel headers of 5.10–6.1 [missing-header]',
      'wg.c:7:9: warning: `struct blake2s_ctx` is an incomplete type here with the kernel headers of 6.12: no header there defines it or #defines its name',
    ]);
  });
});
