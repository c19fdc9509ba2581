// Rule conflicting-function: the driver declares or defines a function a targeted kernel's
// headers already declare, in a way gcc refuses (the helpers newer kernels add under names
// vendor drivers already used).
import * as assert from 'node:assert/strict';
import { checkFolder, type ReportedFinding } from './helpers';

/**
 * Built with Kbuild against Debian's headers: gcc-12 on 6.1 and 6.12 errors at 13:14 ("static
 * declaration of ‘strreplace’ follows non-static declaration"); gcc-14 on 7.3 at 6:5 and 8:5
 * ("conflicting types for ‘hmac_sha256’": <crypto/sha2.h> declares it with four parameters) and
 * at 13:14.
 */
const demo = (beforeIncludes = '', afterIncludes = '') => ({
  Kbuild: 'obj-m := demo.o\n',
  'demo.c': [
    `${beforeIncludes}#include <linux/module.h>`,
    '#include <linux/string.h>',
    '#include <linux/kernel.h>',
    '#include <crypto/sha2.h>',
    afterIncludes,
    'int hmac_sha256(const u8 *key, size_t key_len, const u8 *data, size_t data_len, u8 *mac);',
    '',
    'int hmac_sha256(const u8 *key, size_t key_len, const u8 *data, size_t data_len, u8 *mac)',
    '{',
    '\treturn key_len + data_len;',
    '}',
    '',
    'static char *strreplace(char *s, char old, char new)',
    '{',
    '\treturn s;',
    '}',
    '',
    'static int demo_helper(int x)',
    '{',
    '\treturn x + 1;',
    '}',
    '',
    'static int __init demo_init(void)',
    '{',
    "\treturn hmac_sha256(NULL, 0, NULL, 0, NULL) + demo_helper(0) + (strreplace(NULL, 'a', 'b') != NULL);",
    '}',
    'module_init(demo_init);',
    'MODULE_LICENSE("GPL");',
    '',
  ].join('\n'),
});

const rows = (findings: ReportedFinding[]) => findings.filter((f) => f.code === 'conflicting-function').map((f) => `${f.line}:${f.column} ${f.targets.join(',')}`);

describe('conflicting-function', () => {
  it('reports a static definition after the kernel\'s extern declaration, and another number of parameters, on exactly the kernels that declare the name', async () => {
    const findings = await checkFolder(demo(), '6.1,6.12,7.3');
    assert.deepEqual(rows(findings), ['6:5 7.3', '8:5 7.3', '13:14 6.1,6.12,7.3']);
    assert.equal(
      findings.find((f) => f.line === 13)?.message,
      "`strreplace` is also declared by <linux/string.h> on 6.1–7.3 (`char *strreplace(char *, char, char)`), which this file's build reads first: gcc refuses a static declaration after that non-static one, and the build stops there",
    );
  });

  it('is silent where the driver renames its copy with a #define, and where it declares the name before the includes (gcc-12 on 6.12 builds that)', async () => {
    assert.deepEqual(rows(await checkFolder(demo('', '#define hmac_sha256 demo_hmac_sha256\n#define strreplace demo_strreplace'), '6.1,6.12,7.3')), []);
    const early = demo();
    early['demo.c'] = 'static char *strreplace(char *s, char old, char new);\n' + early['demo.c'];
    assert.deepEqual(rows(await checkFolder(early, '6.1,6.12,7.3')), ['7:5 7.3', '9:5 7.3']);
  });
});
