// The macros in force while a file is read, per environment: definitions, marks for unknown
// and undefined names, recordings of what a header's reading looked at.
import { isPunctuator, LeafKind, tokenize, TokenKind, type Token } from './tokens';
import type { Directive } from './directives';

export const enum MacroState {
  Defined,
  Undefined,
  /** May or may not be defined (set inside a region that is Maybe in that environment). */
  Unknown,
  /**
   * Certainly defined, to a value not known: `#ifndef X` / `#define X 1` / `#endif` where a
   * header read before may have defined X already.
   */
  DefinedUnknownValue,
}

export interface MacroDef {
  readonly state: MacroState.Defined;
  readonly name: string;
  /** null for object-like macros */
  readonly params: readonly string[] | null;
  /** the last parameter collects the remaining arguments */
  readonly variadic: boolean;
  readonly body: readonly Token[];
  /** equal for identical redefinitions */
  readonly signature: string;
}

export interface MacroMark {
  readonly state: MacroState.Undefined | MacroState.Unknown | MacroState.DefinedUnknownValue;
}

export type MacroEntry = MacroDef | MacroMark;

export const UNDEFINED_MACRO: MacroMark = { state: MacroState.Undefined };
export const UNKNOWN_MACRO: MacroMark = { state: MacroState.Unknown };
export const DEFINED_UNKNOWN_VALUE: MacroMark = { state: MacroState.DefinedUnknownValue };

/** Signals that the environments of a group disagree about `name`; the group must be split. */
export class NonUniformMacro {
  constructor(readonly name: string) {}
}

export class ExpressionError {
  constructor(readonly message: string) {}
}

export type Failure = NonUniformMacro | ExpressionError;

export function isFailure(value: unknown): value is Failure {
  return value instanceof NonUniformMacro || value instanceof ExpressionError;
}

/** A name set differently per environment: its shared entry and each environment's own. */
export class DivergentSnapshot {
  constructor(
    readonly shared: MacroEntry | undefined,
    readonly own: (MacroEntry | undefined)[],
  ) {}
}

/** The same entry, or the same definition made by another #define (the main file's, in another call). */
export function sameEntry(a: MacroEntry | undefined, b: MacroEntry | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.state === MacroState.Defined && b.state === MacroState.Defined && a.signature === b.signature);
}

/**
 * A name's entries exactly as MacroTables holds them: the shared entry (undefined when no
 * environment has one), or, for a divergent name, all of them. Most names are not divergent,
 * so most snapshots are the entry itself and cost nothing to take.
 */
export type MacroSnapshot = MacroEntry | undefined | DivergentSnapshot;

/**
 * What one reading of a header did to the macro tables, kept while it runs: every name it
 * looked at or set, with that name's entries when the reading first touched it, and the
 * names it set. Readings nest as headers include headers.
 */
export class MacroRecording {
  readonly before = new Map<string, MacroSnapshot>();
  readonly written = new Set<string>();
}

/**
 * Macro state of every environment. Most #defines are unconditional and identical
 * everywhere, so they live once in `shared`; only names set differently per environment
 * get per-environment entries.
 */
export class MacroTables {
  private readonly shared = new Map<string, MacroEntry>();
  private readonly perEnv: Map<string, MacroEntry>[];
  private readonly divergent = new Set<string>();
  /** Readings in progress, outermost first. */
  private readonly recordings: MacroRecording[] = [];

  constructor(envCount: number) {
    this.perEnv = Array.from({ length: envCount }, () => new Map<string, MacroEntry>());
  }

  /** undefined: the file never touched this name in this environment. */
  get(env: number, name: string): MacroEntry | undefined {
    this.touch(name);
    return this.entry(env, name);
  }

  /** No environment has an entry for `name`. */
  untouched(name: string): boolean {
    this.touch(name);
    return !this.divergent.has(name) && !this.shared.has(name);
  }

  /** Every environment has an entry for `name`. */
  setEverywhere(name: string): boolean {
    this.touch(name);
    return !this.divergent.has(name) && this.shared.has(name);
  }

  setAll(name: string, entry: MacroEntry): void {
    this.touch(name);
    this.overwriteAll(name, entry);
  }

  /**
   * setAll for a #define every environment certainly compiles: what the name was cannot
   * change what the reading does, so readings in progress count it as written, not looked
   * at, and a replay does not ask for it. (A register header's tens of thousands of names
   * were each recorded as "undefined before", in every reading around it.)
   */
  overwriteAll(name: string, entry: MacroEntry): void {
    this.markWritten(name);
    this.shared.set(name, entry);
    if (this.divergent.delete(name)) for (const table of this.perEnv) table.delete(name);
  }

  setOne(env: number, name: string, entry: MacroEntry): void {
    this.touchForWriting(name);
    this.perEnv[env].set(name, entry);
    this.divergent.add(name);
  }

