// Which .c files the build compiles as kernel code. Kbuild compiles what the object lists of
// a folder's Kbuild (or Makefile) name: `obj-m += foo.o`, `foo-y := a.o b.o`, `foo-objs`,
// `obj-$(CONFIG_X) += x.o`, composite objects within composite objects, `obj-y += sub/`
// descending into a folder. A .c file those lists do not name is not built (a vendor tree's
// helper programs, files left over from an older layout): nothing in it can break a build.
// A file named under `obj-$(CONFIG_X)` is built only on kernels whose config turns X on.
//
// Lists are read, not run: a value this reader cannot expand (a make function, a variable set
// by a shell call), an include it cannot follow or unbalanced conditionals leave the folder
// "open", and an open folder never says a file is not built.
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { TextReader } from './includes';
import { comparedSides, MakeConditionals, makeLines, MakeVariables, Reach } from './makefile';

/**
 * Config tests that must all hold for the build to reach a file; empty: always. A test is
 * `CONFIG_X` (on: `y` or `m`), `CONFIG_X=y` or `CONFIG_X=m` (that value), or one of those
 * after `!` (the opposite): `obj-$(CONFIG_X)` needs `CONFIG_X`, a line under `ifneq
 * ($(CONFIG_X),)` too, one under its `else` `!CONFIG_X`.
 */
export type ConfigNeeds = readonly string[];

export type BuildVerdict =
  /** No Kbuild or Makefile with object lists speaks for the file: other signs decide. */
  | { kind: 'unknown'; problems: string[] }
  /** Built where one of `when` holds (`[[]]`: everywhere). */
  | { kind: 'built'; makefile: string; when: ConfigNeeds[]; problems: string[] }
  | { kind: 'not-built'; makefile: string; reason: string; problems: string[] };

/** Make files larger than this are not read: no hand-written Kbuild is. */
const MAX_MAKEFILE_CHARS = 1024 * 1024;
/** Alternatives kept per object: a file reached in more ways is taken as built everywhere. */
const MAX_ALTERNATIVES = 16;
const MAX_INCLUDE_DEPTH = 4;

/** One folder's object lists: list name → the names it holds, and whether some may be missing. */
interface ObjectLists {
  makefile: string;
  /** Keys as `base|need` (`obj|`, `obj|CONFIG_X`, `foo|`): an empty need means y, m or objs. */
  lists: Map<string, ListEntry[]>;
  /** Each list's name as the file first spells it (`obj-m`, `foo-objs`), for messages. */
  spelling: Map<string, string>;
  /** Some list could not be read in full: a name missing from it may still be built. */
  open: boolean;
  /**
   * A make file of the module's own that an optional include names and that is not there
   * (`-include $(src)/.config`, which the module's default make target writes): the config
   * symbols it may set are not known.
   */
  unreadConfig?: string;
}

/** What the make file of a folder exports to the folders below it (undefined where the value is not known). */
type Exports = ReadonlyMap<string, string | undefined>;

/** A name in a list, with the config tests of the make conditionals around its line. */
interface ListEntry {
  name: string;
  needs: ConfigNeeds;
}

/**
 * The config tests of the make conditionals around a line, where a test asks only about one
 * config symbol the make file does not set itself (`ifneq ($(CONFIG_SND_SEQUENCER_OSS),)`,
 * `ifdef CONFIG_X`, `ifeq ($(CONFIG_X),y)`): those are decided per kernel, by its config.
 */
class ConfigConditions {
  private readonly stack: (string | undefined)[] = [];

  constructor(private readonly variables: MakeVariables) {}

  /** Follows a conditional directive line (MakeConditionals reads the same line). */
  read(line: string): void {
    const directive = /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b(.*)$/.exec(line);
    if (!directive) return;
    const [, word, rest] = directive;
    if (word === 'endif') this.stack.pop();
    else if (word === 'else') {
      const test = this.stack.pop();
      this.stack.push(/^\s*if/.test(rest) || test === undefined ? undefined : negate(test));
    } else this.stack.push(this.testOf(word, rest));
  }

