// The checker on Node, wired to the bundled database and the packaged WASM files.
import { Checker } from '../core/check/checker';
import type { KernelDatabase } from '../core/kernels/database';
import { loadCParser } from '../core/c/parser';
import { openBundledDatabase } from './database';
import { wasmLocation } from './paths';

export async function createChecker(db: KernelDatabase = openBundledDatabase()): Promise<{ checker: Checker; db: KernelDatabase }> {
  const { parser } = await loadCParser(wasmLocation());
  return { checker: new Checker(db, parser), db };
}
