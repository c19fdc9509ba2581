// The findings several .c files make at one header's lines (core/check/includerFindings.ts):
// each once, and what a file checked again found replacing what it found before.
import * as assert from 'node:assert/strict';
import { IncluderFindings } from '../../src/core/check/includerFindings';
import type { Finding } from '../../src/core/check/findings';

const at = (line: number, targets: number[]): Finding => ({
  code: 'undefined-macro',
  severity: 'warning',
  message: `line ${line}`,
  range: { startLine: line, startColumn: 1, endLine: line, endColumn: 3, startIndex: 0, endIndex: 0 },
  targets,
});
const lines = (findings: Finding[]) => findings.map((f) => `${f.range.startLine} [${f.targets.join(',')}]`);

describe('findings at header lines from the files that include them', () => {
  it('gives each finding once, in line order, keeping those on other kernels apart', () => {
    const kept = new IncluderFindings();
    assert.deepEqual(kept.set('a.c', [{ path: 'h.h', findings: [at(9, [3, 4]), at(2, [3, 4])] }]), ['h.h']);
    assert.deepEqual(kept.set('b.c', [{ path: 'h.h', findings: [at(2, [3, 4]), at(5, [4])] }, { path: 'g.h', findings: [at(1, [4])] }]), ['g.h', 'h.h']);
    assert.deepEqual(lines(kept.of('h.h')), ['2 [3,4]', '5 [4]', '9 [3,4]']);
    assert.deepEqual(kept.headers(), ['g.h', 'h.h']);
  });

  it("gives one finding where one file's kernels are among another's at the same place, and keeps those that overlap only", () => {
    const kept = new IncluderFindings();
    // a.c reaches the header's line on 3 and 4 only (an include before it stops the build on 5); b.c on all three.
    kept.set('a.c', [{ path: 'h.h', findings: [at(2, [3, 4]), at(7, [3, 4])] }]);
    kept.set('b.c', [{ path: 'h.h', findings: [at(2, [3, 4, 5]), at(7, [4, 5])] }]);
    assert.deepEqual(lines(kept.of('h.h')), ['2 [3,4,5]', '7 [3,4]', '7 [4,5]']);
  });

  it("replaces what a file found when it is checked again, and tells which headers' findings changed", () => {
    const kept = new IncluderFindings();
    kept.set('a.c', [{ path: 'h.h', findings: [at(2, [4])] }]);
    kept.set('b.c', [{ path: 'g.h', findings: [at(1, [4])] }]);
    assert.deepEqual(kept.set('a.c', [{ path: 'h.h', findings: [] }]), ['h.h']);
    assert.deepEqual(kept.of('h.h'), []);
    assert.deepEqual(kept.set('b.c', []), ['g.h']);
    assert.deepEqual(kept.headers(), []);
  });
});
