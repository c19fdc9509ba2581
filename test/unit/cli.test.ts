import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';
import { readSource } from '../../src/cli/files';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const example = (path: string) => relative(process.cwd(), join(packageRoot, 'examples', path));
const fixture = (path: string) => relative(process.cwd(), join(packageRoot, 'test', 'fixtures', 'cli', path));

describe('kernel-compat check', () => {
  it('prints gcc-style findings for the unguarded mtty driver and exits 1', async () => {
    const legacy = example('vfio-mtty/mtty_legacy.c');
    const result = await cli(['check', '--targets', '5.4..5.19', legacy]);
    assert.equal(result.code, 1);
    assert.equal(
      result.out,
      [
        `${legacy}:24:3: note: struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels [struct-not-in-image]`,
        `${legacy}:25:3: warning: \`mtty_open\` does not fit \`.open\` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *) [callback-signature]`,
        `${legacy}:25:3: warning: \`open\` is not in struct vfio_device_ops on 5.15–5.19: replaced by \`open_device\` in 5.15 [missing-member]`,
        `${legacy}:26:3: warning: \`mtty_release\` does not fit \`.release\` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is void (*)(struct vfio_device *) [callback-signature]`,
        `${legacy}:26:3: warning: \`release\` is not in struct vfio_device_ops on 5.15–5.19: replaced by \`close_device\` in 5.15 [missing-member]`,
        `${legacy}:27:3: warning: \`mtty_ioctl\` does not fit \`.ioctl\` of struct vfio_device_ops on 5.13–5.19: its parameter 1 is void *, not struct vfio_device *; the member there is long int (*)(struct vfio_device *, unsigned int, long unsigned int) [callback-signature]`,
        '',
      ].join('\n'),
    );
    assert.match(result.err, /1 file\(s\) checked against 7 kernel\(s\), 6 finding\(s\)/);
  });

  it('is clean and exits 0 on the guarded mtty driver, its compat.h followed', async () => {
    const result = await cli(['check', '--targets', '5.4..5.19', example('vfio-mtty')]);
    const guarded = result.out.split('\n').filter((l) => l.includes('mtty.c:') && !l.includes('mtty_legacy'));
    // Debian 5.10 is known from its vmlinux only, where VFIO is a module: a note, not a warning.
    assert.deepEqual(guarded, [
      `${example('vfio-mtty/mtty.c')}:78:3: note: struct vfio_device_ops is not in the vmlinux BTF of 5.10 (it may be built as a module or configured off there), so its members are not checked on those kernels [struct-not-in-image]`,
    ]);
  });

  it('gives one JSON object per finding with 1-based positions and target labels', async () => {
    const legacy = example('vfio-mtty/mtty_legacy.c');
    const result = await cli(['check', '--format', 'json', '--targets', '5.13,5.15', legacy]);
    assert.equal(result.code, 1);
    const findings = JSON.parse(result.out);
    assert.deepEqual(findings[1], {
      file: legacy,
      line: 25,
      column: 3,
      endLine: 25,
      endColumn: 7,
      code: 'missing-member',
      severity: 'warning',
      message: '`open` is not in struct vfio_device_ops on 5.15: replaced by `open_device` in 5.15',
      struct: 'struct vfio_device_ops',
      member: 'open',
      targets: ['5.15'],
    });
  });

  it('writes SARIF 2.1.0 with rules and locations', async () => {
    const result = await cli(['check', '--format', 'sarif', '--targets', '5.15', example('vfio-mtty/mtty_legacy.c')]);
    const sarif = JSON.parse(result.out);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, 'kernel-compat');
    assert.deepEqual(run0.tool.driver.rules.map((r: { id: string }) => r.id), ['missing-member', 'struct-not-in-image', 'callback-signature', 'access-operator', 'read-only-member', 'preprocessor', 'dead-guard', 'missing-function', 'missing-header', 'call-arguments', 'incomplete-struct', 'undeclared-constant', 'unknown-type', 'for-loop-declaration', 'extra-cflags', 'symbol-namespace', 'date-time', 'error-directive', 'undefined-macro', 'conflicting-function']);
    assert.deepEqual(
      run0.results.map((r: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }) => [
        r.ruleId,
        r.level,
        r.locations[0].physicalLocation.region.startLine,
        r.locations[0].physicalLocation.region.startColumn,
      ]),
      [
        ['missing-member', 'warning', 25, 3],
        ['callback-signature', 'warning', 27, 3],
        ['missing-member', 'warning', 26, 3],
      ].sort((a, b) => (a[2] as number) - (b[2] as number)),
    );
  });

  it('streams JSON and SARIF that parse, hold every finding and read as one pretty-printed document', async () => {
    const folder = example('');
    const text = await cli(['check', '--targets', '5.4..7.3', folder]);
    const count = text.out.split('\n').filter(Boolean).length;
    assert.ok(count > 5);
    for (const format of ['json', 'sarif']) {
      const result = await cli(['check', '--format', format, '--targets', '5.4..7.3', folder]);
      const document = JSON.parse(result.out);
      assert.equal(result.out, JSON.stringify(document, null, 2) + '\n');
      assert.equal((format === 'json' ? document : document.runs[0].results).length, count);
    }
    const clean = await cli(['check', '--format', 'json', '--targets', '5.15', example('vfio-mtty/mtty.c')]);
    assert.deepEqual(JSON.parse(clean.out), []);
  });

  it('gives the same output, byte for byte, from worker threads as from one thread', async () => {
    const folder = example('');
    for (const format of ['text', 'json', 'sarif']) {
      const alone = await cli(['check', '--format', format, '--jobs', '1', '--targets', '5.4..7.3', folder]);
      const threaded = await cli(['check', '--format', format, '--jobs', '2', '--targets', '5.4..7.3', folder]);
      assert.equal(threaded.out, alone.out, format);
      assert.equal(threaded.err, alone.err, format);
      assert.equal(threaded.code, alone.code, format);
    }
  });

  it('knows the driver\'s own types in worker threads as in one: each thread reads part of the workspace index', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kc-shared-index-'));
    try {
      // The driver's own `struct urb`, in a header of another folder that io/*.c include by a
      // name only the workspace index resolves: without the index, `c->mine` is judged as the
      // kernel's urb, which has no `mine`.
      mkdirSync(join(root, 'core'));
      mkdirSync(join(root, 'io'));
      writeFileSync(join(root, 'core', 'urb_defs.h'), 'struct urb { int mine; };\n');
      const user = (name: string) => `#include <linux/module.h>\n#include <linux/usb.h>\n#include "urb_defs.h"\nint ${name}(struct urb *c)\n{\n\treturn c->mine;\n}\n`;
      for (const name of ['a', 'b', 'c']) writeFileSync(join(root, 'io', `${name}.c`), user(`${name}_read`));
      writeFileSync(join(root, 'core', 'main.c'), user('main_read'));
      const alone = await cli(['check', '--format', 'json', '--jobs', '1', '--targets', '6.1', root]);
      const threaded = await cli(['check', '--format', 'json', '--jobs', '2', '--targets', '6.1', root]);
      assert.deepEqual(JSON.parse(alone.out), [], 'c->mine is the driver\'s member');
      assert.equal(alone.code, 0);
      assert.equal(threaded.out, alone.out);
      assert.equal(threaded.code, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the slowest files with --timings and refuses a --jobs that is not a count', async () => {
    const timed = await cli(['check', '--timings', '--targets', '5.15', example('vfio-mtty')]);
    assert.match(timed.err, /s for \d+ file\(s\) on 1 thread\(s\), peak RSS \d+ MB; slowest:\n +\d+ ms  .*\.[ch]\n/);
    const bad = await cli(['check', '--jobs', 'many', example('chardev')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--jobs must be a whole number of threads, 1 or more, not 'many'/);
  });

  it('leaves out the notes with --min-severity warning, says how many, and refuses an unknown level', async () => {
    const legacy = example('vfio-mtty/mtty_legacy.c');
    const all = await cli(['check', '--targets', '5.4..5.19', legacy]);
    const warnings = await cli(['check', '--min-severity', 'warning', '--targets', '5.4..5.19', legacy]);
    assert.equal(warnings.code, 1);
    assert.equal(warnings.out, all.out.split('\n').filter((line) => !line.includes(': note: ')).join('\n'));
    assert.equal(warnings.out.split('\n').filter(Boolean).length, 5);
    assert.match(warnings.err, /5 finding\(s\) \(and 1 below warning, not shown\)/);
    const sarif = JSON.parse((await cli(['check', '--format', 'sarif', '--min-severity', 'warning', '--targets', '5.4..5.19', legacy])).out);
    assert.deepEqual([...new Set(sarif.runs[0].results.map((r: { level: string }) => r.level))], ['warning']);
    const notesOnly = await cli(['check', '--min-severity', 'error', '--targets', '5.4..5.19', legacy]);
    assert.equal(notesOnly.code, 0, 'nothing at or above the level is found, so the run is clean');
    assert.equal(notesOnly.out, '');
    const bad = await cli(['check', '--min-severity', 'note', legacy]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--min-severity must be one of error, warning, information, hint, not 'note'/);
  });

  it('stops quietly with the SIGPIPE status when its reader closes the pipe (check … | head)', async () => {
    // The bundled launcher, as a shell runs it: `pretest` builds it.
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'kernel-compat.js'), 'check', '--format', 'json', example('vfio-mtty')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(err, '');
    assert.equal(code, 141);
  });

  it('refuses unknown targets, formats and paths with exit 2', async () => {
    const badTarget = await cli(['check', '--targets', '9.9', example('chardev')]);
    assert.equal(badTarget.code, 2);
    assert.match(badTarget.err, /--targets: '9\.9' matches no kernel image/);
    assert.equal((await cli(['check', '--format', 'xml', example('chardev')])).code, 2);
    const missing = await cli(['check', 'no/such/dir']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file or folder: no\/such\/dir/);
  });

  it('reports the #error of a file that refuses kernels, and what fails after it there, as gcc goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-error-'));
    try {
      const refusing = ['#include <linux/version.h>', '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)', '#error "needs 5.13"', '#endif', ''];
      writeFileSync(join(dir, 'new.c'), [...refusing, 'static const struct vfio_device_ops ops = {', '\t.open = 0,', '};', ''].join('\n'));
      const result = await cli(['check', '--targets', '5.11..5.15', dir]);
      assert.equal(result.code, 1);
      assert.equal(
        result.out,
        `${join(dir, 'new.c')}:3:1: warning: This #error is reached on 5.11, so the build fails there: "needs 5.13" [error-directive]\n` +
          `${join(dir, 'new.c')}:7:3: warning: \`open\` is not in struct vfio_device_ops on 5.15: replaced by \`open_device\` in 5.15 [missing-member]\n`,
      );
      assert.doesNotMatch(result.err, /not checked/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips binary and oversized files with a note, reads non-UTF-8 text, survives unbalanced #if', async () => {
    const binary = await cli(['check', '--targets', '5.15', fixture('binary.c')]);
    assert.equal(binary.code, 2);
    assert.match(binary.err, /binary\.c: skipped: not a text file \(it contains NUL bytes\)/);

    const dir = mkdtempSync(join(tmpdir(), 'kc-big-'));
    try {
      writeFileSync(join(dir, 'huge.c'), 'int x;\n'.repeat(400_000));
      const huge = await cli(['check', dir]);
      assert.match(huge.err, /huge\.c: skipped: 2\.7 MB is over the 2 MB limit/);
      // A device named on the command line never ends: it is refused, not read.
      const device = await cli(['check', '/dev/zero']);
      assert.equal(device.code, 2);
      assert.match(device.err, /\/dev\/zero: skipped: not a regular file \(a pipe, socket or device\)/);
      // Listed, then gone before its turn (a build cleaning up): skipped with the reason, no throw.
      assert.deepEqual(readSource(join(dir, 'gone.c')), { path: join(dir, 'gone.c'), reason: 'skipped: cannot be read (ENOENT)' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const latin1 = await cli(['check', '--targets', '5.15', fixture('latin1.c')]);
    assert.equal(latin1.code, 1);
    assert.match(latin1.out, /latin1\.c:3:3: warning: `open` is not in struct vfio_device_ops on 5\.15/);

    const unbalanced = await cli(['check', '--targets', '5.13,5.15', fixture('unbalanced.c')]);
    assert.match(unbalanced.out, /unbalanced\.c:1:1: note: .*#if.*\[preprocessor\]/);
    assert.doesNotMatch(unbalanced.out, /missing-member/);
  });
});
