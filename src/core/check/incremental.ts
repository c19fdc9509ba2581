// Re-checking an editor's document after an edit inside one function body or one initializer
// list, the usual keystroke. What the previous check found outside that declaration is kept
// (moved by the edit); the declaration is checked again in a slice of the file: itself, every
// directive and type definition, the top-level declarations whose names it needs (and theirs,
// in turn); the rest is blanked, keeping every offset and line. A body sees only the file's
// top-level declarations and its own code, and an initializer list changes nothing the rest of
// the file sees, so what is found there is what a check of the whole file would find. Anything
// that could make that untrue falls back to the whole check: an edit touching a directive or a
// brace of the body or list, a changed header, a function body that declares for the code after
// it, a struct a body defines named by the edited declaration, a `missing-function` first call
// the edit may move (gcc reports a name once per file, at its first call), an `undeclared-constant`
// outside every function (gcc then takes the name as declared for the rest of the file).
import type { CheckResult } from './checker';
import { EditShift, outside } from './editShift';
import type { TopLevelDeclaration } from './declarationLayout';
import type { Finding, JudgedUsage } from './findings';
import { spaces } from '../c/blanks';
import { lineStarts, positionAt } from '../c/lineIndex';
import type { FunctionSignature, SourceRange } from '../c/usages';
import { isFileScopeConstantFinding } from '../rules/undeclaredConstant';
import { resultReadAs } from '../c/calls';

/** What a check of a document leaves for the next one. */
export interface DocumentCheck {
  text: string;
  /** Everything else the check depended on (targets, flags, severities, workspace generation). */
  optionsKey: string;
  result: CheckResult;
  layout: readonly TopLevelDeclaration[];
  directiveLines: Uint8Array;
  /** The workspace headers the file's build read, with their texts. */
  headers: readonly { path: string; text: string }[];
  /** Tags of structs and unions defined inside function bodies, which only their own body names. */
  bodyTags: readonly string[];
  /** The file's `#define`s (see macroTexts), read on the first re-check: an edit the slice serves changes no directive. */
  macros?: ReadonlyMap<string, readonly string[]>;
}

/** What checking a slice gives back: the check of it, and what a re-check needs to trust it. */
export interface SliceCheck {
  result: CheckResult;
  layout: readonly TopLevelDeclaration[];
  directiveLines: Uint8Array;
  headers: readonly { path: string; text: string }[];
  /** A function body of the slice declares something for the code after it. */
  inseparable: boolean;
  /** Tags of structs and unions the slice's function bodies define (FileUsages.bodyTags). */
  bodyTags: readonly string[];
  /** What `variants` the whole check of a text with the slice's directives says (blanked lines change how branches are grouped). */
  variantsOf: (text: string) => number;
  /** Whether every target that builds the file compiles the line, for certain. */
  everyTargetCompiles: (line: number) => boolean;
}

export interface RecheckInput {
  text: string;
  optionsKey: string;
  /** The check of a slice, with the top-level declaration at `declarationStart` as its layout. */
  checkSlice: (slice: string, declarationStart: number) => SliceCheck;
  /** The file's one `struct-not-in-image` note for these usages, if they call for one. */
  noteFor: (usages: readonly JudgedUsage[]) => Finding | undefined;
  /** The findings in file order without those the file's ignore marks silence (read from the lines asked for). */
  ordered: (findings: Finding[], lineAt: (line: number) => string | undefined) => Finding[];
  /** Whether a kernel's compiler refuses an `int` stored in a pointer: there a later call of an undeclared function may be reported too (missingFunction.ts). */
  refusesIntInPointer: (image: number) => boolean;
}

