// Decides, for every line of a C file and every target kernel image, whether the line is
// compiled. This is a condition evaluator, not a full preprocessor: it tracks macro
// definitions only so that #if/#ifdef/#elif conditions can be evaluated, and it never
// rewrites the code itself.
//
// Everything is three-valued. A macro we cannot see (RHEL_RELEASE_CODE, a -D flag from a
// Makefile, something from a kernel header outside the workspace) is "unknown", and
// unknown spreads through the expression unless short-circuit logic settles it. The answer
// for a line is then Maybe instead of a guess.
//
// Cost model: the file is scanned once; each directive is tokenized once; each condition is
// macro-expanded and parsed once per group of environments that agree on every macro the
// expansion touches (usually one group), and only the small resulting expression tree is
// evaluated per environment. Pure module: no file system, no editor API.

import { LRUCache } from 'lru-cache';
import { cacheSize, madeAtFirstUse } from '../cacheBudget';
import { DEFINED_TOKEN, LeafKind, leafToken, NOT_TOKEN, ONE_TOKEN, tokenize, TokenKind, type Token } from './preprocessor/tokens';
import { leadingIdentifier, parseIncludeTarget, scanSource, testedUndefined, type Directive, type ScannedSource } from './preprocessor/directives';
import { isZero, sameNum } from './preprocessor/numbers';
import { EnvironmentView, isKernelNameSymbol, type ConfigMacro } from './preprocessor/environment';
import { DEFINED_UNKNOWN_VALUE, ExpressionError, isBuiltinName, isConfigName, macroDefinitionOf, MacroRecording, MacroState, MacroTables, NonUniformMacro, UNDEFINED_MACRO, UNKNOWN_MACRO, type MacroEntry, type MacroSnapshot } from './preprocessor/macroTables';
import { classifyIdentifiers, expandTokens, type ExpansionContext } from './preprocessor/expansion';
import { evaluateNode, ExpressionParser } from './preprocessor/expressions';

export const enum LineState {
  Inactive = 0,
  Maybe = 1,
  Active = 2,
}

/** What the preprocessor knows about one target kernel image. */
export interface KernelEnvironment {
  /** LINUX_VERSION_CODE of the image: (a<<16) + (b<<8) + min(c,255), e.g. 5.15.30 -> 0x050f1e. */
  versionCode: number;
  /** The image's kernel config value of a symbol such as 'CONFIG_VFIO': 'y', 'm', a string literal with quotes
   *  ('"foo"'), or a number text ('0x10', '64'); undefined when the symbol is not set in this image's full config
   *  (which means "off"); null when this image has no known config at all (then every CONFIG_ test is unknown). */
  config(symbol: string): string | undefined | null;
  /**
   * Whether the image's headers declare `name` as a macro or a function; undefined when not
   * known (no header data for the image). Asked only of the names `KernelNames` accepts.
   */
  declares?(name: string): boolean | undefined;
  /**
   * Whether the image's headers have the header `<name>`; undefined when not known (no header
   * data, or a name no kernel's headers have: a -I the check cannot see may provide it).
   */
  hasHeader?(name: string): boolean | undefined;
}

/**
 * The names an `#if` may decide per kernel from what the kernel's headers declare: those some
 * kernels' headers define and others do not. The caller passes it only where nothing else can
 * define them (see check/kernelNameDecisions.ts).
 */
export type KernelNames = (name: string) => boolean;

/** Returns the text of an included header when it can be found inside the user's workspace, else undefined. */
export type IncludeResolver = (
  spec: string,
  quoted: boolean,
  includingFile: string,
) => { path: string; text: string } | undefined;

/**
 * A `-D`/`-U` flag the build passes to every compile. `certain` is false when the flag is set
 * only under a condition the build files test (a `ifeq` in a Makefile): the macro may then be
 * either way, so code depending on it is judged nowhere rather than guessed.
 */
export interface CommandLineMacro {
  name: string;
  /** The definition (`-DX` is `1`, `-DX=v` is `v`), or null for `-UX`. */
  value: string | null;
  certain: boolean;
  /**
   * Set only on kernels whose config sets this symbol, and certainly not on those whose config
   * does not (gcc's architecture macros: `__x86_64__` where `CONFIG_X86_64` is set).
   */
  whereConfig?: string;
  /** Set only on kernels whose LINUX_VERSION_CODE is below this (EXTRA_CFLAGS' flags, which Kbuild ignores from 6.15). */
  untilVersion?: number;
}

export interface ConditionInfo {
  /** 0-based line of the #if/#ifdef/#ifndef/#elif directive */
  line: number;
  directive: 'if' | 'ifdef' | 'ifndef' | 'elif';
  /** the condition text as written (continuations joined; comments replaced by a space; trimmed) */
  text: string;
  /** per environment (same order as `envs`): true, false, or undefined when it cannot be decided.
   *  This is the condition's own value in that environment, whether or not the compiler would
   *  reach it there (enclosing region and earlier branches are reflected in `lineStates`). */
  values: (boolean | undefined)[];
  /** 0-based line of the matching #endif (or last line of file if unbalanced) */
  endLine: number;
  /** 0-based lines of this group's #elif/#else siblings that follow this directive, in order
   *  (for an #if: all of them), so a branch body ends before branchLines[0] ?? endLine. */
  branchLines: number[];
}

export interface PreprocessResult {
  /** one Uint8Array per environment, one LineState per line of `text` */
  lineStates: Uint8Array[];
  /** 1 for lines that belong to a preprocessor directive (including backslash continuation lines), else 0 */
  directiveLines: Uint8Array;
  conditions: ConditionInfo[];
  /** human-readable problems, e.g. unbalanced #endif, #else without #if, unterminated #if, include depth */
  problems: { line: number; message: string }[];
  /**
   * Every name a #define (in the file or a header it reads) may define, with the targets
   * (by position in `envs`) that may compile that #define. A member or struct name that is a
   * macro there (`#define priv_destructor destructor`) is not what the source spells.
   * The arrays are shared between names and calls: read them, never write into them.
   */
  definedMacros: Map<string, Uint8Array>;
  /**
   * Per environment: the line of the main file where the build certainly fails at an #error
   * (the #include line when the #error is in a header), or -1. A driver that refuses a kernel
   * (`#error "v5.8+ is not supported"`) fails there; gcc still compiles the rest of the file.
   */
  stoppedAt: Int32Array;
  /** The workspace headers read for the file, each with its lines' states per environment (over all its inclusions). */
  headers: IncludedHeader[];
  /** Some condition, of the file or a workspace header it reads, asked what the kernels' headers declare (see KernelNames). */
  decidedKernelNames: boolean;
}

