// The pure parts of the compile oracle (scripts/oracle/, `npm run bench:oracle`): reading
// gcc's diagnostics and Kbuild's commands from real logs, the preprocessor's line markers,
// and the scoring. No network, no builds: the fixtures are excerpts of real runs (paths
// shortened to /cache/oracle) and gcc-12's output on small files of our own.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths';
import { parseCheckerJson } from '../../scripts/oracle/checker';
import { compilerPackage, prepareUnpackedCompiler, runKbuildToolsUnderLoader } from '../../scripts/oracle/compiler';
import { makeArgsFor, readDriverPins, type DriverPin } from '../../scripts/oracle/drivers';
import { classifyError, driverErrors, driverPath, parseDiagnostics, type LocatedError } from '../../scripts/oracle/gccDiagnostics';
import { compileCommands, compileDirectory, isDriverObject, preprocessCommand } from '../../scripts/oracle/kbuild';
import { readKernelPins, rewriteHeadersInclude } from '../../scripts/oracle/kernels';
import { skippedBody } from '../../scripts/oracle/skippedBodies';
import { addCompiledLines, addContinuationLines, type CompiledLines } from '../../scripts/oracle/lineMarkers';
import { formatFindings } from '../../scripts/oracle/report';
import { makeProblem, type RunResult } from '../../scripts/oracle/run';
import { precision, recall, score, type CheckerWarning } from '../../scripts/oracle/score';

const fixtures = join(packageRoot, 'test', 'fixtures', 'oracle');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const XTRX = '/cache/oracle/build/6.12/xtrx';
const WRITEBOOST = '/cache/oracle/build/6.1/dm-writeboost';

const at = (e: LocatedError) => (e.at ? `${e.at.file}:${e.at.line}` : undefined);
const sorted = (lines: Set<number> | undefined) => [...(lines ?? [])].sort((a, b) => a - b);

