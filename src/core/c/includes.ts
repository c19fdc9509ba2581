// Where an #include is looked for, and what the build adds that the source does not show.
// Quoted includes are looked for next to the including file first; then, like angle ones, in
// the `include/` folder of each folder from the file up to its workspace root, under each root,
// and in the `-I` folders the driver's Kbuild or Makefile names. Kernel headers are not there,
// which is right: their macros stay unknown. Reading is passed in by the caller.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LRUCache } from 'lru-cache';
import { countedCache } from '../countedCache';
import { detached } from '../detached';
import { cacheSize } from '../cacheBudget';
import { MakeConditionals, makeLines, MakeVariables, Reach } from './makefile';
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

/** Paths of the workspace's files whose path ends with `/spec` (`compat/version.h`); `quoted` for `#include "spec"`. */
export type WorkspaceFileFinder = (spec: string, quoted: boolean) => readonly string[];

/**
 * A finder over `paths` that answers `#include <name>`, for a name the kernel's headers have,
 * only with a copy that wraps the kernel's (`#include_next`, as backport layers do): any other
 * copy is a stand-in for another system's build (a FreeBSD linuxkpi shim), which Kbuild never
 * puts on the include path, so the include reads the kernel's header.
 */
export function outsideKernelNames(paths: (spec: string) => readonly string[], kernelHas: (spec: string) => boolean, read: TextReader): WorkspaceFileFinder {
  return (spec, quoted) => {
    const found = paths(spec);
    if (quoted || found.length === 0 || !kernelHas(spec)) return found;
    return found.filter((path) => read(path)?.includes('include_next') === true);
  };
}

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
    maxChars = cacheSize(DEFAULT_TEXT_CACHE_CHARS),
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
 *
 * `isKernelHeader`: where the workspace is a kernel tree, its include/ and arch/<arch>/include/
 * (kernelTree.ts). Those are the kernel's headers, which the database describes: they are not
 * read, as for an out-of-tree driver, and an include naming one stays unresolved.
 */
export function createIncludeResolver(
  roots: readonly string[],
  read: TextReader,
  includeDirs: readonly string[] = [],
  findInWorkspace?: WorkspaceFileFinder,
  isKernelHeader: (path: string) => boolean = () => false,
  texts: HeaderTexts = new HeaderTexts(read),
): IncludeResolver {
  const lookups = countedCache<string, { path: string | undefined }>(LOOKUPS_KEPT);
  const found = (path: string | undefined) => {
    if (path === undefined) return undefined;
    const text = texts.read(path);
    return text === undefined ? undefined : { path, text };
  };
  const search = (spec: string, quoted: boolean, from: string, includingFile: string) =>
    searchCandidates(spec, quoted, includingFile, roots, includeDirs).find((candidate) => !isKernelHeader(candidate) && texts.read(candidate) !== undefined);
  // The nearest of the workspace's files with that path, when the folders above explain nothing:
  // a -I the build computes in a way we do not read (a shell call, an included makefile).
  // Never the including file itself: net/nfc/nfc.h's `#include <net/nfc/nfc.h>` is the kernel's.
  const nearest = (candidates: readonly string[], includingFile: string) =>
    candidates.filter((path) => path !== includingFile).sort((a, b) => sharedPrefix(b, includingFile) - sharedPrefix(a, includingFile) || (a < b ? -1 : 1))[0];
  const lookUp = (key: string, find: () => string | undefined) => {
    let entry = lookups.get(key);
    if (entry === undefined) lookups.set(detached(key), (entry = { path: find() }));
    return entry.path;
  };
  return (spec, quoted, includingFile) => {
    const from = dirname(includingFile);
    const byFolder = found(lookUp(`${quoted ? '"' : '<'}${from}\0${spec}`, () => search(spec, quoted, from, includingFile)));
    if (byFolder || !findInWorkspace || isAbsolute(spec)) return byFolder;
    // Kept per including file, but only where the workspace has a copy: most includes the
    // folders leave unexplained are the kernel's (<linux/module.h>), and their entries were
    // 70% of the cache over drivers/, each for one file.
    const key = `*${quoted ? '"' : '<'}${includingFile}\0${spec}`;
    const known = lookups.get(key);
    if (known) return found(known.path);
    const candidates = findInWorkspace(spec, quoted);
    if (candidates.length === 0) return undefined;
    const entry = { path: nearest(candidates, includingFile) };
    lookups.set(detached(key), entry);
    return found(entry.path);
  };
}