export interface IncludedHeader {
  path: string;
  text: string;
  /** Like PreprocessResult.lineStates: a line counts as compiled where some inclusion compiles it. */
  lineStates: Uint8Array[];
  directiveLines: Uint8Array;
}

// Limits that keep hostile or broken input from hanging the editor.
/** gcc's own limit: kernel headers nest over 30 deep, and readings are replayed, so depth costs little. */
const MAX_INCLUDE_DEPTH = 200;
/** Tokens one condition may push through macro expansion before it is declared undecidable. */
const EXPANSION_STEPS_PER_CONDITION = 20_000;
/** The same, summed over a whole call, so a file full of expensive conditions stays bounded. */
const EXPANSION_STEPS_PER_CALL = 5_000_000;

export function preprocess(
  text: string,
  fileName: string,
  envs: KernelEnvironment[],
  resolveInclude?: IncludeResolver,
  /** Headers the build includes before the file (`-include` in Kbuild), as include specs. */
  forcedIncludes: readonly string[] = [],
  /** Macros the build defines on the command line (`-D` in Kbuild), applied first as gcc does. */
  commandLine: readonly CommandLineMacro[] = [],
  /** Names conditions may decide per kernel (see KernelNames); none when absent. */
  kernelNames?: KernelNames,
): PreprocessResult {
  const source = scanSource(text, true);
  try {
    return new PreprocessRun(fileName, envs, resolveInclude, kernelNames).run(source, forcedIncludes, commandLine);
  } catch (error) {
    // A bug here must not take the editor down; saying "don't know" everywhere is always safe.
    const message = error instanceof Error ? error.message : String(error);
    return {
      lineStates: envs.map(() => new Uint8Array(source.lineCount).fill(LineState.Maybe)),
      directiveLines: source.directiveLines,
      conditions: [],
      problems: [{ line: 0, message: `internal error while evaluating preprocessor conditions: ${message}` }],
      definedMacros: new Map(),
      stoppedAt: new Int32Array(envs.length).fill(-1),
      headers: [],
      decidedKernelNames: false,
    };
  }
}

// ---------------------------------------------------------------------------------------
// Conditional regions

/** Line state of a region in every environment, with summaries to skip work. */
interface StateVector {
  readonly states: Uint8Array;
  readonly allActive: boolean;
  readonly allInactive: boolean;
}

/**
 * The environments that may compile a line in this state, as an array shared by every map
 * that marks a #define with it (a register header defines tens of thousands of names, all
 * in the same few states). Never written into: markDefined replaces an array to merge.
 */
const sharedMarks = new Map<string, Uint8Array>();

function compiledSomewhere(state: StateVector): Uint8Array {
  let key = '';
  for (let e = 0; e < state.states.length; e++) key += state.states[e] === LineState.Inactive ? '0' : '1';
  let marks = sharedMarks.get(key);
  if (marks === undefined) {
    marks = new Uint8Array(state.states.length);
    for (let e = 0; e < marks.length; e++) if (key[e] === '1') marks[e] = 1;
    sharedMarks.set(key, marks);
  }
  return marks;
}

function makeStateVector(states: Uint8Array): StateVector {
  let allActive = true;
  let allInactive = true;
  for (let i = 0; i < states.length; i++) {
    if (states[i] !== LineState.Active) allActive = false;
    if (states[i] !== LineState.Inactive) allInactive = false;
  }
  return { states, allActive, allInactive };
}

/** One #if ... #endif group being read. */
interface ConditionalGroup {
  readonly opener: Directive;
  readonly parent: StateVector;
  /** per environment: some earlier branch's condition is definitely true */
  readonly earlierTrue: Uint8Array;
  /** per environment: every earlier branch's condition is definitely false */
  readonly earlierAllFalse: Uint8Array;
  sawElse: boolean;
  /** main file only: the ConditionInfo of every #if/#elif of this group so far */
  readonly infos: ConditionInfo[];
  /** X of an `#ifndef X` / `#if !defined(X)` opener: its branch may give X a default. */
  readonly defaultFor?: string;
  /** The branch defined `defaultFor` at its own level, and nothing else came: no #elif, #else or #undef of it. */
  definesDefault?: boolean;
}

/** Enters the next branch of a group; `values` null means #else. */
function enterBranch(group: ConditionalGroup, values: (boolean | undefined)[] | null): StateVector {
  const count = group.parent.states.length;
  const states = new Uint8Array(count);
  for (let e = 0; e < count; e++) {
    const own = values === null ? true : values[e];
    let taken: LineState;
    if (group.earlierTrue[e] || own === false) taken = LineState.Inactive;
    else if (group.earlierAllFalse[e] && own === true) taken = LineState.Active;
    else taken = LineState.Maybe;
    if (own === true) group.earlierTrue[e] = 1;
    if (own !== false) group.earlierAllFalse[e] = 0;
    const parent = group.parent.states[e];
    states[e] = parent < taken ? parent : taken;
  }
  return makeStateVector(states);
}

/**
 * Writes line states of the main file in order. Consecutive stretches with the same state
 * vector (a region and the directive that ends it, usually) are written with one fill.
 */
class LineOutput {
  readonly lineStates: Uint8Array[];
  readonly conditions: ConditionInfo[] = [];
  private filledUpTo = 0;
  private pendingEnd = 0;
  private pendingState: StateVector | undefined;

  constructor(readonly lineCount: number, envCount: number) {
    this.lineStates = Array.from({ length: envCount }, () => new Uint8Array(lineCount));
  }

  /** Gives lines from the last assigned one up to `endExclusive` the given state. */
  fillTo(endExclusive: number, state: StateVector): void {
    if (endExclusive <= this.pendingEnd) return;
    if (state !== this.pendingState) {
      this.flush();
      this.pendingState = state;
    }
    this.pendingEnd = endExclusive;
  }

