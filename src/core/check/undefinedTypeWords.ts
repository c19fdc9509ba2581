// Where a function definition names one of the driver's own macros as a type (`IN u1Byte len`,
// `VOID`: a vendor driver's `#define IN` and `#define VOID void`) on a target where none of its
// #defines is compiled, as when they stand under `#ifdef PLATFORM_LINUX` and only EXTRA_CFLAGS,
// which Kbuild ignores from 6.15, sets that. gcc reads "unknown type name" there, and where that
// is in the parameter list it passes over the whole body: nothing in it is compiled on that
// target, so no rule may judge it there (a call in it is no implicit declaration gcc reports).
// Where a #define of it may or may not be compiled, the body may be passed over: none of it is
// certainly compiled. Reported only with the same care as the driver's macros called as
// functions (driverMacroCalls.ts): a `.c` file a Kbuild list names, every include followed,
// every flag the target's build passes read, and names no kernel's headers have and the driver
// does not typedef.
import type { CheckOptions } from './checker';
import type { HeaderIndex } from '../kernels/headerIndex';
import type { PreprocessedFile } from './variants';
import { LineState, type IncludedHeader, type PreprocessResult } from '../c/preprocessor';
import { includesFollowedBySlot } from './followedIncludes';
import { isCompilerOrKbuildName } from './kernelNameDecisions';
import { isSourceFile } from '../c/workspaceTypes';
import { definitionSpans, type DefinitionSpan } from '../c/functionBodies';
import { declarationWords } from '../c/declarationWords';
import { splitTopLevel } from '../c/typeText';
import { lineIndexAt } from '../c/lineIndex';
import { maskedHeader } from '../c/maskedHeaders';
import { TYPEDEF_KEY } from '../kernels/schema';
import { directiveWords, firstDefinition, type MacroDefinition } from './driverMacroCalls';
import { typedefsDeclared, type DefinitionWords } from './headerReadings';

/** One place where gcc reads a driver's macro as an unknown type name. */
export interface UndefinedTypeWord {
  name: string;
  line: number;
  column: number;
  /** The targets (slots) where no #define of it is compiled there. */
  slots: number[];
  /** In a parameter list: gcc passes over the body on those targets. */
  inParameters: boolean;
  /** Its first #define, for the message. */
  definition: MacroDefinition;
}

/** Per target slot, line ranges of function bodies. */
type BodiesBySlot = Map<number, { startLine: number; endLine: number }[]>;

export interface UndefinedTypeWords {
  words: UndefinedTypeWord[];
  /**
   * The same in the workspace headers the file reads, on the targets that compile those lines
   * (outside function bodies: gcc reports them for every file that includes the header).
   */
  headerWords: { path: string; words: UndefinedTypeWord[] }[];
  /** The bodies gcc passes over, where it does. */
  skipped: BodiesBySlot;
  /** The bodies gcc may pass over (a #define of a parameter's type word may or may not be compiled). */
  unsure: BodiesBySlot;
}

const IDENTIFIER = /[A-Za-z_]\w*/g;
const TAG_KEYWORDS = new Set(['struct', 'union', 'enum']);

/** Whether a #define of a macro is compiled on a target: certainly, certainly not, or either. */
const enum Definition {
  Certain,
  None,
  Unsure,
}