describe('oracle: gcc diagnostics', () => {
  it('reads errors with their quoted line and the notes that follow them', () => {
    const [first, second] = parseDiagnostics(fixture('member.log'));
    assert.deepEqual(
      { file: first.file, line: first.line, column: first.column, severity: first.severity, excerpt: first.excerpt },
      { file: '/work/drv/member.c', line: 4, column: 37, severity: 'error', excerpt: 'static struct ops table = { .open = open_long, .gone = 1 };' },
    );
    assert.deepEqual(first.notes.map((n) => n.message), ['(near initialization for ‘table.open’)']);
    assert.equal(second.message, '‘struct ops’ has no member named ‘gone’');
    assert.deepEqual(second.notes, []);
  });

  it('puts every member error of gcc 12 in the struct class, and an incompatible pointer only when it goes into a member', () => {
    const kinds = parseDiagnostics(fixture('member.log')).map((d) => `${d.line}: ${classifyError(d)}`);
    assert.deepEqual(kinds, [
      '4: struct-member', // .open = open_long: (near initialization for ‘table.open’)
      '4: struct-member', // .gone: has no member named
      '8: struct-member', // d->ops->open = open_long
      '9: incompatible-type', // local = open_long: not a member
      '10: struct-member', // invalid type argument of ‘->’
      '11: struct-member', // ‘s.ops’ is a pointer; did you mean to use ‘->’?
      '12: struct-member', // request for member ‘x’ in something not a structure or union
      '13: struct-member', // assignment of read-only member
    ]);
  });

  it('tells an undeclared function named as a value from an undeclared constant by its letters', () => {
    const kind = (message: string) => classifyError({ severity: 'error', message, notes: [] } as unknown as Parameters<typeof classifyError>[0]);
    assert.equal(kind('‘no_llseek’ undeclared here (not in a function); did you mean ‘noop_llseek’?'), 'undeclared-function');
    assert.equal(kind('‘FBINFO_FLAG_DEFAULT’ undeclared (first use in this function)'), 'undeclared');
  });

  it('reads the C locale\'s ASCII quotes as the UTF-8 ones (a Makefile that runs gcc under `env -`)', () => {
    const log = [
      "probe.c:4:27: error: storage size of 'test' isn't known",
      "probe.c:6:9: error: 'struct uart_state' has no member named 'xmit'",
      "probe.c:9:2: error: 'for' loop initial declarations are only allowed in C99 or C11 mode",
    ].join('\n');
    const kinds = parseDiagnostics(log).map((d) => [d.message, classifyError(d)]);
    assert.deepEqual(kinds, [
      ['storage size of ‘test’ isn’t known', 'incomplete-type'],
      ['‘struct uart_state’ has no member named ‘xmit’', 'struct-member'],
      ['‘for’ loop initial declarations are only allowed in C99 or C11 mode', 'loop-declaration'],
    ]);
  });

  it('sorts the other errors of a real 6.12 build by kind', () => {
    const errors = driverErrors(fixture('xtrx-6.12.log'), XTRX);
    const byLine = (line: number) => errors.filter((e) => e.at?.line === line).map((e) => e.kind);
    assert.deepEqual(byLine(467), ['struct-member']); // ‘struct uart_state’ has no member named ‘xmit’
    assert.deepEqual(byLine(468), ['implicit-declaration']);
    assert.deepEqual(byLine(475), ['incomplete-type', 'incomplete-type']); // two columns, two errors
    assert.deepEqual(byLine(518), ['struct-member']); // .set_termios = a callback of the old type
    assert.deepEqual(byLine(1054), ['struct-member']); // vma->vm_flags |= …: read-only from 6.3
    assert.deepEqual(byLine(1498), ['argument-type', 'argument-count']); // class_create(THIS_MODULE, …)
    assert.equal(errors.length, 16);
  });

  it('names a missing header and ignores lines that are not diagnostics', () => {
    const log = [
      '/cache/oracle/build/6.1/gost-crypto/gost28147_basic.c:31:10: fatal error: crypto/gost28147.h: No such file or directory',
      '   31 | #include <crypto/gost28147.h>',
      '      |          ^~~~~~~~~~~~~~~~~~~~',
      'compilation terminated.',
      'cc1: some warnings being treated as errors',
      "dpkg-parsechangelog: error: cannot open file /x/debian/changelog: No such file or directory",
    ].join('\n');
    const errors = driverErrors(log, '/cache/oracle/build/6.1/gost-crypto');
    assert.deepEqual(errors.map((e) => [at(e), e.kind]), [['gost28147_basic.c:31', 'missing-header']]);
  });

  it('places an error inside a kernel macro at the driver line that used the macro', () => {
    const errors = driverErrors(fixture('xtrx-6.12.log'), XTRX);
    const passing = errors.find((e) => e.message.startsWith('passing argument 1 of ‘class_create’'))!;
    assert.equal(at(passing), 'xtrx.c:1498');
    assert.match(passing.origin.file, /include\/linux\/init\.h$/);
    const incomplete = driverErrors(fixture('dm-writeboost-6.1.log'), WRITEBOOST).find((e) => e.kind === 'incomplete-type')!;
    assert.equal(at(incomplete), 'dm-writeboost-daemon.c:489'); // part_stat_read(hd, io_ticks) on a removed struct
  });

  it("keeps an error in the driver's own macro at the macro, with the line that used it", () => {
    const errors = driverErrors(fixture('dm-writeboost-6.1.log'), WRITEBOOST);
    const biOp = errors.filter((e) => e.message.includes('‘bi_op’'));
    assert.deepEqual(
      biOp.map((e) => `${at(e)} via ${e.via.map((v) => `${v.file}:${v.line}`).join(',')}`),
      ['dm-writeboost.h:510 via dm-writeboost-metadata.c:324', 'dm-writeboost.h:511 via dm-writeboost-metadata.c:390', 'dm-writeboost.h:509 via dm-writeboost-metadata.c:480'],
    );
  });

  it('counts a header error once however many objects print it, but once per driver line that leads to it', () => {
    const log = fixture('dm-writeboost-6.1.log');
    const once = driverErrors(log, WRITEBOOST).length;
    assert.equal(driverErrors(log + '\n' + log, WRITEBOOST).length, once);
    const elsewhere = log.replace(/dm-writeboost-metadata\.c:324:17: note/g, 'dm-writeboost-metadata.c:999:17: note');
    assert.equal(driverErrors(log + '\n' + elsewhere, WRITEBOOST).length, once + 2); // bi_op and bi_op_flags via line 999
  });
});

