// Where the installed package keeps its runtime files, for the CLI, the bench and the unit
// tests (the extension uses its own install URI instead). Works from dist/ and from out/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WasmLocation } from '../core/c/parser';

function findPackageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'kernel-compat') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`kernel-compat: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const bundledDataDir = join(packageRoot, 'data');

export function wasmLocation(): WasmLocation {
  const inDist = (name: string) => join(packageRoot, 'dist', name);
  const runtime = existsSync(inDist('tree-sitter.wasm'))
    ? inDist('tree-sitter.wasm')
    : require.resolve('web-tree-sitter/tree-sitter.wasm');
  const grammar = existsSync(inDist('tree-sitter-c.wasm'))
    ? inDist('tree-sitter-c.wasm')
    : join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm');
  return { runtimeWasmPath: runtime, grammar: readFileSync(grammar) };
}
