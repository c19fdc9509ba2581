// Dead version guards: the hint, its message and range, what does not count, and the fix that
// keeps only the live branch. Each fix must leave every target compiling exactly the lines
// it compiled before.
import * as assert from 'node:assert/strict';
import { Checker, type CheckResult } from '../../src/core/check/checker';
import { Codes, type Code } from '../../src/core/rules';
import type { Finding, Severity } from '../../src/core/check/findings';
import { deadGuardFix, dependsOnlyOnVersion } from '../../src/core/rules/deadGuard';
import { LineState, preprocess } from '../../src/core/c/preprocessor';
import { parseTargets } from '../../src/core/kernels/targets';
import { applyEdits } from '../../src/core/edits/textEdits';
import { formatSarif, formatText } from '../../src/cli/formats';
import { createChecker } from '../../src/cli/runtime';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function targets(spec: string): number[] {
  return parseTargets(spec, db.images).images;
}

function check(text: string, spec: string, severities: Partial<Record<Code, Severity>> = {}): CheckResult {
  return checker.check(text, { fileName: '/ws/driver.c', targets: targets(spec), severities });
}

function deadGuards(text: string, spec: string): Finding[] {
  return check(text, spec).findings.filter((f) => f.code === Codes.deadGuard);
}

/** The code lines (directives aside) one image compiles. */
function compiledLines(text: string, image: number): string {
  const environment = { versionCode: db.images[image].versionCode, config: (symbol: string) => db.configValue(image, symbol) };
  const pre = preprocess(text, '/ws/driver.c', [environment]);
  return text
    .split('\n')
    .filter((_, line) => pre.lineStates[0][line] === LineState.Active && !pre.directiveLines[line])
    .join('\n');
}

/** Applies the fix of the only dead guard, checks the compiled lines stayed, and returns the text. */
function fixOnlyGuard(text: string, spec: string): { finding: Finding; fixed: string; title: string } {
  const found = deadGuards(text, spec);
  assert.equal(found.length, 1, `expected one dead guard, got ${JSON.stringify(found.map((f) => f.message))}`);
  const fix = deadGuardFix(text, found[0].guard!);
  assert.equal(fix.preferred, true);
  const fixed = applyEdits(text, fix.edits);
  for (const image of targets(spec)) {
    assert.equal(compiledLines(fixed, image), compiledLines(text, image), `${db.images[image].label} compiles other code after the fix:\n${fixed}`);
  }
  assert.deepEqual(deadGuards(fixed, spec), [], `a dead guard is left:\n${fixed}`);
  return { finding: found[0], fixed, title: fix.title };
}

const VFIO_TARGETS = '5.4..5.19';