const NOTE_CODE = 'struct-not-in-image';
/** Text ending in an assignment or an argument's start: the call after it stores its value, or passes it on. */
const STORED_VALUE = /[=(,]\s*$/;
const IDENTIFIER = /[A-Za-z_]\w*/g;
const DEFINE = /^\s*#\s*define\s+([A-Za-z_]\w*)/;

export class IncrementalChecks {
  private readonly documents = new Map<string, DocumentCheck>();

  remember(documentKey: string, check: DocumentCheck): void {
    this.documents.set(documentKey, check);
  }

  forget(documentKey: string): void {
    this.documents.delete(documentKey);
  }

  /** The check of `input.text` from the document's previous check, or undefined where only a whole check will do. */
  recheck(documentKey: string, input: RecheckInput): CheckResult | undefined {
    const previous = this.documents.get(documentKey);
    if (!previous || previous.optionsKey !== input.optionsKey || previous.result.userspace !== undefined) return undefined;
    // The same text is checked whole: its headers may have changed.
    const edit = EditShift.between(previous.text, input.text);
    if (!edit) return undefined;
    const index = editedDeclaration(previous.layout, edit);
    if (index === undefined || !directiveFree(previous, input.text, edit) || namesBodyTag(previous, input.text, edit, index)) return undefined;
    const next = movedCheck(previous, input.text, edit, index);
    const slice = input.checkSlice(sliceText({ text: input.text, directiveLines: next.directiveLines, starts: edit.newLineStarts, macros: next.macros }, next.layout, index), next.layout[index].start);
    const repeated = this.sliceHolds(previous, slice, next.layout[index], next.directiveLines) ? repeatedFirstCalls(previous, slice, edit, index, input) : undefined;
    // A constant reported outside every function silences it for the rest of the file: only the whole check knows where.
    if (!repeated || [previous.result, slice.result].some((result) => result.findings.some(isFileScopeConstantFinding))) return undefined;
    const result = merged(previous, edit, index, input, slice, repeated);
    this.documents.set(documentKey, { ...next, result, headers: slice.headers });
    return result;
  }

  /** Whether the slice read the edited declaration as the whole file does: one declaration ending where it should, the same directives and headers. */
  private sliceHolds(previous: DocumentCheck, slice: SliceCheck, edited: TopLevelDeclaration, directiveLines: Uint8Array): boolean {
    // A tag the edited body now defines is the file's own for all the file: the whole check says where it matters.
    if (slice.inseparable || slice.bodyTags.length > 0) return false;
    const read = slice.layout.find((declaration) => declaration.start === edited.start);
    const [readInner, inner] = [read && innerOf(read), innerOf(edited)!];
    if (read?.kind !== edited.kind || read.end !== edited.end || readInner?.start !== inner.start || readInner.end !== inner.end) return false;
    if (!sameArrays(slice.directiveLines, directiveLines)) return false;
    return slice.headers.length === previous.headers.length && slice.headers.every((header, i) => header.path === previous.headers[i].path && header.text === previous.headers[i].text);
  }
}

/** The function whose body, or the declaration whose initializer list, holds the whole edit, braces untouched. */
function editedDeclaration(layout: readonly TopLevelDeclaration[], edit: EditShift): number | undefined {
  const index = layout.findIndex((declaration) => declaration.start <= edit.start && edit.start < declaration.end);
  const inner = layout[index] && innerOf(layout[index]);
  if (!inner || edit.start <= inner.start || edit.oldEnd >= inner.end) return undefined;
  return index;
}

/** The braces an edit may change inside without changing what the rest of the file sees of the declaration. */
function innerOf(declaration: TopLevelDeclaration): { start: number; end: number } | undefined {
  return declaration.body ?? declaration.initializer;
}

/** The previous check's layout, directive lines and macros, moved to the edited text (its result is merged later). */
function movedCheck(previous: DocumentCheck, text: string, edit: EditShift, index: number): DocumentCheck & { macros: ReadonlyMap<string, readonly string[]> } {
  const directiveLines = movedDirectiveLines(previous.directiveLines, edit);
  const macros = previous.macros ?? macroTexts(text, directiveLines, edit.newLineStarts);
  return { ...previous, text, layout: movedLayout(previous.layout, index, edit), directiveLines, macros };
}

/**
 * The slice's `missing-function` findings a re-check leaves out, or undefined where it needs
 * the whole file. gcc reports a function no header declares once per file, at the first call a
 * kernel compiles, and the slice blanks the calls before the edited declaration, so its report
 * of a call there is the whole file's only where no earlier call is reported on its kernels:
 * - reported earlier on all its kernels, it is not a first call: left out, unless its value is
 *   stored or passed on (`p = f(…)`, `g(f(…))`) and a kernel's gcc refuses a later call's `int`
 *   stored in a pointer, or its result is read as a pointer (`f(x)->m`): then the whole file is
 *   checked;
 * - reported earlier or later on some of them, the first calls may move or be worded
 *   otherwise: the whole file is checked;
 * - else it is the first call, and stands.
 * In a declaration outside every function (a table's initializer), where later calls are
 * refused too, any call reported in it before or after the edit means the whole file is checked.
 * Each finding the previous check made in the declaration must be made again by the slice,
 * where the edit moved it and on the same kernels: else the first call moved.
 */
function repeatedFirstCalls(previous: DocumentCheck, slice: SliceCheck, edit: EditShift, index: number, input: RecheckInput): Set<Finding> | undefined {
  const { text } = input;
  const before = previous.layout[index];
  const after = { start: before.start, end: before.end + edit.delta };
  // A call left unjudged (CheckResult.unsureCalls) decides which later call gcc meets first: only the whole file tells.
  const unsure = [...(previous.result.unsureCalls ?? []), ...(slice.result.unsureCalls ?? [])];
  if (unsure.some((name) => callsIn(previous.text, before, name) || callsIn(text, after, name))) return undefined;
  const previousCalls = missingFunctionCalls(previous.result, previous.text, edit.oldLineStarts);
  const sliceCalls = missingFunctionCalls(slice.result, text, edit.newLineStarts);
  // Outside every function a later call is refused too (an initializer's element), where the calls before it in the declaration decide: the whole file tells.
  if (before.kind !== 'function' && (previousCalls.some((call) => call.offset >= before.start && call.offset < before.end) || sliceCalls.some((call) => call.offset >= after.start && call.offset < after.end))) return undefined;
  const earlier = kernelsByName(previousCalls.filter((call) => call.offset < before.start));
  const later = kernelsByName(previousCalls.filter((call) => call.offset >= before.end));
  const repeated = new Set<Finding>();
  const standing = new Set<string>();
  for (const call of sliceCalls) {
    if (call.offset < after.start || call.offset >= after.end) continue;
    const kernels = call.finding.targets;
    const reportedEarlier = earlier.get(call.name);
    const reportedLater = later.get(call.name);
    if (reportedEarlier && kernels.every((kernel) => reportedEarlier.has(kernel))) {
      // A later call whose value is stored or passed on, which some compilers refuse where it goes into a pointer: the whole file tells.
      if (STORED_VALUE.test(text.slice(Math.max(0, call.offset - 100), call.offset)) && kernels.some((kernel) => input.refusesIntInPointer(kernel))) return undefined;
      // One whose result is read as a pointer, struct or array, which every compiler refuses: so does the whole file.
      if (resultReadAs(text, call.offset, call.name) !== undefined) return undefined;
      repeated.add(call.finding);
    }
    else if (kernels.some((kernel) => reportedEarlier?.has(kernel) || reportedLater?.has(kernel))) return undefined;
    else standing.add(`${call.name} ${call.offset} ${kernels.join(',')}`);
  }
  for (const call of previousCalls) {
    if (call.offset < before.start || call.offset >= before.end) continue;
    if (!standing.has(`${call.name} ${edit.offset(call.offset)} ${call.finding.targets.join(',')}`)) return undefined;
  }
  return repeated;
}

/** Whether text[span] calls `name` (`name(`). */
function callsIn(text: string, span: { start: number; end: number }, name: string): boolean {
  return new RegExp(`\\b${name}\\s*\\(`).test(text.slice(span.start, span.end));
}

/** The kernels each name is reported on by these calls. */
function kernelsByName(calls: readonly { finding: Finding; name: string }[]): Map<string, Set<number>> {
  const kernels = new Map<string, Set<number>>();
  for (const { finding, name } of calls) {
    const set = kernels.get(name) ?? new Set<number>();
    for (const target of finding.targets) set.add(target);
    kernels.set(name, set);
  }
  return kernels;
}

/**
 * Whether the edited declaration names, before or after the edit, a tag a function body
 * defines: in its own body, the edit may change the definition; elsewhere, it reads the body's
 * struct, which the slice leaves out.
 */
function namesBodyTag(previous: DocumentCheck, text: string, edit: EditShift, index: number): boolean {
  if (previous.bodyTags.length === 0) return false;
  const before = previous.layout[index];
  const names = new Set([...identifiers(previous.text, before.start, before.end), ...identifiers(text, before.start, before.end + edit.delta)]);
  return previous.bodyTags.some((tag) => names.has(tag));
}

/** Whether the lines the edit touches held no directive and hold none now (nor a line joined to the next). */
function directiveFree(previous: DocumentCheck, text: string, edit: EditShift): boolean {
  for (let line = edit.startPosition.line; line <= edit.oldEndPosition.line; line++) if (previous.directiveLines[line]) return false;
  for (let line = edit.startPosition.line; line <= edit.newEndPosition.line; line++) {
    const content = lineText(text, edit.newLineStarts, line);
    if (content.trimStart().startsWith('#') || content.trimEnd().endsWith('\\')) return false;
  }
  return true;
}

function movedLayout(layout: readonly TopLevelDeclaration[], index: number, edit: EditShift): TopLevelDeclaration[] {
  const { delta } = edit;
  const moved = (span: { start: number; end: number } | undefined, startDelta: number) => span && { start: span.start + startDelta, end: span.end + delta };
  return layout.map((declaration, i) => {
    if (i < index) return declaration;
    // The edited one keeps its start; what follows the edit moves.
    const startDelta = i === index ? 0 : delta;
    const { body, initializer } = declaration;
    return { ...declaration, start: declaration.start + startDelta, end: declaration.end + delta, ...(body ? { body: moved(body, startDelta) } : {}), ...(initializer ? { initializer: moved(initializer, startDelta) } : {}) };
  });
}

function movedDirectiveLines(old: Uint8Array, edit: EditShift): Uint8Array {
  const lines = new Uint8Array(edit.newLineStarts.length);
  for (let line = 0; line < old.length; line++) {
    if (!old[line]) continue;
    const moved = edit.line(line);
    if (moved < lines.length) lines[moved] = 1;
  }
  return lines;
}

/** The text a slice is made from, with what is read from it once. */
export interface SliceSource {
  text: string;
  directiveLines: Uint8Array;
  /** Where its lines start. */
  starts: readonly number[];
  macros: ReadonlyMap<string, readonly string[]>;
}

/**
 * The text with every top-level declaration the edited one does not need blanked, and the
 * bodies of the functions it needs (it sees only their headers). Directive lines stay.
 */
export function sliceText(source: SliceSource, layout: readonly TopLevelDeclaration[], index: number): string {
  const { text, directiveLines, starts } = source;
  const kept = neededDeclarations(source, layout, index);
  const blanks: { start: number; end: number }[] = [];
  layout.forEach((declaration, i) => {
    if (i === index || declaration.kind === 'other') return;
    if (!kept.has(i)) blanks.push({ start: declaration.start, end: declaration.end });
    else if (declaration.body) blanks.push({ start: declaration.body.start + 1, end: declaration.body.end - 1 });
  });
  return blanked(text, directiveLines, blanks, starts);
}

/** The declarations declaring a name the edited one mentions, and those their kept text mentions, in turn (macros' bodies count). */
function neededDeclarations({ text, macros }: SliceSource, layout: readonly TopLevelDeclaration[], index: number): Set<number> {
  const declaring = new Map<string, number[]>();
  layout.forEach((declaration, i) => {
    if (i === index || declaration.kind === 'other') return;
    for (const name of declaration.declares) declaring.set(name, [...(declaring.get(name) ?? []), i]);
  });
  const kept = new Set<number>();
  const seen = new Set<string>();
  const pending = identifiers(text, layout[index].start, layout[index].end);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const macro = macros.get(name);
    if (macro) for (const body of macro) pending.push(...identifiers(body, 0, body.length));
    for (const i of declaring.get(name) ?? []) {
      if (kept.has(i)) continue;
      kept.add(i);
      const declaration = layout[i];
      pending.push(...identifiers(text, declaration.start, declaration.body?.start ?? declaration.end));
    }
  }
  return kept;
}