describe('oracle: Kbuild commands', () => {
  it("finds 6.12's compile command (after its `# CC [M]` line) without the objtool run chained to it", () => {
    const [c, ...rest] = compileCommands(fixture('xtrx-6.12.log'));
    assert.equal(rest.length, 0);
    assert.equal(c.object, `${XTRX}/xtrx.o`);
    assert.equal(c.source, `${XTRX}/xtrx.c`);
    assert.match(c.command, /^x86_64-linux-gnu-gcc-12 -Wp,-MMD,\S+ -nostdinc /);
    assert.ok(c.command.endsWith(`-c -o ${XTRX}/xtrx.o ${XTRX}/xtrx.c`), c.command.slice(-120));
  });

  it("finds 6.1's compile command, printed without a `# CC` line", () => {
    const commands = compileCommands(fixture('dm-writeboost-6.1.log'));
    assert.deepEqual(commands.map((c) => c.object), [`${WRITEBOOST}/dm-writeboost-metadata.o`]);
    assert.match(commands[0].command, /^gcc-12 /);
  });

  it("finds 7.3's compile command, run in the driver's folder with the source named relative to it, and preprocesses it there", () => {
    const [c, ...rest] = compileCommands(fixture('v4l2loopback-7.3.log'));
    assert.equal(rest.length, 0);
    assert.equal(c.source, 'v4l2loopback.c');
    assert.match(c.command, /^\/cache\/oracle\/compilers\/7\.3\/usr\/bin\/x86_64-linux-gnu-gcc-14 /);
    const headers = '/cache/oracle/root/usr/src/linux-headers-7.3.4+deb13-amd64';
    assert.equal(compileDirectory(c, headers, '/cache/oracle/build/7.3/v4l2loopback'), '/cache/oracle/build/7.3/v4l2loopback');
    const [older] = compileCommands(fixture('xtrx-6.12.log'));
    assert.equal(compileDirectory(older, '/cache/oracle/root/usr/src/linux-headers-6.12', XTRX), '/cache/oracle/root/usr/src/linux-headers-6.12');
  });

  it("places 7.x's relative file names in the build folder, which may be one inside the driver's (xtables-addons' extensions/)", () => {
    const root = '/cache/oracle/build/7.3/xtables-addons';
    assert.equal(driverPath(root, 'xt_quota2.c', `${root}/extensions`), 'extensions/xt_quota2.c');
    assert.equal(driverPath(root, '../common/kds_core.c', `${root}/extensions/sub`), 'extensions/common/kds_core.c');
    assert.equal(driverPath(root, '../../outside.c', `${root}/extensions`), undefined);
    assert.equal(driverPath(root, '/cache/oracle/root/usr/src/linux-headers-7.3.4+deb13-common/include/linux/printk.h', `${root}/extensions`), undefined);
    const log = 'xt_quota2.c: In function ‘q2_get’:\nxt_quota2.c:145:3: error: implicit declaration of function ‘strncpy’ [-Wimplicit-function-declaration]\n';
    assert.deepEqual(driverErrors(log, root, `${root}/extensions`).map((e) => e.at), [{ file: 'extensions/xt_quota2.c', line: 145 }]);
    const [c] = compileCommands(fixture('v4l2loopback-7.3.log'));
    assert.equal(compileDirectory(c, '/headers', `${root}/extensions`), `${root}/extensions`);
  });

  it('preprocesses to standard output with -fdirectives-only and leaves the dependency file alone', () => {
    const [c] = compileCommands(fixture('xtrx-6.12.log'));
    const e = preprocessCommand(c);
    assert.ok(e.endsWith(` -E -fdirectives-only ${XTRX}/xtrx.c`), e.slice(-80));
    assert.doesNotMatch(e, / -c | -o |-Wp,-MMD/);
    assert.match(e, /-DKBUILD_MODNAME='"xtrx"'/); // the rest of the command is kept as is
  });

  it("says why make stopped in its own words, not with the V=1 commands around them", () => {
    const log = [
      'make: Entering directory \'/cache/oracle/root/usr/src/linux-headers-6.1.0-57-amd64\'',
      '/cache/oracle/build/6.1/xtables-addons/extensions/Kbuild:3: /mconfig: No such file or directory',
      "make[1]: *** No rule to make target '/mconfig'.",
      '  gcc-12 -Wp,-MMD,/cache/oracle/build/6.1/xtables-addons/extensions/.compat_xtables.o.d -nostdinc -c -o x.o x.c',
      'make: Target \'modules\' not remade because of errors.',
    ].join('\n');
    assert.equal(makeProblem(log), "/cache/oracle/build/6.1/xtables-addons/extensions/Kbuild:3: /mconfig: No such file or directory / make[1]: *** No rule to make target '/mconfig'.");
  });

  it("takes the driver's objects only", () => {
    const object = (source: string) => ({ object: source.replace(/\.c$/, '.o'), source, command: '' });
    assert.equal(isDriverObject(object(`${XTRX}/xtrx.c`), XTRX), true);
    assert.equal(isDriverObject(object(`${XTRX}/xtrx.mod.c`), XTRX), false);
    assert.equal(isDriverObject(object('/cache/oracle/root/usr/src/linux-headers-6.12.118+deb12-common/scripts/module-common.c'), XTRX), false);
  });
});