  /** The entry all environments of `group` share, or a request to split the group. */
  uniform(name: string, group: readonly number[]): MacroEntry | undefined | NonUniformMacro {
    this.touch(name);
    if (!this.divergent.has(name)) return this.shared.get(name);
    const first = this.entry(group[0], name);
    for (let i = 1; i < group.length; i++) {
      if (this.entry(group[i], name) !== first) return new NonUniformMacro(name);
    }
    return first;
  }

  partition(name: string, group: readonly number[]): number[][] {
    const parts = new Map<MacroEntry | undefined, number[]>();
    for (const env of group) {
      const entry = this.get(env, name);
      const part = parts.get(entry);
      if (part) part.push(env);
      else parts.set(entry, [env]);
    }
    return [...parts.values()];
  }

  startRecording(): void {
    this.recordings.push(new MacroRecording());
  }

  /** Ends the innermost reading; what it set counts as set by the reading around it. */
  stopRecording(): MacroRecording {
    const recording = this.recordings.pop()!;
    const outer = this.recordings[this.recordings.length - 1];
    if (outer) for (const name of recording.written) outer.written.add(name);
    return recording;
  }

  snapshot(name: string): MacroSnapshot {
    if (!this.divergent.has(name)) return this.shared.get(name);
    return new DivergentSnapshot(
      this.shared.get(name),
      this.perEnv.map((table) => table.get(name)),
    );
  }

  /** Whether `name` is held as `snapshot` says (a macro defined alike in another file counts as the same). */
  matches(name: string, snapshot: MacroSnapshot): boolean {
    if (!this.divergent.has(name)) return !(snapshot instanceof DivergentSnapshot) && sameEntry(snapshot, this.shared.get(name));
    if (!(snapshot instanceof DivergentSnapshot) || !sameEntry(snapshot.shared, this.shared.get(name))) return false;
    for (let e = 0; e < this.perEnv.length; e++) if (!sameEntry(snapshot.own[e], this.perEnv[e].get(name))) return false;
    return true;
  }

  /**
   * Puts `name` back exactly as `snapshot` holds it (a reading replayed). Like overwriteAll,
   * a write only: what the replayed reading looked at, the replay touches first.
   */
  restore(name: string, snapshot: MacroSnapshot): void {
    this.markWritten(name);
    const divergent = snapshot instanceof DivergentSnapshot;
    const shared = divergent ? snapshot.shared : snapshot;
    if (shared === undefined) this.shared.delete(name);
    else this.shared.set(name, shared);
    if (divergent) this.divergent.add(name);
    else if (!this.divergent.delete(name)) return;
    for (let e = 0; e < this.perEnv.length; e++) {
      const own = divergent ? snapshot.own[e] : undefined;
      if (own === undefined) this.perEnv[e].delete(name);
      else this.perEnv[e].set(name, own);
    }
  }

  /** Counts `name` as looked at by every reading in progress. */
  touch(name: string): void {
    // A reading that has seen the name implies every reading around it has (they started earlier).
    // So does a reading that wrote it first (see overwriteAll): it does not depend on it.
    let i = this.recordings.length - 1;
    if (i < 0 || this.recordings[i].before.has(name) || this.recordings[i].written.has(name)) return;
    // Taken once: it is the same for every reading that has not seen the name yet.
    const snapshot = this.snapshot(name);
    for (; i >= 0; i--) {
      const recording = this.recordings[i];
      if (recording.before.has(name) || recording.written.has(name)) break;
      recording.before.set(name, snapshot);
    }
  }

  private touchForWriting(name: string): void {
    this.touch(name);
    this.markWritten(name);
  }

  /** Written names reach the readings around the innermost when it stops. */
  private markWritten(name: string): void {
    const innermost = this.recordings[this.recordings.length - 1];
    if (innermost) innermost.written.add(name);
  }

  private entry(env: number, name: string): MacroEntry | undefined {
    if (this.divergent.has(name)) {
      const own = this.perEnv[env].get(name);
      if (own !== undefined) return own;
    }
    return this.shared.get(name);
  }
}

export function isPaste(token: Token | undefined): boolean {
  return isPunctuator(token, '##');
}