  get needs(): ConfigNeeds {
    return this.stack.filter((test): test is string => test !== undefined);
  }

  private testOf(word: string, rest: string): string | undefined {
    const symbol = (text: string) => {
      const match = /^\$[({](CONFIG_\w+)[)}]$/.exec(text.trim()) ?? (word === 'ifdef' || word === 'ifndef' ? /^(CONFIG_\w+)$/.exec(text.trim()) : null);
      return match && this.variables.isDefined(match[1]) === undefined ? match[1] : undefined;
    };
    if (word === 'ifdef' || word === 'ifndef') {
      const name = symbol(rest);
      return name && (word === 'ifdef' ? name : `!${name}`);
    }
    const sides = comparedSides(rest);
    if (!sides) return undefined;
    const [left, right] = sides.map((side) => side.trim());
    const name = symbol(left) ?? symbol(right);
    const value = symbol(left) ? right : left;
    if (!name || !['', 'y', 'm'].includes(value)) return undefined;
    const test = value === '' ? `!${name}` : `${name}=${value}`;
    return word === 'ifeq' ? test : negate(test);
  }
}

function negate(test: string): string {
  return test.startsWith('!') ? test.slice(1) : `!${test}`;
}

/** Kbuild variables of the `name-y` shape that are not object lists: flags, host programs, files to clean. */
const NOT_OBJECT_LISTS = /^(?:ccflags|asflags|ldflags|cflags|cppflags|subdir-ccflags|subdir-asflags|subdir|always|extra|targets|clean-files|hostprogs|userprogs|userccflags|header-test|CFLAGS_|AFLAGS_|HOSTCFLAGS|HOSTLDLIBS)(?:-|_|$)/;

/** `obj-y`, `foo-objs`, `foo-$(CONFIG_X)` split into the list's base and the config symbol it needs. */
function listKey(name: string): { base: string; need: string } | 'never' | undefined {
  const match = /^(.+)-(y|m|objs|n|\$\((CONFIG_\w+)\)|)$/.exec(name);
  if (!match) return undefined;
  if (match[2] === 'n' || match[2] === '') return 'never';
  return { base: match[1], need: match[3] ?? '' };
}

/** Make files read lately, by path and text: every file of a folder asks for the same ones. */
const recentlyRead = new Map<string, MakefileFacts & { problems: string[]; included: Map<string, string | undefined> }>();
const MAX_REMEMBERED = 256;

/** What a folder's make file says: its object lists (undefined when it names no objects) and its exports. */
interface MakefileFacts {
  lists: ObjectLists | undefined;
  exports: Exports;
}

/**
 * Reads one folder's make file, starting from what the folders above export; what could not
 * be read goes to `problems`.
 */
function readMakefile(folder: string, read: TextReader, problems: string[], inherited: Exports): MakefileFacts {
  const makefile = ['Kbuild', 'Makefile'].map((name) => join(folder, name)).find((path) => read(path) !== undefined);
  if (!makefile) return { lists: undefined, exports: inherited };
  const text = read(makefile)!;
  const key = `${makefile}\0${text}\0${[...inherited].map(([name, value]) => `${name}=${value ?? '?'}`).join('\0')}`;
  let remembered = recentlyRead.get(key);
  // Still valid while the make files it includes read the same.
  if (remembered && [...remembered.included].some(([path, was]) => read(path) !== was)) remembered = undefined;
  if (!remembered) {
    const ownProblems: string[] = [];
    const included = new Map<string, string | undefined>();
    const recordingRead = (path: string) => {
      const includedText = read(path);
      included.set(path, includedText);
      return includedText;
    };
    remembered = { ...parseMakefile(makefile, folder, text, recordingRead, ownProblems, inherited), problems: ownProblems, included };
    if (recentlyRead.size >= MAX_REMEMBERED) recentlyRead.clear();
    recentlyRead.set(key, remembered);
  }
  problems.push(...remembered.problems.filter((problem) => !problems.includes(problem)));
  return remembered;
}

