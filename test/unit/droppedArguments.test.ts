// A member named only in an argument the driver's own macro drops is never compiled: debug
// output compiled away, a macro that keeps one of its arguments.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { droppingMacros } from '../../src/core/c/droppedArguments';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

describe('arguments a macro drops', () => {
  it('reads which parameters a macro body never names', () => {
    const macros = droppingMacros(
      ['#define dbg(fmt, args...)', '#define rx_quota(count, quota) count', '#define keep(a, b) ((a) + (b))', '#define trace(...) \\', '\tdo { } while (0)', ''].join('\n'),
    );
    assert.deepEqual([...macros.keys()], ['dbg', 'rx_quota', 'trace']);
    assert.deepEqual([...macros.get('dbg')!.dropped], [0]);
    assert.equal(macros.get('dbg')!.rest, 1);
    assert.deepEqual([...macros.get('rx_quota')!.dropped], [1]);
    assert.equal(macros.get('trace')!.rest, 0);
  });

  it('judges a member only where the compiler sees it', () => {
    const text = [
      '#include <linux/blkdev.h>',
      '#define dbg(fmt, args...)',
      '#define rx_quota(count, quota) count',
      'static int f(struct block_device *b)',
      '{',
      '\tdbg("part %p, %s", b->bd_part, "a, b");',
      '\treturn rx_quota(1, (int)b->bd_part->x) + rx_quota(b->bd_part != NULL, 0);',
      '}',
      '',
    ].join('\n');
    const result = checker.check(text, { fileName: '/ws/drop.c', targets: parseTargets('6.1', db.images).images });
    // Only the argument rx_quota keeps reaches the compiler (bd_part left block_device in 5.11).
    assert.deepEqual(
      result.findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1}`),
      ['missing-member 7:55'],
    );
  });
});