describe('dead guards', () => {
  it('hints an #if that no target takes, with the directive as range, and removes it with its code', () => {
    const text = '#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)\nint old_kernel;\n#endif\nint always;\n';
    const { finding, fixed, title } = fixOnlyGuard(text, VFIO_TARGETS);
    assert.equal(finding.severity, 'hint');
    assert.equal(finding.message, '`LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)` is always false for the targeted kernels 5.4–5.19: the code under it is never compiled');
    assert.deepEqual([finding.range.startLine, finding.range.startColumn, finding.range.endLine, finding.range.endColumn], [1, 0, 1, 48]);
    assert.deepEqual(
      finding.targets.map((t) => db.images[t].label),
      ['5.4', '5.8', '5.10', '5.11', '5.13', '5.15', '5.19'],
    );
    assert.equal(title, 'Remove the #if branch that no targeted kernel compiles');
    assert.equal(fixed, '#include <linux/version.h>\nint always;\n');
  });

  it('keeps the #else of an always-false #if, and promotes a following #elif to #if', () => {
    const withElse = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n#else\nint b;\n#endif\n';
    assert.equal(fixOnlyGuard(withElse, VFIO_TARGETS).fixed, 'int b;\n');
    const withElif = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\nint b;\n#else\nint c;\n#endif\n';
    assert.equal(fixOnlyGuard(withElif, VFIO_TARGETS).fixed, '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\nint b;\n#else\nint c;\n#endif\n');
  });

  it('keeps only the body of an always-true #if, dropping its other branches', () => {
    const text = 'static const struct vfio_device_ops ops = {\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 4, 0)\n\t.name = "x",\n#elif defined(SOMETHING)\n\t.name = "y",\n#else\n\t.name = "z",\n#endif\n};\n';
    const { finding, fixed, title } = fixOnlyGuard(text, VFIO_TARGETS);
    assert.equal(finding.message, '`LINUX_VERSION_CODE >= KERNEL_VERSION(5, 4, 0)` is always true for the targeted kernels 5.4–5.19: the other branches are never compiled');
    assert.equal(title, 'Keep only the #if branch, which every targeted kernel compiles');
    assert.equal(fixed, 'static const struct vfio_device_ops ops = {\n\t.name = "x",\n};\n');
    const alone = '#if LINUX_VERSION_CODE > KERNEL_VERSION(4, 0, 0)\nint a;\n#endif';
    const result = fixOnlyGuard(alone, 'versions');
    assert.match(result.finding.message, /always true for the targeted kernels 4\.4–7\.3: the guard is not needed$/);
    assert.equal(result.fixed, 'int a;', 'the file had no final line break, and gets none');
  });

  it('judges an #elif only on the targets that reach it', () => {
    // 5.4–5.13 take the #if; of the rest (5.15, 5.19) every one takes the #elif: the #else is dead.
    const text = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)',
      'int a;',
      '#elif LINUX_VERSION_CODE < \\',
      '\tKERNEL_VERSION(6, 0, 0)',
      'int b;',
      '#elif LINUX_VERSION_CODE < KERNEL_VERSION(7, 0, 0)',
      'int c;',
      '#else',
      'int d;',
      '#endif',
      '',
    ].join('\n');
    const { finding, fixed, title } = fixOnlyGuard(text, VFIO_TARGETS);
    assert.equal(finding.message, '`LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)` is always true for the targeted kernels that reach this #elif (5.15–5.19): the other branches are never compiled');
    assert.deepEqual([finding.range.startLine, finding.range.endLine], [2, 3], 'the range covers the continuation line');
    assert.equal(title, 'Make this #elif the #else: the branches after it are never compiled');
    assert.equal(fixed, '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)\nint a;\n#else\nint b;\n#endif\n');

    const deadElif = '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\nint a;\n#elif LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint b;\n#else\nint c;\n#endif\n';
    const dead = fixOnlyGuard(deadElif, VFIO_TARGETS);
    assert.equal(dead.title, 'Remove the #elif branch that no targeted kernel compiles');
    assert.equal(dead.fixed, '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\nint a;\n#else\nint c;\n#endif\n');
  });

  it('leaves alone guards that are live, not about the version alone, or inside code no target compiles', () => {
    const cases = [
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\nint a;\n#endif\n',
      '#if IS_ENABLED(CONFIG_VFIO)\nint a;\n#endif\n',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0) && defined(CONFIG_VFIO)\nint a;\n#endif\n',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0) || RHEL_RELEASE_CODE > 0x0801\nint a;\n#endif\n',
      '#if RHEL_RELEASE_CODE > 0x0801\nint a;\n#endif\n',
      '#ifdef LINUX_VERSION_CODE\nint a;\n#endif\n',
      '#if 0\nint a;\n#endif\n',
      // Unterminated: there is no #endif the fix could rely on.
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n',
      // The driver refuses every target: the guard is what error-directive reports, not a leftover.
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0)\n#error "v4.0+ is not supported"\n#endif\n',
    ];
    for (const text of cases) assert.deepEqual(deadGuards(text, VFIO_TARGETS), [], text);
    // Of an always-false #if and an always-true #elif holding an #error, only the #if.
    const refusingElif = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n#elif LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0)\n#error "v4.0+ is not supported"\n#endif\n';
    assert.deepEqual(
      deadGuards(refusingElif, VFIO_TARGETS).map((f) => f.range.startLine),
      [0],
    );
    // Only the outer of two nested dead guards: the inner one goes with it.
    const nested = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\n#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 0, 0)\nint a;\n#endif\n#endif\n';
    assert.deepEqual(
      deadGuards(nested, VFIO_TARGETS).map((f) => f.range.startLine),
      [0],
    );
  });

  it('reads only version words as version conditions', () => {
    assert.ok(dependsOnlyOnVersion('LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)'));
    assert.ok(dependsOnlyOnVersion('LINUX_VERSION_CODE >= 0x050f00UL'));
    assert.ok(dependsOnlyOnVersion('LINUX_VERSION_MAJOR > 5 || (LINUX_VERSION_MAJOR == 5 && LINUX_VERSION_PATCHLEVEL >= 15)'));
    assert.ok(!dependsOnlyOnVersion('KERNEL_VERSION(5, 15, 0) > 0'), 'no kernel version in it');
    assert.ok(!dependsOnlyOnVersion('defined(LINUX_VERSION_CODE)'));
    assert.ok(!dependsOnlyOnVersion('LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0) && IS_ENABLED(CONFIG_VFIO)'));
    assert.ok(!dependsOnlyOnVersion("LINUX_VERSION_CODE > 'a'"));
  });

  it('is silenced by the ignore comment and follows the severity setting', () => {
    const text = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0) /* kernel-compat-ignore */\nint a;\n#endif\n';
    assert.deepEqual(deadGuards(text, VFIO_TARGETS), []);
    const plain = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n#endif\n';
    assert.deepEqual(
      check(plain, VFIO_TARGETS, { 'dead-guard': 'warning' }).findings.map((f) => [f.code, f.severity]),
      [['dead-guard', 'warning']],
    );
  });

  it('is a note in the CLI text and a SARIF rule of its own', () => {
    const text = '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)\nint a;\n#endif\n';
    const findings = deadGuards(text, VFIO_TARGETS);
    assert.match(formatText([{ path: '/ws/driver.c', findings }]), /:1:1: note: `LINUX_VERSION_CODE < KERNEL_VERSION\(4, 0, 0\)` is always false .* \[dead-guard\]\n$/);
    const sarif = JSON.parse(formatSarif(db, [{ path: '/ws/driver.c', findings }], '0.0.0'));
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'dead-guard');
    assert.equal(rule.name, 'DeadGuard');
    assert.equal(rule.defaultConfiguration.level, 'note');
    assert.deepEqual(
      sarif.runs[0].results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]),
      [['dead-guard', 'note']],
    );
  });
});
