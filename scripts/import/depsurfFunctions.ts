// The DepSurf dataset's functions.jsonl.gz: one JSON object per function name, its prototypes
// (as C text from BTF, null where BTF gave none) each with the Ubuntu images that have it. Read
// for the functions older kernels dropped (olderFunctions.ts) and the typedefs they were
// declared with (olderTypedefs.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface DepsurfFunction {
  name: string;
  variants: { proto: string | null; collision: string; images: string[] }[];
}

/** Every function of the file, in its order; none without the file. A line that is not JSON stops the import. */
export function readDepsurfFunctions(depsurfDir: string): DepsurfFunction[] {
  const path = join(depsurfDir, 'functions.jsonl.gz');
  if (!existsSync(path)) return [];
  const functions: DepsurfFunction[] = [];
  gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        functions.push(JSON.parse(line) as DepsurfFunction);
      } catch {
        throw new Error(`${path}: line ${index + 1} is not JSON`);
      }
    });
  return functions;
}
