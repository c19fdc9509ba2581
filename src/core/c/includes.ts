// Where an #include is looked for, and what the build adds that the source does not show.
// Quoted includes are looked for next to the including file first; then, like angle ones, in
// the `include/` folder of each folder from the file up to its workspace root, under each root,
// and in the `-I` folders the driver's Kbuild or Makefile names. Kernel headers are not there,
// which is right: their macros stay unknown. Reading is passed in by the caller.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { CommandLineMacro, IncludeResolver } from './preprocessor';

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

/** Paths of the workspace's files whose path ends with `/spec` (`compat/version.h`). */
export type WorkspaceFileFinder = (spec: string) => readonly string[];

/** Characters of header text kept in memory by default: a whole kernel tree's headers are ten times more. */
const DEFAULT_TEXT_CACHE_CHARS = 16 * 1024 * 1024;
/** Include lookups remembered per resolver. */
const LOOKUPS_KEPT = 200_000;

/**
 * Header texts by path, shared by every resolver of a run (files with different `-I` folders
 * read the same headers). Bounded by characters, least recently used first out; a missing
 * file is remembered too, since most candidates of a lookup do not exist (each entry also
 * counts its path and some bookkeeping).
 */
export class HeaderTexts {
  private readonly texts: LRUCache<string, { text: string | undefined }>;

  constructor(
    private readonly readFile: TextReader,
    maxChars = DEFAULT_TEXT_CACHE_CHARS,
  ) {
    this.texts = new LRUCache({ maxSize: maxChars, sizeCalculation: (entry, path) => (entry.text?.length ?? 0) + path.length + 64 });
  }

  read(path: string): string | undefined {
    let entry = this.texts.get(path);
    if (entry === undefined) this.texts.set(path, (entry = { text: this.readFile(path) }));
    return entry.text;
  }
}

/**
 * Resolves includes the way the build does (see the top of this file). A lookup depends only on
 * the including file's folder, the spec and its quotes, so it is made once per (folder, spec);
 * the workspace fallback depends on the including file itself and is kept per file. `texts`
 * shares header texts with other resolvers; by default the resolver keeps its own.
 */