/** The paths the search tries for an include, in order: the including file's folder for a quoted one, the workspace's include folders, then the `-I` folders. */
function searchCandidates(spec: string, quoted: boolean, includingFile: string, roots: readonly string[], includeDirs: readonly string[]): string[] {
  if (isAbsolute(spec)) return [spec];
  const from = dirname(includingFile);
  return [
    ...(quoted ? [join(from, spec)] : []),
    ...foldersUpTo(from, rootOf(includingFile, roots)).map((folder) => join(folder, 'include', spec)),
    ...roots.flatMap((root) => [join(root, 'include', spec), join(root, spec)]),
    ...includeDirs.map((dir) => join(dir, spec)),
  ];
}

/**
 * The EXTRA_CFLAGS `-I` folder through which alone an include is found (see
 * BuildFlags.ignoredIncludeDirs), or undefined: found elsewhere, or not at all. Kbuild ignores
 * EXTRA_CFLAGS from 6.15, and gcc then stops at such an include.
 */
export type ExtraCflagsFolder = (spec: string, quoted: boolean, includingFile: string) => string | undefined;

/**
 * Undefined where the build has no such folders. Every flag outside EXTRA_CFLAGS was read
 * (kbuildFlags sets no ignored folders otherwise), so the search of those kernels is known: the
 * including file's folder for a quoted include, the other `-I` folders, then the kernel's (an
 * external module's own folder is no `-I` of Kbuild's: `<linux/x.h>` beside the file needs
 * one). The workspace folders the resolver also tries stand for flags it could not read, and
 * there are none.
 */
export function extraCflagsFolder(read: TextReader, flags: Pick<BuildFlags, 'includeDirs' | 'ignoredIncludeDirs'>): ExtraCflagsFolder | undefined {
  const { includeDirs, ignoredIncludeDirs } = flags;
  if (ignoredIncludeDirs.length === 0) return undefined;
  const kept = includeDirs.filter((dir) => !ignoredIncludeDirs.includes(dir));
  return (spec, quoted, includingFile) => {
    if (isAbsolute(spec)) return undefined;
    const searched = quoted ? [dirname(includingFile), ...kept] : kept;
    if (searched.some((dir) => read(join(dir, spec)) !== undefined)) return undefined;
    return ignoredIncludeDirs.find((dir) => read(join(dir, spec)) !== undefined);
  };
}

/**
 * Whether a `-I` folder the build computes in a way the reader does not follow (see
 * BuildFlags.computedIncludeTails) may give the header: some workspace file has its path under a
 * folder ending so. Undefined where the build has no such folders.
 */
export function computedIncludeFolderHas(flags: Pick<BuildFlags, 'computedIncludeTails'>, pathsEndingWith: (spec: string) => readonly string[]): ((spec: string) => boolean) | undefined {
  const tails = flags.computedIncludeTails;
  if (tails.length === 0) return undefined;
  return (spec) => pathsEndingWith(spec).some((path) => tails.some((tail) => path.endsWith(`${tail}/${spec}`)));
}

/**
 * The workspace headers that the `-include` flags whose paths the build computes most likely
 * name (see BuildFlags.computedForcedIncludeTails): for each, the workspace file ending so that
 * is nearest to the file compiled. wireguard's compat layer, `-include
 * $(kbuild-dir)/compat/compat.h`, defines the names newer kernels renamed (`#define blake2s_ctx
 * blake2s_state`); left unread, every use of them looked like the kernel's.
 */
