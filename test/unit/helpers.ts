// Shared fixtures for unit tests: one database instance per test run, the shared data folder,
// and `check` run on a driver folder written for the test.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openBundledDatabase } from '../../src/cli/database';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';
import type { KernelDatabase } from '../../src/core/kernels/database';
import type { HeaderFacts } from '../../scripts/import/headerFacts';

let database: KernelDatabase | undefined;

export function bundledDatabase(): KernelDatabase {
  return (database ??= openBundledDatabase());
}

export const fixturesDir = join(packageRoot, 'test', 'fixtures');
export const sharedDataDir = resolve(packageRoot, '..', 'shared', 'data');
export const sharedDataPresent = existsSync(join(sharedDataDir, 'depsurf', 'struct'));

/** One kernel's header facts with nothing in them but `facts`: what the importer's tables read. */
export function headerFacts(facts: Partial<HeaderFacts>): HeaderFacts {
  return {
    headers: [],
    definitions: {},
    functions: {},
    macros: {},
    droppingMacros: {},
    forwardingMacros: {},
    objectMacros: [],
    enumConstants: [],
    spelledConstants: new Set(),
    pastingFragments: { prefixes: new Set(), suffixes: new Set(), joinsParameters: false },
    spelledWatched: new Set(),
    typedefWatched: new Set(),
    tagWatched: new Set(),
    pastedFunctions: [],
    pastedFrom: {},
    generatorWords: new Set(),
    callableHeaders: {},
    memberAliases: {},
    includes: {},
    openHeaders: [],
    ...facts,
  };
}

/** A finding as `check --format json` prints it, its file relative to the folder checked. */
export interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  code: string;
  message: string;
  targets: string[];
}

/** Runs `action` on a new temporary folder holding `files` (paths relative to it, folders made), then removes the folder. */
export async function inFolder<T>(files: Record<string, string>, action: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'kernel-compat-folder-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return await action(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `check --format json --min-severity warning --targets <targets>` over a folder holding `files`. */
export async function checkFolder(files: Record<string, string>, targets: string): Promise<ReportedFinding[]> {
  return inFolder(files, async (dir) => {
    let out = '';
    await run(['check', '--format', 'json', '--min-severity', 'warning', '--targets', targets, dir], { out: (t) => (out += t), err: () => {} });
    return (JSON.parse(out) as ReportedFinding[]).map((finding) => ({ ...finding, file: finding.file.slice(dir.length + 1) }));
  });
}
