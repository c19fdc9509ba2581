// `kernel-compat`: the command-line twin of the extension. Parses arguments, reads files,
// prints, and maps outcomes to exit codes; every answer comes from src/core.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, release as unameRelease } from 'node:os';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { BtfError } from '../core/kernels/btf/errors';
import { DatabaseError, type AggregateKind, type AggregateRef, type KernelDatabase } from '../core/kernels/database';
import { configCandidates, findConfig, imageNameFromFile, importKernel, labelProblem, releaseFromName, RUNNING_KERNEL_BTF_DIR } from '../core/kernels/importedKernels';
import type { Severity } from '../core/check/findings';
import { closestNames, reportJson, reportText } from '../core/kernels/report';
import { DEFAULT_TARGETS, parseTargets } from '../core/kernels/targets';
import { openBundledDatabase } from './database';
import { collectFiles, MAX_INDEXED_FILES } from './files';
import { FileRunner, type CheckJob, type FileOutcome } from './checkFiles';
import { checkInWorkers } from './workers';
import { nodeFileSystem, openDatabase, openFileSource, writeImportedKernel, type OpenFile } from './kernels';
import { packageRoot } from './paths';
import { findingsWriter, type OutputFormat } from './formats';
import { IncluderFindings } from '../core/check/includerFindings';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGPIPE, what a shell reports for a writer whose reader closed the pipe. */
const EXIT_READER_LEFT = 141;

const USAGE = `Usage:
  kernel-compat check [--targets <spec>] [--format text|json|sarif] [--db <dir>] [--workspace <dir>]
                      [--min-severity <level>] [--jobs <n>] [--timings] <files or folders…>
      Checks .c and .h files (folders recursively) against the targeted kernels, findings
      written as each file is done. --min-severity: error, warning, information or hint
      (the default: all); warning leaves out the notes (structs the data lacks, preprocessor
      problems, version guards decided on every target). --jobs: threads (default: one per
      core, up to 4, from 64 files on); --timings: the time taken, the peak memory and the
      slowest files, on stderr.
      <spec>: labels and ranges, comma-separated: 5.4..6.8, >=5.10, 5.15, arm64, aws,
      versions (the default), arch, flavor, imported, all.
      --workspace: the driver's (or kernel tree's) root, when the files are part of it:
      includes, Kbuild files and the driver's own types are looked for there, not only in
      the files or folders named.
  kernel-compat report <struct> [--json] [--kind struct|union|enum] [--db <dir>]
      The struct's status on every kernel image and what changed between them.
  kernel-compat import-btf <file…> --label <name> --out <dir> [--base <vmlinux btf>]
                           [--config <file>] [--release <x.y.z>]
      Imports a kernel from its BTF: raw BTF (/sys/kernel/btf/vmlinux), an ELF vmlinux,
      or a btfhub-archive <release>.btf.tar.xz; further files are its modules' split BTF
      (/sys/kernel/btf/<module> or .ko), on top of the first file or of --base. A file named
      vmlinux is the base wherever it stands, so /sys/kernel/btf/* works. Writes
      <dir>/<name>.kernel.json.gz. The config is --config, else /proc/config.gz or
      /boot/config-<release> when found; the release is --release, else the config's,
      else the one in the file name.

  --db <dir>     adds the imported kernels in <dir>: targets by their labels, and with
                 no --targets, check judges against the versions and them

Options:
  -h, --help     show this help
  --version      show the version

Exit codes: 0 success, 1 findings (check), 2 usage or input error.`;

export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const KINDS: AggregateKind[] = ['struct', 'union', 'enum'];

