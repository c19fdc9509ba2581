// Rule error-directive: an #error the targeted kernels certainly reach.
import * as assert from 'node:assert/strict';
import { checkFolder } from './helpers';

/** gcc-12 on 6.1 and gcc-14 on 7.3 report "compat.h:5:2: error: #error "v5.8+ is not supported, use the kernel's own driver"". */
const COMPAT = `#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
#define DEMO_HAS_OWN_DRIVER 0
#else
#error "v5.8+ is not supported, " \\
       "use the kernel's own driver"
#endif
`;

describe('error-directive', () => {
  it('reports the #error a header reaches on every targeted kernel, its text joined, and the .c file that includes it says nothing more', async () => {
    const findings = await checkFolder({ 'compat.h': COMPAT, 'demo.c': '#include "compat.h"\n#include <linux/genhd.h>\n', Kbuild: 'obj-m += demo.o\n' }, '5.10,6.1,7.3');
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} [${f.targets.join(',')}] ${f.message}`),
      [`compat.h:5:1 error-directive [5.10,6.1,7.3] This #error is reached on 5.10–7.3, so the build fails there: "v5.8+ is not supported, " "use the kernel's own driver"; nothing else in the file is judged on those kernels`],
    );
  });

  it('is silent where a targeted kernel takes the other branch', async () => {
    const findings = await checkFolder({ 'compat.h': COMPAT.replace('KERNEL_VERSION(5, 8, 0)', 'KERNEL_VERSION(6, 2, 0)'), Kbuild: 'obj-m += demo.o\n' }, '5.10,6.1,7.3');
    assert.deepEqual(findings.map((f) => `${f.line} ${f.code} [${f.targets.join(',')}]`), ['5 error-directive [7.3]']);
  });
});