  flush(): void {
    const state = this.pendingState;
    const start = this.filledUpTo;
    const end = this.pendingEnd;
    if (state === undefined || end <= start) return;
    // Arrays start as zeros, which is Inactive.
    if (!state.allInactive) {
      for (let e = 0; e < this.lineStates.length; e++) {
        const value = state.states[e];
        if (value !== LineState.Inactive) this.lineStates[e].fill(value, start, end);
      }
    }
    this.filledUpTo = end;
  }
}

function conditionTokens(directive: Directive): Token[] | string {
  if (directive.conditionTokens === undefined) {
    const tokens = tokenize(directive.body);
    if (directive.name === 'if' || directive.name === 'elif') {
      directive.conditionTokens = tokens.length > 0 ? tokens : `#${directive.name} with no expression`;
    } else if (tokens.length === 0 || tokens[0].kind !== TokenKind.Identifier) {
      directive.conditionTokens = `#${directive.name} requires a macro name`;
    } else {
      const test = [DEFINED_TOKEN, tokens[0]];
      directive.conditionTokens = directive.name.endsWith('ndef') ? [NOT_TOKEN, ...test] : test;
    }
  }
  return directive.conditionTokens;
}

function conditionText(directive: Directive): string {
  const text = directive.body.trim();
  if (directive.name === 'elifdef') return `defined ${text}`;
  if (directive.name === 'elifndef') return `!defined ${text}`;
  return text;
}

/**
 * One finished reading of a header. Reading is deterministic given the region it is included
 * in, the entries of the macros it looks at, the kernels' versions and the config values it
 * asks, so when the header is included again with all of those unchanged (a header pulled in
 * from many places under an undecided guard, whose own include guard is then unknown; or the
 * same kernel headers at the top of every file of a tree), its effect is applied instead of
 * reading it again.
 */
interface HeaderReading {
  readonly path: string;
  readonly text: string;
  readonly base: Uint8Array;
  readonly versionCodes: (number | undefined)[];
  /**
   * Every macro the reading looked at, as it was when the reading first did, unless the
   * reading had set it everywhere before (see MacroTables.overwriteAll).
   */
  readonly before: NamedValues<MacroSnapshot>;
  /** The macros it set, as it left them. */
  readonly after: NamedValues<MacroSnapshot>;
  /** The config symbols it asked about, with each environment's answer. */
  readonly configs: Map<string, ConfigMacro[]>;
  /** Problems it reported, as worded in the main file (they are anchored on the include's line). */
  readonly problems: Set<string>;
  /** Every header it read, itself included. */
  readonly paths: Set<string>;
  /** Those of them that were on the include stack when it started (a cycle stops there). */
  readonly ancestors: string[];
  /** Levels of includes it went down, itself counted. */
  readonly depth: number;
  /** The include stack's height when it started, where the reading reached the nesting limit. */
  readonly cutAtHeight: number | undefined;
  /** Made with the call's expansion budget spent, where every condition is undecided. */
  readonly budgetSpent: boolean;
  /** This header's own line states and directive lines (its includes' are their readings'). */
  readonly lineStates: Uint8Array[];
  readonly directiveLines: Uint8Array;
  /** Its own #defines and the environments that may compile each (a name defined twice is there twice). */
  readonly defined: NamedValues<Uint8Array>;
  /** Environments where its own #error is certainly reached. */
  readonly stops: Uint8Array | undefined;
  /** The readings of the headers it included, made or replayed, in order. */
  readonly children: HeaderReading[];
}

/**
 * Names with a value each, side by side. A kept reading is only ever walked, never searched,
 * and two arrays hold a register header's tens of thousands of names in a third of a Map's
 * memory, so more readings fit in the shared store.
 */
interface NamedValues<T> {
  readonly names: readonly string[];
  readonly values: readonly T[];
}

function namedValues<T>(map: ReadonlyMap<string, T>): NamedValues<T> {
  return { names: [...map.keys()], values: [...map.values()] };
}

/** What a reading in progress did besides setting macros. */
interface ReadingInProgress {
  readonly problems: Set<string>;
  readonly paths: Set<string>;
  readonly configs: Set<string>;
  /** Its own #defines as met (a name defined twice is there twice; merged where applied). */
  readonly defined: { readonly names: string[]; readonly values: Uint8Array[] };
  stops: Uint8Array | undefined;
  readonly children: HeaderReading[];
  depth: number;
  reachedNestingLimit: boolean;
  /** False when something outside the macros, the region and the include stack decided what it did (#pragma once, a read error). */
  replayable: boolean;
}

/** Readings kept per header: a header is usually included in one or two different states. */
const READINGS_PER_HEADER = 4;
/** What the shared store keeps: macro entries, config answers and line states (a line of every kernel is one unit). */
const SHARED_READING_UNITS = 600_000;
/** Scanned header texts kept, in lines. */
const SHARED_SCANNED_LINES = 100_000;

function readingUnits(reading: HeaderReading): number {
  return reading.before.names.length + reading.after.names.length + reading.defined.names.length + reading.configs.size + reading.children.length + reading.lineStates.length * reading.directiveLines.length;
}

/**
 * Header readings and scanned headers shared by every call that resolves includes with the same
 * resolver (the CLI keeps one per set of `-I` folders for a whole run; the editor makes one per
 * check). A resolver must answer the same during its life. Bounded; least recently used out.
 */
class SharedHeaders {
  private readonly resolverIds = new WeakMap<IncludeResolver, number>();
  private nextResolverId = 0;
  /** A resolver's readings go with it (the editor makes one per check; they would only crowd the store). */
  private readonly forgetResolver = new FinalizationRegistry<number>((id) => {
    const prefix = `${id}\u0000`;
    for (const key of [...this.readings.keys()]) if (key.startsWith(prefix)) this.readings.delete(key);
  });
  readonly readings = new LRUCache<string, HeaderReading[]>({
    maxSize: cacheSize(SHARED_READING_UNITS),
    sizeCalculation: (kept) => kept.reduce((sum, reading) => sum + readingUnits(reading), 1),
  });
  /** Scanned once, so a #define yields the same MacroDef in every call (identity is what readings compare). */
  readonly scanned = new LRUCache<string, { text: string; source: ScannedSource }>({
    maxSize: cacheSize(SHARED_SCANNED_LINES),
    sizeCalculation: (entry) => entry.source.lineCount + 1,
  });

