import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { importedKernelFileName } from '../../src/core/kernels/importedKernels';
import { DEFAULT_SEVERITIES } from '../../src/core/rules';
import { gunzipSync } from 'node:zlib';
import { EngineClient, EngineRequestError, type EngineClientOptions } from '../../src/extension/engineClient';
import type { Method, WorkerInit } from '../../src/extension/worker/protocol';
import { packageRoot } from '../../src/cli/paths';
import { fixturesDir } from './helpers';

// The thread entry as tsc compiles it beside this test (out/src/extension/worker/checkWorker.js).
const WORKER = join(__dirname, '..', '..', 'src', 'extension', 'worker', 'checkWorker.js');

function wasmPath(inDist: string, fallback: () => string): string {
  const bundled = join(packageRoot, 'dist', inDist);
  return existsSync(bundled) ? bundled : fallback();
}

function init(overrides: Partial<WorkerInit> = {}): WorkerInit {
  return {
    runtimeWasmPath: wasmPath('tree-sitter.wasm', () => require.resolve('web-tree-sitter/tree-sitter.wasm')),
    grammarWasmPath: wasmPath('tree-sitter-c.wasm', () => join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm')),
    dataDir: join(packageRoot, 'data'),
    workspace: { folders: [], files: [], texts: {} },
    ...overrides,
  };
}

/** A client on the compiled thread, recording what it tells the host. */
function client(overrides: Partial<WorkerInit> = {}, options: Partial<EngineClientOptions> = {}) {
  const seen = { logs: [] as string[], deaths: [] as Error[] };
  const engine = new EngineClient({
    workerPath: WORKER,
    init: async () => init(overrides),
    log: (line) => seen.logs.push(line),
    warning: () => undefined,
    died: (error) => seen.deaths.push(error),
    ...options,
  });
  return { engine, seen };
}

const DRIVER = [
  '#include <linux/vfio.h>',
  'static int demo_open(void *data) { return 0; }',
  'static const struct vfio_device_ops demo_ops = {',
  '\t.open = demo_open,',
  '};',
  '',
].join('\n');

describe('the checking thread and its client', function () {
  this.timeout(120_000);
  const clients: EngineClient[] = [];
  afterEach(() => {
    for (const engine of clients.splice(0)) engine.dispose();
  });

  it('checks a file off the calling thread and answers its hover and quick fixes from the kept result', async () => {
    const { engine, seen } = client();
    clients.push(engine);
    const key = 'untitled:demo.c';
    const answer = await engine.request('check', {
      key,
      version: 1,
      text: DRIVER,
      fileName: '/nowhere/demo.c',
      onDisk: false,
      roots: ['/nowhere'],
      targets: ['5.4..5.19'],
      severities: DEFAULT_SEVERITIES,
      openTexts: {},
    });
    assert.ok(!answer.superseded);
    const missing = answer.findings.findIndex((f) => f.code === 'missing-member' && f.member === 'open');
    assert.ok(missing >= 0, `no missing-member finding on .open: ${JSON.stringify(answer.findings.map((f) => f.code))}`);
    assert.ok(answer.targetLabels.includes('5.15'));
    assert.ok(seen.logs.some((line) => line.startsWith('/nowhere/demo.c: ') && line.includes('finding(s)')), seen.logs.join('\n'));

    const hover = await engine.request('hover', { key, version: 1, offset: DRIVER.indexOf('.open') + 2, line: 3, character: 3 });
    assert.match(hover?.markdown ?? '', /vfio\\_device\\_ops\*\* · member `open`/);
    assert.deepEqual(hover?.aggregate, { kind: 'struct', name: 'vfio_device_ops' });
    // An answer for another version of the text would misplace edits: none.
    assert.equal(await engine.request('hover', { key, version: 2, offset: DRIVER.indexOf('.open') + 2, line: 3, character: 3 }), undefined);

    const [fixes] = await engine.request('quickFixes', { key, version: 1, findings: [missing] });
    assert.ok(fixes.some((fix) => fix.kind === 'ignore'), JSON.stringify(fixes.map((fix) => fix.title)));
  });

  it('answers an older check of a document still queued behind a newer one as superseded', async () => {
    const { engine } = client();
    clients.push(engine);
    const check = (version: number, text: string) =>
      engine.request('check', { key: 'untitled:edited.c', version, text, fileName: '/nowhere/edited.c', onDisk: false, roots: ['/nowhere'], targets: ['5.4..5.19'], severities: DEFAULT_SEVERITIES, openTexts: {} });
    const [older, newer] = await Promise.all([check(1, DRIVER), check(2, DRIVER.replace('.open = demo_open,', ''))]);
    assert.deepEqual(older, { superseded: true });
    assert.ok(!newer.superseded);
    assert.deepEqual(newer.findings.filter((f) => f.code === 'missing-member'), []);
    // The same with the engine loaded and busy: both wait in the queue while it checks a large
    // file, and the older one is taken up after. (Sent to an idle thread, the older one could
    // be taken up before the newer one has arrived: then both are answered, which is right too.)
    const large = DRIVER + Array.from({ length: 4000 }, (_, i) => `static int busy_${i}(struct file *file) { return file->f_flags & ${i}; }`).join('\n');
    const busy = engine.request('check', { key: 'untitled:large.c', version: 1, text: large, fileName: '/nowhere/large.c', onDisk: false, roots: ['/nowhere'], targets: ['5.4..5.19'], severities: DEFAULT_SEVERITIES, openTexts: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [again, latest] = await Promise.all([check(3, DRIVER), check(4, DRIVER)]);
    assert.ok(!(await busy).superseded);
    assert.deepEqual(again, { superseded: true });
    assert.ok(!latest.superseded && latest.findings.some((f) => f.code === 'missing-member'));
  });

  it('reads a kernel from BTF in the thread and hands it over labelled; bad BTF is the user\'s problem, told as is', async () => {
    const { engine } = client();
    clients.push(engine);
    const source = new Uint8Array(readFileSync(join(fixturesDir, 'btf', 'vmlinux.btf')));
    const summary = await engine.request('readKernel', { request: { label: 'pending', kernel: { name: 'vmlinux.btf', source }, release: '6.1.90' } });
    assert.equal(summary.release, '6.1.90');
    assert.ok(summary.structs > 0);
    const bytes = await engine.request('takeKernel', { label: 'mine' });
    assert.equal(JSON.parse(gunzipSync(bytes!).toString('utf8')).image.label, 'mine');
    // Taken once: a second take finds nothing.
    assert.equal(await engine.request('takeKernel', { label: 'mine' }), undefined);

    const garbage = { label: 'pending', kernel: { name: 'vmlinux.btf', source: new Uint8Array([1, 2, 3, 4]) }, release: '6.1.90' };
    await assert.rejects(engine.request('readKernel', { request: garbage }), (error: unknown) => error instanceof EngineRequestError && error.inputProblem);
  });

  it('loads the stored imported kernels, and those stored since after a reload', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kernel-compat-imported-'));
    try {
      const { engine } = client({ importedKernelsFolder: folder });
      clients.push(engine);
      const labels = async () => (await engine.request('images', {})).map((image) => image.label);
      assert.ok(!(await labels()).includes('mine'));
      const source = new Uint8Array(readFileSync(join(fixturesDir, 'btf', 'vmlinux.btf')));
      await engine.request('readKernel', { request: { label: 'pending', kernel: { name: 'vmlinux.btf', source }, release: '6.1.90' } });
      writeFileSync(join(folder, importedKernelFileName('mine')), (await engine.request('takeKernel', { label: 'mine' }))!);
      assert.ok(!(await labels()).includes('mine'));
      await engine.request('reload', {});
      assert.equal((await labels()).at(-1), 'mine');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('indexes the workspace files it is given, unsaved texts first, and takes changes one file at a time', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kernel-compat-workspace-'));
    try {
      const header = join(folder, 'demo.h');
      const unsaved = join(folder, 'unsaved.h');
      writeFileSync(header, 'struct demo_dev { int irq; };\n');
      writeFileSync(unsaved, '');
      const texts = { [unsaved]: 'struct demo_ring { int head; };\n' };
      const { engine, seen } = client({ workspace: { folders: [folder], files: [header, unsaved], texts } });
      clients.push(engine);
      assert.deepEqual(await engine.request('workspaceFile', { path: unsaved, text: texts[unsaved] }), { changed: false });
      assert.ok(seen.logs.some((line) => /^read the type definitions of 2 workspace file\(s\)/.test(line)), seen.logs.join('\n'));
      assert.deepEqual(await engine.request('workspaceFile', { path: header, text: 'struct demo_dev { int irq; int flags; };\n' }), { changed: true });
      // Changed on disk: the thread reads it.
      writeFileSync(header, 'struct demo_dev { int irq; };\n');
      assert.deepEqual(await engine.request('workspaceFile', { path: header }), { changed: true });
      assert.deepEqual(await engine.request('workspaceFile', { path: header, deleted: true }), { changed: true });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('sees a header changed, created or left unsaved since the last check of a document, though it keeps what it read of headers', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kernel-compat-headers-'));
    try {
      const fileName = join(folder, 'demo.c');
      const header = join(folder, 'demo_compat.h');
      const text = ['#include <linux/device.h>', '#include "demo_compat.h"', 'static struct class *demo_class;', 'static int demo_init(void)', '{', '#if DEMO_ONE_ARGUMENT_CLASS', '\tdemo_class = class_create("demo");', '#endif', '\treturn 0;', '}', ''].join('\n');
      const { engine } = client({ workspace: { folders: [folder], files: [fileName], texts: {} } });
      clients.push(engine);
      let version = 0;
      /** The call-arguments findings, as `line: targets`. */
      const calls = async (openTexts: Record<string, string> = {}) => {
        const answer = await engine.request('check', { key: `file://${fileName}`, version: ++version, text, fileName, onDisk: true, roots: [folder], targets: ['6.1,6.8'], severities: DEFAULT_SEVERITIES, openTexts });
        assert.ok(!answer.superseded);
        return answer.findings.filter((f) => f.code === 'call-arguments').map((f) => `${f.range.startLine + 1}: ${f.targets.map((t) => answer.targetLabels[answer.targets.indexOf(t)]).join(',')}`);
      };
      // Without the header the guard is unknown, and what it guards is not judged.
      assert.deepEqual(await calls(), []);
      writeFileSync(header, '#define DEMO_ONE_ARGUMENT_CLASS 1\n');
      assert.deepEqual(await calls(), ['7: 6.1'], 'the header created since');
      assert.deepEqual(await calls(), ['7: 6.1'], 'the same header, kept');
      writeFileSync(header, '#define DEMO_ONE_ARGUMENT_CLASS 0 /* changed */\n');
      assert.deepEqual(await calls(), [], 'the header changed since');
      assert.deepEqual(await calls({ [header]: '#define DEMO_ONE_ARGUMENT_CLASS 1\n' }), ['7: 6.1'], 'the header unsaved in an editor');
      assert.deepEqual(await calls(), [], 'the editor closed without saving');
      writeFileSync(header, '#define DEMO_ONE_ARGUMENT_CLASS 1 /* saved again */\n');
      assert.deepEqual(await calls(), ['7: 6.1'], 'the header saved again');
      rmSync(header);
      assert.deepEqual(await calls(), [], 'the header deleted');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('answers a failing request with a rejection that carries its message, and goes on answering', async () => {
    const { engine, seen } = client();
    clients.push(engine);
    await assert.rejects(engine.request('nonsense' as Method, {} as never), /unknown request 'nonsense'/);
    const images = await engine.request('images', {});
    assert.ok(images.some((image) => image.label === '6.8'));
    assert.deepEqual(seen.deaths, []);
  });

  it('rejects with the loading error when the database cannot be read, without stopping the thread', async () => {
    const { engine, seen } = client({ dataDir: '/nonexistent/kernel-compat-data' });
    clients.push(engine);
    await assert.rejects(engine.request('images', {}), /nonexistent\/kernel-compat-data/);
    await assert.rejects(engine.request('report', { kind: 'struct', name: 'inode' }), /nonexistent\/kernel-compat-data/);
    assert.deepEqual(seen.deaths, []);
  });

  it('fails what a dead thread held with one clear error, and starts a new thread on the next request', async () => {
    const { engine, seen } = client();
    clients.push(engine);
    const held = engine.request('images', {});
    // As a crash would: the thread goes away while it loads.
    await (await engine['thread'])!.terminate();
    await assert.rejects(held, /the checking thread stopped with exit code \d+; it starts again on the next check/);
    assert.equal(seen.deaths.length, 1);
    assert.match(seen.deaths[0].message, /^the checking thread stopped with exit code \d+; it starts again on the next check$/);
    const images = await engine.request('images', {});
    assert.ok(images.length > 0);
    assert.equal(seen.deaths.length, 1);
  });

  it('names the heap limit when the thread runs out of memory', async () => {
    const { engine, seen } = client({}, { heapMb: 16 });
    clients.push(engine);
    await assert.rejects(engine.request('aggregateNames', {}), /the checking thread used more than its 16 MB of heap and was stopped/);
    assert.equal(seen.deaths.length, 1);
  });
});