describe('oracle: line markers', () => {
  const root = '/work/drv';

  it('reads the lines of driver files that came out of the preprocessor, and nothing of kernel headers', () => {
    const compiled = addCompiledLines(fixture('drv.i'), root);
    assert.deepEqual([...compiled.keys()].sort(), ['drv.c', 'drv.h']);
    // drv.c: its two #include lines, the function, the #else branch (not the #ifdef DRV_OLD
    // one), nothing of #if 0, and both lines of the macro call written over two lines.
    assert.deepEqual(sorted(compiled.get('drv.c')), [1, 2, 4, 11, 12, 13, 28, 29, 30, 31, 32]);
    assert.deepEqual(sorted(compiled.get('drv.h')), [1, 5]);
  });

  it('counts the continuation lines of a multi-line #define with its first line', () => {
    const compiled = addCompiledLines(fixture('drv.i'), root);
    addContinuationLines(compiled, (file) => readFileSync(join(fixtures, 'drv', file), 'utf8'));
    assert.deepEqual(sorted(compiled.get('drv.h')), [1, 5, 6, 7]);
  });

  it("skips the marker of the folder gcc ran in, which is the driver's own when Kbuild compiles there (6.13+)", () => {
    const preprocessed = ['# 0 "drv.c"', '# 0 "/work/drv//"', '# 0 "<built-in>"', '# 1 "drv.c"', 'int a;'].join('\n');
    const compiled = addCompiledLines(preprocessed, root);
    assert.deepEqual([...compiled.keys()], ['drv.c']);
    assert.deepEqual(sorted(compiled.get('drv.c')), [1]);
  });

  it('joins the objects of one build: a line is compiled where any object compiled it', () => {
    const one = ['# 1 "/work/drv/a.h"', 'int a;', '', 'int c;'].join('\n');
    const two = ['# 2 "/work/drv/a.h"', 'int b;'].join('\n');
    const compiled = addCompiledLines(two, root, addCompiledLines(one, root));
    assert.deepEqual(sorted(compiled.get('a.h')), [1, 2, 3]);
  });
});