  /** `decidesKernelNames`: a reading that may decide kernel names (see KernelNames) is never one that may not. */
  readingsKey(resolver: IncludeResolver, path: string, decidesKernelNames: boolean): string {
    let id = this.resolverIds.get(resolver);
    if (id === undefined) {
      this.resolverIds.set(resolver, (id = this.nextResolverId++));
      this.forgetResolver.register(resolver, id);
    }
    return `${id}\u0000${decidesKernelNames ? 'k' : ''}${path}`;
  }
}

/** The thread's shared header store. */
const sharedHeaders = madeAtFirstUse(() => new SharedHeaders());

function sameStates(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameConfigMacro(a: ConfigMacro, b: ConfigMacro): boolean {
  return a === b || (a.defined === b.defined && a.isOne === b.isOne && (a.value === b.value || (a.value !== undefined && b.value !== undefined && sameNum(a.value, b.value))));
}

/** The name a #define names: its macro's, read once per directive (a guarded header asks it of every #define in it). */
function definedName(directive: Directive): string | undefined {
  const macro = macroDefinitionOf(directive);
  return typeof macro === 'string' ? leadingIdentifier(directive.body) : macro.name;
}

/** The name the command-line macros are read under, as if from a header. */
const COMMAND_LINE_PATH = '<command line>';

class PreprocessRun {
  private readonly envCount: number;
  private readonly views: EnvironmentView[];
  private readonly everyEnv: number[];
  private readonly macros: MacroTables;
  private readonly problems: { line: number; message: string }[] = [];
  private readonly problemKeys = new Set<string>();
  /** Scanned command-line directives (headers are scanned once in `sharedHeaders()`). */
  private readonly headers = new Map<string, { text: string; source: ScannedSource }>();
  private readonly includeStack: string[];
  /** Per environment: headers with #pragma once that were definitely included. */
  private readonly onceIncluded: Set<string>[];
  /** While reading a header: where its problems are reported in the main file. */
  private headerContext: { anchorLine: number; path: string } | undefined;
  private expansionStepsLeft = EXPANSION_STEPS_PER_CALL;
  private readonly definedMacros = new Map<string, Uint8Array>();
  private lastMarked: { state: StateVector; marks: Uint8Array } | undefined;
  private readonly stoppedAt: Int32Array;
  private readonly includedHeaders = new Map<string, IncludedHeader>();
  /** Readings of headers in progress, outermost first. */
  private readonly readingsInProgress: ReadingInProgress[] = [];
  /** Readings whose effects this call already has (made here, or replayed). */
  private readonly appliedReadings = new Set<HeaderReading>();
  /** Some condition, of the file or a header it reads, asked what the kernels' headers declare. */
  private decidedKernelNames = false;

  constructor(
    private readonly fileName: string,
    envs: KernelEnvironment[],
    private readonly resolveInclude: IncludeResolver | undefined,
    private readonly kernelNames: KernelNames | undefined,
  ) {
    this.envCount = envs.length;
    this.views = envs.map((env) => new EnvironmentView(env));
    for (const view of this.views) view.onConfig = (symbol) => this.configAsked(symbol);
    this.everyEnv = envs.map((_, i) => i);
    this.macros = new MacroTables(envs.length);
    this.includeStack = [fileName];
    this.onceIncluded = envs.map(() => new Set<string>());
    this.stoppedAt = new Int32Array(envs.length).fill(-1);
  }

  run(source: ScannedSource, forcedIncludes: readonly string[], commandLine: readonly CommandLineMacro[]): PreprocessResult {
    const output = new LineOutput(source.lineCount, this.envCount);
    const everywhere = makeStateVector(new Uint8Array(this.envCount).fill(LineState.Active));
    if (commandLine.length > 0) this.applyCommandLine(commandLine, everywhere);
    // As gcc does with -include: read first, problems reported on the file's first line.
    for (const spec of forcedIncludes) this.includeHeader(spec, true, 0, everywhere, this.fileName);
    this.processSource(source, everywhere, this.fileName, output, true);
    this.problems.sort((a, b) => a.line - b.line);
    return {
      lineStates: output.lineStates,
      directiveLines: source.directiveLines,
      conditions: output.conditions,
      problems: this.problems,
      definedMacros: this.definedMacros,
      stoppedAt: this.stoppedAt,
      headers: [...this.includedHeaders.values()],
      decidedKernelNames: this.decidedKernelNames,
    };
  }

  private report(line: number, message: string): void {
    const context = this.headerContext;
    if (context) this.addProblem(context.anchorLine, `${context.path}:${line + 1}: ${message}`);
    else this.addProblem(line, message);
  }

  /** A problem as the main file shows it; the reading in progress remembers it for its replays. */
  private addProblem(line: number, message: string): void {
    this.readingsInProgress[this.readingsInProgress.length - 1]?.problems.add(message);
    const key = `${line}\u0000${message}`;
    if (this.problemKeys.has(key)) return;
    this.problemKeys.add(key);
    this.problems.push({ line, message });
  }

  /** Counts a config symbol as asked by every reading in progress. */
  private configAsked(symbol: string): void {
    if (isKernelNameSymbol(symbol)) this.decidedKernelNames = true;
    // A reading that has it implies every reading around it has (they started earlier).
    for (let i = this.readingsInProgress.length - 1; i >= 0; i--) {
      const configs = this.readingsInProgress[i].configs;
      if (configs.has(symbol)) break;
      configs.add(symbol);
    }
  }

  /** The reading in progress cannot be replayed: something besides macros decided it. */
  private notReplayable(): void {
    for (const reading of this.readingsInProgress) reading.replayable = false;
  }

  /** Reads the directives of one file; `main` for the file being checked (its conditions are recorded). */
  private processSource(source: ScannedSource, base: StateVector, path: string, output: LineOutput | undefined, main: boolean): void {
    const guard = source.guard ?? source.guardAfterIncludes;
    if (guard !== undefined) this.assumeGuardUnset(guard);
    const groups: ConditionalGroup[] = [];
    let current = base;
    for (const directive of source.directives) {
      output?.fillTo(directive.line, current);
      // State of the directive's own lines: the region around it (outside its group).
      let directiveState = current;
      switch (directive.name) {
        case 'if':
        case 'ifdef':
        case 'ifndef': {
          const defaultFor = testedUndefined(directive);
          const group: ConditionalGroup = {
            opener: directive,
            parent: current,
            earlierTrue: new Uint8Array(this.envCount),
            earlierAllFalse: new Uint8Array(this.envCount).fill(1),
            sawElse: false,
            infos: [],
            ...(defaultFor !== undefined ? { defaultFor } : {}),
          };
          const values = this.conditionValues(directive, current, main);
          if (main && output) this.recordCondition(output, group, directive, directive.name, values);
          groups.push(group);
          current = enterBranch(group, values);
          break;
        }
        case 'elif':
        case 'elifdef':
        case 'elifndef': {
          const group = groups[groups.length - 1];
          if (group === undefined) {
            this.report(directive.line, `#${directive.name} without #if`);
            break;
          }
          directiveState = group.parent;
          if (group.sawElse) {
            this.report(directive.line, `#${directive.name} after #else`);
            break;
          }
          const values = this.conditionValues(directive, group.parent, main);
          if (main && output) this.recordCondition(output, group, directive, 'elif', values);
          group.definesDefault = false;
          current = enterBranch(group, values);
          break;
        }
        case 'else': {
          const group = groups[groups.length - 1];
          if (group === undefined) {
            this.report(directive.line, '#else without #if');
            break;
          }
          directiveState = group.parent;
          if (group.sawElse) {
            this.report(directive.line, '#else after #else');
            break;
          }
          group.sawElse = true;
          group.definesDefault = false;
          for (const info of group.infos) info.branchLines.push(directive.line);
          current = enterBranch(group, null);
          break;
        }
        case 'endif': {
          const group = groups.pop();
          if (group === undefined) {
            this.report(directive.line, '#endif without #if');
            break;
          }
          directiveState = group.parent;
          for (const info of group.infos) info.endLine = directive.line;
          if (group.definesDefault) this.settleDefault(group.defaultFor!, group.parent, current);
          current = group.parent;
          break;
        }
        case 'define': {
          const innermost = groups[groups.length - 1];
          if (innermost?.defaultFor !== undefined && innermost.definesDefault !== false && definedName(directive) === innermost.defaultFor) innermost.definesDefault = true;
          this.applyDefine(directive, current);
          break;
        }
        case 'undef': {
          const name = leadingIdentifier(directive.body);
          for (const group of groups) if (group.defaultFor === name) group.definesDefault = false;
          this.applyUndef(directive, current);
          break;
        }
        case 'include':
          if (!current.allInactive) this.followInclude(directive, current, path);
          break;
        case 'pragma':
          if (/^\s*once\b/.test(directive.body)) {
            this.notReplayable();
            for (let e = 0; e < this.envCount; e++) {
              if (current.states[e] === LineState.Active) this.onceIncluded[e].add(path);
            }
          }
          break;
        case 'error': {
          // Only where the #error is certainly reached: under an unknown guard the build may go on.
          const line = this.headerContext?.anchorLine ?? directive.line;
          const reading = this.readingsInProgress[this.readingsInProgress.length - 1];
          for (let e = 0; e < this.envCount; e++) {
            if (current.states[e] !== LineState.Active) continue;
            if (this.stoppedAt[e] < 0) this.stoppedAt[e] = line;
            if (reading) (reading.stops ??= new Uint8Array(this.envCount))[e] = 1;
          }
          break;
        }
        default:
          // #warning, #line, #include_next, ... do not change what is compiled.
          break;
      }
      output?.fillTo(directive.endLine + 1, directiveState);
    }
    if (output) {
      output.fillTo(output.lineCount, current);
      output.flush();
    }
    for (const group of groups) {
      this.report(group.opener.line, `unterminated #${group.opener.name}`);
      if (main && output) for (const info of group.infos) info.endLine = output.lineCount - 1;
    }
  }

  private recordCondition(
    output: LineOutput,
    group: ConditionalGroup,
    directive: Directive,
    kind: ConditionInfo['directive'],
    values: (boolean | undefined)[],
  ): void {
    for (const earlier of group.infos) earlier.branchLines.push(directive.line);
    const info: ConditionInfo = {
      line: directive.line,
      directive: kind,
      text: conditionText(directive),
      values,
      endLine: directive.line,
      branchLines: [],
    };
    group.infos.push(info);
    output.conditions.push(info);
  }

  /**
   * The condition's value in every environment. Inside headers nothing is reported from
   * regions that are off everywhere, and those conditions are not even evaluated.
   */
  private conditionValues(directive: Directive, around: StateVector, wantAll: boolean): (boolean | undefined)[] {
    const values = new Array<boolean | undefined>(this.envCount).fill(undefined);
    if (around.allInactive && !wantAll) return values.fill(false);
    // Like a compiler, complain only about conditions that some target actually reads.
    const report = !around.allInactive;
    const tokens = conditionTokens(directive);
    if (typeof tokens === 'string') {
      if (report) this.report(directive.line, tokens);
      return values;
    }
    if (this.envCount > 0) this.evaluateForGroup(tokens, this.everyEnv, values, directive, report);
    return values;
  }

  private evaluateForGroup(
    tokens: Token[],
    group: readonly number[],
    values: (boolean | undefined)[],
    directive: Directive,
    report: boolean,
  ): void {
    const budget = Math.min(EXPANSION_STEPS_PER_CONDITION, this.expansionStepsLeft);
    const cx: ExpansionContext = {
      macros: this.macros,
      group,
      stepsLeft: budget,
      hasInclude: (spec, quoted) => this.hasInclude(spec, quoted),
      ...(this.kernelNames ? { kernelName: this.kernelNames } : {}),
    };
    const expanded = expandTokens(tokens, cx, 0);
    const classified = Array.isArray(expanded) ? classifyIdentifiers(expanded, cx) : expanded;
    this.expansionStepsLeft -= budget - Math.max(cx.stepsLeft, 0);
    if (classified instanceof NonUniformMacro) {
      // The environments disagree about a macro: evaluate each side on its own.
      for (const part of this.macros.partition(classified.name, group)) {
        this.evaluateForGroup(tokens, part, values, directive, report);
      }
      return;
    }
    if (classified instanceof ExpressionError) {
      if (report) this.report(directive.line, `#${directive.name}: ${classified.message}`);
      return;
    }
    const tree = new ExpressionParser(classified).parse();
    if (tree instanceof ExpressionError) {
      if (report) this.report(directive.line, `#${directive.name}: ${tree.message}`);
      return;
    }
    for (const env of group) {
      const value = evaluateNode(tree, this.views[env]);
      values[env] = value === undefined ? undefined : !isZero(value);
    }
  }

  /**
   * `__has_include`: 1 where the search from the file being read finds the header in the
   * workspace (a driver's -I comes after the kernel's include folders, so `<linux/x.h>` it has
   * is found either way), else what each kernel's headers say.
   */
  private hasInclude(spec: string, quoted: boolean): Token {
    const from = this.includeStack[this.includeStack.length - 1];
    if (this.resolveInclude?.(spec, quoted, from) !== undefined) return ONE_TOKEN;
    return leafToken(LeafKind.KernelHeader, spec);
  }

  /**
   * An include guard belongs to its header: until the header defines it, it is known to be
   * undefined (otherwise `#ifndef FOO_H` would be "unknown" and hide the whole header).
   */
  private assumeGuardUnset(guard: string): void {
    const next = this.everyEnv.map((e) => this.macros.get(e, guard) ?? UNDEFINED_MACRO);
    if (next.length > 0 && next.every((entry) => entry === next[0])) {
      this.macros.setAll(guard, next[0]);
      return;
    }
    for (let e = 0; e < next.length; e++) {
      if (this.macros.get(e, guard) !== next[e]) this.macros.setOne(e, guard, next[e]);
    }
  }

  /**
   * After `#ifndef X` / `#define X …` / `#endif`: where the test was undecided (a header read
   * before may define X) and the group itself is certainly compiled, X is certainly defined,
   * by that header or by the default, so `#ifdef X` is decided; its value stays unknown.
   */
  private settleDefault(name: string, parent: StateVector, branch: StateVector): void {
    if (this.overridesBuiltin(name)) return;
    for (let e = 0; e < this.envCount; e++) {
      if (parent.states[e] === LineState.Active && branch.states[e] === LineState.Maybe) this.macros.setOne(e, name, DEFINED_UNKNOWN_VALUE);
    }
  }

  private applyDefine(directive: Directive, current: StateVector): void {
    const macro = macroDefinitionOf(directive);
    if (typeof macro === 'string') {
      if (!current.allInactive) this.report(directive.line, macro);
      return;
    }
    if (!this.overridesBuiltin(macro.name)) this.setMacro(macro.name, macro, current);
    if (current.allInactive) return;
    const marks = this.marksOf(current);
    this.markDefined(this.definedMacros, macro.name, marks);
    const reading = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (reading) {
      reading.defined.names.push(macro.name);
      reading.defined.values.push(marks);
    }
  }

  /** compiledSomewhere, asked once per region rather than once per #define in it. */
  private marksOf(current: StateVector): Uint8Array {
    if (this.lastMarked?.state !== current) this.lastMarked = { state: current, marks: compiledSomewhere(current) };
    return this.lastMarked.marks;
  }

  /** Adds `marks` to the name's; arrays are shared, so a merge makes a new one. */
  private markDefined(defined: Map<string, Uint8Array>, name: string, marks: Uint8Array): void {
    const known = defined.get(name);
    if (known === undefined) {
      defined.set(name, marks);
      return;
    }
    if (known === marks) return;
    let merged: Uint8Array | undefined;
    for (let e = 0; e < this.envCount; e++) {
      if (marks[e] && !known[e]) (merged ??= known.slice())[e] = 1;
    }
    if (merged) defined.set(name, merged);
  }

  private applyUndef(directive: Directive, current: StateVector): void {
    const name = leadingIdentifier(directive.body);
    if (name === undefined || name === 'defined') {
      if (!current.allInactive) this.report(directive.line, '#undef requires a macro name');
      return;
    }
    if (!this.overridesBuiltin(name)) this.setMacro(name, UNDEFINED_MACRO, current);
  }

  /**
   * A header that redefines a version or IS_ENABLED() macro is a copy of one particular
   * kernel's linux/version.h or linux/kconfig.h found in the workspace (a kernel tree);
   * letting it win would pin every target to that one kernel. The file being edited may
   * still redefine them.
   */
  private overridesBuiltin(name: string): boolean {
    return this.headerContext !== undefined && isBuiltinName(name);
  }

  /**
   * Applies a #define/#undef where its region is Active; where the region is Maybe the
   * macro becomes unknown (unless it is already in that very state). Where the region is
   * Inactive nothing changes, except that a name the file defines somewhere is the file's
   * own macro: it is then known to be undefined rather than unknown (so
   * `#if OLD_KERNEL / #define NEED_X / #endif / #ifdef NEED_X` is decided everywhere).
   */
  private setMacro(name: string, entry: MacroEntry, current: StateVector): void {
    if (current.allActive) {
      this.macros.overwriteAll(name, entry);
      return;
    }
    const ownedByFile = !isBuiltinName(name) && !isConfigName(name);
    if (current.allInactive) {
      // Only the "owned by the file" mark can change, and only where the name is untouched.
      if (!ownedByFile || this.macros.setEverywhere(name)) return;
      if (this.macros.untouched(name)) {
        this.macros.setAll(name, UNDEFINED_MACRO);
        return;
      }
    }
    // undefined: the environment keeps "never touched" (a built-in or config meaning).
    const next: (MacroEntry | undefined)[] = [];
    for (let e = 0; e < this.envCount; e++) {
      const existing = this.macros.get(e, name);
      switch (current.states[e]) {
        case LineState.Active:
          next.push(entry);
          break;
        case LineState.Maybe:
          next.push(this.alreadyIs(e, name, existing, entry) ? existing : UNKNOWN_MACRO);
          break;
        default:
          next.push(existing === undefined && ownedByFile ? UNDEFINED_MACRO : existing);
          break;
      }
    }
    if (next[0] !== undefined && next.every((entryHere) => entryHere === next[0])) {
      this.macros.setAll(name, next[0]);
      return;
    }
    for (let e = 0; e < this.envCount; e++) {
      const entryHere = next[e];
      if (entryHere !== undefined && entryHere !== this.macros.get(e, name)) this.macros.setOne(e, name, entryHere);
    }
  }

  private alreadyIs(env: number, name: string, existing: MacroEntry | undefined, entry: MacroEntry): boolean {
    if (entry.state === MacroState.Defined) {
      return existing !== undefined && existing.state === MacroState.Defined && existing.signature === entry.signature;
    }
    if (existing !== undefined) return existing.state === MacroState.Undefined;
    return isConfigName(name) && this.views[env].configMacro(name).defined === false;
  }

  private followInclude(directive: Directive, current: StateVector, includingFile: string): void {
    const target = parseIncludeTarget(directive.body);
    if (target !== undefined) this.includeHeader(target.spec, target.quoted, directive.line, current, includingFile);
  }

  private includeHeader(spec: string, quoted: boolean, line: number, current: StateVector, includingFile: string): void {
    const resolve = this.resolveInclude;
    if (resolve === undefined) return;
    if (this.includeStack.length > MAX_INCLUDE_DEPTH) {
      for (const reading of this.readingsInProgress) reading.reachedNestingLimit = true;
      this.report(line, `#include nested more than ${MAX_INCLUDE_DEPTH} levels deep; "${spec}" not read`);
      return;
    }
    let resolved: { path: string; text: string } | undefined;
    try {
      resolved = resolve(spec, quoted, includingFile);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.notReplayable();
      this.report(line, `could not read "${spec}": ${reason}`);
      return;
    }
    if (resolved === undefined || typeof resolved.text !== 'string') return;
    const source = this.headerSource(resolved.path, resolved.text);
    if (this.stopsAsOpen(resolved.path, source)) {
      // The reading around this one stopped here because the header is open further up: it
      // may be replayed only where that header is open again (see canReplay's ancestors).
      this.readingsInProgress[this.readingsInProgress.length - 1]?.paths.add(resolved.path);
      // With a guard or #pragma once the compiler stops here too; without, it never would.
      if (source.guard === undefined && !source.pragmaOnce) {
        this.report(line, `#include cycle: "${resolved.path}" includes itself`);
      }
      return;
    }
    let base = current;
    if (source.pragmaOnce) {
      this.notReplayable();
      const states = current.states.slice();
      for (let e = 0; e < this.envCount; e++) if (this.onceIncluded[e].has(resolved.path)) states[e] = LineState.Inactive;
      base = makeStateVector(states);
      if (base.allInactive) return;
    }
    const outer = this.headerContext;
    const anchorLine = outer ? outer.anchorLine : line;
    if (this.replayReading(resolved.path, resolved.text, base, anchorLine)) return;
    const stackAtStart = [...this.includeStack];
    this.headerContext = { anchorLine, path: resolved.path };
    this.includeStack.push(resolved.path);
    const reading: ReadingInProgress = {
      problems: new Set(),
      paths: new Set([resolved.path]),
      configs: new Set(),
      defined: { names: [], values: [] },
      stops: undefined,
      children: [],
      depth: 1,
      reachedNestingLimit: false,
      replayable: !source.pragmaOnce,
    };
    this.readingsInProgress.push(reading);
    this.macros.startRecording();
    const stepsLeftBefore = this.expansionStepsLeft;
    const output = new LineOutput(source.lineCount, this.envCount);
    try {
      this.processSource(source, base, resolved.path, output, false);
      this.recordHeader(resolved.path, resolved.text, source.directiveLines, output.lineStates);
    } finally {
      this.includeStack.pop();
      this.headerContext = outer;
      this.readingsInProgress.pop();
      const macros = this.macros.stopRecording();
      const finished = this.finishReading(resolved, base, stackAtStart, reading, macros, output, source, stepsLeftBefore <= 0);
      this.readingsInProgress[this.readingsInProgress.length - 1]?.children.push(finished);
    }
  }

  /**
   * Whether an include of a header open further up stops here. A guarded header (or one with
   * `#pragma once`) stops, as the compiler's second reading finds nothing new. One whose guard
   * comes after an include (ath11k's hal_desc.h opens with `#include "core.h"`, which comes back
   * to it) is read once more, as gcc does: that inner reading is the one that defines its
   * macros, before the headers between use them. A third opening is a cycle nothing stops.
   */
  private stopsAsOpen(path: string, source: ScannedSource): boolean {
    let open = 0;
    for (const header of this.includeStack) if (header === path) open++;
    if (open === 0) return false;
    return source.guard !== undefined || source.pragmaOnce || open >= 2;
  }

  /** Hands what a reading did to the reading around it, and keeps it for replays when it can be replayed. */
  private finishReading(
    header: { path: string; text: string },
    base: StateVector,
    stackAtStart: string[],
    reading: ReadingInProgress,
    macros: MacroRecording,
    output: LineOutput,
    source: ScannedSource,
    budgetSpent: boolean,
  ): HeaderReading {
    const outer = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (outer) {
      for (const problem of reading.problems) outer.problems.add(problem);
      for (const path of reading.paths) outer.paths.add(path);
      outer.depth = Math.max(outer.depth, reading.depth + 1);
      if (reading.reachedNestingLimit) outer.reachedNestingLimit = true;
    }
    const written = [...macros.written];
    const after: NamedValues<MacroSnapshot> = { names: written, values: written.map((name) => this.macros.snapshot(name)) };
    const configs = new Map<string, ConfigMacro[]>();
    for (const symbol of reading.configs) configs.set(symbol, this.views.map((view) => view.configMacro(symbol)));
    const finished: HeaderReading = {
      path: header.path,
      text: header.text,
      base: base.states.slice(),
      versionCodes: this.views.map((view) => view.versionCode),
      before: namedValues(macros.before),
      after,
      configs,
      problems: reading.problems,
      paths: reading.paths,
      ancestors: stackAtStart.filter((path) => reading.paths.has(path)),
      depth: reading.depth,
      cutAtHeight: reading.reachedNestingLimit ? stackAtStart.length : undefined,
      budgetSpent,
      lineStates: output.lineStates,
      directiveLines: source.directiveLines,
      defined: reading.defined,
      stops: reading.stops,
      children: reading.children,
    };
    this.appliedReadings.add(finished);
    // Where the expansion budget ran short during the reading, conditions depended on what was
    // spent before it: such a reading is not replayed. Spent from the start, every condition
    // is undecided, which is again a state of its own. A replay spends nothing: it is cheap.
    const replayable = reading.replayable && (budgetSpent || this.expansionStepsLeft >= EXPANSION_STEPS_PER_CONDITION);
    if (replayable && this.resolveInclude) {
      const key = sharedHeaders().readingsKey(this.resolveInclude, header.path, this.kernelNames !== undefined);
      const kept = [finished, ...(sharedHeaders().readings.get(key) ?? [])].slice(0, READINGS_PER_HEADER);
      sharedHeaders().readings.set(key, kept);
    }
    return finished;
  }

  /** Applies an earlier reading of the header made in the same state instead of reading it again; false when there is none. */
  private replayReading(path: string, text: string, base: StateVector, anchorLine: number): boolean {
    if (!this.resolveInclude) return false;
    const kept = sharedHeaders().readings.get(sharedHeaders().readingsKey(this.resolveInclude, path, this.kernelNames !== undefined));
    const reading = kept?.find((candidate) => this.canReplay(candidate, text, base));
    if (reading === undefined) return false;
    // Readings around this one depend on what it looked at, exactly as if it had been read.
    for (const name of reading.before.names) this.macros.touch(name);
    for (const symbol of reading.configs.keys()) this.configAsked(symbol);
    const { names: written, values: snapshots } = reading.after;
    for (let i = 0; i < written.length; i++) this.macros.restore(written[i], snapshots[i]);
    const outer = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (outer) {
      for (const header of reading.paths) outer.paths.add(header);
      outer.depth = Math.max(outer.depth, reading.depth + 1);
      if (reading.cutAtHeight !== undefined) outer.reachedNestingLimit = true;
      outer.children.push(reading);
    }
    for (const problem of reading.problems) this.addProblem(anchorLine, problem);
    this.applyEffects(reading, anchorLine);
    return true;
  }

  /** Line states, defined-macro marks and #error stops of a replayed reading and the readings under it, each once per call. */
  private applyEffects(reading: HeaderReading, anchorLine: number): void {
    if (this.appliedReadings.has(reading)) return;
    this.appliedReadings.add(reading);
    this.recordHeader(reading.path, reading.text, reading.directiveLines, reading.lineStates);
    const { names: defined, values: marks } = reading.defined;
    for (let i = 0; i < defined.length; i++) this.markDefined(this.definedMacros, defined[i], marks[i]);
    if (reading.stops) {
      for (let e = 0; e < this.envCount; e++) if (reading.stops[e] && this.stoppedAt[e] < 0) this.stoppedAt[e] = anchorLine;
    }
    for (const child of reading.children) this.applyEffects(child, anchorLine);
  }

  private canReplay(reading: HeaderReading, text: string, base: StateVector): boolean {
    if (!sameStates(reading.base, base.states) || reading.text !== text) return false;
    // Where includes stop (the nesting limit, a cycle) depends on the include stack.
    const height = this.includeStack.length;
    if (reading.cutAtHeight !== undefined ? height !== reading.cutAtHeight : height + reading.depth - 1 > MAX_INCLUDE_DEPTH) return false;
    if (reading.budgetSpent && this.expansionStepsLeft > 0) return false;
    const ancestors = this.includeStack.filter((header) => reading.paths.has(header));
    if (ancestors.length !== reading.ancestors.length || ancestors.some((header) => !reading.ancestors.includes(header))) return false;
    for (let e = 0; e < this.envCount; e++) if (this.views[e].versionCode !== reading.versionCodes[e]) return false;
    const { names: looked, values: snapshots } = reading.before;
    for (let i = 0; i < looked.length; i++) if (!this.macros.matches(looked[i], snapshots[i])) return false;
    for (const [symbol, answers] of reading.configs) {
      for (let e = 0; e < this.envCount; e++) if (!sameConfigMacro(this.views[e].configMacro(symbol), answers[e])) return false;
    }
    return true;
  }

  /** Reads the command-line macros as the directives they stand for, problems reported on line 1. */
  private applyCommandLine(macros: readonly CommandLineMacro[], everywhere: StateVector): void {
    const lines: string[] = [];
    for (const macro of macros) {
      if (!/^[A-Za-z_]\w*$/.test(macro.name) || (macro.value !== null && /[\r\n]/.test(macro.value))) continue;
      // An identifier the file cannot define is unknown in #if, so what it guards is Maybe; one
      // set by the kernel's config is decided per kernel (unknown where its config is).
      const byConfig = macro.certain && macro.whereConfig !== undefined && /^CONFIG_\w+$/.test(macro.whereConfig);
      const guard = !macro.certain ? '#if __kernel_compat_build_condition__' : byConfig ? `#ifdef ${macro.whereConfig}` : undefined;
      const byVersion = macro.untilVersion !== undefined && Number.isInteger(macro.untilVersion);
      if (byVersion) lines.push(`#if LINUX_VERSION_CODE < ${macro.untilVersion}`);
      if (guard) lines.push(guard);
      lines.push(macro.value === null ? `#undef ${macro.name}` : `#define ${macro.name} ${macro.value}`);
      if (byConfig) lines.push('#else', `#undef ${macro.name}`);
      if (guard) lines.push('#endif');
      if (byVersion) lines.push('#endif');
    }
    const path = COMMAND_LINE_PATH;
    const outer = this.headerContext;
    this.headerContext = { anchorLine: 0, path };
    try {
      this.processSource(this.headerSource(path, lines.join('\n')), everywhere, path, undefined, false);
    } finally {
      this.headerContext = outer;
    }
  }

  /** A header's line states from one reading, merged into what the call reports for it (the arrays given are never kept). */
  private recordHeader(path: string, text: string, directiveLines: Uint8Array, lineStates: Uint8Array[]): void {
    const known = this.includedHeaders.get(path);
    if (known === undefined || known.text !== text) {
      this.includedHeaders.set(path, { path, text, lineStates: lineStates.map((states) => states.slice()), directiveLines });
      return;
    }
    for (let e = 0; e < this.envCount; e++) {
      const states = known.lineStates[e];
      const more = lineStates[e];
      for (let i = 0; i < states.length; i++) if (more[i] > states[i]) states[i] = more[i];
    }
  }

  private headerSource(path: string, text: string): ScannedSource {
    const own = path === COMMAND_LINE_PATH;
    const cached = own ? this.headers.get(path) : sharedHeaders().scanned.get(path);
    if (cached !== undefined && cached.text === text) return cached.source;
    // Directive lines are marked: the checker blanks them when it reads the header's declarations.
    const source = scanSource(text, true);
    if (own) this.headers.set(path, { text, source });
    else sharedHeaders().scanned.set(path, { text, source });
    return source;
  }
}