/** `struct foo`, `union foo` or a bare name, looked up as struct, then union, then enum. */
function resolveAggregate(db: KernelDatabase, words: string[], kindOption?: string): AggregateRef {
  let name = words.join(' ').trim();
  let kinds = KINDS;
  const prefixed = /^(struct|union|enum)\s+(\S+)$/.exec(name);
  if (prefixed) {
    kinds = [prefixed[1] as AggregateKind];
    name = prefixed[2];
  }
  if (kindOption) {
    if (!KINDS.includes(kindOption as AggregateKind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
    kinds = [kindOption as AggregateKind];
  }
  for (const kind of kinds) if (db.knows({ kind, name })) return { kind, name };
  const suggestions = closestNames(kinds.flatMap((kind) => db.names(kind)), name);
  throw new UsageError(
    `no ${kinds.length === 1 ? kinds[0] : 'struct, union or enum'} named '${name}' in the kernel database` +
      (suggestions.length ? `. Closest names: ${suggestions.join(', ')}` : ''),
  );
}

function runReport(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, kind: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(USAGE + '\n');
    return EXIT_CLEAN;
  }
  if (positionals.length === 0) throw new UsageError('report needs a struct name, e.g. kernel-compat report vfio_device_ops');
  const db = openDatabase(values.db);
  const ref = resolveAggregate(db, positionals, values.kind);
  io.out(values.json ? JSON.stringify(reportJson(db, ref), null, 2) + '\n' : reportText(db, ref));
  return EXIT_CLEAN;
}

async function runImportBtf(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      out: { type: 'string' },
      base: { type: 'string' },
      config: { type: 'string' },
      release: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE + '\n');
    return EXIT_CLEAN;
  }
  if (positionals.length === 0 && !values.base) throw new UsageError('import-btf needs BTF files, e.g. kernel-compat import-btf /sys/kernel/btf/vmlinux --label mine --out kernels/');
  if (!values.label) throw new UsageError('import-btf needs --label <name>: the name checks and reports will use for this kernel');
  if (!values.out) throw new UsageError('import-btf needs --out <dir>: the folder to write the kernel to (give the same folder to --db later)');
  const problem = labelProblem(values.label);
  if (problem) throw new UsageError(`--label: ${problem}`);
  if (openBundledDatabase().imageIndex(values.label) !== undefined) throw new UsageError(`--label: '${values.label}' is a bundled kernel image; choose another label`);

  // Without --base, the first file is the kernel, unless a file named vmlinux stands elsewhere.
  const paths = [...new Set(positionals.map((p) => resolve(p)))];
  let kernelPath: string;
  if (values.base) kernelPath = resolve(values.base);
  else kernelPath = paths.find((p) => basename(p) === 'vmlinux') ?? paths[0];
  const modulePaths = paths.filter((p) => p !== kernelPath);
  const missing = [kernelPath, ...modulePaths, ...(values.config ? [resolve(values.config)] : [])].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
  for (const path of [kernelPath, ...modulePaths, ...(values.config ? [resolve(values.config)] : [])]) {
    const refused = notReadableWhole(path);
    if (refused) throw new UsageError(`${path}: ${refused}`);
  }

  const running = kernelPath.startsWith(`${RUNNING_KERNEL_BTF_DIR}/`);
  const uname = running ? unameRelease() : undefined;
  const fileRelease = imageNameFromFile(kernelPath);
  let config: { name: string; bytes: Uint8Array } | undefined;
  if (values.config) config = { name: values.config, bytes: readFileSync(values.config) };
  else config = findConfig(nodeFileSystem, configCandidates(uname ?? (releaseFromName(fileRelease) ? fileRelease : undefined), running));

  const opened: OpenFile[] = [];
  const open = (path: string) => {
    const file = openFileSource(path);
    opened.push(file);
    return { name: path, source: file };
  };
  try {
    const summary = await importKernel({
      label: values.label,
      kernel: open(kernelPath),
      modules: modulePaths.map(open),
      config,
      release: values.release,
      nameHints: uname ? [uname] : [],
      image: uname,
    });
    for (const skipped of summary.skippedModules) io.err(`kernel-compat: left out a module: ${skipped}\n`);
    const { path, replaced } = writeImportedKernel(resolve(values.out), summary.kernel);
    const image = summary.kernel.image;
    const count = (n: number) => n.toLocaleString('en-US');
    io.out(
      `Imported ${image.label}: Linux ${image.release} (from ${summary.releaseFrom}), ${image.arch}, ` +
        `${count(summary.structs)} structs, ${count(summary.unions)} unions, ${count(summary.enums)} enums from ${basename(kernelPath)}` +
        `${summary.modules ? ` and ${summary.modules} module${summary.modules === 1 ? '' : 's'}` : ''}.\n` +
        `Config: ${config ? config.name : 'none found, so CONFIG_ guards stay undecided on this kernel (pass --config)'}.\n` +
        `${replaced ? 'Replaced' : 'Wrote'} ${path}\n` +
        `Use it: kernel-compat check --db ${values.out} --targets ${image.label} <files>\n`,
    );
    return EXIT_CLEAN;
  } finally {
    for (const file of opened) file.close();
  }
}

