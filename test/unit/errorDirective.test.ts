// Rule error-directive: an #error that the targeted kernels certainly reach in a .c file.
import * as assert from 'node:assert/strict';
import { checkFolder } from './helpers';

/** gcc-12 on 6.1 and gcc-14 on 7.3 report "demo.c:5:2: error: #error "v5.8+ is not supported, use the kernel's own driver"". */
const REFUSING = `#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
#define DEMO_HAS_OWN_DRIVER 0
#else
#error "v5.8+ is not supported, " \\
       "use the kernel's own driver"
#endif
`;

describe('error-directive', () => {
  it('reports the #error a .c file reaches on every targeted kernel, its text joined', async () => {
    const findings = await checkFolder({ 'demo.c': REFUSING, Kbuild: 'obj-m += demo.o\n' }, '5.10,6.1,7.3');
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} [${f.targets.join(',')}] ${f.message}`),
      [`demo.c:5:1 error-directive [5.10,6.1,7.3] This #error is reached on 5.10–7.3, so the build fails there: "v5.8+ is not supported, " "use the kernel's own driver"`],
    );
  });

  it('is silent where a targeted kernel takes the other branch, and in a header checked alone', async () => {
    const later = REFUSING.replace('KERNEL_VERSION(5, 8, 0)', 'KERNEL_VERSION(6, 2, 0)');
    const findings = await checkFolder({ 'demo.c': later, Kbuild: 'obj-m += demo.o\n' }, '5.10,6.1,7.3');
    assert.deepEqual(findings.filter((f) => f.code === 'error-directive').map((f) => `${f.line} [${f.targets.join(',')}]`), ['5 [7.3]']);
    const header = await checkFolder({ 'compat.h': '#ifndef DEMO_CONFIG_READ\n#error "include demo_config.h first"\n#endif\n', Kbuild: 'obj-m += demo.o\n' }, '6.1');
    assert.deepEqual(header, []);
  });

  it("reports a header's #error at the header's line, from the check of the .c file that reaches it", async () => {
    // gcc-12 on 6.12 and gcc-14 on 7.3: "In file included from demo.c:2: compat.h:5:2: error: #error
    // "demo does not support v6.8+, use the in-kernel driver""; 6.1 builds it. The commented-out
    // #error lines are not directives.
    const compat = [
      '#ifndef DEMO_COMPAT_H',
      '#define DEMO_COMPAT_H',
      '#include <linux/version.h>',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)',
      '#error "demo does not support v6.8+, use the in-kernel driver"',
      '#endif',
      '/* #error in a comment',
      '#error also in a comment */',
      '#endif',
      '',
    ].join('\n');
    const files = { 'compat.h': compat, 'demo.c': '#include <linux/module.h>\n#include "compat.h"\n\nMODULE_LICENSE("GPL");\n', Kbuild: 'obj-m += demo.o\n' };
    const findings = await checkFolder(files, '6.1,6.12,7.3');
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} [${f.targets.join(',')}] ${f.message}`),
      ['compat.h:5:1 error-directive [6.12,7.3] This #error is reached on 6.12–7.3, so the build fails there: "demo does not support v6.8+, use the in-kernel driver"'],
    );
    // Where no .c file reads the header, nothing says what defines come before it.
    assert.deepEqual(await checkFolder({ 'compat.h': compat, Kbuild: 'obj-m += demo.o\n' }, '6.1,6.12,7.3'), []);
  });
});