export function computedForcedIncludes(flags: Pick<BuildFlags, 'computedForcedIncludeTails'>, file: string, pathsEndingWith: (spec: string) => readonly string[]): string[] {
  const found: string[] = [];
  for (const tail of flags.computedForcedIncludeTails) {
    const spec = tail.replace(/^\/+/, '');
    if (spec === '') continue;
    const nearest = pathsEndingWith(spec)
      .filter((path) => path.endsWith(`/${spec}`))
      .sort((a, b) => sharedPrefix(b, file) - sharedPrefix(a, file) || (a < b ? -1 : 1))[0];
    if (nearest !== undefined && !found.includes(nearest)) found.push(nearest);
  }
  return found;
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
  /**
   * The files may pass flags this reader cannot see: a `$(shell …)` or a variable it cannot
   * expand among the flags, or a make file they include. Any macro may then be defined.
   */
  unread: boolean;
  /**
   * Set where every flag left unread is one of EXTRA_CFLAGS (Realtek's `EXTRA_CFLAGS +=
   * $(USER_EXTRA_CFLAGS)`) and no flag variable folds it in: the kernels from this version code
   * ignore EXTRA_CFLAGS, so there every flag the build passes is known.
   */
  unreadUntil?: number;
  /** Some make file read names a C standard (`-std=gnu99`), in a flag variable or on a make command line. */
  namesStandard: boolean;
  /**
   * The `-I` folders (also in `includeDirs`) that only EXTRA_CFLAGS gives, where no flag variable
   * folds it in (`ccflags-y += $(EXTRA_CFLAGS)`): Kbuild ignores EXTRA_CFLAGS from 6.15. Its
   * `-D`/`-U` flags carry `untilVersion` for the same reason.
   */
  ignoredIncludeDirs: string[];
  /**
   * What follows the last make call in each `-I` folder the reader could not expand (`/compat/crypto/utils/include`
   * of wireguard's `-I$(kbuild-dir)/compat/crypto/utils/include`, set under `ifeq ($(wildcard …),)`):
   * a workspace folder ending so may give a header the kernel lacks. '' where nothing follows.
   */
  computedIncludeTails: string[];
  /** The same for `-include` headers (`-include $(kbuild-dir)/compat/compat.h`): '/compat/compat.h'. */
  computedForcedIncludeTails: string[];
  /**
   * Some make file may turn off Kbuild's `-Werror=date-time` (`-Wno-date-time`,
   * `-Wno-error=date-time`, or every warning or error: `-w`, `-Wno-error`), wherever it stands:
   * 'always', or 'extra-cflags' where only EXTRA_CFLAGS does, which Kbuild ignores from 6.15.
   */
  dateTimeAllowed?: 'always' | 'extra-cflags';
}

/** The flags of a file no make file covers (an editor's unsaved text): none. */
export function noBuildFlags(): BuildFlags {
  return { forcedIncludes: [], includeDirs: [], defines: [], unread: false, namesStandard: false, ignoredIncludeDirs: [], computedIncludeTails: [], computedForcedIncludeTails: [] };
}

/** The first LINUX_VERSION_CODE whose Kbuild no longer reads EXTRA_CFLAGS (6.15). */
export const EXTRA_CFLAGS_IGNORED_FROM = (6 << 16) | (15 << 8);

/**
 * The make variables whose flags reach a module's compiles. A module's Kbuild file is read
 * inside Kbuild's own make, so what it appends to KBUILD_CFLAGS or KBUILD_CPPFLAGS (vendor
 * drivers gather their -D flags in a variable and append it there) goes on every object's line.
 */
const FLAG_ASSIGNMENT = /^\s*(ccflags-[\w$()-]*|subdir-ccflags-[\w$()-]*|EXTRA_CFLAGS|KBUILD_CFLAGS|KBUILD_CPPFLAGS|NOSTDINC_FLAGS|ccflags|CFLAGS_([\w-]+)\.o)\s*(?::=|\+=|\?=|=)(.*)$/;

/**
 * `-DX`, `-DX=v`, `-UX` with make's and the shell's quoting of the value removed; `computed`
 * for one inside a make function left unexpanded (`$(shell grep -q … && echo -DHAVE_X)`,
 * `$(if …)`): whether the build passes it depends on what the function finds.
 */