export function undefinedTypeWords(
  headers: HeaderIndex,
  text: string,
  code: { masked: string; isDirectiveLine: (line: number) => boolean },
  file: PreprocessedFile,
  options: Pick<CheckOptions, 'fileName' | 'namedByKbuild' | 'resolveInclude' | 'forcedIncludes' | 'targets'>,
  reads: {
    headerWords: (header: IncludedHeader) => DefinitionWords;
    /** The names a header's typedefs declare: a cheaper reading than headerWords, asked of every header. */
    headerTypedefs: (header: IncludedHeader) => ReadonlySet<string>;
    /** Whether every flag the build passes is known on the target in `slot` (CheckOptions.unreadFlags, unreadFlagsUntil). */
    flagsKnown: (slot: number) => boolean;
    /** Judge the workspace headers' declarations too (not in a re-check's slice, which keeps the whole check's). */
    judgesHeaders: boolean;
  },
): UndefinedTypeWords {
  const { pre } = file;
  const found: UndefinedTypeWords = { words: [], headerWords: [], skipped: new Map(), unsure: new Map() };
  let fileTypedefs: Set<string> | undefined;
  const known = new Map<string, boolean>();
  const isDriverMacro = (name: string) => {
    let own = known.get(name);
    if (own === undefined) {
      own = pre.definedMacros.has(name) && !isCompilerOrKbuildName(name) && !isKernelName(headers, options.targets, name);
      if (own) own = !(fileTypedefs ??= typedefsDeclared(text)).has(name) && !pre.headers.some((header) => reads.headerTypedefs(header).has(name));
      known.set(name, own);
    }
    return own;
  };
  let fileWords: DefinitionWords | undefined;
  const directives = () => (fileWords ??= directiveWords(text, code.isDirectiveLine));
  // Per name, whether a #define of it is compiled on each target: asked at every word, worked out once.
  const definitionsOf = new Map<string, Definition[]>();
  const definitionOn = (name: string, slot: number): Definition => {
    let states = definitionsOf.get(name);
    if (!states) definitionsOf.set(name, (states = options.targets.map((_, each) => compiledDefinition(name, each))));
    return states[slot];
  };
  const compiledDefinition = (name: string, slot: number): Definition => {
    if (!pre.definedMacros.get(name)?.[slot]) return Definition.None;
    const sources = [{ words: directives(), states: pre.lineStates[slot] }, ...pre.headers.map((header) => ({ words: reads.headerWords(header), states: header.lineStates[slot] }))];
    if (sources.some(({ words }) => words.undefined.has(name))) return Definition.Unsure;
    return sources.some(({ words, states }) => words.definedAt.get(name)?.some((line) => states?.[line] === LineState.Active)) ? Definition.Certain : Definition.Unsure;
  };
  const lineOf = (offset: number) => lineIndexAt(file.lineStartIndices, offset);
  const add = (table: BodiesBySlot, slot: number, body: { startLine: number; endLine: number }) => table.set(slot, [...(table.get(slot) ?? []), body]);
  const words = new Map<number, ReturnType<typeof typeWord>>();
  // Read per set of compiled lines where needed: a vendor function's `if (x) {` in both branches
  // of an #if leaves the braces of the text with every branch unbalanced, and its bodies unfound.
  // Where the text with every branch balances its braces, one read of it finds what each set would.
  const groups = bracesBalance(code.masked) ? [{ states: undefined, slots: options.targets.map((_, slot) => slot) }] : targetsByLineStates(pre.lineStates);
  const keep = (offset: number, word: ReturnType<typeof typeWord>) => {
    const known = words.get(offset);
    words.set(offset, known ? { ...known, slots: [...new Set([...known.slots, ...word.slots])].sort((a, b) => a - b), inParameters: known.inParameters || word.inParameters, definition: known.definition ?? word.definition } : word);
  };
  for (const { states, slots } of groups) {
    const masked = states && groups.length > 1 ? withInactiveLinesBlanked(code.masked, states, file.lineStartIndices) : code.masked;
    const spans = definitionSpans(masked);
    for (const span of spans) {
      const body = { startLine: lineOf(span.body.open), endLine: lineOf(span.body.close) };
      for (const { word, inParameters } of typeWordsOf(span, masked)) {
        keep(word.offset, typeWord(word, inParameters, slots));
        if (!inParameters) continue;
        for (const slot of slots) {
          const state = definitionOn(word.name, slot);
          if (state === Definition.None) add(found.skipped, slot, body);
          else if (state === Definition.Unsure) add(found.unsure, slot, body);
        }
      }
    }
    // Declarations and prototypes too (`u1Byte len;`); a body's statements are judged where gcc compiles them.
    for (const word of declarationWords(masked, isDriverMacro, spans.map((span) => span.body))) {
      if (!(word.inBody && word.inParameterList)) keep(word.offset, typeWord(word, false, slots));
    }
  }
  /** The driver macros the definition names as types: the first of its return type, and of each parameter. */
  function typeWordsOf(span: DefinitionSpan, masked = code.masked): { word: { name: string; offset: number }; inParameters: boolean }[] {
    const found: { word: { name: string; offset: number }; inParameters: boolean }[] = [];
    const returned = firstDriverMacro(masked, span.start, span.name.start, isDriverMacro);
    if (returned) found.push({ word: returned, inParameters: false });
    const list = masked.slice(span.parameters.start, span.parameters.end);
    for (const [from, to] of splitTopLevel(list, ',')) {
      const parameter = list.slice(from, to);
      // A pointer to a function (`void (*cb)(IN int)`) is left alone: its words are not read here.
      if (parameter.includes('(')) continue;
      const start = span.parameters.start + from;
      const word = firstDriverMacro(masked, start, start + typeLength(parameter), isDriverMacro);
      if (word) found.push({ word, inParameters: true });
    }
    return found;
  }
  function typeWord(word: { name: string; offset: number }, inParameters: boolean, among: readonly number[]): Omit<UndefinedTypeWord, 'definition'> & { definition?: MacroDefinition } {
    const line = lineOf(word.offset);
    const slots = among.filter((slot) => definitionOn(word.name, slot) === Definition.None);
    const definition = slots.length > 0 ? firstDefinition(word.name, options.fileName, directives(), pre.headers, reads.headerWords) : undefined;
    return { name: word.name, line, column: word.offset - file.lineStartIndices[line], slots, inParameters, ...(definition ? { definition } : {}) };
  }
  if (![...words.values()].some((word) => word.slots.length > 0)) return found;
  // "None" stands only where the preprocessor saw all that gcc sees; else those bodies are unsure too.
  const sight = { fileName: options.fileName, text, lineStates: pre.lineStates, headers: pre.headers, resolveInclude: options.resolveInclude, isKernelHeader: (name: string) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes };
  const seenAll = isSourceFile(options.fileName) && options.namedByKbuild === true ? includesFollowedBySlot(sight, 'if-found') : [];
  const judged = (slot: number) => seenAll[slot] === true && reads.flagsKnown(slot);
  for (const [slot, bodies] of [...found.skipped]) {
    if (judged(slot)) continue;
    for (const body of bodies) add(found.unsure, slot, body);
    found.skipped.delete(slot);
  }
  // A word only a -D flag defines has no #define line to name: not reported.
  const reported = [...words.values()].sort((a, b) => a.line - b.line || a.column - b.column).flatMap(({ definition, ...word }) => {
    const slots = word.slots.filter(judged);
    return definition && slots.length > 0 ? [{ ...word, slots, definition }] : [];
  });
  const judgedSlots = options.targets.flatMap((_, slot) => (judged(slot) ? [slot] : []));
  const headerWords = reads.judgesHeaders && judgedSlots.length > 0 && reported.length > 0 ? wordsOfHeaders(pre.headers, judgedSlots, { isDriverMacro, isUndefined: (name, slot) => definitionOn(name, slot) === Definition.None, definition: (name) => firstDefinition(name, options.fileName, directives(), pre.headers, reads.headerWords) }) : [];
  return { ...found, words: reported, headerWords };
}

