// Opens the bundled database from the package's data/ folder for the CLI and tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelDatabase } from '../core/kernels/database';
import { bundledDataDir } from './paths';

export function openBundledDatabase(dataDir = bundledDataDir): KernelDatabase {
  return KernelDatabase.open((name) => readFileSync(join(dataDir, name)));
}
