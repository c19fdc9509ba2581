// A header Kbuild forces on every file (`ccflags-y += -include $(src)/compat.h`), checked itself.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { createIncludeResolver } from '../../src/core/c/includes';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

describe('forced includes', () => {
  it("checks a header that Kbuild forces on every file (-include $(src)/compat.h) without forcing it into itself (an evaluator's 'includes itself' note)", () => {
    const files: Record<string, string> = { '/ws/compat.h': '#define DEMO_LIMIT 4\n' };
    const resolveInclude = createIncludeResolver(['/ws'], (path) => files[path]);
    const result = checker.check(files['/ws/compat.h'], { fileName: '/ws/compat.h', targets: parseTargets('6.1', db.images).images, resolveInclude, forcedIncludes: ['/ws/compat.h'] });
    assert.deepEqual(result.findings.map((f) => `${f.code} ${f.message}`), []);
  });

});
