// Where a driver header's own macro is expanded by the .c files that include it. gcc reports an
// undeclared function in a macro's body at the `#define` (apfs.h's `apfs_submit_bh`, whose
// `submit_bh` left the headers in 7.2, is expanded in inode.c, transaction.c and xattr.c), so
// the header's check must know that some translation unit expands it, though the header itself
// never does. Only what is certain counts: a .c file beside the header (or in the folders above,
// where such includes point from) that includes it with a quoted path outside every
// conditional, and expands the macro on a code line outside every conditional.
import { basename, dirname, join, resolve } from 'node:path';
import { includerFolders, type FolderLister } from './includedSources';
import type { TextReader } from './includes';
import { blankCommentsAndLiterals } from './typeText';
import { countedCache } from '../countedCache';

/** Folders and sources kept read: a run checks a folder's files together, and a tree has thousands of folders. */
const FOLDERS_KEPT = 8;
const SOURCES_KEPT = 256;
const QUOTED_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/;
const CONDITIONAL_OPEN = /^[ \t]*#[ \t]*if/;
const CONDITIONAL_CLOSE = /^[ \t]*#[ \t]*endif\b/;

/** A .c file as this reads it: the headers it includes for certain, and its unconditional code. */
interface ReadSource {
  path: string;
  includes: ReadonlySet<string>;
  /** Comments, literals, directives and conditional code blanked. */
  code: string;
}

/**
 * The .c files read, by path, each with the text it was read from: the editor asks again on
 * every keystroke in a header, and a source whose text is unchanged is not read again.
 */
export class ReadSources {
  private readonly byPath = countedCache<string, { text: string; source: ReadSource }>(SOURCES_KEPT);

  get(path: string, text: string): ReadSource {
    const kept = this.byPath.get(path);
    if (kept?.text === text) return kept.source;
    const source = readSource(path, text);
    this.byPath.set(path, { text, source });
    return source;
  }
}

export class MacroUsesElsewhere {
  /** Per folder: its .c files as this instance read them (the editor makes one per check: the texts may change between checks). */
  private readonly byFolder = countedCache<string, readonly ReadSource[]>(FOLDERS_KEPT);

  constructor(
    private readonly list: FolderLister,
    private readonly read: TextReader,
    private readonly sources: ReadSources = new ReadSources(),
  ) {}

  /**
   * The name of a .c file that includes `header` and expands `macro` for certain, where that
   * file spells `callee` nowhere itself (it might define or declare it); undefined when none does.
   */
  expandingSource(header: string, macro: string, functionLike: boolean, callee: string): string | undefined {
    const target = resolve(header);
    const use = new RegExp(`\\b${macro}\\b${functionLike ? '\\s*\\(' : ''}`);
    const spelled = new RegExp(`\\b${callee}\\b`);
    for (const folder of includerFolders(target)) {
      const found = this.sourcesIn(folder).find((source) => source.includes.has(target) && use.test(source.code) && !spelled.test(source.code));
      if (found) return basename(found.path);
    }
    return undefined;
  }

  private sourcesIn(folder: string): readonly ReadSource[] {
    let sources = this.byFolder.get(folder);
    if (!sources) {
      sources = this.list(folder)
        .filter((name) => name.endsWith('.c'))
        .map((name) => join(folder, name))
        .flatMap((path) => {
          const text = this.read(path);
          return text === undefined ? [] : [this.sources.get(path, text)];
        });
      this.byFolder.set(folder, sources);
    }
    return sources;
  }
}

/** The source's unconditional quoted includes and code: a line inside any `#if` counts as neither. */
function readSource(path: string, text: string): ReadSource {
  const includes = new Set<string>();
  const lines = blankCommentsAndLiterals(text).split('\n');
  const raw = text.split('\n');
  let depth = 0;
  let continued = false;
  const code = lines.map((line, i) => {
    const directive = continued || /^[ \t]*#/.test(line);
    continued = directive && line.trimEnd().endsWith('\\');
    if (!directive) return depth === 0 ? line : '';
    if (CONDITIONAL_OPEN.test(line)) depth++;
    else if (CONDITIONAL_CLOSE.test(line)) depth = Math.max(0, depth - 1);
    const include = depth === 0 ? QUOTED_INCLUDE.exec(raw[i]) : null;
    if (include) includes.add(resolve(dirname(path), include[1]));
    return '';
  });
  return { path, includes, code: code.join('\n') };
}

/**
 * Whether the macros of the file are worth looking for in other files: a driver's header. A
 * kernel tree's headers are checked against the tree's own kernel, and their includers are many.
 */
export function expandsElsewhere(file: string, workspace: { inKernelTree(path: string): boolean }): boolean {
  return file.endsWith('.h') && !workspace.inKernelTree(file);
}
