// A .c file that another .c file `#include`s (i915's `#include "selftests/scatterlist.c"` at
// the end of i915_scatterlist.c, a driver's `#include "compat.c"`) is compiled as part of its
// includer, after the includer's headers, macros and types: alone it is no translation unit,
// and what it seems to lack there (a struct its includer's headers define, a helper its
// includer declares) proves nothing. Includers are looked for in the file's folder and the
// folders just above it, where such includes point from.
import { dirname, join, resolve } from 'node:path';
import type { TextReader } from './includes';

/** The names of a folder's entries; none when it cannot be read. */
export type FolderLister = (folder: string) => readonly string[];

/** `#include "x.c"`: a quoted include of a C source, not a header. */
const SOURCE_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+\.c)"/gm;
/** How many folders above a file are searched for its includer: selftests/ sits one below, gem/selftests/ two below i915/. */
const FOLDERS_ABOVE = 2;

/** The .c files `text` (the file at `path`) includes with quotes, as full paths beside it. */
export function includedSourcePaths(path: string, text: string): string[] {
  if (!text.includes('.c"')) return [];
  return [...text.matchAll(SOURCE_INCLUDE)].map((match) => resolve(dirname(path), match[1]));
}

export class IncludedSources {
  /** Per folder searched: included file → the .c file of that folder that includes it. */
  private readonly byFolder = new Map<string, ReadonlyMap<string, string>>();

  constructor(
    private readonly list: FolderLister,
    private readonly read: TextReader,
  ) {}

  /** The .c file that includes `file`, when one in its folder or the folders above does. */
  includerOf(file: string): string | undefined {
    const target = resolve(file);
    let folder = dirname(target);
    for (let level = 0; level <= FOLDERS_ABOVE; level++) {
      const includer = this.includersIn(folder).get(target);
      if (includer !== undefined && includer !== target) return includer;
      const parent = dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
    return undefined;
  }

  private includersIn(folder: string): ReadonlyMap<string, string> {
    let found = this.byFolder.get(folder);
    if (!found) {
      const map = new Map<string, string>();
      for (const name of this.list(folder)) {
        if (!name.endsWith('.c')) continue;
        const source = join(folder, name);
        const text = this.read(source);
        if (text === undefined) continue;
        for (const included of includedSourcePaths(source, text)) if (!map.has(included)) map.set(included, source);
      }
      this.byFolder.set(folder, (found = map));
    }
    return found;
  }
}
