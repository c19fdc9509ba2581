// The checker on Node, wired to the bundled database and the packaged WASM files.
import { Checker } from '../core/checker';
import type { KernelDatabase } from '../core/database';
import { loadCParser } from '../core/parser';
import { openBundledDatabase } from './database';
import { wasmLocation } from './paths';

export async function createChecker(db: KernelDatabase = openBundledDatabase()): Promise<{ checker: Checker; db: KernelDatabase }> {
  const { parser } = await loadCParser(wasmLocation());
  return { checker: new Checker(db, parser), db };
}
