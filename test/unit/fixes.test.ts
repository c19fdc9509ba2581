// Quick fixes for missing members: the text edits are applied to fixture files and the result
// is checked again with the real Checker, on every target and on each target alone.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker, type CheckResult } from '../../src/core/check/checker';
import { Codes } from '../../src/core/rules';
import { type Finding } from '../../src/core/check/findings';
import { ignoreFix, missingMemberFixes, planGuard } from '../../src/core/edits/fixes';
import { versionIncludeEdit } from '../../src/core/edits/versionGuard';
import { enclosingStatement } from '../../src/core/c/statements';
import { parseTargets } from '../../src/core/kernels/targets';
import { applyEdits, TextLines, type QuickFix } from '../../src/core/edits/textEdits';
import { createChecker } from '../../src/cli/runtime';
import { packageRoot } from '../../src/cli/paths';
import { bundledDatabase, fixturesDir } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function targets(spec: string): number[] {
  return parseTargets(spec, db.images).images;
}

function check(text: string, spec: string): CheckResult {
  return checker.check(text, { fileName: '/ws/driver.c', targets: targets(spec) });
}

const fixture = (name: string) => readFileSync(join(fixturesDir, 'fixes', name), 'utf8');
const example = (path: string) => readFileSync(join(packageRoot, 'examples', path), 'utf8');

function missing(result: CheckResult): Finding[] {
  return result.findings.filter((f) => f.code === Codes.missingMember);
}

function fixesFor(text: string, spec: string, finding: Finding = missing(check(text, spec))[0]): QuickFix[] {
  assert.ok(finding, 'no missing-member finding to fix');
  return missingMemberFixes({ text, finding, usages: check(text, spec).usages, db });
}

