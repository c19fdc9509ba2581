// A .c file that another .c file `#include`s (i915's `#include "selftests/scatterlist.c"` at
// the end of i915_scatterlist.c, a driver's `#include "compat.c"`) is compiled as part of its
// includer, after the includer's headers, macros and types: alone it is no translation unit,
// and what it seems to lack there (a struct its includer's headers define, a helper its
// includer declares) proves nothing. Includers are looked for in the file's folder, the
// folders just above it and the folders beside it, where such includes point from (wireguard's
// zinc/chacha20/chacha20.c includes "../selftest/chacha20.c").
import { dirname, join, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { TextReader } from './includes';
import type { IncludeResolver } from './preprocessor';
import { readFileTypes } from './workspaceTypes';

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

/**
 * The functions and macros that the .c files `text` includes define, whichever branch each
 * `#include` sits in: a file that includes `poly1305-donna64.c` or `-donna32.c` by a test of
 * `__SIZEOF_INT128__` (a compiler's macro, unknown here) calls the `static` helpers they both
 * define, and gcc finds them in the branch it takes. The workspace index reads only the names
 * of a .c file's structs and macros, since its functions are no other file's to call.
 */
export class IncludedSourceFunctions {
  /** By included file: the text read and the names it defines. */
  private readonly byPath = new Map<string, { text: string; names: ReadonlySet<string> }>();

  constructor(private readonly parser: Parser) {}

  namesFor(path: string, text: string, resolveInclude: IncludeResolver | undefined): ReadonlySet<string> {
    if (!resolveInclude || !text.includes('.c"')) return NO_NAMES;
    const names = new Set<string>();
    for (const match of text.matchAll(SOURCE_INCLUDE)) {
      const included = resolveInclude(match[1], true, path);
      if (included) for (const name of this.definedIn(included.path, included.text)) names.add(name);
    }
    return names;
  }

  private definedIn(path: string, text: string): ReadonlySet<string> {
    const known = this.byPath.get(path);
    if (known?.text === text) return known.names;
    if (this.byPath.size >= MAX_KEPT) this.byPath.clear();
    const names = new Set(readFileTypes(this.parser, text).callables);
    this.byPath.set(path, { text, names });
    return names;
  }
}

/** Where the files that include `file` (a full path) are looked for: its folder and the folders above, nearest first. */
export function includerFolders(file: string): string[] {
  const folders: string[] = [];
  for (let folder = dirname(file); folders.length <= FOLDERS_ABOVE; folder = dirname(folder)) {
    folders.push(folder);
    if (dirname(folder) === folder) break;
  }
  return folders;
}

const NO_NAMES: ReadonlySet<string> = new Set();
/** Included sources kept read: a driver has a few; a tree's run meets many, once each. */
const MAX_KEPT = 64;

export class IncludedSources {
  /** Per folder searched: included file → the .c file of that folder that includes it. */
  private readonly byFolder = new Map<string, ReadonlyMap<string, string>>();

  constructor(
    private readonly list: FolderLister,
    private readonly read: TextReader,
  ) {}

  /** The .c file that includes `file`, when one in its folder, the folders above or those beside it does. */
  includerOf(file: string): string | undefined {
    const target = resolve(file);
    const own = dirname(target);
    const parent = dirname(own);
    const besides = parent === own ? [] : this.list(parent).map((name) => join(parent, name)).filter((folder) => folder !== own && !/\.\w+$/.test(folder));
    for (const folder of [...includerFolders(target), ...besides]) {
      const includer = this.includersIn(folder).get(target);
      if (includer !== undefined && includer !== target) return includer;
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