function macroFlags(value: string): { name: string; value: string | null; computed: boolean }[] {
  const macros: { name: string; value: string | null; computed: boolean }[] = [];
  const functionSpans = unexpandedCalls(value);
  for (const flag of value.matchAll(/(?:^|[\s,])(['"]?)-([DU])\s*(['"]?)([A-Za-z_]\w*)(?:=((?:"[^"]*"|'[^']*'|\\.|[^\s\\])*))?/g)) {
    const [, outerQuote, kind, innerQuote, name, assigned] = flag;
    const computed = functionSpans.some(([start, end]) => flag.index >= start && flag.index < end);
    if (kind === 'U') macros.push({ name, value: null, computed });
    else {
      // -D'NAME="v"' and '-DNAME=v': the shell's quotes around the whole flag go.
      const quote = outerQuote || innerQuote;
      let raw = assigned ?? '1';
      if (quote && raw.endsWith(quote)) raw = raw.slice(0, -1);
      // A value made by make (`-DVERSION=$(shell git describe)`): defined, but its value is not known.
      if (raw.includes('$')) macros.push({ name, value: '1', computed: true });
      else macros.push({ name, value: raw.replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1'), computed });
    }
  }
  return macros;
}

const MAKE_INCLUDE = /^\s*(?:-|s)?include\s+(.*?)\s*$/;
/** Variables whose flags are read from their own assignments (FLAG_ASSIGNMENT): `ccflags-y += $(EXTRA_CFLAGS)` hides nothing. */
const FLAG_VARIABLE = /^\$[({](ccflags-[\w-]*|subdir-ccflags-[\w-]*|EXTRA_CFLAGS|KBUILD_CFLAGS|KBUILD_CPPFLAGS|NOSTDINC_FLAGS|ccflags)[)}]$/;

/**
 * Whether a flags value may hold flags nobody can read here: a variable left unexpanded (but
 * one of the flag variables, read from their own assignments), a `-D` whose name is computed
 * (`echo "-D"$${val}`), an `-include` of a header whose path make computes (left out), or a
 * `$(shell …)` that prints no literal `-D` (it runs a script, whose output may be any flag). A
 * literal `-DHAVE_X` in a make function is read, as uncertain (macroFlags); so are `-I` and
 * `-include` paths, the value of a `-DNAME=$(…)`, and calls that pass literal options
 * (`$(call cc-option,-Wx)`).
 */
function hasUnreadFlags(value: string): boolean {
  // A forced header whose path make computes is left out (kbuildFlags), and it may define anything.
  if (/-include\s*\S*\$/.test(value)) return true;
  const withoutPaths = value.replace(/(?:-include|-I)\s*\S+/g, ' ');
  return unexpandedCalls(withoutPaths).some(([start, end]) => {
    // The value of a `-DNAME=…` (`-DCOMMIT_REV="\"$(COMMIT_REV)\""`): the name is read, only the value is make's.
    if (/-D\s*['"]?[A-Za-z_]\w*=[\\'"]*$/.test(withoutPaths.slice(0, start))) return false;
    const call = withoutPaths.slice(start, end);
    if (/^\$[({][A-Za-z_][\w.-]*[)}]$/.test(call)) return !FLAG_VARIABLE.test(call);
    if (COMPILER_OPTIONS_ONLY.test(call)) return false;
    const flags = [...call.matchAll(/-D\s*['"]?(.)/g)];
    if (flags.some(([, next]) => !/[A-Za-z_]/.test(next))) return true;
    return /^\$[({]shell\b/.test(call) && flags.length === 0;
  });
}

/**
 * Debian's hardening options (`$(shell DEB_BUILD_MAINT_OPTIONS=… dpkg-buildflags --get CFLAGS)`):
 * code generation and warning options only; the macros are CPPFLAGS', which stays unread.
 */
const COMPILER_OPTIONS_ONLY = /^\$[({]shell\s+(?:[A-Za-z_]\w*=\S*\s+)*dpkg-buildflags\s+--get\s+(?:CFLAGS|LDFLAGS)\s*[)}]$/;

/** The [start, end) spans of the `$(…)` / `${…}` calls left in a value, outermost only. */
function unexpandedCalls(value: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let start = value.indexOf('$'); start >= 0 && start + 1 < value.length; start = value.indexOf('$', start + 1)) {
    const open = value[start + 1];
    if (open !== '(' && open !== '{') continue;
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    let end = start + 1;
    for (; end < value.length; end++) {
      if (value[end] === open) depth++;
      else if (value[end] === close && --depth === 0) break;
    }
    spans.push([start, end + 1]);
    start = end;
  }
  return spans;
}

/** A make value with `$(srctree)` read as the kernel tree's root, where the file lies in one. */
function inTree(value: string, kernelTree: string | undefined): string {
  return kernelTree === undefined ? value : value.replace(/\$[({]srctree[)}]/g, kernelTree);
}

/**
 * Reads the `Kbuild` and `Makefile` of each folder from the file's up to its workspace root
 * (at most the file's own folder when there is no root) for `-include`, `-I`, `-D` and `-U`
 * flags. Only paths relative to the module folder are understood; anything naming other make
 * variables is left out rather than guessed; a make file they include is read in place. A `-D`
 * under a make conditional (other than the KERNELRELEASE test) or on a config-dependent
 * variable (`ccflags-$(CONFIG_X)`) is uncertain.
 * `kernelTree`: the root of the kernel source tree the file lies in, which `$(srctree)` names
 * (drivers/usb/gadget/function: `-I$(srctree)/drivers/usb/gadget/` for u_f.h).
 */
export function kbuildFlags(file: string, roots: readonly string[], read: TextReader, kernelTree?: string): BuildFlags {
  const flags = noBuildFlags();
  const object = file.replace(/^.*\//, '').replace(/\.[ch]$/, '');
  const extraCflags: ExtraCflagsReading = { dirs: new Set(), otherDirs: new Set(), folded: false, unreadElsewhere: false };
  for (const folder of foldersUpTo(dirname(file), rootOf(file, roots))) {
    for (const name of ['Kbuild', 'Makefile']) {
      const path = join(folder, name);
      const text = read(path);
      if (text === undefined) continue;
      const variables = new MakeVariables(folder);
      readFlagFile(text, { folder, object, kernelTree, read, flags, variables, conditionals: new MakeConditionals(variables), seen: new Set([path]), extraCflags });
    }
  }
  if (extraCflags.folded) {
    for (const macro of flags.defines) delete macro.untilVersion;
    if (flags.dateTimeAllowed) flags.dateTimeAllowed = 'always';
  }
  // Flags unread elsewhere may give the same folder on every kernel; unread ones of EXTRA_CFLAGS go with it.
  else if (!extraCflags.unreadElsewhere) {
    flags.ignoredIncludeDirs = [...extraCflags.dirs].filter((dir) => !extraCflags.otherDirs.has(dir));
    if (flags.unread) flags.unreadUntil = EXTRA_CFLAGS_IGNORED_FROM;
  }
  return flags;
}

/**
 * What the make files do with EXTRA_CFLAGS: the `-I` folders it gives, those other variables
 * give, whether one folds it in, and whether flags outside it went unread.
 */
interface ExtraCflagsReading {
  dirs: Set<string>;
  otherDirs: Set<string>;
  folded: boolean;
  unreadElsewhere: boolean;
}

/** One make file being read for flags, with the files it includes. */
interface FlagReading {
  folder: string;
  /** The object the flags are for: `CFLAGS_<object>.o` applies, other objects' do not. */
  object: string;
  kernelTree: string | undefined;
  read: TextReader;
  flags: BuildFlags;
  variables: MakeVariables;
  conditionals: MakeConditionals;
  /** The make files read so far: an include cycle ends there. */
  seen: Set<string>;
  extraCflags: ExtraCflagsReading;
}

/** An assignment to the flags make and Kbuild give host programs (HOSTCFLAGS, HOSTCXXFLAGS_tool, …), not modules. */
const HOST_PROGRAM_FLAGS = /^\s*(?:override\s+|export\s+)?HOST(?:C|CXX)FLAGS\w*\s*[:+?]?=/;

/** A flag that may let `__DATE__` through: the date-time warning or its error turned off, or all warnings or errors. */
const DATE_TIME_ALLOWED = /date-time|-Wno-error(?![=\w-])|(?:^|[\s"'=])-w(?=$|[\s"'])/;

/** Make files one Kbuild file may include before the rest are counted as unread. */
const MAX_INCLUDED_MAKE_FILES = 8;

function readFlagFile(text: string, reading: FlagReading): void {
  const { conditionals, variables } = reading;
  for (const line of makeLines(text)) {
    // Wherever it stands (`$(MAKE) … EXTRA_CFLAGS=-std=gnu99`), whatever the conditionals: a build
    // may use it. Only the flags of the host programs beside the module (`HOSTCFLAGS ?= -std=c11`
    // for a daemon) never reach its compile.
    if (line.includes('-std=') && !HOST_PROGRAM_FLAGS.test(line)) reading.flags.namesStandard = true;
    if (DATE_TIME_ALLOWED.test(line) && !HOST_PROGRAM_FLAGS.test(line)) {
      const onlyExtraCflags = FLAG_ASSIGNMENT.exec(line)?.[1] === 'EXTRA_CFLAGS';
      reading.flags.dateTimeAllowed = onlyExtraCflags && reading.flags.dateTimeAllowed !== 'always' ? 'extra-cflags' : 'always';
    }
    if (conditionals.read(line)) continue;
    const included = MAKE_INCLUDE.exec(line);
    if (included) readIncludedMakeFile(included[1], reading);
    else {
      const assignment = FLAG_ASSIGNMENT.exec(line);
      if (assignment) readFlagAssignment(assignment, reading);
      else variables.read(line, conditionals.reach);
    }
  }
}

/** `include X` is read in place, as make does; one that cannot be found or named may pass any flag. */
function readIncludedMakeFile(spec: string, reading: FlagReading): void {
  const { folder, conditionals, variables, flags, seen } = reading;
  if (conditionals.reach === Reach.Never) return;
  const path = resolve(folder, variables.expand(spec));
  // The folder's own Kbuild and Makefile are read anyway (AQtion's Makefile includes its Kbuild).
  if (seen.has(path) || ['Kbuild', 'Makefile'].some((own) => join(folder, own) === path)) return;
  const text = path.includes('$') || seen.size > MAX_INCLUDED_MAKE_FILES ? undefined : reading.read(path);
  if (text === undefined) {
    flags.unread = true;
    reading.extraCflags.unreadElsewhere = true;
    return;
  }
  seen.add(path);
  readFlagFile(text, reading);
}

function readFlagAssignment(assignment: RegExpExecArray, { folder, object, kernelTree, flags, variables, conditionals, extraCflags }: FlagReading): void {
  if (assignment[2] !== undefined && assignment[2] !== object) return;
  const reach = conditionals.reach;
  if (reach === Reach.Never) return;
  const certain = reach === Reach.Always && !assignment[1].includes('$');
  const viaExtraCflags = assignment[1] === 'EXTRA_CFLAGS';
  if (!viaExtraCflags && /\$[({]EXTRA_CFLAGS[)}]/.test(assignment[3])) extraCflags.folded = true;
  const value = inTree(variables.expand(assignment[3]), kernelTree);
  if (hasUnreadFlags(value)) {
    flags.unread = true;
    if (!viaExtraCflags) extraCflags.unreadElsewhere = true;
  }
  for (const { computed, ...macro } of macroFlags(value)) flags.defines.push({ ...macro, certain: certain && !computed, ...(viaExtraCflags ? { untilVersion: EXTRA_CFLAGS_IGNORED_FROM } : {}) });
  for (const flag of value.matchAll(/(-include|-I)\s*(\S+)/g)) {
    const path = flag[2];
    if (path.includes('$')) {
      const tail = path.slice(Math.max(path.lastIndexOf(')'), path.lastIndexOf('}')) + 1).replace(/\/+$/, '');
      const tails = flag[1] === '-I' ? flags.computedIncludeTails : flags.computedForcedIncludeTails;
      if (!tails.includes(tail)) tails.push(tail);
      continue;
    }
    const absolute = resolve(folder, path);
    const list = flag[1] === '-include' ? flags.forcedIncludes : flags.includeDirs;
    if (!list.includes(absolute)) list.push(absolute);
    if (flag[1] === '-I') (viaExtraCflags ? extraCflags.dirs : extraCflags.otherDirs).add(absolute);
  }
}