function only(fixes: QuickFix[], kind: QuickFix['kind']): QuickFix {
  const found = fixes.filter((f) => f.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind} fix, got ${JSON.stringify(fixes.map((f) => f.title))}`);
  return found[0];
}

/** Rows of the findings left, for a readable failure message. */
function rows(result: CheckResult): string[] {
  return result.findings.map((f) => `${f.code} ${f.range.startLine + 1}: ${f.message}`);
}

/**
 * No findings of the given codes on the targets together, nor on any of them alone (where
 * every version guard is decided, so dead-guard hints are expected and not counted).
 */
function assertClean(text: string, spec: string, codes?: string[]): void {
  const keep = (result: CheckResult, alone: boolean) =>
    rows({ ...result, findings: result.findings.filter((f) => (!codes || codes.includes(f.code)) && !(alone && f.code === Codes.deadGuard)) });
  assert.deepEqual(keep(check(text, spec), false), [], `findings on ${spec}`);
  for (const target of targets(spec)) assert.deepEqual(keep(check(text, db.images[target].label), true), [], `findings on ${db.images[target].label}`);
}

describe('quick fixes for a missing member', () => {
  it('renames .open to .open_device when every target has it (preferred), leaving nothing to report', () => {
    const text = fixture('vfio_ops.c');
    const fixes = fixesFor(text, '5.15..5.19');
    assert.deepEqual(
      fixes.map((f) => [f.kind, f.preferred]),
      [
        ['rename', true],
        ['ignore', false],
      ],
    );
    const rename = only(fixes, 'rename');
    assert.equal(rename.title, 'Rename `open` to `open_device` (it replaced `open` in 5.15)');
    assert.deepEqual(rename.edits, [{ range: { startLine: 12, startColumn: 2, endLine: 12, endColumn: 6 }, newText: 'open_device' }]);
    assertClean(applyEdits(text, rename.edits), '5.15..5.19');
  });

  it('guards an initializer at 5.15 with both branches, adds linux/version.h, and is clean on every target', () => {
    const text = fixture('vfio_ops.c');
    // 5.13 has no open_device: no rename, the guard is the fix.
    const fixes = fixesFor(text, '5.13..5.19');
    assert.deepEqual(
      fixes.map((f) => [f.kind, f.preferred]),
      [
        ['guard', true],
        ['ignore', false],
      ],
    );
    const guard = only(fixes, 'guard');
    assert.equal(guard.title, 'Guard this initializer by kernel version: `open_device` from 5.15, `open` before');
    const fixed = applyEdits(text, guard.edits);
    assert.equal(
      fixed,
      text
        .replace('#include <linux/vfio.h>\n', '#include <linux/version.h>\n#include <linux/vfio.h>\n')
        .replace(
          '\t.open = fixture_open, /* called on first open */\n',
          [
            '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)',
            '\t.open_device = fixture_open, /* called on first open */',
            '#else',
            '\t.open = fixture_open, /* called on first open */',
            '#endif',
            '',
          ].join('\n'),
        ),
    );
    assertClean(fixed, '5.13..5.19');
    // On all 25 images no member is missing (fixture_open takes the 5.13 parameter type, so
    // older kernels still report its signature: that is not what this fix is about).
    assertClean(fixed, 'all', [Codes.missingMember, Codes.deadGuard]);
  });

  it('derives the boundary from the data: the successor, the disappearance, or the first appearance', () => {
    const plan = (name: string, member: string) => {
      const p = planGuard(db, { kind: 'struct', name }, member)!;
      return [`${p.major}.${p.minor}`, db.images[p.boundary].label, p.newer ?? null, p.older ?? null];
    };
    assert.deepEqual(plan('vfio_device_ops', 'open'), ['5.15', '5.15', 'open_device', 'open']);
    assert.deepEqual(plan('vfio_device_ops', 'open_device'), ['5.15', '5.15', 'open_device', 'open']);
    assert.deepEqual(plan('mm_struct', 'mmap_sem'), ['5.8', '5.8', 'mmap_lock', 'mmap_sem']);
    assert.deepEqual(plan('timer_list', 'data'), ['4.15', '4.15', null, 'data']);
    assert.deepEqual(plan('net_device', 'max_mtu'), ['4.10', '4.10', 'max_mtu', null]);
  });

  it('guards a statement around a member access, with every use of the member in it, until the file is clean on all 25 images', () => {
    let text = fixture('mmap_lock.c');
    const first = fixesFor(text, 'all');
    assert.equal(only(first, 'guard').title, 'Guard this statement by kernel version: `mmap_lock` from 5.8, `mmap_sem` before');
    // Apply the preferred fix of the first finding until none is left: each must make progress.
    for (let round = 0; round < 10; round++) {
      const left = missing(check(text, 'all'));
      if (left.length === 0) break;
      const preferred = fixesFor(text, 'all', left[0]).find((f) => f.preferred)!;
      assert.equal(preferred.kind, 'guard');
      text = applyEdits(text, preferred.edits);
      assert.ok(missing(check(text, 'all')).length < left.length, `round ${round} fixed nothing:\n${text}`);
    }
    assert.equal(
      text.split('\n').slice(10, 39).join('\n'),
      `#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
\tdown_read(&mm->mmap_lock);
#else
\tdown_read(&mm->mmap_sem);
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
\tif (rwsem_is_locked(&mm->mmap_lock) && tries > 0)
\t\tup_read(&mm->mmap_lock);
#else
\tif (rwsem_is_locked(&mm->mmap_sem) && tries > 0)
\t\tup_read(&mm->mmap_sem);
#endif
\tfor (i = 0; i < tries; i++) {
\t\tswitch (i) {
\t\tcase 1:
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
\t\t\tdown_write(&mm->mmap_lock);
#else
\t\t\tdown_write(&mm->mmap_sem);
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
\t\t\tup_write(&mm->mmap_lock);
#else
\t\t\tup_write(&mm->mmap_sem);
#endif
\t\t\tbreak;
\t\tdefault:
\t\t\tbreak;
\t\t}`,
    );
    assert.equal(text.match(/#include <linux\/version\.h>/g)?.length, 1, 'linux/version.h is added once');
    assertClean(text, 'all');
  });

  it('keeps a removed member only before the release that dropped it (timer_list.data, 4.15)', () => {
    const text = example('chardev/chardev.c');
    const guard = only(fixesFor(text, 'versions'), 'guard');
    assert.equal(guard.title, 'Guard this statement by kernel version: only before 4.15, where `data` was removed');
    // chardev.c includes linux/version.h already: one edit only.
    assert.equal(guard.edits.length, 1);
    const fixed = applyEdits(text, guard.edits);
    assert.ok(fixed.includes('#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 15, 0)\n\tpoll_timer.data = 0;\n#endif\n'), fixed);
    assertClean(fixed, 'all', [Codes.missingMember]);
  });

  it('uses a newer member only from its first release (net_device.max_mtu, 4.10), and a removed one only before (trans_start, 4.8)', () => {
    let text = example('netdev/netdev.c');
    for (const member of ['max_mtu', 'trans_start']) {
      const finding = missing(check(text, 'versions')).find((f) => f.member === member)!;
      text = applyEdits(text, only(fixesFor(text, 'versions', finding), 'guard').edits);
    }
    assert.ok(text.includes('#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 10, 0)\n\tdev->max_mtu = 9000;\n#endif\n'), text);
    assert.ok(text.includes('#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 8, 0)\n\tdev->trans_start = jiffies;\n#endif\n'), text);
    assert.ok(text.includes('#include <linux/etherdevice.h>\n#include <linux/version.h>\n'), 'version.h goes after the last <linux/…> include');
    assertClean(text, 'all', [Codes.missingMember]);
  });

  it('keeps CRLF line breaks and splits an initializer list written on one line', () => {
    const text = '#include <linux/vfio.h>\r\nstatic int f(struct vfio_device *v) { return 0; }\r\nstatic const struct vfio_device_ops ops = { .name = "x", .open = f, .match = 0 };\r\n';
    const fixed = applyEdits(text, only(fixesFor(text, '5.13..5.19'), 'guard').edits);
    assert.equal(
      fixed,
      '#include <linux/version.h>\r\n#include <linux/vfio.h>\r\nstatic int f(struct vfio_device *v) { return 0; }\r\n' +
        'static const struct vfio_device_ops ops = { .name = "x",\r\n' +
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\r\n\t.open_device = f,\r\n#else\r\n\t.open = f,\r\n#endif\r\n\t.match = 0 };\r\n',
    );
    assertClean(fixed, '5.13..5.19');
  });

  it('follows the file in indenting directives, and puts version.h first when the file has no <linux/…> include', () => {
    const text = '#include "local.h"\n\nstatic const struct vfio_device_ops ops = {\n    #if 1\n    .name = "x",\n    #endif\n    .open = 0,\n};\n';
    const fixed = applyEdits(text, only(fixesFor(text, '5.13..5.19'), 'guard').edits);
    assert.equal(
      fixed,
      '#include "local.h"\n#include <linux/version.h>\n\nstatic const struct vfio_device_ops ops = {\n    #if 1\n    .name = "x",\n    #endif\n' +
        '    #if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)\n    .open_device = 0,\n    #else\n    .open = 0,\n    #endif\n};\n',
    );
  });

  it('offers no guard that one side of the targets would never compile, nor one that leaves a target broken', () => {
    // Every target is past the boundary: the rename is the fix, a guard would be a dead guard.
    assert.deepEqual(
      fixesFor(fixture('vfio_ops.c'), '5.15..5.19').map((f) => f.kind),
      ['rename', 'ignore'],
    );
    const data = 'void f(struct timer_list *t) { t->data = 0; }\n';
    assert.deepEqual(
      fixesFor(data, '>=4.15').map((f) => f.kind),
      ['ignore'],
    );
    // bi_bdev left struct bio in 4.15 and came back in 5.13: no single boundary serves 4.4–6.8.
    const bio = 'void f(struct bio *b) { b->bi_bdev = 0; }\n';
    assert.deepEqual(
      fixesFor(bio, 'versions').map((f) => f.kind),
      ['ignore'],
    );
    // rcu_tasks_nvcsw appears in 4.8, yet 5.11–5.15 lack it: a guard from 4.8 would still break there.
    const holdout = 'void f(struct task_struct *t) { t->rcu_tasks_nvcsw = 0; }\n';
    assert.deepEqual(
      fixesFor(holdout, 'versions').map((f) => f.kind),
      ['ignore'],
    );
  });

  it('renames a member newer than the targets to the one it replaced', () => {
    const text = 'static const struct vfio_device_ops ops = {\n\t.open_device = 0,\n};\n';
    // The Ubuntu kernels before 5.15 (Debian 5.10 has no vfio_device_ops in its vmlinux data).
    const rename = only(fixesFor(text, '5.4,5.8,5.11,5.13'), 'rename');
    assert.equal(rename.title, 'Rename `open_device` to `open` (`open_device` replaced it in 5.15)');
    assertClean(applyEdits(text, rename.edits), '5.4,5.8,5.11,5.13');
  });

  it('silences exactly the line of the finding with an ignore comment above it', () => {
    // Two missing members on consecutive lines: ignoring the first must leave the second.
    const text = 'static const struct vfio_device_ops ops = {\n\t.open = 0,\n\t.release = 0,\n};\n';
    const ignore = only(fixesFor(text, '5.15'), 'ignore');
    assert.equal(ignore.title, 'Ignore on this line: add /* kernel-compat-ignore */');
    const fixed = applyEdits(text, ignore.edits);
    assert.equal(fixed, 'static const struct vfio_device_ops ops = {\n\t/* kernel-compat-ignore */\n\t.open = 0,\n\t.release = 0,\n};\n');
    assert.deepEqual(
      missing(check(fixed, '5.15')).map((f) => f.member),
      ['release'],
    );
  });

  it('appends the ignore comment where no line can go above: in a macro body, after a comment that runs on', () => {
    const macro = '#define OPS \\\n\t.open = f, \\\n\t.name = "x"\n';
    assert.equal(applyEdits(macro, ignoreFix(macro, 1).edits), '#define OPS \\\n\t.open = f, /* kernel-compat-ignore */ \\\n\t.name = "x"\n');
    const continued = '/* old\n */ p->open = 0;\n';
    assert.equal(applyEdits(continued, ignoreFix(continued, 1).edits), '/* old\n */ p->open = 0; /* kernel-compat-ignore */\n');
    const both = '/* a\n */ p->open = 0; /* b\n */\n';
    assert.equal(applyEdits(both, ignoreFix(both, 1).edits), '/* a\n */ p->open = 0; /* b kernel-compat-ignore\n */\n');
    const quoted = 'x = "/*";\n\tp->open = 0;\n';
    assert.equal(applyEdits(quoted, ignoreFix(quoted, 1).edits), 'x = "/*";\n\t/* kernel-compat-ignore */\n\tp->open = 0;\n');
  });
});

describe('adding linux/version.h', () => {
  const withHeader = (text: string) => {
    const edit = versionIncludeEdit(new TextLines(text));
    return edit ? applyEdits(text, [edit]) : text;
  };
  it('keeps <linux/…> includes in order, inside an include guard, never inside a conditional, and not twice', () => {
    assert.equal(withHeader('#include <linux/module.h>\n#include <linux/vfio.h>\n'), '#include <linux/module.h>\n#include <linux/version.h>\n#include <linux/vfio.h>\n');
    assert.equal(
      withHeader('#ifndef FOO_H\n#define FOO_H\n#include <linux/types.h>\nint x;\n#endif\n'),
      '#ifndef FOO_H\n#define FOO_H\n#include <linux/types.h>\n#include <linux/version.h>\nint x;\n#endif\n',
    );
    assert.equal(withHeader('// SPDX\n/*\n * about\n */\n#if X\n#include <linux/foo.h>\n#endif\n'), '// SPDX\n/*\n * about\n */\n#include <linux/version.h>\n#if X\n#include <linux/foo.h>\n#endif\n');
    assert.equal(withHeader('#include "compat.h"'), '#include "compat.h"\n#include <linux/version.h>');
    const has = '#include <linux/module.h>\n# include <linux/version.h>\n';
    assert.equal(withHeader(has), has);
  });
});

describe('enclosing statement', () => {
  const statementAround = (text: string, marker: string) => {
    const span = enclosingStatement(text, text.indexOf(marker));
    return span && text.slice(span.start, span.end);
  };
  const body = `int f(struct s *p)
{
\tint n = p->a; // note
\tif (p->b)
\t\tg(p->c);
\telse if (x)
\t\th();
\tdo { k(); } while (p->d);
\tlist_for_each_entry(q, &p->list, node) {
\t\tq->e = "};";
\t}
\tswitch (p->f) {
\tcase 1: p->g = (struct t){ .x = 1 }; break;
\t}
\treturn p->h;
}
`;
  it('finds the smallest whole statement, or the whole if/loop/switch around a condition', () => {
    assert.equal(statementAround(body, 'p->a'), 'int n = p->a;');
    assert.equal(statementAround(body, 'p->b'), 'if (p->b)\n\t\tg(p->c);\n\telse if (x)\n\t\th();');
    assert.equal(statementAround(body, 'p->c'), 'g(p->c);');
    assert.equal(statementAround(body, 'p->d'), 'do { k(); } while (p->d);');
    assert.equal(statementAround(body, 'p->list'), 'list_for_each_entry(q, &p->list, node) {\n\t\tq->e = "};";\n\t}');
    assert.equal(statementAround(body, 'q->e'), 'q->e = "};";');
    assert.equal(statementAround(body, 'p->f'), body.slice(body.indexOf('switch'), body.indexOf('\treturn') - 1));
    assert.equal(statementAround(body, 'p->g'), 'p->g = (struct t){ .x = 1 };');
    assert.equal(statementAround(body, 'p->h'), 'return p->h;');
  });

  it('has no statement outside function bodies', () => {
    assert.equal(statementAround('static int x = sizeof(((struct s *)0)->a);\n', '->a'), undefined);
  });
});

describe('text edits', () => {
  it('applies edits in any order and rejects overlapping ones', () => {
    const text = 'one\ntwo\nthree\n';
    const edit = (line: number, from: number, to: number, newText: string) => ({ range: { startLine: line, startColumn: from, endLine: line, endColumn: to }, newText });
    assert.equal(applyEdits(text, [edit(2, 0, 5, '3'), edit(0, 0, 3, '1')]), '1\ntwo\n3\n');
    assert.throws(() => applyEdits(text, [edit(1, 0, 2, 'a'), edit(1, 1, 3, 'b')]), /overlapping/);
  });
});

describe('fixes that compile', () => {
  it('offers no statement guard that would leave a declared name undeclared, and says why (a DRM driver\'s fault handler)', () => {
    const text = [
      '#include <linux/mm.h>',
      'static vm_fault_t my_fault(struct vm_fault *vmf)',
      '{',
      '\tstruct vm_area_struct *vma = vmf->vma;',
      '\treturn vma->vm_pgoff ? VM_FAULT_SIGBUS : 0;',
      '}',
      '',
    ].join('\n');
    // vm_fault.vma arrived in 4.10: a guard "only from 4.10" would leave `vma` undeclared on 4.4–4.8.
    const guard = only(fixesFor(text, '4.4..4.10'), 'guard');
    assert.deepEqual(guard.edits, []);
    assert.equal(guard.disabled, 'it declares `vma`: guarded away on some kernels, its later uses would not compile there; guard the code that uses it too, by hand');
    assert.equal(guard.preferred, false);
  });

  it('says in the rename title that the stored function must change too, when it no longer fits', () => {
    const text = example('vfio-mtty/mtty_legacy.c');
    const open = missing(check(text, '5.15')).find((f) => f.member === 'open')!;
    const rename = only(fixesFor(text, '5.15', open), 'rename');
    assert.equal(
      rename.title,
      'Rename `open` to `open_device` (it replaced `open` in 5.15); then `mtty_open` must change too: its parameter 1 is void *, not struct vfio_device *',
    );
  });

  it('every fix offered on the example drivers, applied, leaves the line clean on every target and adds no finding', () => {
    for (const name of ['vfio-mtty/mtty_legacy.c']) {
      const text = example(name);
      for (const spec of ['5.4..5.13', '5.15..5.19', '5.11..5.19']) {
        const before = check(text, spec);
        for (const finding of missing(before)) {
          for (const fix of fixesFor(text, spec, finding).filter((f) => f.disabled === undefined && f.kind !== 'ignore')) {
            const after = check(applyEdits(text, fix.edits), spec);
            const stillMissing = missing(after).filter((f) => f.member === finding.member);
            assert.deepEqual(rows({ ...after, findings: stillMissing }), [], `${name} ${spec}: "${fix.title}" leaves the finding`);
            // A rename may move a callback to a member it does not fit: that is what its title says.
            const added = after.findings.filter((f) => f.code !== Codes.callbackSignature && !before.findings.some((b) => b.code === f.code && b.message === f.message));
            assert.deepEqual(rows({ ...after, findings: added.filter((f) => f.code !== Codes.deadGuard) }), [], `${name} ${spec}: "${fix.title}" adds findings`);
          }
        }
      }
    }
  });
});