/**
 * The driver's macros read as types in the headers' declarations, outside function bodies (a
 * body gcc may pass over, and the file's own judges what it compiles), on the judged targets
 * that compile the line.
 */
function wordsOfHeaders(
  included: readonly IncludedHeader[],
  judgedSlots: readonly number[],
  names: { isDriverMacro: (name: string) => boolean; isUndefined: (name: string, slot: number) => boolean; definition: (name: string) => MacroDefinition | undefined },
): { path: string; words: UndefinedTypeWord[] }[] {
  const result: { path: string; words: UndefinedTypeWord[] }[] = [];
  for (const header of included) {
    const { masked, lineStartIndices } = maskedHeader(header);
    const words = new Map<number, UndefinedTypeWord>();
    for (const { states, slots } of targetsByLineStates(judgedSlots.map((slot) => header.lineStates[slot]))) {
      const among = slots.map((index) => judgedSlots[index]);
      if (!states.includes(LineState.Active)) continue;
      const text = withInactiveLinesBlanked(masked, states, lineStartIndices);
      for (const word of declarationWords(text, names.isDriverMacro, definitionSpans(text).map((span) => span.body))) {
        if (word.inBody) continue;
        const line = lineIndexAt(lineStartIndices, word.offset);
        const undefinedOn = among.filter((slot) => header.lineStates[slot][line] === LineState.Active && names.isUndefined(word.name, slot));
        const definition = undefinedOn.length > 0 ? names.definition(word.name) : undefined;
        if (!definition) continue;
        const known = words.get(word.offset);
        words.set(word.offset, { name: word.name, line, column: word.offset - lineStartIndices[line], slots: [...(known?.slots ?? []), ...undefinedOn].sort((a, b) => a - b), inParameters: false, definition });
      }
    }
    if (words.size > 0) result.push({ path: header.path, words: [...words.values()].sort((a, b) => a.line - b.line || a.column - b.column) });
  }
  return result;
}

