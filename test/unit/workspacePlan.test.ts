// Which files the CLI's workspace index reads: every file named for checking, then others up
// to the limit, so a check of a whole tree knows every header beside the files it checks.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INDEXED_FILES, planWorkspaceIndex } from '../../src/cli/files';

describe('the workspace index plan of a check', () => {
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kc-plan-'));
    for (const folder of ['a_named', 'b_other']) mkdirSync(join(root, folder));
    for (let i = 0; i <= MAX_INDEXED_FILES; i++) writeFileSync(join(root, 'a_named', `h${String(i).padStart(5, '0')}.h`), `struct s${i} { int x; };\n`);
    for (let i = 0; i < 3; i++) writeFileSync(join(root, 'b_other', `o${i}.h`), 'struct other { int y; };\n');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads every file named for checking, even past the limit, and no other file then', () => {
    const plan = planWorkspaceIndex([root], [join(root, 'a_named')]);
    assert.equal(plan.files.length, MAX_INDEXED_FILES + 1);
    assert.ok(plan.files.includes(join(root, 'a_named', `h${String(MAX_INDEXED_FILES).padStart(5, '0')}.h`)));
    assert.ok(!plan.files.some((file) => file.includes('b_other')));
    assert.equal(plan.truncated, true);
  });

  it('fills up to the limit with other files of the workspace, the named ones first', () => {
    const plan = planWorkspaceIndex([root], [join(root, 'b_other')]);
    assert.equal(plan.files.length, MAX_INDEXED_FILES);
    assert.deepEqual(plan.files.slice(0, 3), [0, 1, 2].map((i) => join(root, 'b_other', `o${i}.h`)));
    assert.equal(plan.truncated, true);
  });
});