export function createIncludeResolver(
  roots: readonly string[],
  read: TextReader,
  includeDirs: readonly string[] = [],
  findInWorkspace?: WorkspaceFileFinder,
  texts: HeaderTexts = new HeaderTexts(read),
): IncludeResolver {
  const lookups = new LRUCache<string, { path: string | undefined }>({ max: LOOKUPS_KEPT });
  const found = (path: string | undefined) => {
    if (path === undefined) return undefined;
    const text = texts.read(path);
    return text === undefined ? undefined : { path, text };
  };
  const search = (spec: string, quoted: boolean, from: string, includingFile: string) => {
    const candidates = isAbsolute(spec)
      ? [spec]
      : [
          ...(quoted ? [join(from, spec)] : []),
          ...foldersUpTo(from, rootOf(includingFile, roots)).map((folder) => join(folder, 'include', spec)),
          ...roots.flatMap((root) => [join(root, 'include', spec), join(root, spec)]),
          ...includeDirs.map((dir) => join(dir, spec)),
        ];
    return candidates.find((candidate) => texts.read(candidate) !== undefined);
  };
  // The nearest of the workspace's files with that path, when the folders above explain nothing:
  // a -I the build computes in a way we do not read (a shell call, an included makefile).
  const nearestInWorkspace = (spec: string, includingFile: string) =>
    [...(findInWorkspace?.(spec) ?? [])].sort((a, b) => sharedPrefix(b, includingFile) - sharedPrefix(a, includingFile) || (a < b ? -1 : 1))[0];
  const lookUp = (key: string, find: () => string | undefined) => {
    let entry = lookups.get(key);
    if (entry === undefined) lookups.set(key, (entry = { path: find() }));
    return entry.path;
  };
  return (spec, quoted, includingFile) => {
    const from = dirname(includingFile);
    const byFolder = found(lookUp(`${quoted ? '"' : '<'}${from}\0${spec}`, () => search(spec, quoted, from, includingFile)));
    if (byFolder || !findInWorkspace || isAbsolute(spec)) return byFolder;
    return found(lookUp(`*${includingFile}\0${spec}`, () => nearestInWorkspace(spec, includingFile)));
  };
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** What a driver's Kbuild files add to every compile: `-include` headers, `-I` folders, `-D`/`-U` macros. */
export interface BuildFlags {
  /** Absolute paths of headers included before the source (gcc `-include`). */
  forcedIncludes: string[];
  includeDirs: string[];
  /** In the order the files set them; uncertain where a make conditional or a config-dependent variable chooses. */
  defines: CommandLineMacro[];
}

/** Variables that name the module's own folder in out-of-tree Kbuild files. */
const FOLDER_VARIABLES = /\$[({](?:src|obj|M|PWD|CURDIR|KBUILD_EXTMOD|srctree\)\/\$\(src)[)}]/g;
const FLAG_ASSIGNMENT = /^\s*(ccflags-[\w$()-]*|subdir-ccflags-[\w$()-]*|EXTRA_CFLAGS|KBUILD_CFLAGS|NOSTDINC_FLAGS|ccflags|CFLAGS_([\w-]+)\.o)\s*(?::=|\+=|\?=|=)(.*)$/;

/** How sure a line of a make file is to take effect when Kbuild compiles the module. */
const enum Reach {
  Never,
  Maybe,
  Always,
}

/**
 * Tracks `ifeq`/`ifneq`/`ifdef`/`ifndef` ... `else` ... `endif`. A test is decided when it
 * asks whether KERNELRELEASE is set (the Kbuild pass is inside `ifneq ($(KERNELRELEASE),)`) or
 * when both of its sides expand to literal text through the variables the make file sets
 * literally (`CONFIG_PLATFORM_I386_PC = y` … `ifeq ($(CONFIG_PLATFORM_I386_PC), y)`); every
 * other test may go either way.
 */
class MakeConditionals {
  private readonly stack: Reach[] = [];

  constructor(private readonly variables: MakeVariables) {}

  /** Reads a line; true when it was a conditional directive. */
  read(line: string): boolean {
    const directive = /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b(.*)$/.exec(line);
    if (!directive) return false;
    const [, word, rest] = directive;
    if (word === 'endif') this.stack.pop();
    else if (word === 'else') {
      const top = this.stack.pop();
      // `else ifeq ...` chains another test: the rest of the chain may go either way.
      const chained = /^\s*if/.test(rest);
      this.stack.push(top === undefined || chained ? Reach.Maybe : top === Reach.Always ? Reach.Never : top === Reach.Never ? Reach.Always : Reach.Maybe);
    } else {
      const release = kernelReleaseTest(word, rest);
      this.stack.push(release !== Reach.Maybe ? release : this.literalTest(word, rest));
    }
    return true;
  }

  /** `ifeq (a,b)` / `ifeq "a" "b"` / `ifdef NAME` decided from literal values, else Maybe. */
  private literalTest(word: string, rest: string): Reach {
    const decide = (truth: boolean | undefined) => (truth === undefined ? Reach.Maybe : truth ? Reach.Always : Reach.Never);
    if (word === 'ifdef' || word === 'ifndef') {
      const defined = this.variables.isDefined(rest.trim());
      return decide(defined === undefined ? undefined : word === 'ifdef' ? defined : !defined);
    }
    const sides = comparedSides(rest);
    if (!sides) return Reach.Maybe;
    const [left, right] = sides.map((side) => this.variables.expand(side).trim());
    if (left.includes('$') || right.includes('$')) return Reach.Maybe;
    return decide(word === 'ifeq' ? left === right : left !== right);
  }

  get reach(): Reach {
    let reach = Reach.Always;
    for (const frame of this.stack) if (frame < reach) reach = frame;
    return reach;
  }
}

/** The two sides of `(a,b)` or `"a" "b"`, split at the top-level comma. */
function comparedSides(rest: string): [string, string] | undefined {
  const text = rest.trim();
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(text);
  if (quoted) return [quoted[2], quoted[4]];
  if (!text.startsWith('(') || !text.endsWith(')')) return undefined;
  const inner = text.slice(1, -1);
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '(') depth++;
    else if (inner[i] === ')') depth--;
    else if (inner[i] === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
  }
  return undefined;
}

/**
 * The variables a make file sets literally, as make would see them while reading it: `:=`,
 * `=`, `?=` and `+=` at a certainly reached line. A variable set under an undecided test, or
 * from `$(shell …)`, is unknown, and so is anything that names it.
 */
class MakeVariables {
  private readonly values = new Map<string, string>();
  private readonly unknown = new Set<string>();

  constructor(private readonly folder: string) {}