/** The text of each `#define`, continuation lines joined, by the macro's name. */
export function macroTexts(text: string, directiveLines: Uint8Array, starts: readonly number[] = lineStarts(text)): Map<string, string[]> {
  const macros = new Map<string, string[]>();
  for (let line = 0; line < starts.length; line++) {
    if (!directiveLines[line]) continue;
    const name = DEFINE.exec(lineText(text, starts, line))?.[1];
    let end = line;
    while (end + 1 < starts.length && directiveLines[end + 1] && lineText(text, starts, end).trimEnd().endsWith('\\')) end++;
    if (name) macros.set(name, [...(macros.get(name) ?? []), text.slice(starts[line], lineEnd(text, starts, end))]);
    line = end;
  }
  return macros;
}

/** The text with the stretches turned to spaces, but for line breaks and directive lines. */
function blanked(text: string, directiveLines: Uint8Array, stretches: readonly { start: number; end: number }[], starts: readonly number[]): string {
  if (stretches.length === 0) return text;
  const parts: string[] = [];
  let done = 0;
  for (const { start, end } of [...stretches].sort((a, b) => a.start - b.start)) {
    parts.push(text.slice(done, start));
    let line = positionAt(starts, start).line;
    for (let at = start; at < end; line++) {
      const pieceEnd = Math.min(end, lineEnd(text, starts, line));
      parts.push(directiveLines[line] ? text.slice(at, pieceEnd) : spaces(pieceEnd - at));
      if (pieceEnd < end) parts.push('\n');
      at = pieceEnd + 1;
    }
    done = end;
  }
  parts.push(text.slice(done));
  return parts.join('');
}

