// Rule conflicting-function: the driver declares or defines a function a targeted kernel's
// headers already declare, in a way gcc refuses (the helpers newer kernels add under names
// vendor drivers already used).
import * as assert from 'node:assert/strict';
import { checkFolder, type ReportedFinding } from './helpers';
import { callSites } from '../../src/core/c/calls';
import { maskCode } from '../../src/core/c/statements';
import { driverFunctionDeclarations } from '../../src/core/check/driverFunctionDeclarations';

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

  it("takes only declarations the text shows as such: a call the parse mistook for one (Debian 6.1's rt5514.c, `release_firmware(fw);` after #if branches) clashes with nothing", () => {
    const text = '#include <linux/firmware.h>\nstatic void release_firmware(const struct firmware *fw);\nvoid demo(const struct firmware *fw)\n{\n\trelease_firmware(fw);\n}\n';
    const at = (line: number, column: number) => {
      const startIndex = text.split('\n').slice(0, line).join('\n').length + 1 + column;
      return { startLine: line, startColumn: column, endLine: line, endColumn: column + 16, startIndex, endIndex: startIndex + 16 };
    };
    const version = (line: number, column: number, headerStart: number) => ({
      name: 'release_firmware',
      returnType: 'void',
      parameterTypes: ['const struct firmware *'],
      range: at(line, column),
      header: { ...at(line, headerStart), endIndex: text.indexOf(')', at(line, column).startIndex) + 1 },
    });
    const union = { functionVersions: new Map([['release_firmware', [version(1, 12, 0), version(4, 1, 1)]]]) };
    const declaredLines: string[] = [];
    const calls = callSites(maskCode(text), (line) => text.split('\n')[line].startsWith('#'), (name, line) => declaredLines.push(`${name}:${line}`));
    assert.deepEqual(calls.map((site) => `${site.name}:${site.line}`), ['release_firmware:4'], 'the scan reads line 5 as a call');
    const declarations = driverFunctionDeclarations(text, text.split('\n'), union, (name, line) => declaredLines.includes(`${name}:${line}`));
    assert.deepEqual(declarations.map((d) => `${d.line}:${d.column} ${d.isStatic ? 'static' : 'extern'}`), ['1:12 static']);
  });
});
