// A re-check after an edit (the editor's path: trees and reads kept per document) must say
// exactly what a fresh check of the edited text says: the same findings, usages, mentions,
// ranges and targets. Edits here are the ones users make: typing in a body, moving a version
// guard, changing a struct the file uses elsewhere, adding an #include, changing a macro.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChecker } from '../../src/cli/runtime';
import type { Checker, CheckResult } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { syntheticDriver } from '../../scripts/bench';
import { packageRoot } from '../../src/cli/paths';
import { bundledDatabase } from './helpers';
import { blankAnnotations } from '../../src/core/c/parser';
import { declarationLayout } from '../../src/core/check/declarationLayout';
import { macroTexts, sliceText } from '../../src/core/check/incremental';
import { changedStretch, EditShift } from '../../src/core/check/editShift';
import { createIncludeResolver } from '../../src/core/c/includes';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

const DRIVER = `#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/vfio.h>

#define PRIV_STATS(p) ((p)->nd->stats)

struct my_priv {
	struct net_device *nd;
	unsigned long timeouts;
};

static netdev_tx_t my_xmit(struct sk_buff *skb, struct net_device *nd)
{
	struct my_priv *p = netdev_priv(nd);

	PRIV_STATS(p).tx_packets++;
	nd->stats.tx_bytes += skb->len;
	return NETDEV_TX_OK;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)
static void my_timeout(struct net_device *nd, unsigned int txqueue)
#else
static void my_timeout(struct net_device *nd)
#endif
{
	struct my_priv *p = netdev_priv(nd);

	p->timeouts++;
	nd->trans_start = jiffies;
}

static int my_open(struct net_device *nd)
{
	struct my_priv *p = netdev_priv(nd);

	p->nd = nd;
	nd->watchdog_timeo = 5;
	return 0;
}

static const struct net_device_ops my_ops = {
	.ndo_open = my_open,
	.ndo_start_xmit = my_xmit,
	.ndo_tx_timeout = my_timeout,
};

static int my_vfio_open(struct vfio_device *vdev)
{
	return 0;
}

static const struct vfio_device_ops my_vfio_ops = {
	.open = my_vfio_open,
};
`;

type Edit = [what: string, edit: (text: string) => string];