/** Where a line ends (its line break, or the text's end). */
function lineEnd(text: string, starts: readonly number[], line: number): number {
  return (starts[line + 1] ?? text.length + 1) - 1;
}

function lineText(text: string, starts: readonly number[], line: number): string {
  return text.slice(starts[line], lineEnd(text, starts, line));
}

function identifiers(text: string, start: number, end: number): string[] {
  return text.slice(start, end).match(IDENTIFIER) ?? [];
}

/** The `missing-function` findings (each at a name's first call) with the name called and where. */
function missingFunctionCalls(result: CheckResult, text: string, starts: readonly number[]): { finding: Finding; name: string; offset: number }[] {
  return result.findings
    .filter((finding) => finding.code === 'missing-function')
    .map((finding) => {
      const offset = (starts[finding.range.startLine] ?? 0) + finding.range.startColumn;
      return { finding, name: /^[A-Za-z_]\w*/.exec(text.slice(offset, offset + 200))?.[0] ?? '', offset };
    });
}

/** The previous check's findings and usages outside the edited declaration, moved, with the slice's inside it. */
function merged(previous: DocumentCheck, edit: EditShift, index: number, input: RecheckInput, sliceCheck: SliceCheck, repeated: ReadonlySet<Finding>): CheckResult {
  const slice = sliceCheck.result;
  const oldStarts = edit.oldLineStarts;
  const newStarts = edit.newLineStarts;
  const oldDeclaration = previous.layout[index];
  const oldStart = positionAt(oldStarts, oldDeclaration.start);
  const oldEnd = positionAt(oldStarts, oldDeclaration.end);
  const newEnd = positionAt(newStarts, oldDeclaration.end + edit.delta);
  const kept = <T>(items: readonly T[], rangeOf: (item: T) => SourceRange, move: (item: T) => T) => items.filter((item) => outside(rangeOf(item), oldStart, oldEnd)).map(move);
  const inside = <T>(items: readonly T[], rangeOf: (item: T) => SourceRange) => items.filter((item) => !outside(rangeOf(item), oldStart, newEnd));
  const inOrder = <T>(items: T[], rangeOf: (item: T) => SourceRange) => items.sort((a, b) => byStart(rangeOf(a), rangeOf(b)));

  // A function's signature from a workspace header has that header's positions: it stays.
  const inText = (signature: FunctionSignature) => previous.text.slice(signature.range.startIndex, signature.range.endIndex) === signature.name;
  const usages = inOrder([...kept(previous.result.usages, (u) => u.usage.range, (u) => edit.usage(u, inText)), ...inside(slice.usages, (u) => u.usage.range)], (u) => u.usage.range);
  const findings = [
    ...kept(previous.result.findings.filter((f) => f.code !== NOTE_CODE), (f) => f.range, (f) => edit.finding(f)),
    ...inside(slice.findings.filter((f) => f.code !== NOTE_CODE && !repeated.has(f)), (f) => f.range),
  ];
  const note = input.noteFor(usages);
  if (note) findings.push(note);
  const unsureCalls = [...new Set([...(previous.result.unsureCalls ?? []), ...(slice.unsureCalls ?? [])])];
  return {
    ...slice,
    ...(unsureCalls.length > 0 ? { unsureCalls } : {}),
    // What the headers' lines hold comes of the file's includes and macros, which an edit inside one declaration leaves as they were.
    headerFindings: previous.result.headerFindings ?? [],
    findings: input.ordered(findings, (line) => (line < newStarts.length ? lineText(input.text, newStarts, line) : undefined)),
    variants: sameVariants(edit, sliceCheck) ? previous.result.variants : sliceCheck.variantsOf(input.text),
    usages,
    mentions: inOrder([...kept(previous.result.mentions, (m) => m.range, (m) => ({ ...m, range: edit.range(m.range) })), ...inside(slice.mentions, (m) => m.range)], (m) => m.range),
  };
}

/**
 * Whether the edit cannot change how the targets group by compiled lines. The edited lines
 * have no directive, so they are compiled as the line where the edit starts is; where every
 * target compiles it, they are in no branch that some targets leave out, so no target's lines
 * differ there from the shared text's.
 */
function sameVariants(edit: EditShift, slice: SliceCheck): boolean {
  return slice.everyTargetCompiles(edit.startPosition.line);
}

/** Ranges in file order, by their start. */
function byStart(a: SourceRange, b: SourceRange): number {
  return a.startLine - b.startLine || a.startColumn - b.startColumn;
}

function sameArrays(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