describe('oracle: scoring', () => {
  const error = (file: string, line: number, kind: LocatedError['kind'], via: { file: string; line: number }[] = []): LocatedError => ({
    kind,
    message: `${kind} at ${file}:${line}`,
    column: 1,
    at: { file, line },
    via,
    origin: { file, line, column: 1 },
  });
  const warning = (file: string, line: number, code = 'missing-member'): CheckerWarning => ({ file, line, column: 1, code, message: `w ${file}:${line}` });
  const compiled: CompiledLines = new Map([
    ['a.c', new Set([1, 2, 10, 11, 12, 20, 30])],
    ['a.h', new Set([5])],
  ]);
  const errors = [
    error('a.c', 1, 'missing-header'),
    error('a.c', 10, 'struct-member'),
    error('a.c', 10, 'incompatible-type'), // an echo on the same line: not counted as another kind
    error('a.h', 5, 'struct-member', [{ file: 'a.c', line: 12 }]), // a driver macro used at a.c:12
    error('a.c', 20, 'struct-member'), // missed
    error('a.c', 30, 'implicit-declaration'),
  ];
  const warnings = [
    warning('a.c', 10),
    warning('a.c', 12, 'callback-signature'),
    warning('a.c', 11),
    warning('a.c', 30),
    warning('a.c', 40),
    warning('a.c', 1, 'missing-header'),
    warning('a.c', 2, 'missing-header'), // the header is there on this kernel
    warning('a.c', 20, 'missing-header'), // a struct-member error is not a missing header
  ];
  const result = score(errors, compiled, warnings);

  it('judges each warning by the build: error line, macro use, compiled line, other error, uncompiled', () => {
    assert.deepEqual(
      result.warnings.map((w) => `${w.line} ${w.claim} ${w.verdict}${w.viaMacro ? ' (macro)' : ''}`),
      [
        '10 struct-member true-positive',
        '12 struct-member true-positive (macro)',
        '11 struct-member false-positive',
        '30 struct-member on-other-error',
        '40 struct-member uncompiled',
        '1 missing-header true-positive',
        '2 missing-header false-positive',
        '20 missing-header on-other-error',
      ],
    );
  });

  it('measures recall on error lines of each class and counts the other errors by kind', () => {
    assert.deepEqual(result.errorLines['struct-member'].map((l) => `${l.file}:${l.line} ${l.warned}`), ['a.c:10 true', 'a.c:20 false', 'a.h:5 true']);
    assert.equal(result.otherErrors['implicit-declaration'], 1);
    assert.equal(result.otherErrors['incompatible-type'], 0);
    assert.equal(result.otherErrors['missing-header'], 1);
    const structs = result.counts['struct-member'];
    assert.equal(precision(structs), 2 / 3);
    assert.equal(recall(structs), 2 / 3);
    const headers = result.counts['missing-header'];
    assert.deepEqual([headers.truePositives, headers.falsePositives, headers.warnedErrorLines, headers.errorLines], [1, 1, 1, 1]);
  });

  it('lists every false positive and every miss', () => {
    const run = { driver: 'drv', kernel: '6.12', score: result } as RunResult;
    const text = formatFindings([run]);
    assert.match(text, /False positives \(2\):\n {2}drv@6\.12 {2}a\.c:11:1 {2}\[missing-member\] w a\.c:11\n {2}drv@6\.12 {2}a\.c:2:1 {2}\[missing-header\]/);
    assert.match(text, /without a warning \(1\):\n {2}drv@6\.12 {2}a\.c:20 {2}struct-member at a\.c:20/);
    assert.deepEqual(result.errorLines['missing-function'].map((l) => `${l.file}:${l.line} ${l.warned}`), ['a.c:30 false']);
    assert.match(text, /Implicit-declaration error lines without a missing-function warning \(1\):\n {2}drv@6\.12 {2}a\.c:30 /);
  });

  it("scores an undefined driver macro's call as an implicit declaration, and extra-cflags' -D macro as an undeclared name", () => {
    const judged = score(
      [error('b.c', 3, 'implicit-declaration'), error('b.c', 4, 'undeclared'), error('b.c', 5, 'missing-header')],
      new Map([['b.c', new Set([3, 4, 5])]]),
      [
        warning('b.c', 3, 'undefined-macro'),
        { ...warning('b.c', 4, 'extra-cflags'), message: '`DEMO_RETRIES` is defined only by `-DDEMO_RETRIES` of EXTRA_CFLAGS, which Kbuild ignores from 6.15' },
        { ...warning('b.c', 5, 'extra-cflags'), message: '`demo.h` is found only through `-I../include` of EXTRA_CFLAGS' },
      ],
    );
    assert.deepEqual(
      judged.warnings.map((w) => `${w.line} ${w.claim} ${w.verdict}`),
      ['3 missing-function true-positive', '4 undeclared-constant true-positive', '5 missing-header true-positive'],
    );
  });

  it("scores callback-signature at a call's argument as an argument's type, and in a member as the member's", () => {
    const judged = score(
      [error('c.c', 3, 'argument-type'), error('c.c', 4, 'struct-member')],
      new Map([['c.c', new Set([3, 4])]]),
      [
        { ...warning('c.c', 3, 'callback-signature'), message: '`done` does not fit parameter 5 of `dm_io_async_bvec` on 7.2–7.3: it takes 2 parameters, not 3' },
        { ...warning('c.c', 4, 'callback-signature'), message: '`my_open` does not fit `.open` of struct file_operations on 7.2: …' },
      ],
    );
    assert.deepEqual(judged.warnings.map((w) => `${w.line} ${w.claim} ${w.verdict}`), ['3 call-arguments true-positive', '4 struct-member true-positive']);
  });
});

