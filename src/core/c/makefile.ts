// Reading a make file the way make would while Kbuild compiles a module, as far as that can
// be done without running it: the variables it sets literally, and which of its lines an
// `ifeq`/`ifdef` lets through. Shared by the build flags (includes.ts) and the object lists
// (kbuildObjects.ts).
import { isAbsolute, resolve } from 'node:path';

/** Variables that name the module's own folder in out-of-tree Kbuild files. */
export const FOLDER_VARIABLES = /\$[({](?:src|obj|M|PWD|CURDIR|KBUILD_EXTMOD|srctree\)\/\$\(src)[)}]/g;

/** How sure a line of a make file is to take effect when Kbuild compiles the module. */
export const enum Reach {
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
export class MakeConditionals {
  private readonly stack: Reach[] = [];
  private underflow = false;

  constructor(private readonly variables: MakeVariables) {}

  /** Reads a line; true when it was a conditional directive. */
  read(line: string): boolean {
    const directive = /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b(.*)$/.exec(line);
    if (!directive) return false;
    const [, word, rest] = directive;
    if (word === 'endif') this.underflow = this.stack.pop() === undefined || this.underflow;
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

  /** False after an `endif` with no open test, or while a test is still open (at the end of the file). */
  get balanced(): boolean {
    return !this.underflow && this.stack.length === 0;
  }

  get reach(): Reach {
    let reach = Reach.Always;
    for (const frame of this.stack) if (frame < reach) reach = frame;
    return reach;
  }
}

/** The two sides of `(a,b)` or `"a" "b"`, split at the top-level comma. */
export function comparedSides(rest: string): [string, string] | undefined {
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
 * `export TopDIR ?= $(shell pwd)` (Realtek's vendor drivers): run as documented, `make` in the
 * module's folder, the first pass sets it to that folder and exports it, and the Kbuild pass
 * (`make -C <kernel> M=…`, run in the kernel's folder) keeps the inherited value.
 */
const EXPORTED_WORKING_FOLDER = /^\s*\$\(shell\s+pwd\)\s*$/;

/**
 * The variables a make file sets literally, as make would see them while reading it: `:=`,
 * `=`, `?=` and `+=` at a certainly reached line. A variable set under an undecided test, or
 * from `$(shell …)`, is unknown, and so is anything that names it.
 */
export class MakeVariables {
  private readonly values = new Map<string, string>();
  private readonly unknown = new Set<string>();
  /** Names passed on to the make runs below (`export X=…`, `export X`, and what came from above). */
  private readonly exportedNames = new Set<string>();
  /** Inherited names whose value is not known: an assignment of the file's own still sets them. */
  private readonly unknownFromAbove = new Set<string>();

  /**
   * `inherited`: what the make files of the folders above export, by name (undefined where
   * the value is not known): make reads them from its environment, and the file's own
   * assignments win over them.
   */
  constructor(
    private readonly folder: string,
    inherited: ReadonlyMap<string, string | undefined> = new Map(),
  ) {
    for (const [name, value] of inherited) {
      this.exportedNames.add(name);
      if (value === undefined) this.unknownFromAbove.add(name);
      else this.values.set(name, value);
    }
  }

  /** Reads an assignment line (or an `export NAME` line) reached with `reach`; true when it was one. */
  read(line: string, reach: Reach): boolean {
    const bareExport = /^\s*export\s+([A-Za-z_][\w.-]*(?:\s+[A-Za-z_][\w.-]*)*)\s*$/.exec(line);
    if (bareExport) {
      if (reach === Reach.Always) for (const name of bareExport[1].split(/\s+/)) this.exportedNames.add(name);
      return true;
    }
    const assignment = /^\s*(?:override\s+)?(export\s+)?([A-Za-z_][\w.-]*)\s*(:=|::=|\+=|\?=|=)(.*)$/.exec(line);
    if (!assignment) return false;
    const [, exported, name, operator, raw] = assignment;
    if (reach === Reach.Never) return true;
    if (exported && reach === Reach.Always) this.exportedNames.add(name);
    const value = exported && operator === '?=' && EXPORTED_WORKING_FOLDER.test(raw) ? this.folder : this.withFolderShells(raw.trim());
    const appendsToUnknown = this.unknownFromAbove.has(name) && (operator === '+=' || operator === '?=');
    this.unknownFromAbove.delete(name);
    if (reach === Reach.Maybe || /\$[({]shell\b/.test(value) || this.unknown.has(name) || appendsToUnknown) {
      this.values.delete(name);
      this.unknown.add(name);
      return true;
    }
    if (operator === '?=' && this.values.has(name)) return true;
    const expanded = operator === ':=' || operator === '::=' ? this.expand(value) : value;
    this.values.set(name, operator === '+=' && this.values.has(name) ? `${this.values.get(name)} ${expanded}` : expanded);
    return true;
  }

  /**
   * `$(shell cd $(src)/.. && pwd)` (Xilinx's `topdir`) as the folder it prints, where the `cd`
   * names one from the module's folder or an absolute path: the idiom for a folder above the
   * module. Any other shell call stays, and leaves its variable unknown. (A bare `$(shell pwd)`
   * prints the kernel's folder in the Kbuild pass, which `make -C` runs in.)
   */
  private withFolderShells(value: string): string {
    return value.replace(/\$\(shell\s+cd\s+([^;&()]*(?:\$[({][\w.-]+[)}][^;&()]*)*?)\s*(?:&&|;)\s*pwd(?:\s+-[LP])?\s*\)/g, (whole, target: string) => {
      const folder = this.expand(target.trim());
      return isAbsolute(folder) && !folder.includes('$') ? resolve(folder) : whole;
    });
  }

  /** The exported variables with their values now (undefined where not known): what the make runs in subfolders start from. */
  exports(): Map<string, string | undefined> {
    return new Map([...this.exportedNames].sort().map((name) => [name, this.unknown.has(name) || this.unknownFromAbove.has(name) ? undefined : this.values.get(name)]));
  }

  /** Whether the variable is set (undefined: it may be, from the environment or an undecided line). */
  isDefined(name: string): boolean | undefined {
    if (this.values.has(name)) return this.values.get(name) !== '';
    return undefined;
  }

  /**
   * `$(NAME)` and `${NAME}` replaced where known, the module-folder variables by the folder, and
   * make's text functions (textFunctions) applied where their arguments are known; the rest left
   * as written.
   */
  expand(text: string, depth = 0): string {
    const withFolder = text.replace(FOLDER_VARIABLES, this.folder);
    if (depth > 8) return withFolder;
    const expanded = withFolder.replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, (whole, name: string) => {
      const value = this.values.get(name);
      return value === undefined ? whole : this.expand(value, depth + 1);
    });
    return expanded.includes('$(') ? textFunctions(expanded) : expanded;
  }
}

/** A call of one of make's text functions whose arguments hold nothing left to expand. */
const TEXT_FUNCTION = /\$\((patsubst|addsuffix|addprefix|subst|strip)\s+([^$()]*)\)/g;

/**
 * make's text functions that only rewrite words (`obj-m = $(patsubst %,%.o,$(DRIVER))`), applied
 * innermost first; every other function (a shell call, `$(call …)`, `$(wildcard …)`) stays.
 */
function textFunctions(text: string): string {
  let current = text;
  for (let round = 0; round < 8; round++) {
    const next = current.replace(TEXT_FUNCTION, (whole, name: string, rest: string) => applyTextFunction(name, rest) ?? whole);
    if (next === current) return next;
    current = next;
  }
  return current;
}

function applyTextFunction(name: string, rest: string): string | undefined {
  const words = (list: string) => list.trim().split(/\s+/).filter(Boolean);
  const [first, second, ...others] = rest.split(',');
  const third = others.join(',');
  switch (name) {
    case 'strip':
      return words(rest).join(' ');
    case 'addsuffix':
      return second === undefined ? undefined : words(second).map((word) => word + first.trim()).join(' ');
    case 'addprefix':
      return second === undefined ? undefined : words(second).map((word) => first.trim() + word).join(' ');
    case 'subst':
      return second === undefined || others.length === 0 ? undefined : third.split(first).join(second);
    case 'patsubst': {
      if (second === undefined || others.length === 0) return undefined;
      const pattern = first.trim();
      const replacement = second.trim();
      const percent = pattern.indexOf('%');
      return words(third)
        .map((word) => {
          if (percent < 0) return word === pattern ? replacement : word;
          const [prefix, suffix] = [pattern.slice(0, percent), pattern.slice(percent + 1)];
          if (!word.startsWith(prefix) || !word.endsWith(suffix) || word.length < prefix.length + suffix.length) return word;
          return replacement.replace('%', word.slice(prefix.length, word.length - suffix.length));
        })
        .join(' ');
    }
  }
  return undefined;
}

/** Whether a make test is true in the Kbuild pass, when it only asks whether KERNELRELEASE is set. */
function kernelReleaseTest(word: string, rest: string): Reach {
  const compact = rest.replace(/\s+/g, '');
  const asksEmpty = ['($(KERNELRELEASE),)', '(,$(KERNELRELEASE))', '"$(KERNELRELEASE)"""', '"""$(KERNELRELEASE)"'].includes(compact);
  if (asksEmpty) return word === 'ifeq' ? Reach.Never : word === 'ifneq' ? Reach.Always : Reach.Maybe;
  if (compact === 'KERNELRELEASE') return word === 'ifdef' ? Reach.Always : word === 'ifndef' ? Reach.Never : Reach.Maybe;
  return Reach.Maybe;
}

/** The logical lines of a make file: continuations joined, comments dropped. */
export function makeLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''));
}
