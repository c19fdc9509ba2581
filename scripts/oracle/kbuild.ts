// Builds a driver out of tree with a kernel's Kbuild, and then asks the compiler which of the
// driver's lines each object compiled: every compile command is run again with -E.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { driverPath } from './gccDiagnostics';
import { addCompiledLines, addContinuationLines, type CompiledLines } from './lineMarkers';

export interface CompileCommand {
  object: string;
  source: string;
  /** The shell command Kbuild ran for the object, without what it chains after it (objtool). */
  command: string;
}

/**
 * `-c -o <obj>.o <src>.c` ends every C compile command Kbuild prints with V=1 (6.12 adds a
 * `# CC [M]` line before it, 6.1 does not). Kbuild also leaves `.<obj>.o.cmd` files with the
 * same command, but only for objects that compiled, and the failing ones are the point here.
 */
const COMPILE = /\s-c\s+-o\s+(\S+\.o)\s+(\S+\.c)(?=\s*(;|$))/;

/** The C compile commands in a V=1 log, each object once, in log order. */
export function compileCommands(log: string): CompileCommand[] {
  const commands = new Map<string, CompileCommand>();
  for (const text of log.split('\n')) {
    const line = text.trim();
    if (line.startsWith('#')) continue;
    const match = COMPILE.exec(line);
    if (!match || match.index === undefined) continue;
    const [whole, object, source] = match;
    if (!commands.has(object)) commands.set(object, { object, source, command: line.slice(0, match.index + whole.length).trim() });
  }
  return [...commands.values()];
}

/**
 * The command that preprocesses what `c` compiled, to standard output. `-fdirectives-only`
 * keeps every kept line where it was (plain -E joins a macro call written over several lines
 * into its first line, so the others would look dropped), while still deciding every #if
 * exactly as the compile did. The dependency file option goes, so the build's own is kept.
 */
export function preprocessCommand(c: CompileCommand): string {
  return c.command
    .replace(/\s-Wp,-MMD,\S+/, '')
    .replace(COMPILE, (_whole, _object, source) => ` -E -fdirectives-only ${source}`);
}

export interface BuildRequest {
  /** The kernel's headers folder (`make -C`). */
  headersDir: string;
  /** The driver folder Kbuild builds (`M=`). */
  dir: string;
  cc: string;
  makeArgs: string[];
  logPath: string;
  /** make's -j. */
  jobs: number;
}

export interface BuildOutcome {
  /** make's exit code; null when it was killed or never ran. */
  exitCode: number | null;
  /** Why make could not run at all, or was stopped. */
  failure?: string;
  log: string;
  seconds: number;
}

/** Long enough for the biggest driver here (seconds on 2 cores), short of a hung build. */
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * gcc's messages in English with ‘’ quotes (the parser's), and no make settings inherited
 * from npm or a calling make that would change how Kbuild runs.
 */
export function buildEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', LANGUAGE: '' };
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'ARCH', 'CROSS_COMPILE', 'KBUILD_OUTPUT', 'KCFLAGS', 'CFLAGS']) delete env[name];
  return env;
}

/**
 * `make -k`: keep compiling the other objects after one fails, so every error is seen.
 * `--output-sync=target` keeps each object's diagnostics together in the log despite -j.
 */
export function runKbuild(request: BuildRequest): BuildOutcome {
  const args = [
    '-k',
    `-j${request.jobs}`,
    '--output-sync=target',
    '-C', request.headersDir,
    `M=${request.dir}`,
    `CC=${request.cc}`,
    'V=1',
    // 6.12's headers ship vmlinux, so Kbuild would add each module's BTF with pahole after
    // linking; that step says nothing about the driver's code and needs a tool not installed.
    'CONFIG_DEBUG_INFO_BTF_MODULES=',
    ...request.makeArgs,
    'modules',
  ];
  const start = performance.now();
  const fd = openSync(request.logPath, 'w');
  let result;
  try {
    // From the driver's folder, as dkms and a developer run it: Makefiles that say
    // `ccflags-y := -I$(PWD)` mean that folder (make takes PWD from the environment).
    result = spawnSync('make', args, {
      cwd: request.dir,
      stdio: ['ignore', fd, fd],
      env: { ...buildEnvironment(), PWD: request.dir },
      timeout: BUILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
  } finally {
    closeSync(fd);
  }
  const log = readFileSync(request.logPath, 'utf8');
  const seconds = (performance.now() - start) / 1000;
  if (result.error) return { exitCode: null, failure: `make could not run: ${result.error.message}`, log, seconds };
  if (result.signal) return { exitCode: null, failure: `make was stopped by ${result.signal} after ${Math.round(seconds)} s`, log, seconds };
  return { exitCode: result.status, log, seconds };
}

/**
 * An object built from the driver's own code: not Kbuild's (6.12's .module-common.c) nor
 * modpost's generated <module>.mod.c.
 */
export function isDriverObject(c: CompileCommand, root: string, build = root): boolean {
  return driverPath(root, c.source, build) !== undefined && !c.source.endsWith('.mod.c');
}

export interface Preprocessed {
  compiled: CompiledLines;
  /** Objects whose preprocessing gave nothing: their lines count as not compiled. */
  failures: { object: string; reason: string }[];
}

/**
 * Where Kbuild ran a compile command. Up to 6.12 it ran in the headers folder, with the source
 * named by its absolute path and include folders relative to that folder; from 6.13 it runs
 * an external module in its build folder (`M=`), with the source named relative to it.
 */
export function compileDirectory(c: CompileCommand, headersDir: string, build: string): string {
  return isAbsolute(c.source) ? headersDir : build;
}

/**
 * Runs each command's -E twin where Kbuild ran it and collects the driver lines that came out.
 * A source that stops at a missing header still yields the lines before it, which is what the
 * compiler saw.
 */
export function preprocess(commands: CompileCommand[], headersDir: string, root: string, build = root): Preprocessed {
  const compiled: CompiledLines = new Map();
  const failures: Preprocessed['failures'] = [];
  for (const c of commands.filter((command) => isDriverObject(command, root, build))) {
    const run = spawnSync('sh', ['-c', preprocessCommand(c)], { cwd: compileDirectory(c, headersDir, build), env: buildEnvironment(), encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.error || !run.stdout) {
      failures.push({ object: c.object, reason: run.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`) });
      continue;
    }
    addCompiledLines(run.stdout, root, compiled, build);
  }
  addContinuationLines(compiled, (file) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined));
  return { compiled, failures };
}

/** Kbuild reads `Kbuild` first, then `Makefile`; without either there is nothing to build. */
export function hasKbuildFile(dir: string): boolean {
  return existsSync(join(dir, 'Kbuild')) || existsSync(join(dir, 'Makefile'));
}
