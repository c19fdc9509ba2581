// Where an #include is looked for, and what the build adds that the source does not show.
// Quoted includes are looked for next to the including file first; then, like angle ones, in
// the `include/` folder of each folder from the file up to its workspace root, under each root,
// and in the `-I` folders the driver's Kbuild or Makefile names. Kernel headers are not there,
// which is right: their macros stay unknown. Reading is passed in by the caller.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { IncludeResolver } from './preprocessor';

/** Returns a file's text, or undefined when it does not exist or cannot be read as text. */
export type TextReader = (path: string) => string | undefined;

/** Folders from `dir` up to `root` (both included), nearest first; only `dir` when `root` is not above it. */
function foldersUpTo(dir: string, root: string | undefined): string[] {
  const folders = [dir];
  if (root === undefined) return folders;
  const inside = relative(root, dir);
  if (inside.startsWith('..') || isAbsolute(inside)) return folders;
  for (let current = dir; current !== root && folders.length < 64; ) {
    const parent = dirname(current);
    if (parent === current) break;
    folders.push(parent);
    current = parent;
  }
  return folders;
}

function rootOf(file: string, roots: readonly string[]): string | undefined {
  return roots.find((root) => {
    const inside = relative(root, file);
    return !inside.startsWith('..') && !isAbsolute(inside);
  });
}

export function createIncludeResolver(roots: readonly string[], read: TextReader, includeDirs: readonly string[] = []): IncludeResolver {
  const cache = new Map<string, string | undefined>();
  return (spec, quoted, includingFile) => {
    const from = dirname(includingFile);
    const candidates = isAbsolute(spec)
      ? [spec]
      : [
          ...(quoted ? [join(from, spec)] : []),
          ...foldersUpTo(from, rootOf(includingFile, roots)).map((folder) => join(folder, 'include', spec)),
          ...roots.flatMap((root) => [join(root, 'include', spec), join(root, spec)]),
          ...includeDirs.map((dir) => join(dir, spec)),
        ];
    for (const candidate of candidates) {
      if (!cache.has(candidate)) cache.set(candidate, read(candidate));
      const text = cache.get(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  };
}

/** What a driver's Kbuild files add to every compile: `-include` headers and `-I` folders. */
export interface BuildFlags {
  /** Absolute paths of headers included before the source (gcc `-include`). */
  forcedIncludes: string[];
  includeDirs: string[];
}

/** Variables that name the module's own folder in out-of-tree Kbuild files. */
const FOLDER_VARIABLES = /\$[({](?:src|obj|M|PWD|CURDIR|KBUILD_EXTMOD|srctree\)\/\$\(src)[)}]/g;
const FLAG_ASSIGNMENT = /^\s*(ccflags-[\w$()-]*|subdir-ccflags-[\w$()-]*|EXTRA_CFLAGS|KBUILD_CFLAGS|ccflags|CFLAGS_([\w-]+)\.o)\s*(?::=|\+=|\?=|=)(.*)$/;

/**
 * Reads the `Kbuild` and `Makefile` of each folder from the file's up to its workspace root
 * (at most the file's own folder when there is no root) for `-include` and `-I` flags. Only
 * paths relative to the module folder are understood; anything naming other make variables is
 * left out rather than guessed.
 */
export function kbuildFlags(file: string, roots: readonly string[], read: TextReader): BuildFlags {
  const flags: BuildFlags = { forcedIncludes: [], includeDirs: [] };
  const object = file.replace(/^.*\//, '').replace(/\.[ch]$/, '');
  for (const folder of foldersUpTo(dirname(file), rootOf(file, roots))) {
    for (const name of ['Kbuild', 'Makefile']) {
      const text = read(join(folder, name));
      if (text === undefined) continue;
      for (const line of text.replace(/\\\r?\n/g, ' ').split('\n')) {
        const assignment = FLAG_ASSIGNMENT.exec(line.replace(/#.*$/, ''));
        if (!assignment || (assignment[2] !== undefined && assignment[2] !== object)) continue;
        const value = assignment[3].replace(FOLDER_VARIABLES, folder);
        for (const flag of value.matchAll(/(-include|-I)\s*(\S+)/g)) {
          const path = flag[2];
          if (path.includes('$')) continue;
          const absolute = resolve(folder, path);
          const list = flag[1] === '-include' ? flags.forcedIncludes : flags.includeDirs;
          if (!list.includes(absolute)) list.push(absolute);
        }
      }
    }
  }
  return flags;
}