const VERSION: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;

/** Below this many files a run stays on the main thread: starting workers costs more than it saves. */
const FILES_FOR_WORKERS = 64;

/** The finding levels from most to least serious, as JSON and SARIF name them (text prints the last two as "note"). */
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** The levels --min-severity keeps: that one and the more serious ones; all without it. */
function shownSeverities(level: string | undefined): Set<Severity> {
  if (level === undefined) return new Set(SEVERITIES);
  const index = SEVERITIES.indexOf(level as Severity);
  if (index < 0) throw new UsageError(`--min-severity must be one of ${SEVERITIES.join(', ')}, not '${level}'`);
  return new Set(SEVERITIES.slice(0, index + 1));
}

/** Threads a run uses by default: every core, within reason (each holds its own checker). */
function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      targets: { type: 'string', short: 't', multiple: true },
      format: { type: 'string', short: 'f', default: 'text' },
      db: { type: 'string' },
      workspace: { type: 'string' },
      'min-severity': { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      timings: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE + '\n');
    return EXIT_CLEAN;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const shown = shownSeverities(values['min-severity']);
  if (values.jobs !== undefined && !/^[1-9]\d*$/.test(values.jobs)) throw new UsageError(`--jobs must be a whole number of threads, 1 or more, not '${values.jobs}'`);
  if (positionals.length === 0) throw new UsageError('check needs files or folders, e.g. kernel-compat check drivers/');
  const db = openDatabase(values.db);
  // Kernels someone took the trouble to import are meant to be checked against.
  const selection = parseTargets(values.targets ?? (values.db ? [...DEFAULT_TARGETS, 'imported'] : DEFAULT_TARGETS), db.images);
  if (selection.errors.length > 0) throw new UsageError(`--targets: ${selection.errors.join('; ')}`);
  if (selection.images.length === 0) throw new UsageError('--targets selects no kernel image');

  const { files, missing } = collectFiles(positionals);
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  if (values.workspace !== undefined && !existsSync(values.workspace)) throw new UsageError(`--workspace: no such folder: ${values.workspace}`);
  const roots = values.workspace !== undefined ? [resolve(values.workspace)] : positionals.map((p) => (/\.(c|h)$/i.test(p) ? dirname(resolve(p)) : resolve(p)));
  const job: CheckJob = { roots, targets: selection.images, db: values.db, files };
  const threads = values.jobs !== undefined ? Number(values.jobs) : files.length >= FILES_FOR_WORKERS ? defaultThreads() : 1;
  // The files checked are all indexed (see planWorkspaceIndex); other files up to the limit.
  const indexed = Math.max(MAX_INDEXED_FILES, files.length);
  if (collectFiles(roots).files.length > indexed) io.err(`kernel-compat: more than ${indexed} source files: only ${indexed} (the files checked first) were read for the driver's own type definitions\n`);

  const writer = findingsWriter(format as OutputFormat, db, io.out, VERSION);
  let checked = 0;
  let inputProblems = 0;
  let findingCount = 0;
  let hiddenCount = 0;
  let notBuilt = 0;
  let serious = false;
  const slowest: FileOutcome[] = [];
  const started = performance.now();
  const reportedProblems = new Set<string>();
  const headerFindings = new IncluderFindings();
  const report = (outcome: FileOutcome) => {
    const { path } = outcome;
    if (outcome.headerFindings) headerFindings.set(path, outcome.headerFindings);
    if (outcome.skipped !== undefined) {
      io.err(`kernel-compat: ${path}: ${outcome.skipped}\n`);
      inputProblems++;
      return;
    }
    // A Makefile that cannot be read says so once, not for every file of its folder.
    for (const problem of outcome.problems) if (!reportedProblems.has(problem) && reportedProblems.add(problem)) io.err(`kernel-compat: ${problem}\n`);
    if (outcome.notBuilt !== undefined) {
      notBuilt++;
      if (format === 'text') io.err(`kernel-compat: ${path}: ${outcome.notBuilt}: not checked\n`);
    }
    if (outcome.configuredOff !== undefined && format === 'text') io.err(`kernel-compat: ${path}: ${outcome.configuredOff}\n`);
    checked++;
    const findings = outcome.findings.filter((f) => shown.has(f.severity));
    findingCount += findings.length;
    hiddenCount += outcome.findings.length - findings.length;
    serious ||= findings.some((f) => f.severity === 'warning' || f.severity === 'error');
    writer.file({ path, findings });
    if (outcome.userspace !== undefined && format === 'text') io.err(`kernel-compat: ${path}: not kernel code (it includes <${outcome.userspace}>): not checked\n`);
    if (values.timings) keepSlowest(slowest, outcome);
  };
  if (threads > 1) {
    await checkInWorkers(job, files, threads, report);
  } else {
    const runner = await FileRunner.create(job, db);
    for (const path of files) report(runner.check(path));
  }
  // Many files read the same header: its findings are written once, after the files'.
  for (const header of headerFindings.headers()) {
    const all = headerFindings.of(header);
    const findings = all.filter((f) => shown.has(f.severity));
    findingCount += findings.length;
    hiddenCount += all.length - findings.length;
    serious ||= findings.some((f) => f.severity === 'warning' || f.severity === 'error');
    writer.file({ path: header, findings });
  }
  writer.end();
  // In every format: JSON and SARIF readers see a run that judged nothing for what it is.
  const skipped = notBuilt > 0 ? `; ${notBuilt} not built, so not judged` : '';
  const hidden = hiddenCount > 0 ? ` (and ${hiddenCount} below ${values['min-severity']}, not shown)` : '';
  io.err(`kernel-compat: ${checked} file(s) checked against ${selection.images.length} kernel(s), ${findingCount} finding(s)${hidden}${skipped}\n`);
  if (values.timings) {
    const peak = Math.round(process.resourceUsage().maxRSS / 1024);
    io.err(`kernel-compat: ${((performance.now() - started) / 1000).toFixed(1)} s for ${files.length} file(s) on ${threads} thread(s), peak RSS ${peak} MB; slowest:\n`);
    for (const outcome of slowest) io.err(`  ${outcome.milliseconds.toFixed(0).padStart(6)} ms  ${outcome.path}\n`);
  }
  return serious ? EXIT_FINDINGS : inputProblems > 0 && checked === 0 ? EXIT_USAGE : EXIT_CLEAN;
}