function parseMakefile(makefile: string, folder: string, text: string, read: TextReader, problems: string[], inherited: Exports): MakefileFacts {
  const found: ObjectLists = { makefile, lists: new Map(), spelling: new Map(), open: false };
  const unreadable = text.length > MAX_MAKEFILE_CHARS ? `over ${MAX_MAKEFILE_CHARS / 1024} KB` : text.includes('\0') ? 'not a text file' : undefined;
  if (unreadable) {
    problems.push(`${makefile}: not read (${unreadable}): which files it builds is unknown`);
    return { lists: undefined, exports: inherited };
  }
  const variables = new MakeVariables(folder, inherited);
  const conditionals = new MakeConditionals(variables);
  readLines(makeLines(text), folder, read, { variables, conditionals, configs: new ConfigConditions(variables) }, found, 0);
  if (!conditionals.balanced) {
    found.open = true;
    problems.push(`${makefile}: unbalanced ifeq/ifdef … endif: its object lists may not say everything it builds`);
  }
  return { lists: found.lists.size > 0 || found.open ? found : undefined, exports: variables.exports() };
}

/** What reading a make file keeps track of, line by line. */
interface MakeState {
  variables: MakeVariables;
  conditionals: MakeConditionals;
  configs: ConfigConditions;
}

function readLines(lines: string[], folder: string, read: TextReader, state: MakeState, found: ObjectLists, depth: number): void {
  const { variables, conditionals, configs } = state;
  let inDefine = false;
  for (const line of lines) {
    if (/^\s*define\b/.test(line)) inDefine = true;
    if (inDefine) {
      if (/^\s*endef\b/.test(line)) inDefine = false;
      continue;
    }
    configs.read(line);
    if (conditionals.read(line)) continue;
    const reach = conditionals.reach;
    const include = /^\s*(-?include|sinclude)\s+(.+)$/.exec(line);
    if (include) {
      if (reach !== Reach.Never) readInclude(include[2], folder, read, state, found, depth, include[1] !== 'include', reach);
      continue;
    }
    const assignment = /^\s*(?:override\s+|export\s+)?([^\s:=#?+]+)\s*(:=|::=|\+=|\?=|=)(.*)$/.exec(line);
    if (!assignment || !readListAssignment(assignment[1], assignment[2], assignment[3], reach, configs.needs, folder, variables, found)) variables.read(line, reach);
  }
}

/** A list assignment (`obj-m += a.o`): true when the line was one. */
function readListAssignment(rawName: string, operator: string, rawValue: string, reach: Reach, needs: ConfigNeeds, folder: string, variables: MakeVariables, found: ObjectLists): boolean {
  const name = variables.expand(rawName).trim();
  // Flags and host-side lists (`ccflags-y += -DX=$(V)`) name no kernel objects, whatever they hold.
  if (NOT_OBJECT_LISTS.test(name)) return false;
  const key = listKey(name);
  if (key === undefined) {
    // A list whose name we cannot expand (`$(MODULE_NAME)-y` set by a shell call) may be any.
    if (/^(?:obj|lib)-|\$[({]/.test(name)) {
      if (reach !== Reach.Never) found.open = true;
      return name.includes('$');
    }
    return false;
  }
  if (reach === Reach.Never || key === 'never') return true;
  const id = `${key.base}|${key.need}`;
  const names: ListEntry[] = [];
  for (const word of variables.expand(rawValue).split(/\s+/).filter(Boolean)) {
    if (word.includes('$')) {
      found.open = true;
      continue;
    }
    const inside = isAbsolute(word) ? relative(folder, word) : word.replace(/^\.\//, '');
    names.push({ name: inside, needs });
  }
  const replaces = (operator === ':=' || operator === '::=' || operator === '=') && reach === Reach.Always;
  if (!found.spelling.has(id)) found.spelling.set(id, rawName.trim());
  found.lists.set(id, replaces ? names : [...(found.lists.get(id) ?? []), ...names]);
  if (replaces && key.need !== '') replaceWhereOn(found, key.base, key.need);
  return true;
}

/**
 * `proc-$(CONFIG_MMU) := task_mmu.o` after `proc-y := nommu.o task_nommu.o`: where the symbol
 * is y, the line assigns proc-y itself, so what proc-y held until then is built only where
 * it is not (fs/proc's no-MMU files).
 */
function replaceWhereOn(found: ObjectLists, base: string, need: string): void {
  const plain = found.lists.get(`${base}|`);
  if (!plain) return;
  const unlessOn = `!${need}=y`;
  found.lists.set(
    `${base}|`,
    plain.map((entry) => (entry.needs.includes(unlessOn) ? entry : { name: entry.name, needs: [...entry.needs, unlessOn] })),
  );
}

function readInclude(spec: string, folder: string, read: TextReader, state: MakeState, found: ObjectLists, depth: number, optional: boolean, reach: Reach): void {
  for (const word of state.variables.expand(spec).trim().split(/\s+/)) {
    const path = word.includes('$') ? undefined : isAbsolute(word) ? word : join(folder, word);
    const text = path !== undefined && depth < MAX_INCLUDE_DEPTH ? read(path) : undefined;
    // make stops at a required include that is not there: under a test the reader cannot decide
    // (`ifeq (.depend,$(wildcard .depend))`, as many module Makefiles end), a build that works did not take it.
    if (text === undefined && path !== undefined && depth < MAX_INCLUDE_DEPTH && !optional && reach === Reach.Maybe) continue;
    if (text === undefined || text.length > MAX_MAKEFILE_CHARS || text.includes('\0')) {
      if (!optional) found.open = true;
      else if (text === undefined && path !== undefined && !relative(folder, path).startsWith('..')) found.unreadConfig ??= path;
      continue;
    }
    readLines(makeLines(text), folder, read, state, found, depth + 1);
  }
}

/** The alternatives under which a folder's lists reach `target` (an object `sub/x.o` or a folder `sub/`); empty when none does. */
function reaching(lists: ObjectLists, target: string): ConfigNeeds[] {
  const alternatives: ConfigNeeds[] = [];
  const { entries, composites } = listIndex(lists);
  const visit = (base: string, needs: ConfigNeeds, path: Set<string>) => {
    for (const { listBase, need, names } of entries) {
      if (listBase !== base) continue;
      const withList = need && !needs.includes(need) ? [...needs, need] : needs;
      for (const { name, needs: lineNeeds } of names) {
        const object = name.endsWith('.o') ? name.slice(0, -2) : undefined;
        const composite = object !== undefined && composites.has(object);
        const reachesTarget = name === target && !composite;
        const descends = !reachesTarget && composite && !path.has(object) && alternatives.length < MAX_ALTERNATIVES;
        // Only names on the way to the target cost anything (a Makefile lists hundreds).
        if (!reachesTarget && !descends) continue;
        const withNeed = [...new Set([...withList, ...lineNeeds])];
        if (reachesTarget) addAlternative(alternatives, withNeed);
        else visit(object!, withNeed, new Set([...path, object!]));
      }
    }
  };
  visit('obj', [], new Set());
  visit('lib', [], new Set());
  return alternatives;
}

interface ListIndex {
  entries: { listBase: string; need: string; names: ListEntry[] }[];
  /** The bases of the lists: `foo.o` is a composite object where `foo` is one (`foo-objs`, `foo-y`). */
  composites: Set<string>;
}

/** A folder's lists with their keys split, made once per folder rather than per file checked. */
const listIndexes = new WeakMap<ObjectLists, ListIndex>();

function listIndex(lists: ObjectLists): ListIndex {
  let index = listIndexes.get(lists);
  if (index === undefined) {
    const entries = [...lists.lists].map(([id, names]) => {
      const [listBase, need] = id.split('|');
      return { listBase, need, names };
    });
    index = { entries, composites: new Set(entries.map((entry) => entry.listBase)) };
    listIndexes.set(lists, index);
  }
  return index;
}

/** Adds an alternative, keeping only the weakest ones (no alternative that another implies). */
function addAlternative(alternatives: ConfigNeeds[], needs: ConfigNeeds): void {
  if (alternatives.some((kept) => kept.every((need) => needs.includes(need)))) return;
  for (let i = alternatives.length - 1; i >= 0; i--) if (needs.every((need) => alternatives[i].includes(need))) alternatives.splice(i, 1);
  alternatives.push(needs);
}

/** Each alternative of `a` together with each of `b`. */
function both(a: ConfigNeeds[], b: ConfigNeeds[]): ConfigNeeds[] {
  const combined: ConfigNeeds[] = [];
  for (const left of a) for (const right of b) addAlternative(combined, [...new Set([...left, ...right])]);
  return combined.length > MAX_ALTERNATIVES ? [[]] : combined;
}

/** Folders from `dir` up to `root`, nearest first (only `dir` when it is not inside `root`). */
function foldersUpTo(dir: string, root: string | undefined): string[] {
  const folders = [dir];
  const inside = root === undefined ? '..' : relative(root, dir);
  if (inside.startsWith('..') || isAbsolute(inside)) return folders;
  for (let current = dir; current !== root && folders.length < 64; ) {
    current = dirname(current);
    folders.push(current);
  }
  return folders;
}

/** The names of the lists a reason can cite: `obj-m`, `foo-y`, `foo-objs`. */
function listNames(lists: ObjectLists): string {
  const names = [...lists.lists.keys()]
    .filter((id) => lists.lists.get(id)!.some((entry) => entry.name.endsWith('.o')))
    .map((id) => lists.spelling.get(id)!);
  const unique = [...new Set(names)];
  return unique.length > 3 ? `${unique.slice(0, 3).join(', ')} or ${unique.length - 3} more` : unique.join(', ');
}

/**
 * Whether Kbuild builds `file` (a .c file; a header, see headerVerdict), from the object lists
 * of its folder and of the folders above it up to the workspace root that holds it. The nearest folder with object
 * lists decides "not built"; any of them naming the file by its path makes it built, under
 * the config symbols its lists and the `obj-$(CONFIG_X) += sub/` lines above them need.
 */
export function kbuildVerdict(file: string, roots: readonly string[], read: TextReader): BuildVerdict {
  const problems: string[] = [];
  const isHeader = file.endsWith('.h');
  if (!file.endsWith('.c') && !isHeader) return { kind: 'unknown', problems };
  const root = roots.find((r) => !relative(r, file).startsWith('..') && !isAbsolute(relative(r, file)));
  const folders = foldersUpTo(dirname(file), root);
  // Each folder's make file is read with what the folders above it export (`export
  // CONFIG_X=n` in the module's top Makefile reaches `foo-$(CONFIG_X) += x.o` in a subfolder).
  const factsOf = new Map<string, MakefileFacts>();
  const facts = (index: number): MakefileFacts => {
    const folder = folders[index];
    let known = factsOf.get(folder);
    if (!known) {
      const inherited = index + 1 < folders.length ? facts(index + 1).exports : new Map<string, string | undefined>();
      factsOf.set(folder, (known = readMakefile(folder, read, problems, inherited)));
    }
    return known;
  };
  const lists = (folder: string) => facts(folders.indexOf(folder)).lists;
  if (isHeader) return headerVerdict(folders, lists, problems);
  let nearest: ObjectLists | undefined;
  for (const [index, folder] of folders.entries()) {
    const here = lists(folder);
    if (!here) continue;
    nearest ??= here;
    const when = reaching(here, `${relative(folder, file).replace(/\.c$/, '')}.o`);
    if (when.length > 0 && here.unreadConfig !== undefined) {
      problems.push(`${here.makefile}: includes ${relative(folder, here.unreadConfig)}, which is not there (a build step writes it): the config symbols it may set are unknown, so the files it lists are judged on every target`);
      return { kind: 'built', makefile: here.makefile, when: [[]], problems };
    }
    if (when.length > 0) return { kind: 'built', makefile: here.makefile, when: both(when, folderNeeds(folders.slice(index), lists)), problems };
  }
  if (!nearest || nearest.open) return { kind: 'unknown', problems };
  const object = `${basename(file, '.c')}.o`;
  return { kind: 'not-built', makefile: nearest.makefile, reason: `not built by Kbuild (${object} is not in ${listNames(nearest) || 'its object lists'})`, problems };
}

/**
 * A header is compiled by the files that include it, nearly always those of its own folder:
 * where Kbuild descends into that folder only under some config (`obj-$(CONFIG_NET_DSA) +=
 * dsa/`), the header is built only there too. Any other header: unknown, other signs decide.
 */
function headerVerdict(folders: string[], lists: (folder: string) => ObjectLists | undefined, problems: string[]): BuildVerdict {
  const when = folderNeeds(folders, lists);
  const parent = folders.length > 1 ? lists(folders[1]) : undefined;
  if (!parent || !lists(folders[0]) || when.some((needs) => needs.length === 0)) return { kind: 'unknown', problems };
  return { kind: 'built', makefile: parent.makefile, when, problems };
}

/**
 * What the folders above need for Kbuild to descend into `folders[0]`: each parent that names
 * the child folder (`obj-$(CONFIG_X) += sub/`) adds its needs; the first parent that does not
 * name it ends the chain (it may be reached some other way, from the kernel's own top Makefile).
 */
function folderNeeds(folders: string[], lists: (folder: string) => ObjectLists | undefined): ConfigNeeds[] {
  let needs: ConfigNeeds[] = [[]];
  for (let i = 1; i < folders.length; i++) {
    const parent = lists(folders[i]);
    const when = parent ? reaching(parent, `${relative(folders[i], folders[0])}/`) : [];
    if (when.length === 0) break;
    needs = both(needs, when);
  }
  return needs;
}

/** A kernel's value of a config symbol: `y`, `m`, a string, undefined when not set; 'unknown' when it may be anything. */
export type ConfigReader = (symbol: string) => string | undefined | 'unknown';

/** Whether one config test (see ConfigNeeds) holds for a kernel; an unknown value passes every test. */
export function holds(test: string, value: ConfigReader): boolean {
  const negated = test.startsWith('!');
  const [symbol, wanted] = test.replace(/^!/, '').split('=');
  const actual = value(symbol);
  if (actual === 'unknown') return true;
  const matches = wanted === undefined ? actual === 'y' || actual === 'm' : actual === wanted;
  return matches !== negated;
}

/** Whether a built verdict's alternatives hold for a kernel whose config `value` reads. */
export function builtWith(when: readonly ConfigNeeds[], value: ConfigReader): boolean {
  return when.some((needs) => needs.every((test) => holds(test, value)));
}

/** A config test in words, as it fails: `CONFIG_X off`, `CONFIG_X on`, `CONFIG_X not y`. */
export function failedTestWords(test: string): string {
  const negated = test.startsWith('!');
  const [symbol, wanted] = test.replace(/^!/, '').split('=');
  if (wanted === undefined) return `${symbol} ${negated ? 'on' : 'off'}`;
  return `${symbol} ${negated ? '' : 'not '}${wanted}`;
}