describe('oracle: argument counts', () => {
  it("classes gcc's argument-count errors of functions and of macros together, and argument types apart", () => {
    const at = { file: 'a.c', line: 1, column: 1, severity: 'error' as const, notes: [] };
    assert.equal(classifyError({ ...at, message: 'too many arguments to function ‘class_create’' }), 'argument-count');
    assert.equal(classifyError({ ...at, message: 'macro "class_create" requires 2 arguments, but only 1 given' }), 'argument-count');
    assert.equal(classifyError({ ...at, message: 'macro "f" passed 3 arguments, but takes just 2' }), 'argument-count');
    assert.equal(classifyError({ ...at, message: 'passing argument 1 of ‘setattr_prepare’ from incompatible pointer type [-Werror=incompatible-pointer-types]' }), 'argument-type');
  });
});

describe('oracle: function bodies gcc skipped', () => {
  it('finds the body of a definition whose header gcc could not read, and nothing for a declaration or a local', () => {
    const text = [
      'static void f(struct bio *b,', // 1
      '              make_request_fn *fn)', // 2
      '{', // 3
      '\tbio = bio_alloc(GFP_KERNEL, 0);', // 4
      '}', // 5
      'void g(make_request_fn *fn);', // 6
      'static void h(void)', // 7
      '{', // 8
      '\tmake_request_fn *fn;', // 9
      '}', // 10
    ].join('\n');
    assert.deepEqual(skippedBody(text, 2), { first: 3, last: 5 });
    assert.equal(skippedBody(text, 6), undefined);
    assert.equal(skippedBody(text, 9), undefined);
  });
});