const SLOWEST_SHOWN = 5;

function keepSlowest(slowest: FileOutcome[], outcome: FileOutcome): void {
  slowest.push(outcome);
  slowest.sort((a, b) => b.milliseconds - a.milliseconds);
  if (slowest.length > SLOWEST_SHOWN) slowest.pop();
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'report':
        return runReport(rest, io);
      case 'import-btf':
        return await runImportBtf(rest, io);
      case '--version':
        io.out(`${VERSION}\n`);
        return EXIT_CLEAN;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE + '\n');
        return command === undefined ? EXIT_USAGE : EXIT_CLEAN;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kernel-compat: ${(error as Error).message}\n${error instanceof UsageError ? '' : USAGE + '\n'}`);
      return EXIT_USAGE;
    }
    if (error instanceof DatabaseError || error instanceof BtfError) {
      io.err(`kernel-compat: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function main(): void {
  stopQuietlyWhenReaderLeaves(process.stdout);
  // Write through the stream and set exitCode (no process.exit) so piped output is never cut short.
  run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`kernel-compat: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

/**
 * Why a file named to import-btf cannot be read whole, if it cannot: a folder, or a device
 * (/dev/zero never ends). Pipes stay allowed, for `<(xzcat vmlinux.btf.xz)`.
 */
function notReadableWhole(path: string): string | undefined {
  const stat = statSync(path);
  if (stat.isDirectory()) return 'is a folder: name the BTF files in it (e.g. /sys/kernel/btf/*)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'is a device, not a file';
  return undefined;
}

/**
 * `kernel-compat check … | head` closes the pipe while findings are still being written: like
 * the Unix tools, end at once, with the exit status a SIGPIPE gives, instead of a stack trace.
 */
function stopQuietlyWhenReaderLeaves(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EXIT_READER_LEFT);
  });
}

// A worker thread loads this same file (the bundle) to check its share: it must not run the command.
if (require.main === module && isMainThread) main();
