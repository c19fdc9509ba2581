// Shared fixtures for unit tests: one database instance per test run, and the shared data folder.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openBundledDatabase } from '../../src/cli/database';
import { packageRoot } from '../../src/cli/paths';
import type { KernelDatabase } from '../../src/core/kernels/database';

let database: KernelDatabase | undefined;

export function bundledDatabase(): KernelDatabase {
  return (database ??= openBundledDatabase());
}

export const fixturesDir = join(packageRoot, 'test', 'fixtures');
export const sharedDataDir = resolve(packageRoot, '..', 'shared', 'data');
export const sharedDataPresent = existsSync(join(sharedDataDir, 'depsurf', 'struct'));
