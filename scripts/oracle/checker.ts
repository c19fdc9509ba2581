// Runs the checker as a user would, `kernel-compat check --format json`, on a driver's
// pristine sources (not the build copy, whose generated <module>.mod.c is no one's code),
// and keeps its warnings: notes and hints are not claims that a build fails.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { driverPath } from './gccDiagnostics';
import type { CheckerWarning } from './score';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
  message: string;
}

/** The warnings of the CLI's JSON output, files relative to `root` (the CLI's working folder). */
export function parseCheckerJson(json: string, root: string): CheckerWarning[] {
  const findings = JSON.parse(json) as JsonFinding[];
  return findings
    .filter((f) => f.severity === 'warning')
    .map((f) => ({ file: driverPath(root, resolve(root, f.file)) ?? f.file, line: f.line, column: f.column, code: f.code, message: f.message }));
}

/** Exit codes 0 (clean) and 1 (findings) are answers; anything else is a failure to report. */
export function runChecker(cliPath: string, sourceDir: string, label: string): CheckerWarning[] {
  const run = spawnSync(process.execPath, [cliPath, 'check', '--format', 'json', '--targets', label, '.'], {
    cwd: sourceDir,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  if (run.error) throw new Error(`kernel-compat check could not run: ${run.error.message}`);
  if (run.status !== 0 && run.status !== 1) throw new Error(`kernel-compat check exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return parseCheckerJson(run.stdout, sourceDir);
}
