// One driver on one kernel: build a fresh copy with Kbuild, read its errors and the lines it
// compiled, run the checker for that kernel, score.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChecker } from './checker';
import { driverName, makeArgsFor, type Driver } from './drivers';
import { driverErrors, type LocatedError } from './gccDiagnostics';
import { withoutSkippedBodies } from './skippedBodies';
import { compileCommands, hasKbuildFile, isDriverObject, preprocess, runKbuild, type BuildOutcome } from './kbuild';
import { oracleDir, type KernelTree } from './kernels';
import { score, type Score } from './score';

export type RunStatus =
  /** Every object compiled and the module linked. */
  | 'built'
  /** gcc reported errors: the case the oracle is for. */
  | 'compile-errors'
  /** Objects compiled without errors, a later step failed (modpost, BTF without pahole). */
  | 'failed-after-compile'
  /** make compiled nothing: a Makefile error, a refused kernel. No oracle, no score. */
  | 'not-started'
  | 'no-makefile'
  | 'checker-failed';

export interface RunResult {
  driver: string;
  package: string;
  version: string;
  kernel: string;
  uname: string;
  status: RunStatus;
  /** What went wrong, for the statuses that have no score. */
  problem?: string;
  exitCode: number | null;
  buildSeconds: number;
  logPath: string;
  /** The build copy: gcc's paths and the log point into it. */
  copy: string;
  objects: number;
  preprocessFailures: { object: string; reason: string }[];
  errors: LocatedError[];
  score?: Score;
}

/**
 * What make said went wrong, in a line: its own `***` lines and the missing-file lines
 * before them (a Kbuild file including one that is not there), not the V=1 commands.
 */
export function makeProblem(log: string): string {
  const lines = log.split('\n').filter((l) => /^make(\[\d+\])?: \*\*\*/.test(l) || /^\S+:\d+: .*(No such file or directory|No rule to make target)/.test(l));
  const shown = lines.slice(0, 3).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l));
  return shown.length ? shown.join(' / ') : 'make failed without saying why; see the log';
}

/** A new copy for every build: objects left by an earlier run would not be compiled again. */
function freshCopy(driver: Driver, kernel: KernelTree, cache: string): string {
  const copy = join(oracleDir(cache), 'build', kernel.label, driverName(driver.pin));
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(join(copy, '..'), { recursive: true });
  cpSync(driver.sourceDir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

function emptyResult(driver: Driver, kernel: KernelTree, copy: string): RunResult {
  return {
    driver: driverName(driver.pin),
    package: driver.pin.name,
    version: driver.pin.version,
    kernel: kernel.label,
    uname: kernel.uname,
    status: 'not-started',
    exitCode: null,
    buildSeconds: 0,
    logPath: `${copy}.log`,
    copy,
    objects: 0,
    preprocessFailures: [],
    errors: [],
  };
}

function buildStatus(errors: LocatedError[], outcome: BuildOutcome): RunStatus {
  if (errors.length > 0) return 'compile-errors';
  return outcome.exitCode === 0 ? 'built' : 'failed-after-compile';
}

export function runDriverOnKernel(driver: Driver, kernel: KernelTree, cache: string, cliPath: string, jobs: number): RunResult {
  const copy = freshCopy(driver, kernel, cache);
  const result = emptyResult(driver, kernel, copy);
  const buildDir = join(copy, driver.pin.build ?? '.');
  if (!hasKbuildFile(buildDir)) {
    return { ...result, status: 'no-makefile', problem: `no Kbuild or Makefile in ${driver.pin.build ?? 'the source folder'}; fix "build" in drivers.json` };
  }

  const outcome = runKbuild({ headersDir: kernel.headersDir, dir: buildDir, cc: kernel.cc, makeArgs: makeArgsFor(driver.pin, copy), logPath: result.logPath, jobs });
  const commands = compileCommands(outcome.log);
  result.exitCode = outcome.exitCode;
  result.buildSeconds = outcome.seconds;
  result.objects = commands.filter((c) => isDriverObject(c, copy, buildDir)).length;
  if (commands.length === 0) {
    return { ...result, problem: outcome.failure ?? `make compiled nothing (exit ${outcome.exitCode}): ${makeProblem(outcome.log)}` };
  }
  result.errors = driverErrors(outcome.log, copy, buildDir);
  result.status = buildStatus(result.errors, outcome);
  if (result.status === 'failed-after-compile') result.problem = outcome.failure ?? makeProblem(outcome.log);

  const { compiled, failures } = preprocess(commands, kernel.headersDir, copy, buildDir);
  result.preprocessFailures = failures;
  try {
    result.score = score(result.errors, withoutSkippedBodies(compiled, result.errors, copy), runChecker(cliPath, driver.sourceDir, kernel.label));
  } catch (error) {
    return { ...result, status: 'checker-failed', problem: (error as Error).message };
  }
  return result;
}
