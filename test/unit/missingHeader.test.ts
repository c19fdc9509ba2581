// Rule missing-header: an #include <…> that some targeted kernel's headers do not have.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/checker';
import { createIncludeResolver } from '../../src/core/includes';
import { angleIncludes, includeHover } from '../../src/core/rules/missingHeader';
import { parseTargets } from '../../src/core/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string, headers: Record<string, string> = {}): string[] {
  const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
  const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images, resolveInclude });
  return result.findings
    .filter((f) => f.code === 'missing-header')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

describe('missing-header', () => {
  it('reads the include lines and where each name is written', () => {
    assert.deepEqual(angleIncludes(['#include <linux/fs.h>', '  #  include < asm/io.h >', '#include "local.h"']), [
      { line: 0, name: 'linux/fs.h', startColumn: 10, endColumn: 20 },
      { line: 1, name: 'asm/io.h', startColumn: 15, endColumn: 23 },
    ]);
  });

  it('warns on the kernels whose headers lack the header (linux/genhd.h left in 5.18)', () => {
    assert.deepEqual(rows('#include <linux/module.h>\n#include <linux/genhd.h>\n', '5.10,6.1,6.12'), [
      'warning 2:11-24 [6.1,6.12] `<linux/genhd.h>` is not in the kernel headers of 6.1–6.12',
    ]);
  });

  it('names the header that took its place (asm/unaligned.h became linux/unaligned.h in 6.12)', () => {
    assert.deepEqual(rows('#include <asm/unaligned.h>\n', '6.1,6.12,7.3'), [
      'warning 1:11-26 [6.12,7.3] `<asm/unaligned.h>` is not in the kernel headers of 6.12–7.3: `<linux/unaligned.h>` has its name there',
    ]);
  });

  it('is silent where the line is not compiled, where the workspace has the header, and on kernels without header data', () => {
    const guarded = '#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)\n#include <linux/genhd.h>\n#endif\n';
    assert.deepEqual(rows(guarded, '5.10,6.1,6.12'), []);
    assert.deepEqual(rows('#include <linux/genhd.h>\n', '6.1', { '/ws/include/linux/genhd.h': '/* the driver\'s own backport */\n' }), []);
    assert.deepEqual(rows('#include <linux/genhd.h>\n', '5.19,6.8'), [], 'the Ubuntu images have no header data');
    assert.deepEqual(rows('#include <mydev_features.h>\n', '6.1,6.12'), [], 'a header no kernel has is the driver\'s, behind flags not read');
  });

  it('hovers an include with the kernels that have it', () => {
    assert.equal(
      includeHover(db, 'linux/genhd.h', parseTargets('5.10,6.1,6.8,6.12', db.images).images),
      [
        '**`<linux/genhd.h>`**',
        'In the kernel headers of 5.10.',
        '**Not in the kernel headers of 6.1, 6.12**: the build stops at this line there.',
        'Not known on 6.8: the data has no headers of those kernels.',
      ].join('\n\n'),
    );
  });
});