/**
 * Marks the bodies gcc passes over as not compiled, and those it may pass over as not certainly
 * compiled, on the targets where it does.
 */
export function passOverBodies(pre: PreprocessResult, bodies: Pick<UndefinedTypeWords, 'skipped' | 'unsure'>): void {
  const own = new Set<number>();
  const statesOf = (slot: number) => {
    // Line states may be shared between targets: this target's are its own from here on.
    if (!own.has(slot)) {
      own.add(slot);
      pre.lineStates[slot] = pre.lineStates[slot].slice();
    }
    return pre.lineStates[slot];
  };
  for (const [slot, list] of bodies.unsure) {
    const states = statesOf(slot);
    for (const { startLine, endLine } of list) for (let line = startLine; line <= endLine; line++) if (states[line] === LineState.Active) states[line] = LineState.Maybe;
  }
  for (const [slot, list] of bodies.skipped) {
    const states = statesOf(slot);
    for (const { startLine, endLine } of list) states.fill(LineState.Inactive, startLine, endLine + 1);
  }
}

/** The first of the driver's macros in masked[from, to), skipping struct, union and enum tags. */
function firstDriverMacro(masked: string, from: number, to: number, isCandidate: (name: string) => boolean): { name: string; offset: number } | undefined {
  let afterTagKeyword = false;
  for (const match of masked.slice(from, to).matchAll(IDENTIFIER)) {
    const name = match[0];
    if (!afterTagKeyword && isCandidate(name)) return { name, offset: from + match.index! };
    afterTagKeyword = TAG_KEYWORDS.has(name);
  }
  return undefined;
}

/** How much of a parameter is its type: all but the last word where it holds two or more (the parameter's name). */
function typeLength(parameter: string): number {
  const names = [...parameter.matchAll(IDENTIFIER)];
  if (names.length < 2) return parameter.length;
  return names[names.length - 1].index!;
}

/** Whether some kernel with header data may have the name: a function or macro, a constant, a typedef. */
function isKernelName(headers: HeaderIndex, targets: readonly number[], name: string): boolean {
  if (headers.mayBeKernelCallable(name) || headers.isVanishingConstant(name) || headers.isChangingTypedef(name)) return true;
  return targets.some((image) => (headers.definingHeaders(`${TYPEDEF_KEY}${name}`, image)?.length ?? 0) > 0);
}

/** Whether every `}` of the masked text closes a `{` before it, and every `{` is closed. */
function bracesBalance(masked: string): boolean {
  let depth = 0;
  for (let at = 0; at < masked.length; at++) {
    const code = masked.charCodeAt(at);
    if (code === 0x7b) depth++;
    else if (code === 0x7d && --depth < 0) return false;
  }
  return depth === 0;
}

/** The targets (slots) grouped by their compiled lines: most kernels compile the same ones. */
function targetsByLineStates(lineStates: readonly Uint8Array[]): { states: Uint8Array; slots: number[] }[] {
  const groups = new Map<string, { states: Uint8Array; slots: number[] }>();
  lineStates.forEach((states, slot) => {
    const key = Buffer.from(states.buffer, states.byteOffset, states.length).toString('latin1');
    const group = groups.get(key);
    if (group) group.slots.push(slot);
    else groups.set(key, { states, slots: [slot] });
  });
  return [...groups.values()];
}

/** The masked text with the lines these line states leave out blanked (line breaks kept, so offsets hold). */
function withInactiveLinesBlanked(masked: string, states: Uint8Array, lineStartIndices: readonly number[]): string {
  const parts: string[] = [];
  let from = 0;
  states.forEach((state, line) => {
    if (state !== LineState.Inactive) return;
    const start = lineStartIndices[line];
    const end = line + 1 < lineStartIndices.length ? lineStartIndices[line + 1] - 1 : masked.length;
    if (start === undefined || start < from) return;
    parts.push(masked.slice(from, start), ' '.repeat(end - start));
    from = end;
  });
  parts.push(masked.slice(from));
  return parts.join('');
}