export function parseMacroDefinition(body: string): MacroDef | string {
  const tokens = tokenize(body);
  const nameToken = tokens[0];
  if (nameToken === undefined) return '#define without a macro name';
  if (nameToken.kind !== TokenKind.Identifier) return `macro names must be identifiers, not "${nameToken.text}"`;
  const name = nameToken.text;
  if (name === 'defined') return '"defined" cannot be used as a macro name';
  let params: string[] | null = null;
  let variadic = false;
  let bodyStart = 1;
  const open = tokens[1];
  // Function-like only when '(' touches the name; `#define X (1)` is object-like.
  if (isPunctuator(open, '(') && !open.spaceBefore) {
    params = [];
    let i = 2;
    let expectParameter = true;
    for (;;) {
      const token = tokens[i++];
      if (token === undefined) return `missing ')' in the parameter list of macro "${name}"`;
      if (isPunctuator(token, ')')) {
        if (expectParameter && params.length > 0) return `missing parameter name in macro "${name}"`;
        break;
      }
      if (!expectParameter) {
        if (!isPunctuator(token, ',') || variadic) return `unexpected "${token.text}" in the parameter list of macro "${name}"`;
        expectParameter = true;
        continue;
      }
      if (isPunctuator(token, '...')) {
        params.push('__VA_ARGS__');
        variadic = true;
      } else if (token.kind === TokenKind.Identifier) {
        params.push(token.text);
        if (isPunctuator(tokens[i], '...')) {
          variadic = true; // GNU named variadic parameter: `args...`
          i++;
        }
      } else {
        return `invalid parameter "${token.text}" in macro "${name}"`;
      }
      expectParameter = false;
    }
    bodyStart = i;
  }
  const macroBody = tokens.slice(bodyStart);
  if (isPaste(macroBody[0]) || isPaste(macroBody[macroBody.length - 1])) {
    return `'##' cannot appear at either end of macro "${name}"`;
  }
  const head = params === null ? '' : `(${params.join(',')}${variadic ? '...' : ''})`;
  const signature = head + ' ' + macroBody.map((t, i) => (i > 0 && t.spaceBefore ? ' ' : '') + t.text).join('');
  return { state: MacroState.Defined, name, params, variadic, body: macroBody, signature };
}

/**
 * An object-like macro whose body is tokenized only when it is expanded or compared. Register
 * headers define tens of thousands of such names that no condition ever reads; their tokens
 * were most of the memory a header reading kept. Only bodies that cannot be invalid are
 * deferred (no `#` in them), so parsing later finds no error that parsing now would have.
 */
class DeferredObjectMacro implements MacroDef {
  private parsed: MacroDef | undefined;

  constructor(
    readonly name: string,
    /** The directive's body: the name, then the replacement. */
    private readonly source: string,
  ) {}

  // Getters, not fields: the same for every such macro, so they cost no memory per macro.
  get state(): MacroState.Defined {
    return MacroState.Defined;
  }

  get params(): null {
    return null;
  }

  get variadic(): boolean {
    return false;
  }

  get body(): readonly Token[] {
    return this.parse().body;
  }

  get signature(): string {
    return this.parse().signature;
  }

  private parse(): MacroDef {
    return (this.parsed ??= parseMacroDefinition(this.source) as MacroDef);
  }
}

/** `NAME replacement`, a space or nothing after the name, no `#` anywhere. */
const PLAIN_OBJECT_MACRO = /^[ \t]*([A-Za-z_$][\w$]*)(?=[ \t]|$)[^#]*$/;

export function macroDefinitionOf(directive: Directive): MacroDef | string {
  if (directive.macro === undefined) {
    const plain = PLAIN_OBJECT_MACRO.exec(directive.body);
    directive.macro = plain && plain[1] !== 'defined' ? new DeferredObjectMacro(plain[1], directive.body) : parseMacroDefinition(directive.body);
  }
  return directive.macro;
}

// Built-ins that every kernel build has (linux/version.h, linux/kconfig.h).
export const VERSION_MACROS = new Map<string, LeafKind>([
  ['LINUX_VERSION_CODE', LeafKind.VersionCode],
  ['LINUX_VERSION_MAJOR', LeafKind.VersionMajor],
  ['LINUX_VERSION_PATCHLEVEL', LeafKind.VersionPatchlevel],
  ['LINUX_VERSION_SUBLEVEL', LeafKind.VersionSublevel],
]);

export const enum ConfigTest {
  Builtin,
  Module,
  Enabled,
}

export const CONFIG_TESTS = new Map<string, ConfigTest>([
  ['IS_BUILTIN', ConfigTest.Builtin],
  ['IS_MODULE', ConfigTest.Module],
  ['IS_ENABLED', ConfigTest.Enabled],
  // IS_REACHABLE is "built-in, or a module and we are a module"; out-of-tree drivers always are.
  ['IS_REACHABLE', ConfigTest.Enabled],
]);

export const KERNEL_VERSION_MACRO = parseMacroDefinition(
  'KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))',
) as MacroDef;

export function isBuiltinName(name: string): boolean {
  return VERSION_MACROS.has(name) || CONFIG_TESTS.has(name) || name === 'KERNEL_VERSION';
}

export function isConfigName(name: string): boolean {
  return name.length > 7 && name.startsWith('CONFIG_');
}