describe('oracle: inputs', () => {
  it("keeps the checker's warnings only, with files relative to the driver", () => {
    const json = JSON.stringify([
      { file: 'eio_conf.c', line: 3, column: 2, code: 'missing-member', severity: 'warning', message: 'm' },
      { file: 'src/x.h', line: 1, column: 1, code: 'dead-guard', severity: 'hint', message: 'h' },
      { file: 'src/x.h', line: 9, column: 1, code: 'struct-not-in-image', severity: 'information', message: 'i' },
    ]);
    assert.deepEqual(parseCheckerJson(json, '/cache/oracle/drivers/x/usr/src/x'), [{ file: 'eio_conf.c', line: 3, column: 2, code: 'missing-member', message: 'm' }]);
  });

  it("points the headers' include of the common Makefile into the private root", () => {
    const makefile = 'include /usr/src/linux-headers-6.1.0-57-common/Makefile\n';
    assert.equal(rewriteHeadersInclude(makefile, '/cache/oracle/root'), 'include /cache/oracle/root/usr/src/linux-headers-6.1.0-57-common/Makefile\n');
    assert.equal(rewriteHeadersInclude(rewriteHeadersInclude(makefile, '/r'), '/r'), 'include /r/usr/src/linux-headers-6.1.0-57-common/Makefile\n');
  });

  it("points 7.x's KBUILD_OUTPUT, the headers' own folder, into the private root as well", () => {
    const makefile = 'KBUILD_OUTPUT=/usr/src/linux-headers-7.3.4+deb13-amd64\ninclude /usr/src/linux-headers-7.3.4+deb13-common/Makefile\n';
    assert.equal(
      rewriteHeadersInclude(makefile, '/r'),
      'KBUILD_OUTPUT=/r/usr/src/linux-headers-7.3.4+deb13-amd64\ninclude /r/usr/src/linux-headers-7.3.4+deb13-common/Makefile\n',
    );
  });

  it('passes the build copy to make variables that name it', () => {
    const pin = { makeArgs: ['XA_ABSTOPSRCDIR=${SOURCE}', 'VERSION=1'] } as DriverPin;
    assert.deepEqual(makeArgsFor(pin, '/b/xtables'), ['XA_ABSTOPSRCDIR=/b/xtables', 'VERSION=1']);
  });

  describe('an unpacked compiler', () => {
    let root: string;
    const put = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    const cc = 'x86_64-linux-gnu-gcc-14';
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'kc-compiler-'));
      put(`usr/bin/${cc}`, 'driver');
      put('usr/bin/x86_64-linux-gnu-as', 'assembler');
      put('usr/libexec/gcc/x86_64-linux-gnu/14/cc1', 'cc1');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('runs as it is when its root has no C library of its own (bullseye gcc-10 here)', () => {
      assert.equal(prepareUnpackedCompiler(root, cc), join(root, 'usr/bin', cc));
      assert.equal(readFileSync(join(root, 'usr/bin', cc), 'utf8'), 'driver');
    });

    it("starts its driver, cc1 and assembler under its root's own loader, once however often it is prepared", () => {
      put('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'loader');
      prepareUnpackedCompiler(root, cc);
      assert.equal(prepareUnpackedCompiler(root, cc), join(root, 'usr/bin', cc));
      const loader = join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
      const launches = (real: string) => `#!/bin/sh\nexec '${loader}' --library-path '${join(root, 'usr/lib/x86_64-linux-gnu')}' --argv0 "$0" '${join(root, real)}' "$@"\n`;
      assert.equal(readFileSync(join(root, 'usr/bin', cc), 'utf8'), launches(`usr/bin/${cc}.real`));
      assert.equal(readFileSync(join(root, 'usr/bin', `${cc}.real`), 'utf8'), 'driver');
      assert.equal(readFileSync(join(root, 'usr/libexec/gcc/x86_64-linux-gnu/14/cc1'), 'utf8'), launches('usr/libexec/gcc/x86_64-linux-gnu/14/cc1.real'));
      assert.equal(readFileSync(join(root, 'usr/libexec/gcc/x86_64-linux-gnu/14/as'), 'utf8'), launches('usr/bin/x86_64-linux-gnu-as.real'));
      assert.equal(readFileSync(join(root, 'usr/bin/x86_64-linux-gnu-as.real'), 'utf8'), 'assembler');
    });

    it("starts the Kbuild tools' ELF programs under that loader too, and leaves their scripts and other files alone", () => {
      put('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'loader');
      const tools = join(root, 'kbuild');
      const program = (path: string, text: string, mode: number) => {
        put(`kbuild/${path}`, text);
        chmodSync(join(tools, path), mode);
      };
      program('tools/objtool/objtool', '#!/bin/sh\nexec "$0.real-x86" "$@"\n', 0o755);
      program('tools/objtool/objtool.real-x86', '\x7fELF objtool', 0o755);
      program('scripts/module.lds', '\x7fELF not a program', 0o644);
      runKbuildToolsUnderLoader(root, tools);
      runKbuildToolsUnderLoader(root, tools);
      assert.match(readFileSync(join(tools, 'tools/objtool/objtool.real-x86'), 'utf8'), /--argv0 "\$0" '.*\/tools\/objtool\/objtool\.real-x86\.real' "\$@"\n$/);
      assert.equal(readFileSync(join(tools, 'tools/objtool/objtool.real-x86.real'), 'utf8'), '\x7fELF objtool');
      assert.equal(readFileSync(join(tools, 'tools/objtool/objtool'), 'utf8'), '#!/bin/sh\nexec "$0.real-x86" "$@"\n');
      assert.equal(readFileSync(join(tools, 'scripts/module.lds'), 'utf8'), '\x7fELF not a program');
    });

    it('names the compiler the headers ask for when the pinned packages lack it', () => {
      assert.throws(() => prepareUnpackedCompiler(root, 'x86_64-linux-gnu-gcc-16'), /the headers name x86_64-linux-gnu-gcc-16, which the pinned compiler packages do not hold/);
    });
  });

  it("installs a cross-named compiler from Debian's package of the plain name", () => {
    assert.equal(compilerPackage('x86_64-linux-gnu-gcc-12'), 'gcc-12');
    assert.equal(compilerPackage('gcc-12'), 'gcc-12');
  });

  it('has well-formed pins: drivers with a SHA-256 and a source folder, kernels with their Kbuild package', () => {
    const drivers = readDriverPins();
    assert.ok(drivers.length >= 9);
    for (const d of drivers) assert.match(d.sha256, /^[0-9a-f]{64}$/, d.name);
    assert.deepEqual(readKernelPins().map((k) => k.label), ['5.10', '6.1', '6.12', '7.2', '7.3']);
  });
});