function replaced(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the driver has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const EDITS: Edit[] = [
  ['type a character inside a function body', (t) => replaced(t, '\tp->timeouts++;', '\tp->timeouts++; ')],
  ['add a member use to a body', (t) => replaced(t, '\tp->nd = nd;', '\tp->nd = nd;\n\tnd->trans_start = 0;')],
  ['open a brace in a body (the rest of the file reads differently)', (t) => replaced(t, '\treturn 0;\n}\n\nstatic const struct net_device_ops', '\tif (p) {\n\treturn 0;\n}\n\nstatic const struct net_device_ops')],
  ['move a version guard', (t) => replaced(t, 'KERNEL_VERSION(5, 6, 0)', 'KERNEL_VERSION(5, 11, 0)')],
  ['guard a member use', (t) => replaced(t, '\tnd->trans_start = jiffies;', '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 7, 0)\n\tnd->trans_start = jiffies;\n#endif')],
  ['change a struct the bodies use', (t) => replaced(t, '\tstruct net_device *nd;\n\tunsigned long timeouts;', '\tstruct net_device *nd;\n\tstruct pci_dev *timeouts;')],
  ['rename the file\'s struct so bodies name the kernel\'s', (t) => replaced(t, 'struct my_priv {', 'struct my_private {')],
  ['add an #include', (t) => replaced(t, '#include <linux/vfio.h>\n', '#include <linux/vfio.h>\n#include <linux/pci.h>\n')],
  ['remove an #include', (t) => replaced(t, '#include <linux/netdevice.h>\n', '')],
  ['change a macro the bodies use', (t) => replaced(t, '((p)->nd->stats)', '((p)->nd)')],
  ['define a macro that hides a member', (t) => replaced(t, '#define PRIV_STATS', '#define trans_start watchdog_timeo\n#define PRIV_STATS')],
  ['declare a typedef inside a body, used by a later body', (t) => replaced(replaced(t, '\tp->nd = nd;', '\ttypedef struct net_device nd_t;\n\tp->nd = nd;'), 'static int my_vfio_open(struct vfio_device *vdev)\n{', 'static int my_vfio_open(struct vfio_device *vdev)\n{\n\tnd_t *x = 0;\n\tx->mtu = 0;')],
  ['define a struct inside a body', (t) => replaced(t, '\tp->timeouts++;', '\tstruct vfio_device_ops { int open; } o;\n\tp->timeouts++;')],
  ['change a function header assigned to a member', (t) => replaced(t, 'static int my_vfio_open(struct vfio_device *vdev)', 'static int my_vfio_open(void *vdev)')],
  ['delete a declaration', (t) => replaced(t, 'static const struct vfio_device_ops my_vfio_ops = {\n\t.open = my_vfio_open,\n};\n', '')],
  ['comment code out across a body', (t) => replaced(replaced(t, '\tPRIV_STATS(p).tx_packets++;', '/*\tPRIV_STATS(p).tx_packets++;'), '\treturn NETDEV_TX_OK;', '\treturn NETDEV_TX_OK; */')],
  // gcc reports a function no header declares at its first call only: calls in two bodies.
  ['call a removed function in a later body', (t) => replaced(t, '\tnd->watchdog_timeo = 5;', '\tnd->watchdog_timeo = 5;\n\tdel_timer(0);')],
  ['call it in an earlier body too', (t) => replaced(t, '\tp->timeouts++;', '\tp->timeouts++;\n\tdel_timer(0);')],
  ['open a comment in a body that a later body closes', (t) => replaced(replaced(t, '\tp->timeouts++;', '\tp->timeouts++; /*'), '\tp->nd = nd;', '\tp->nd = nd; */')],
  ['type a backslash at the end of a body line', (t) => replaced(t, '\tp->nd = nd;', '\tp->nd = nd; \\')],
  ['close the body early', (t) => replaced(t, '\tp->nd = nd;', '\tp->nd = nd; }')],
  ['type inside an initializer list', (t) => replaced(t, '\t.ndo_open = my_open,', '\t.ndo_open = my_open, ')],
  ['set another member in an initializer list', (t) => replaced(t, '\t.ndo_open = my_open,', '\t.ndo_open = my_open,\n\t.ndo_stop = my_open,')],
  ['rename the member an initializer sets', (t) => replaced(t, '\t.open = my_vfio_open,', '\t.open_device = my_vfio_open,')],
  ['close an initializer list early', (t) => replaced(t, '\t.ndo_start_xmit = my_xmit,', '\t.ndo_start_xmit = my_xmit, };')],
  // The grammar reads `name(x) {` in a body as an old-style definition: it stays a block of the body.
  ['write a loop macro in a body', (t) => replaced(t, '\tnd->stats.tx_bytes += skb->len;', '\tmy_for_each_queue(p) {\n\t\tp->nd->trans_start = 0;\n\t}\n\tnd->stats.tx_bytes += skb->len;')],
  ['type inside the loop macro\'s block', (t) => replaced(t, '\t\tp->nd->trans_start = 0;', '\t\tp->nd->trans_start = 0; ')],
];

/**
 * A struct a body defines is the file's own in every body. While only its body names it, the
 * other bodies are re-checked alone; a kernel struct's name makes a wrong re-check visible.
 */
const BODY_STRUCT_EDITS: Edit[] = [
  ['define a struct only its body names, with a kernel struct\'s name', (t) => replaced(t, '\tp->timeouts++;', '\tstruct timer_list { unsigned long data; } t = { 0 };\n\tp->timeouts++;')],
  ['type in another body while one defines a struct', (t) => replaced(t, '\tnd->watchdog_timeo = 5;', '\tnd->watchdog_timeo = 5; ')],
  ['name that struct in another body', (t) => replaced(t, '\tnd->watchdog_timeo = 5; ', '\tnd->watchdog_timeo = 5;\n\t{\n\t\tstruct timer_list *tl = 0;\n\t\ttl->data = 0;\n\t}')],
  ['rename the struct the body defines, so the other body names the kernel\'s', (t) => replaced(t, 'struct timer_list {', 'struct my_timer_list {')],
  ['define the kernel struct\'s name in a third body', (t) => replaced(t, '\tnd->stats.tx_bytes += skb->len;', '\tstruct timer_list { int data; } u = { 0 };\n\tnd->stats.tx_bytes += skb->len;')],
];

/** Everything a check says, as plain data: two results are the same when these are equal. */
function said(result: CheckResult): unknown {
  return JSON.parse(JSON.stringify(result));
}

function assertSameAsFresh(key: string, text: string, spec: string, what: string): CheckResult {
  const targets = parseTargets(spec, db.images).images;
  const kept = checker.check(text, { fileName: 'driver.c', targets, documentKey: key });
  const fresh = checker.check(text, { fileName: 'driver.c', targets });
  assert.deepEqual(said(kept), said(fresh), what);
  return fresh;
}

describe('re-check after an edit', () => {
  it('starts from a driver with findings, so the comparisons mean something', () => {
    const result = checker.check(DRIVER, { fileName: 'driver.c', targets: parseTargets('versions', db.images).images });
    assert.deepEqual(
      [...new Set(result.findings.map((f) => `${f.code} ${f.range.startLine + 1}`))],
      ['missing-member 30', 'callback-signature 54', 'missing-member 54', 'struct-not-in-image 54'],
    );
    assert.ok(result.usages.length >= 9);
  });

  for (const spec of ['versions', '5.4..6.8']) {
    it(`says what a fresh check says after each edit, its undo, and all of them in turn (${spec})`, () => {
      const key = `incremental-${spec}`;
      let text = DRIVER;
      assertSameAsFresh(key, text, spec, 'the driver');
      for (const [what, edit] of EDITS) {
        const edited = edit(text);
        assertSameAsFresh(key, edited, spec, what);
        assertSameAsFresh(key, text, spec, `${what}, undone`);
        // Edits pile up, as in an editor; each stays applicable (they touch different lines).
        if (!what.includes('delete') && !what.includes('comment')) text = edited;
      }
      checker.forget(key);
    });
  }

  it('says what a fresh check says while a body defines a struct that other bodies come to name', () => {
    const key = 'incremental-body-struct';
    let text = DRIVER;
    assertSameAsFresh(key, text, 'versions', 'the driver');
    for (const [what, edit] of BODY_STRUCT_EDITS) {
      const edited = edit(text);
      assertSameAsFresh(key, edited, 'versions', what);
      assertSameAsFresh(key, text, 'versions', `${what}, undone`);
      text = edited;
    }
    checker.forget(key);
  });

  it('checks the whole file again when a body comes to define a struct another body names', () => {
    const key = 'incremental-body-struct-named';
    const naming = replaced(DRIVER, '\tnd->watchdog_timeo = 5;', '\tnd->watchdog_timeo = 5;\n\t{\n\t\tstruct timer_list *tl = 0;\n\t\ttl->data = 0;\n\t}');
    const defining = replaced(naming, '\tnd->stats.tx_bytes += skb->len;', '\tstruct timer_list { int data; } u = { 0 };\n\tnd->stats.tx_bytes += skb->len;');
    const dataFindings = (result: CheckResult) => result.findings.filter((f) => f.code === 'missing-member' && f.member === 'data').length;
    // The kernel's timer_list lost `data` in 4.15; the file's own has it, in every body.
    assert.equal(dataFindings(assertSameAsFresh(key, naming, 'versions', 'a body names the kernel struct')), 1);
    assert.equal(dataFindings(assertSameAsFresh(key, defining, 'versions', 'another body defines one of that name')), 0);
    checker.forget(key);
  });

  const TYPED: [where: string, line: string, before: string][] = [
    ['a body', '\tnd->mtu = p->nd->stats.rx_bytes + (u32)skb->len;\n', '\treturn NETDEV_TX_OK;'],
    ['an initializer list', '\t.ndo_stop = my_open,\n', '\t.ndo_start_xmit'],
  ];
  for (const [where, line, before] of TYPED) {
    it(`says what a fresh check says while a line of ${where} is typed character by character`, () => {
      const key = `incremental-typing-${where}`;
      const at = DRIVER.indexOf(before);
      for (let length = 0; length <= line.length; length += 2) {
        assertSameAsFresh(key, DRIVER.slice(0, at) + line.slice(0, length) + DRIVER.slice(at), 'versions', `typed ${JSON.stringify(line.slice(0, length))}`);
      }
      checker.forget(key);
    });
  }

  it('says what a fresh check says after any one-character edit, anywhere (seeded, 480 edits)', () => {
    // Insertions and deletions of the characters that change C's structure most, at places
    // picked by a fixed sequence: any place, including directives, headers and comments.
    const characters = [' ', '\n', '{', '}', ';', '(', ')', '*', '/', '#', '-', '>', '.', 'x', ','];
    let seed = 16;
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const withBodyStruct = replaced(DRIVER, '\tp->timeouts++;', '\tstruct timer_list { unsigned long data; } t = { 0 };\n\tp->timeouts++;').replace('\tp->nd = nd;', '\tp->nd = nd;\n\tnd->trans_start = sizeof(struct timer_list *);');
    // Calls of a removed function in three bodies, the first compiled below 7.3 only: gcc reports each kernel's first call.
    const removedCalls = [
      '#include <linux/timer.h>',
      'static void first(struct timer_list *t)',
      '{',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(7, 3, 0)',
      '\tdel_timer(t);',
      '#endif',
      '}',
      'static void second(struct timer_list *t)',
      '{',
      '\tt->expires = 0;',
      '\tdel_timer(t);',
      '}',
      'static void third(struct timer_list *t)',
      '{',
      '\tdel_timer(t);',
      '\tdel_timer_sync(t);',
      '}',
      '',
    ].join('\n');
    const files = [DRIVER, readFileSync(join(packageRoot, 'examples', 'vfio-mtty', 'mtty.c'), 'utf8'), withBodyStruct, removedCalls];
    for (const [n, original] of files.entries()) {
      const key = `incremental-any-${n}`;
      let text = original;
      assertSameAsFresh(key, text, 'versions', `file ${n}`);
      for (let i = 0; i < 120; i++) {
        const at = next(text.length);
        const edited = next(3) === 0 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + characters[next(characters.length)] + text.slice(at);
        assertSameAsFresh(key, edited, 'versions', `file ${n}, edit ${i} at ${at}: ${JSON.stringify(edited.slice(Math.max(0, at - 20), at + 20))}`);
        // Most edits are kept, some undone: the document drifts as a typed one does.
        if (next(4) !== 0) text = edited;
        else assertSameAsFresh(key, text, 'versions', `file ${n}, edit ${i} undone`);
      }
      checker.forget(key);
    }
  });

  it('checks a file while a macro\'s parameter list is half typed', () => {
    const text = replaced(DRIVER, '#define PRIV_STATS(p)', '#define PRIV_STATS(TS(p');
    const result = assertSameAsFresh('incremental-half-macro', text, 'versions', 'a half-typed #define');
    checker.forget('incremental-half-macro');
    assert.ok(result.findings.some((finding) => finding.code === 'missing-member'));
  });

  it('says what a fresh check says after edits across the example drivers and a large driver', () => {
    const files = ['netdev/netdev.c', 'chardev/chardev.c', 'vfio-mtty/mtty.c', 'vfio-mtty/mtty_legacy.c'].map((path) => readFileSync(join(packageRoot, 'examples', path), 'utf8'));
    for (const [n, text] of [...files, syntheticDriver(600)].entries()) {
      const key = `incremental-file-${n}`;
      assertSameAsFresh(key, text, 'versions', `file ${n}`);
      // A space, then a member use, typed into the first lines of every body.
      const bodies = [...text.matchAll(/\n\{\n/g)].map((match) => match.index + 3);
      let current = text;
      for (const [i, start] of bodies.slice(0, 8).entries()) {
        const shift = current.length - text.length;
        current = current.slice(0, start + shift) + (i % 2 ? ' ' : '\tdev->mtu = 0;\n') + current.slice(start + shift);
        assertSameAsFresh(key, current, 'versions', `file ${n}, body ${i}`);
      }
      checker.forget(key);
    }
  });
});

describe('re-check after an edit, around a removed function gcc reports once', () => {
  /** Two bodies that call del_timer (gone from 7.2), the first call only below `below` where given. */
  const twoCalls = (below?: string) =>
    [
      '#include <linux/timer.h>',
      'static void first(struct timer_list *t)',
      '{',
      ...(below ? [`#if LINUX_VERSION_CODE < KERNEL_VERSION(${below})`, '\tdel_timer(t);', '#endif'] : ['\tdel_timer(t);']),
      '}',
      'static void second(struct timer_list *t)',
      '{',
      '\tdel_timer(t);',
      '}',
      '',
    ].join('\n');

  it('reports the next call when the first is deleted, and the earlier one when it comes back', () => {
    const text = twoCalls();
    const withoutFirst = text.replace('\tdel_timer(t);\n}\nstatic void second', '\t(void)t;\n}\nstatic void second');
    const key = 'incremental-first-call';
    const reported = (result: CheckResult) => result.findings.filter((f) => f.code === 'missing-function').map((f) => f.range.startLine);
    assert.deepEqual(reported(assertSameAsFresh(key, text, 'versions', 'both calls')), [3]);
    assert.deepEqual(reported(assertSameAsFresh(key, withoutFirst, 'versions', 'the first call deleted')), [7]);
    assert.deepEqual(reported(assertSameAsFresh(key, text, 'versions', 'the first call back')), [3]);
    checker.forget(key);
  });

  const reports = (result: CheckResult) => result.findings.filter((f) => f.code === 'missing-function').map((f) => `${f.range.startLine + 1}: ${f.targets.map((t) => db.images[t].label).join(',')}`);

  it('keeps the first call\'s report while a body that calls the function again is edited', () => {
    // Every kernel compiles the first call: the second is never reported, though its body's slice blanks the first.
    const key = 'incremental-later-call';
    const text = twoCalls('99, 0, 0');
    assert.deepEqual(reports(assertSameAsFresh(key, text, 'versions', 'two calls')), ['5: 7.2,7.3']);
    const typed = text.replace('static void second(struct timer_list *t)\n{\n', 'static void second(struct timer_list *t)\n{\n\t(void)0;\n');
    assert.deepEqual(reports(assertSameAsFresh(key, typed, 'versions', 'a line typed in the second body')), ['5: 7.2,7.3']);
    const twice = typed.replace('\t(void)0;\n', '\t(void)0;\n\tdel_timer(t);\n');
    assert.deepEqual(reports(assertSameAsFresh(key, twice, 'versions', 'a third call in the second body')), ['5: 7.2,7.3']);
    checker.forget(key);
  });

  it('reports a later call stored in a pointer that an edit writes, as a fresh check does (gcc 14 and later refuse it)', () => {
    const key = 'incremental-stored-later-call';
    const text = [
      '#include <linux/spi/spi.h>',
      'struct d { int x; };',
      'static struct d *first(struct spi_controller *m)',
      '{',
      '\treturn spi_master_get_devdata(m);',
      '}',
      'static int second(struct spi_controller *m)',
      '{',
      '\tstruct d *b = NULL;',
      '\treturn b ? b->x : 0;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(reports(assertSameAsFresh(key, text, '6.1,6.12,7.3', 'one call')), ['5: 6.12,7.3']);
    const stored = text.replace('\tstruct d *b = NULL;\n', '\tstruct d *b = NULL;\n\tb = spi_master_get_devdata(m);\n');
    assert.deepEqual(reports(assertSameAsFresh(key, stored, '6.1,6.12,7.3', 'a later call stored in the pointer')), ['5: 6.12,7.3', '10: 7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, text, '6.1,6.12,7.3', 'the later call deleted')), ['5: 6.12,7.3']);
    const passed = text.replace('\tstruct d *b = NULL;\n', '\tstruct d *b = NULL;\n\tspi_controller_put(spi_master_get_devdata(m));\n');
    assert.deepEqual(reports(assertSameAsFresh(key, passed, '6.1,6.12,7.3', 'a later call passed to a pointer parameter')), ['5: 6.12,7.3', '10: 7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, text, '6.1,6.12,7.3', 'back to one call')), ['5: 6.12,7.3']);
    const read = text.replace('\tstruct d *b = NULL;\n', '\tstruct d *b = NULL;\n\t(void)spi_master_get_devdata(m)[0];\n');
    assert.deepEqual(reports(assertSameAsFresh(key, read, '6.1,6.12,7.3', 'a later call whose result is subscripted')), ['5: 6.12,7.3', '10: 6.12,7.3']);
    checker.forget(key);
  });

  it('reports the later calls of a table outside a function as a fresh check does, while the table is edited', () => {
    const key = 'incremental-table-later-calls';
    const row = (model: string) => `\tX86_MATCH_INTEL_FAM6_MODEL(${model}, NULL),`;
    const table = (models: string[]) => ['#include <asm/cpu_device_id.h>', '#include <asm/intel-family.h>', 'static const struct x86_cpu_id ids[] = {', ...models.map(row), '\t{}', '};', 'static int f(void) { return ids[0].vendor; }', ''].join('\n');
    assert.deepEqual(reports(assertSameAsFresh(key, table(['SKYLAKE']), '6.1,6.12,7.3', 'one row')), ['4: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, table(['SKYLAKE', 'KABYLAKE']), '6.1,6.12,7.3', 'a row added')), ['4: 6.12,7.3', '5: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, table(['SKYLAKE', 'KABYLAKE', 'SKYLAKE']), '6.1,6.12,7.3', 'a row repeating a name gcc reported')), ['4: 6.12,7.3', '5: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, table(['KABYLAKE', 'SKYLAKE']), '6.1,6.12,7.3', 'the first row deleted')), ['4: 6.12,7.3', '5: 6.12,7.3']);
    // The first call in a body, the table's rows after it of the driver's own model (no name gcc reports): a re-check of the
    // table alone, which blanks the body, would take its first row for the first call. Kbuild against Debian's 6.12
    // headers (gcc-12): "8:33: implicit declaration", then "initializer element is not constant" at 13 and 14; 6.1 builds it.
    const models = (rows: string[]) =>
      [
        '#include <asm/cpu_device_id.h>', '#include <asm/intel-family.h>', '#define INTEL_FAM6_DEMO 0x55', '#define DEMO 0x55',
        'static int f(void)', '{', '\tstruct x86_cpu_id one = X86_MATCH_INTEL_FAM6_MODEL(DEMO, NULL);', '', '\treturn one.vendor;', '}',
        'static const struct x86_cpu_id more[] = {', ...rows, '\t{}', '};', 'static int g(void) { return f() + more[0].vendor; }', '',
      ].join('\n');
    assert.deepEqual(reports(assertSameAsFresh(key, models(['\t{ .vendor = 1 },']), '6.1,6.12,7.3', 'a body, then a table without calls')), ['7: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, models([row('DEMO')]), '6.1,6.12,7.3', 'a call written in the table')), ['7: 6.12,7.3', '12: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, models([row('DEMO'), '\tX86_MATCH_INTEL_FAM6_MODEL(DEMO, 1),']), '6.1,6.12,7.3', 'a second row')), ['7: 6.12,7.3', '12: 6.12,7.3', '13: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, models([row('DEMO'), '\tX86_MATCH_INTEL_FAM6_MODEL(DEMO, 2),']), '6.1,6.12,7.3', 'a value in the table retyped')), ['7: 6.12,7.3', '12: 6.12,7.3', '13: 6.12,7.3']);
    assert.deepEqual(reports(assertSameAsFresh(key, models([row('DEMO')]), '6.1,6.12,7.3', 'a row of the table deleted')), ['7: 6.12,7.3', '12: 6.12,7.3']);
    checker.forget(key);
  });

  it('checks the whole file when an edited body holds the first call on some of its kernels', () => {
    // The first body's call compiles only below 7.3: on 7.3 the second body's call is the first.
    const key = 'incremental-partly-first-call';
    const text = twoCalls('7, 3, 0');
    const withoutSecond = text.replace('{\n\tdel_timer(t);\n}\n', '{\n\t(void)t;\n}\n');
    assert.deepEqual(reports(assertSameAsFresh(key, withoutSecond, 'versions', 'one call')), ['5: 7.2']);
    assert.deepEqual(reports(assertSameAsFresh(key, text, 'versions', 'a call written in the second body')), ['5: 7.2', '10: 7.3']);
    const typed = text.replace('static void second(struct timer_list *t)\n{\n', 'static void second(struct timer_list *t)\n{\n\t(void)0;\n');
    assert.deepEqual(reports(assertSameAsFresh(key, typed, 'versions', 'a line typed in the second body')), ['5: 7.2', '11: 7.3']);
    checker.forget(key);
  });
});

describe('re-check after an edit, with a workspace header', () => {
  it('keeps the header\'s positions for a function only the header declares, while the file\'s lines move', () => {
    // The prototype sits further down its header than the edit does in the file.
    const headers: Record<string, string> = { '/ws/drv.h': `#include <linux/vfio.h>\n${'\n'.repeat(20)}int drv_open(struct vfio_device *vdev);\n` };
    const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
    const text = ['#include "drv.h"', '', 'static int first(struct vfio_device *vdev)', '{', '\treturn 0;', '}', '', 'static const struct vfio_device_ops ops = {', '\t.open_device = drv_open,', '};', ''].join('\n');
    const options = { fileName: '/ws/drv.c', targets: parseTargets('versions', db.images).images, resolveInclude };
    const key = 'incremental-header';
    checker.check(text, { ...options, documentKey: key });
    for (const edited of [text.replace('\treturn 0;', '\n\treturn 0;'), text]) {
      const kept = checker.check(edited, { ...options, documentKey: key });
      assert.deepEqual(said(kept), said(checker.check(edited, options)));
      // The signature is the header's, on its line 22.
      assert.deepEqual(kept.usages.find((u) => u.usage.member === 'open_device')?.assigned?.header.startLine, 21);
    }
    checker.forget(key);
  });
});

describe("re-check after an edit, with findings at a header's lines", () => {
  it("keeps what the whole check found at the header's lines while a body is edited, as a fresh check finds it", () => {
    const headers: Record<string, string> = {
      '/ws/drv.h': '#include <linux/version.h>\n#include <linux/iio/iio.h>\nstruct drv_state {\n\tu8 buffer[IIO_DMA_MINALIGN];\n};\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)\n#error "drv is not ported to 7.x"\n#endif\n',
    };
    const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
    const text = ['#include <linux/module.h>', '#include "drv.h"', '', 'static int drv_size(void)', '{', '\treturn sizeof(struct drv_state);', '}', ''].join('\n');
    const options = { fileName: '/ws/drv.c', targets: parseTargets('5.10,6.1,7.3', db.images).images, resolveInclude };
    const key = 'incremental-header-findings';
    const header = (result: CheckResult) => result.headerFindings?.flatMap(({ path, findings }) => findings.map((f) => `${path}:${f.range.startLine + 1} ${f.code} [${f.targets.map((t) => db.images[t].label).join(',')}]`));
    assert.deepEqual(header(checker.check(text, { ...options, documentKey: key })), ['/ws/drv.h:4 undeclared-constant [5.10]', '/ws/drv.h:7 error-directive [7.3]']);
    for (const edited of [text.replace('\treturn sizeof', '\t\treturn sizeof'), text]) {
      const kept = checker.check(edited, { ...options, documentKey: key });
      assert.deepEqual(said(kept), said(checker.check(edited, options)));
      assert.equal(header(kept)?.length, 2);
    }
    checker.forget(key);
  });
});

describe('re-check of an unchanged file whose header changed', () => {
  it('says what a fresh check says with the new header, for the same text and after an edit in a body', () => {
    const headers: Record<string, string> = { '/ws/compat.h': '#include <linux/version.h>\n#define HAS_OPEN_DEVICE (LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0))\n' };
    // The extension makes a resolver per check, reading the header as it is then.
    const options = () => ({ fileName: '/ws/drv.c', targets: parseTargets('5.4..6.8', db.images).images, resolveInclude: createIncludeResolver(['/ws'], (path) => headers[path]) });
    const text = [
      '#include <linux/vfio.h>',
      '#include "compat.h"',
      'static int my_open(struct vfio_device *vdev)',
      '{',
      '\treturn 0;',
      '}',
      'static const struct vfio_device_ops ops = {',
      '#if HAS_OPEN_DEVICE',
      '\t.open_device = my_open,',
      '#else',
      '\t.open = my_open,',
      '#endif',
      '};',
      '',
    ].join('\n');
    const key = 'incremental-header-edit';
    assert.deepEqual(checker.check(text, { ...options(), documentKey: key }).findings.filter((f) => f.code === 'missing-member'), []);
    headers['/ws/compat.h'] = headers['/ws/compat.h'].replace('5, 15, 0', '5, 16, 0');
    for (const edited of [text, text.replace('\treturn 0;', '\treturn 1;')]) {
      const kept = checker.check(edited, { ...options(), documentKey: key });
      assert.deepEqual(said(kept), said(checker.check(edited, options())));
      assert.deepEqual(kept.findings.filter((f) => f.code === 'missing-member').map((f) => f.range.startLine), [10]);
    }
    // The header changes back while a body is edited: the slice sees another header, so the whole file is checked.
    headers['/ws/compat.h'] = headers['/ws/compat.h'].replace('5, 16, 0', '5, 15, 0');
    const edited = text.replace('\treturn 0;', '\treturn 2;');
    const kept = checker.check(edited, { ...options(), documentKey: key });
    assert.deepEqual(said(kept), said(checker.check(edited, options())));
    assert.deepEqual(kept.findings.filter((f) => f.code === 'missing-member'), []);
    checker.forget(key);
  });
});

describe('the slice an edited function is re-checked from', () => {
  const FILE = [
    '#include <linux/netdevice.h>',
    '#define STATS(p) ((p)->nd->stats)',
    'struct my_priv { struct net_device *nd; };',
    'static struct net_device *unused_dev;',
    'static struct my_priv *shared_priv;',
    'static int helper(struct net_device *nd)',
    '{',
    '\treturn nd->mtu;',
    '}',
    'static void other(void)',
    '{',
    '\tunused_dev->mtu = 0;',
    '}',
    'static void edited(void)',
    '{',
    '#ifdef CONFIG_X',
    '\tSTATS(shared_priv).tx_packets++;',
    '#endif',
    '\thelper(0);',
    '}',
    'static const struct net_device_ops ops = {',
    '\t.ndo_stop = 0,',
    '};',
    '',
  ].join('\n');

  it('keeps the function, every directive and type, the declarations it names (functions as headers), and blanks the rest', () => {
    const tree = checker.parser.parse(blankAnnotations(FILE))!;
    const layout = declarationLayout(tree);
    tree.delete();
    const lines = FILE.split('\n');
    const directiveLines = Uint8Array.from(lines, (line) => (line.startsWith('#') ? 1 : 0));
    const edited = layout.findIndex((declaration) => FILE.slice(declaration.start, declaration.end).startsWith('static void edited'));
    const starts = [0, ...[...FILE.matchAll(/\n/g)].map((match) => match.index + 1)];
    const slice = sliceText({ text: FILE, directiveLines, starts, macros: macroTexts(FILE, directiveLines) }, layout, edited).split('\n');
    assert.equal(slice.length, lines.length);
    // Blanked: the unused global, helper's body (its header stays), all of other(), the ops table.
    const blankedLines = new Set([3, 7, 9, 10, 11, 12, 20, 21, 22]);
    assert.deepEqual(
      slice.map((line) => line.trimEnd()),
      lines.map((line, i) => (blankedLines.has(i) ? '' : line)),
    );
    // Every offset holds: blanked characters become spaces.
    assert.deepEqual(slice.map((line) => line.length), lines.map((line) => line.length));
  });

  it('moves what lay after an edit by the characters and lines it added', () => {
    const before = 'a\nbc\nd e\nf';
    const edit = EditShift.between(before, 'a\nbXY\nZc\nd e\nf')!;
    assert.deepEqual([edit.start, edit.oldEnd, edit.newEnd, edit.delta, edit.lineDelta], [3, 3, 7, 4, 1]);
    // `c` was at line 1, column 1: it is on the edit's last line, so its column moves too.
    assert.deepEqual(edit.position({ line: 1, column: 1 }), { line: 2, column: 1 });
    assert.deepEqual(edit.position({ line: 2, column: 2 }), { line: 3, column: 2 });
    assert.equal(edit.line(0), 0);
    assert.equal(edit.offset(6), 10);
    assert.deepEqual(edit.range({ startLine: 0, startColumn: 0, endLine: 0, endColumn: 1, startIndex: 0, endIndex: 1 }), { startLine: 0, startColumn: 0, endLine: 0, endColumn: 1, startIndex: 0, endIndex: 1 });
    assert.equal(EditShift.between(before, before), undefined);
  });

  it('finds the changed stretch of long texts as a character-by-character comparison does (seeded)', () => {
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const naive = (a: string, b: string) => {
      let start = 0;
      while (start < Math.min(a.length, b.length) && a[start] === b[start]) start++;
      let [oldEnd, newEnd] = [a.length, b.length];
      while (oldEnd > start && newEnd > start && a[oldEnd - 1] === b[newEnd - 1]) [oldEnd, newEnd] = [oldEnd - 1, newEnd - 1];
      return { start, oldEnd, newEnd };
    };
    const base = Array.from({ length: 5000 }, () => 'ab\n'[next(3)]).join('');
    for (let i = 0; i < 200; i++) {
      const at = next(base.length);
      const removed = next(3) === 0 ? next(2000) : 0;
      const inserted = 'ab'.repeat(next(3));
      const edited = base.slice(0, at) + inserted + base.slice(at + removed);
      assert.deepEqual(changedStretch(base, edited), naive(base, edited), `edit ${i} at ${at}`);
    }
  });
});