  /** Reads an assignment line reached with `reach`; true when it was one. */
  read(line: string, reach: Reach): boolean {
    const assignment = /^\s*(?:override\s+|export\s+)?([A-Za-z_][\w.-]*)\s*(:=|::=|\+=|\?=|=)(.*)$/.exec(line);
    if (!assignment) return false;
    const [, name, operator, raw] = assignment;
    if (reach === Reach.Never) return true;
    const value = raw.trim();
    if (reach === Reach.Maybe || /\$[({]shell\b/.test(value) || this.unknown.has(name)) {
      this.values.delete(name);
      this.unknown.add(name);
      return true;
    }
    if (operator === '?=' && this.values.has(name)) return true;
    const expanded = operator === ':=' || operator === '::=' ? this.expand(value) : value;
    this.values.set(name, operator === '+=' && this.values.has(name) ? `${this.values.get(name)} ${expanded}` : expanded);
    return true;
  }

  /** Whether the variable is set (undefined: it may be, from the environment or an undecided line). */
  isDefined(name: string): boolean | undefined {
    if (this.values.has(name)) return this.values.get(name) !== '';
    return undefined;
  }

  /** `$(NAME)` and `${NAME}` replaced where known, the module-folder variables by the folder; the rest left as written. */
  expand(text: string, depth = 0): string {
    const withFolder = text.replace(FOLDER_VARIABLES, this.folder);
    if (depth > 8) return withFolder;
    return withFolder.replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, (whole, name: string) => {
      const value = this.values.get(name);
      return value === undefined ? whole : this.expand(value, depth + 1);
    });
  }
}

/** Whether a make test is true in the Kbuild pass, when it only asks whether KERNELRELEASE is set. */
function kernelReleaseTest(word: string, rest: string): Reach {
  const compact = rest.replace(/\s+/g, '');
  const asksEmpty = ['($(KERNELRELEASE),)', '(,$(KERNELRELEASE))', '"$(KERNELRELEASE)"""', '"""$(KERNELRELEASE)"'].includes(compact);
  if (asksEmpty) return word === 'ifeq' ? Reach.Never : word === 'ifneq' ? Reach.Always : Reach.Maybe;
  if (compact === 'KERNELRELEASE') return word === 'ifdef' ? Reach.Always : word === 'ifndef' ? Reach.Never : Reach.Maybe;
  return Reach.Maybe;
}

/** `-DX`, `-DX=v`, `-UX` with make's and the shell's quoting of the value removed. */
function macroFlags(value: string): { name: string; value: string | null }[] {
  const macros: { name: string; value: string | null }[] = [];
  for (const flag of value.matchAll(/(?:^|\s)(['"]?)-([DU])\s*(['"]?)([A-Za-z_]\w*)(?:=((?:"[^"]*"|'[^']*'|\\.|[^\s\\])*))?/g)) {
    const [, outerQuote, kind, innerQuote, name, assigned] = flag;
    if (kind === 'U') macros.push({ name, value: null });
    else {
      // -D'NAME="v"' and '-DNAME=v': the shell's quotes around the whole flag go.
      const quote = outerQuote || innerQuote;
      let raw = assigned ?? '1';
      if (quote && raw.endsWith(quote)) raw = raw.slice(0, -1);
      if (raw.includes('$')) continue; // a make variable we do not evaluate
      macros.push({ name, value: raw.replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1') });
    }
  }
  return macros;
}

/**
 * Reads the `Kbuild` and `Makefile` of each folder from the file's up to its workspace root
 * (at most the file's own folder when there is no root) for `-include`, `-I`, `-D` and `-U`
 * flags. Only paths relative to the module folder are understood; anything naming other make
 * variables is left out rather than guessed. A `-D` under a make conditional (other than the
 * KERNELRELEASE test) or on a config-dependent variable (`ccflags-$(CONFIG_X)`) is uncertain.
 */
export function kbuildFlags(file: string, roots: readonly string[], read: TextReader): BuildFlags {
  const flags: BuildFlags = { forcedIncludes: [], includeDirs: [], defines: [] };
  const object = file.replace(/^.*\//, '').replace(/\.[ch]$/, '');
  for (const folder of foldersUpTo(dirname(file), rootOf(file, roots))) {
    for (const name of ['Kbuild', 'Makefile']) {
      const text = read(join(folder, name));
      if (text === undefined) continue;
      const variables = new MakeVariables(folder);
      const conditionals = new MakeConditionals(variables);
      for (const rawLine of text.replace(/\\\r?\n/g, ' ').split('\n')) {
        const line = rawLine.replace(/#.*$/, '');
        if (conditionals.read(line)) continue;
        const assignment = FLAG_ASSIGNMENT.exec(line);
        if (!assignment) {
          variables.read(line, conditionals.reach);
          continue;
        }
        if (assignment[2] !== undefined && assignment[2] !== object) continue;
        const reach = conditionals.reach;
        if (reach === Reach.Never) continue;
        const certain = reach === Reach.Always && !assignment[1].includes('$');
        const value = variables.expand(assignment[3]);
        for (const macro of macroFlags(value)) flags.defines.push({ ...macro, certain });
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
