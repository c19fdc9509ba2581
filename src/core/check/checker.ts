// The checker: finds kernel struct usages in a C file and judges each against exactly the
// target kernels for which its line is compiled. Preprocessor branches are evaluated per
// target; every distinct set of compiled lines ("variant") is parsed on its own, so code
// inside `#if` in initializer lists or around function signatures still parses cleanly.
import type { Parser, Tree } from 'web-tree-sitter';
import type { AggregateKind, AggregateRef, KernelDatabase, MemberState } from '../kernels/database';
import { withModules } from '../kernels/imageWords';
import { callSites, findMissingFunctions, type CallSite } from '../rules/missingFunction';
import { angleIncludes, findMissingHeaders, type AngleInclude, type MissingHeaderFacts } from '../rules/missingHeader';
import { maskCode } from '../c/statements';
import { hostedLibraryInclude } from '../c/userspace';
import type { WorkspaceTypes } from '../c/workspaceTypes';
import { deadGuardMessage, findDeadGuards, type DeadGuard } from '../rules/deadGuard';
import { describeImages, findSuccessor } from '../kernels/history';
import { lineIndexAt, lineStarts, positionAt } from '../c/lineIndex';
import { blankAnnotations } from '../c/parser';
import { LineState, preprocess, type CommandLineMacro, type IncludedHeader, type IncludeResolver, type KernelEnvironment, type PreprocessResult } from '../c/preprocessor';
import { formatFunctionType, functionPointerShape, signatureMismatch, tagsOf, type FunctionShape } from '../c/signatures';
import { findUsages, parseTypeText, type AggregateMention, type FileUsages, type FunctionSignature, type MemberUsage, type SourceRange, type TypeOracle } from '../c/usages';

/** Diagnostic codes: a contract shared by diagnostics, quick fixes, the CLI and SARIF rules. */
export const Codes = {
  missingMember: 'missing-member',
  aggregateNotInImage: 'struct-not-in-image',
  callbackSignature: 'callback-signature',
  readOnlyMember: 'read-only-member',
  accessOperator: 'access-operator',
  preprocessor: 'preprocessor',
  deadGuard: 'dead-guard',
  missingHeader: 'missing-header',
  missingFunction: 'missing-function',
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const DEFAULT_SEVERITIES: Record<Code, Severity> = {
  'missing-member': 'warning',
  'struct-not-in-image': 'information',
  'callback-signature': 'warning',
  'read-only-member': 'warning',
  'access-operator': 'warning',
  preprocessor: 'information',
  'dead-guard': 'hint',
  'missing-header': 'warning',
  'missing-function': 'warning',
};

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  range: SourceRange;
  aggregate?: AggregateRef;
  member?: string;
  /** Image indices the finding is about. */
  targets: number[];
  /** dead-guard only: the directive's group, for the fix that keeps only the live branch. */
  guard?: DeadGuard;
  /** missing-header only: the header, its successor and the boundary, for the fixes. */
  header?: MissingHeaderFacts;
}

/** A usage together with the targets on which its line is certainly compiled. */
export interface JudgedUsage {
  usage: MemberUsage;
  targets: number[];
  /** For a function stored in the member: its header as the newest of those targets compiles it. */
  assigned?: FunctionSignature;
}

export interface CheckResult {
  findings: Finding[];
  usages: JudgedUsage[];
  mentions: AggregateMention[];
  /** How many distinct compiled-line sets the targets produced (each parsed once). */
  variants: number;
  /** Targets (image indices) the file refuses with an #error it certainly reaches, by that line: nothing is judged for them. */
  stops: { line: number; targets: number[] }[];
  /** Set when the file is not kernel code (it includes this C library header): nothing in it is judged. */
  userspace?: string;
  /** The file's `#include <…>` lines, for hovers. */
  includes?: AngleInclude[];
}

/** The flags a driver's build adds to a file (see kbuildFlags), as the CLI and the extension find them. */
export type BuildContext = Required<Pick<CheckOptions, 'resolveInclude' | 'forcedIncludes' | 'defines'>>;

/** The line `check` and the extension's log give for kernels a file refuses with #error. */
export function describeStop(db: KernelDatabase, stopped: readonly number[], targets: readonly number[]): string {
  return `not checked on ${describeImages(db.images, stopped, targets)}: the build stops at an #error there`;
}

export interface CheckOptions {
  fileName: string;
  /** Image indices to judge against. */
  targets: readonly number[];
  resolveInclude?: IncludeResolver;
  /** Headers the build includes before the file (see kbuildFlags), resolved through resolveInclude. */
  forcedIncludes?: readonly string[];
  /** Macros the build defines on the command line (see kbuildFlags). */
  defines?: readonly CommandLineMacro[];
  severities?: Partial<Record<Code, Severity>>;
  /** A key under which parse trees are kept for incremental re-parsing (an editor's document URI). */
  documentKey?: string;
  /**
   * The structs, unions and typedefs the driver's other files define: those names are the
   * driver's, not the kernel's, and their members type what is reached through them.
   */
  workspaceTypes?: WorkspaceTypes;
}

const IGNORE_MARK = 'kernel-compat-ignore';
const MAX_KEPT_HEADERS = 512;
/** What Kbuild defines for every file of an out-of-tree module (obj-m), before its own flags. */
const KBUILD_MODULE_DEFINES: readonly CommandLineMacro[] = [
  { name: '__KERNEL__', value: '1', certain: true },
  { name: 'MODULE', value: '1', certain: true },
];

function blankLine(line: string): string {
  return ' '.repeat(line.length);
}

interface TopLevelSpan {
  startRow: number;
  endRow: number;
  startIndex: number;
  endIndex: number;
  /** For a function definition: the inside of its body, which other top-level code cannot see. */
  body?: { start: number; end: number };
  /** For a declaration with an initializer: where the initializer starts (other code sees only the name). */
  initializerStart?: number;
}

function topLevelSpans(tree: Tree): TopLevelSpan[] {
  const spans: TopLevelSpan[] = [];
  for (const node of tree.rootNode.children) {
    if (!node) continue;
    const span: TopLevelSpan = { startRow: node.startPosition.row, endRow: node.endPosition.row, startIndex: node.startIndex, endIndex: node.endIndex };
    if (node.type === 'function_definition') {
      const body = node.childForFieldName('body');
      if (body && body.endIndex - body.startIndex >= 2) span.body = { start: body.startIndex + 1, end: body.endIndex - 1 };
    } else if (node.type === 'declaration') {
      // `static const struct x ops = { ... };`: a single declarator with an initializer.
      const declarators = node.childrenForFieldName('declarator').filter((d) => d !== null);
      const value = declarators.length === 1 && declarators[0]!.type === 'init_declarator' ? declarators[0]!.childForFieldName('value') : null;
      if (value) span.initializerStart = value.startIndex;
    }
    spans.push(span);
  }
  return spans;
}

/** `struct NAME {` / `union NAME {` definitions in the text, with the line of each. */
function localTagDefinitions(lines: readonly string[]): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  const pattern = /\b(?:struct|union)\s+([A-Za-z_]\w*)\s*(?:\{|$)/g;
  lines.forEach((text, line) => {
    if (!text.includes('struct') && !text.includes('union')) return;
    for (const match of text.matchAll(pattern)) {
      // A tag at the end of the line counts when its brace opens the next line.
      if (match[0].endsWith('{') || (lines[line + 1] ?? '').trimStart().startsWith('{')) found.push({ name: match[1], line });
    }
  });
  return found;
}

/** A run of the compact text that stands for the original text at `originalStart`. */
interface Segment {
  compactStart: number;
  originalStart: number;
  length: number;
}

/**
 * The text a target-specific re-read needs: the dirty declarations in full, every other
 * top-level declaration (the scope they see), and the other functions' headers with empty
 * bodies. Much shorter than the file, so re-reading costs little.
 */
function compactVariant(variantText: string, spans: TopLevelSpan[], dirty: Set<TopLevelSpan>): { text: string; segments: Segment[] } {
  const parts: string[] = [];
  const segments: Segment[] = [];
  let length = 0;
  const take = (start: number, end: number, suffix = '') => {
    segments.push({ compactStart: length, originalStart: start, length: end - start });
    const piece = variantText.slice(start, end) + suffix + '\n';
    parts.push(piece);
    length += piece.length;
  };
  for (const span of spans) {
    if (dirty.has(span)) take(span.startIndex, span.endIndex);
    else if (span.body) take(span.startIndex, span.body.start, '}');
    else if (span.initializerStart !== undefined) take(span.startIndex, span.initializerStart, '0;');
    else take(span.startIndex, span.endIndex);
  }
  return { text: parts.join(''), segments };
}

/** The span of sorted, disjoint `spans` that holds `index`, by binary search. */
function spanContaining(spans: readonly TopLevelSpan[], index: number): TopLevelSpan | undefined {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const span = spans[mid];
    if (index < span.startIndex) high = mid - 1;
    else if (index >= span.endIndex) low = mid + 1;
    else return span;
  }
  return undefined;
}

/**
 * The union's top-level spans, in order, with a span added (and marked dirty) for each gap
 * between them where a variant has code of its own: a branch the union left out.
 */
function withVariantGaps(spans: readonly TopLevelSpan[], variantText: string, lineStartIndices: readonly number[], dirty: Set<TopLevelSpan>): TopLevelSpan[] {
  const regions: TopLevelSpan[] = [];
  const addGap = (startIndex: number, endIndex: number) => {
    if (endIndex <= startIndex || !/\S/.test(variantText.slice(startIndex, endIndex))) return;
    const gap: TopLevelSpan = { startIndex, endIndex, startRow: lineIndexAt(lineStartIndices, startIndex), endRow: lineIndexAt(lineStartIndices, endIndex) };
    regions.push(gap);
    dirty.add(gap);
  };
  let previousEnd = 0;
  for (const span of spans) {
    addGap(previousEnd, span.startIndex);
    regions.push(span);
    previousEnd = span.endIndex;
  }
  addGap(previousEnd, variantText.length);
  return regions;
}

/**
 * Lines of alternative branches the union text leaves out. `#if A` / `static void f(a, b)` /
 * `#else` / `static void f(a)` / `#endif` before one body is a syntax error when both
 * headers are kept, and tree-sitter's error recovery then costs more than the rest of the
 * parse, again on every re-parse. Where every branch of a chain with code is such an open
 * construct (a header or argument list ending in `)`, or an unclosed `{` or `(`), the union keeps
 * the first branch some target compiles; targets taking another branch re-read it.
 */
function alternativeBranchLines(lines: readonly string[], pre: PreprocessResult, compiledBySome: Uint8Array): number[] {
  const left: number[] = [];
  for (const condition of pre.conditions) {
    if (condition.directive === 'elif') continue;
    const bounds = [condition.line, ...condition.branchLines, condition.endLine];
    const branches: number[][] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const code: number[] = [];
      for (let line = bounds[k] + 1; line < bounds[k + 1]; line++) {
        if (!pre.directiveLines[line] && compiledBySome[line] && lines[line].trim() !== '') code.push(line);
      }
      if (code.length > 0) branches.push(code);
    }
    if (branches.length < 2 || !branches.every((branch) => isOpenConstruct(branch.map((line) => lines[line]).join('\n')))) continue;
    for (const branch of branches.slice(1)) left.push(...branch);
  }
  return left;
}

function isOpenConstruct(code: string): boolean {
  const bare = code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').trim();
  const count = (char: string) => bare.split(char).length - 1;
  return bare.endsWith(')') || count('{') > count('}') || count('(') > count(')');
}

/** Maps positions found in a compact text back to the original text. */
class PositionMap {
  constructor(
    private readonly segments: Segment[],
    private readonly lineStartIndices: number[],
  ) {}

  private original(index: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.segments[mid].compactStart <= index) low = mid;
      else high = mid - 1;
    }
    const segment = this.segments[low];
    return segment.originalStart + Math.min(index - segment.compactStart, segment.length);
  }

  range(range: SourceRange): SourceRange {
    const startIndex = this.original(range.startIndex);
    const endIndex = this.original(range.endIndex);
    const start = positionAt(this.lineStartIndices, startIndex);
    const end = positionAt(this.lineStartIndices, endIndex);
    return { startIndex, endIndex, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  }
}

interface CachedTree {
  text: string;
  tree: Tree;
  /** What the usage finder read from this tree, and for which targets (they steer member types). */
  read?: { targetsKey: string; usages: FileUsages };
}

/** Position (row, column) of a string offset, for tree-sitter edits. */
function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

const signatureKeys = new WeakMap<FunctionSignature, string>();

/** A function's shape as a string, computed once per signature object (targets share them). */
function signatureKey(signature: FunctionSignature): string {
  let key = signatureKeys.get(signature);
  if (key === undefined) signatureKeys.set(signature, (key = `${signature.returnType}\u0000${signature.parameterTypes.join('\u0001')}`));
  return key;
}

/** Whether a member's value is a pointer (or an array, which decays to one), a struct or union, or a typedef we cannot see into. */
function valueKind(type: string): 'pointer' | 'aggregate' | 'unknown' {
  if (/\*\s*(?:const\s*|volatile\s*)*$/.test(type) || /\]\s*$/.test(type)) return 'pointer';
  if (/^(?:(?:const|volatile)\s+)*(?:struct|union)\s+(?:[A-Za-z_]\w*|\(anon\))$/.test(type)) return 'aggregate';
  return 'unknown';
}

/**
 * Whether a member of this type cannot be assigned: const itself (`const vm_flags_t`, as
 * vm_area_struct.vm_flags is from 6.3), not a pointer to const (`const struct file_operations *`).
 */
function isReadOnlyType(type: string): boolean {
  if (/\*\s*const\s*$/.test(type)) return true;
  return !/[*\[(]/.test(type) && /(?:^|\s)const(?:\s|$)/.test(type);
}

/** `struct timespec64` of `struct timespec64 *` or `const struct timespec64`; '' for other types (function pointers included). */
function aggregateTagOf(type: string): string {
  const parsed = parseTypeText(type);
  return parsed ? `${parsed.kind} ${parsed.name}` : '';
}

const signatureWordLists = new WeakMap<FunctionSignature, string[]>();

/** Every identifier of a function's name, return and parameter types, found once per signature. */
function signatureWords(signature: FunctionSignature): string[] {
  let words = signatureWordLists.get(signature);
  if (words === undefined) {
    words = [...new Set([signature.name, signature.returnType, ...signature.parameterTypes].flatMap((text) => text.match(/[A-Za-z_]\w*/g) ?? []))];
    signatureWordLists.set(signature, words);
  }
  return words;
}

const signatureTagLists = new WeakMap<FunctionSignature, string[]>();

function signatureTags(signature: FunctionSignature): string[] {
  let tags = signatureTagLists.get(signature);
  if (tags === undefined) signatureTagLists.set(signature, (tags = tagsOf(signature)));
  return tags;
}

const UNKNOWN: MemberState = { state: 'unknown' };

/** A range on one line, for findings read from the text's lines rather than its tree. */
function lineRange(line: number, startColumn: number, endColumn: number): SourceRange {
  return { startLine: line, startColumn, endLine: line, endColumn, startIndex: 0, endIndex: 0 };
}

export class Checker {
  private readonly shapes = new Map<string, FunctionShape | undefined>();
  private readonly typedefCallbacks = new Map<string, string | undefined>();
  private readonly trees = new Map<string, Map<string, CachedTree>>();
  /** Signature verdicts by function shape and member type: the same pairs recur across targets and edits. */
  private readonly signatureVerdicts = new Map<string, string | undefined>();
  /** Function declarations of workspace headers by path, read once per header text. */
  private readonly headerDeclarations = new Map<string, { text: string; functions: Map<string, FunctionSignature[]> }>();
  private readonly headerCallSites = new Map<string, { text: string; sites: CallSite[] }>();

  constructor(
    private readonly db: KernelDatabase,
    readonly parser: Parser,
  ) {}

  private environments(targets: readonly number[]): KernelEnvironment[] {
    return targets.map((image) => ({
      versionCode: this.db.images[image].versionCode,
      config: (symbol: string) => this.db.configValue(image, symbol),
    }));
  }

  private oracle(targets: readonly number[], workspace: WorkspaceTypes | undefined, fileName: string): TypeOracle {
    const order = [...targets].reverse();
    return {
      // A name the driver defines in another file is the driver's (defined only under #if,
      // it may be either: then it is neither judged nor typed through).
      isKernelAggregate: (ref) => !workspace?.aggregate(ref, fileName) && this.db.knows(ref),
      typedefType: (name) => {
        const type = workspace?.typedef(name, fileName);
        return type === 'conditional' ? undefined : type;
      },
      memberType: (ref, member) => {
        const own = workspace?.aggregate(ref, fileName);
        if (own) return own === 'conditional' ? undefined : own.get(member);
        const history = this.db.memberHistory(ref, member);
        // The newest targeted image that has the member, as long as the targets that have it
        // agree on the struct it is (`i_ctime` was a `struct timespec` before 4.18): members of
        // it are otherwise judged against a struct some targets do not use there.
        let newest: string | undefined;
        for (const image of order) {
          const state = history[image];
          if (state.state !== 'present') continue;
          if (newest === undefined) newest = state.member.type;
          else if (state.member.type !== newest && aggregateTagOf(state.member.type) !== aggregateTagOf(newest)) return undefined;
        }
        if (newest !== undefined) return newest;
        for (let image = history.length - 1; image >= 0; image--) {
          const state = history[image];
          if (state.state === 'present') return state.member.type;
        }
        return undefined;
      },
    };
  }

  /** Parses `text`, reusing the previous tree of the same document and variant when there is one. */
  private parse(text: string, documentKey: string | undefined, variantKey: string): Tree {
    const cache = documentKey ? (this.trees.get(documentKey) ?? new Map<string, CachedTree>()) : undefined;
    if (documentKey && cache && !this.trees.has(documentKey)) this.trees.set(documentKey, cache);
    const previous = cache?.get(variantKey);
    let tree: Tree | null;
    if (previous && previous.text === text) return previous.tree;
    if (previous) {
      // One edit spanning the changed middle: tree-sitter then re-parses only around it.
      const old = previous.text;
      let start = 0;
      const limit = Math.min(old.length, text.length);
      while (start < limit && old.charCodeAt(start) === text.charCodeAt(start)) start++;
      let oldEnd = old.length;
      let newEnd = text.length;
      while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
        oldEnd--;
        newEnd--;
      }
      previous.tree.edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition: pointAt(old, start),
        oldEndPosition: pointAt(old, oldEnd),
        newEndPosition: pointAt(text, newEnd),
      });
      tree = this.parser.parse(text, previous.tree);
      previous.tree.delete();
    } else tree = this.parser.parse(text);
    if (!tree) throw new Error('the C parser returned no tree');
    if (cache) cache.set(variantKey, { text, tree });
    return tree;
  }

  /**
   * The usages in `tree` (from `parse`). Kept with the document's tree: when a text comes back
   * unchanged (a function an edit did not touch, re-read for some targets), nothing is re-read.
   */
  private read(tree: Tree, documentKey: string | undefined, variantKey: string, targets: readonly number[], oracle: TypeOracle, workspaceGeneration = 0): FileUsages {
    const cached = documentKey ? this.trees.get(documentKey)?.get(variantKey) : undefined;
    const targetsKey = `${targets.join(',')}|${workspaceGeneration}`;
    if (cached?.tree === tree && cached.read?.targetsKey === targetsKey) return cached.read.usages;
    const usages = findUsages(tree, oracle);
    if (cached?.tree === tree) cached.read = { targetsKey, usages };
    return usages;
  }

  /**
   * The declarations of functions in a workspace header (`int apfs_rename(...);` in apfs.h for
   * a callback defined in another .c file), parsed once per header text. Directive lines are
   * blanked; which declarations a target compiles is decided from the header's line states.
   */
  private functionsOfHeader(header: IncludedHeader, oracle: TypeOracle): Map<string, FunctionSignature[]> {
    const known = this.headerDeclarations.get(header.path);
    if (known && known.text === header.text) return known.functions;
    const text = blankAnnotations(header.text)
      .split('\n')
      .map((line, i) => (header.directiveLines[i] ? blankLine(line) : line))
      .join('\n');
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('the C parser returned no tree');
    let functions: Map<string, FunctionSignature[]>;
    try {
      functions = findUsages(tree, oracle).functionVersions;
    } finally {
      tree.delete();
    }
    // Bounded: a long session over a large tree of headers keeps the most recent ones.
    if (this.headerDeclarations.size >= MAX_KEPT_HEADERS) this.headerDeclarations.delete(this.headerDeclarations.keys().next().value!);
    this.headerDeclarations.set(header.path, { text: header.text, functions });
    return functions;
  }

  /** Frees a document's trees that this check did not use (target groups that no longer exist). */
  private dropTreesExcept(documentKey: string, keep: ReadonlySet<string>): void {
    const cache = this.trees.get(documentKey);
    if (!cache) return;
    for (const [key, cached] of cache) {
      if (keep.has(key)) continue;
      cached.tree.delete();
      cache.delete(key);
    }
  }

  /** Drops the trees kept for a document (on close). */
  forget(documentKey: string): void {
    for (const cached of this.trees.get(documentKey)?.values() ?? []) cached.tree.delete();
    this.trees.delete(documentKey);
  }

  check(text: string, options: CheckOptions): CheckResult {
    // A userspace program (it includes the C library) is never built against a kernel's headers.
    const userspace = hostedLibraryInclude(text);
    if (userspace !== undefined) return { findings: [], usages: [], mentions: [], variants: 0, stops: [], userspace };
    const targets = [...options.targets];
    const severities = { ...DEFAULT_SEVERITIES, ...options.severities };
    const pre = preprocess(text, options.fileName, this.environments(targets), options.resolveInclude, options.forcedIncludes, [
      ...KBUILD_MODULE_DEFINES,
      ...(options.defines ?? []),
    ]);
    // The lines the parser reads; same lengths as the text's, so every offset holds.
    const lines = blankAnnotations(text).split('\n');

    // One parse serves every target: the "union" text keeps each line some target compiles
    // (directive lines blanked, so offsets stay), except the later branches of alternative
    // headers (see alternativeBranchLines). Where a target compiles other lines, only the
    // top-level declarations those lines touch are re-read, from a text for that target's
    // line set in which every other function body is blanked (cheap to parse, same scopes).
    // A target the build stops for at an #error is not built, so nothing breaks there.
    const built = (slot: number) => pre.stoppedAt[slot] < 0;
    const compiledBySome = new Uint8Array(lines.length);
    pre.lineStates.forEach((states, slot) => {
      if (built(slot)) for (let i = 0; i < lines.length; i++) if (states[i] !== LineState.Inactive) compiledBySome[i] = 1;
    });
    const inUnion = compiledBySome.slice();
    for (const line of alternativeBranchLines(lines, pre, compiledBySome)) inUnion[line] = 0;
    const codeLines = lines.map((line, i) => (pre.directiveLines[i] || !compiledBySome[i] ? blankLine(line) : line));
    const unionText = lines.map((line, i) => (pre.directiveLines[i] || !inUnion[i] ? blankLine(line) : line)).join('\n');
    const lineStartIndices = lineStarts(text);
    const oracle = this.oracle(targets, options.workspaceTypes, options.fileName);
    const unionTree = this.parse(unionText, options.documentKey, 'union');

    // Per usage: the targets that compile its line, and the assigned function's signature as
    // each of those targets sees it (a guarded prototype differs between targets).
    const judged = new Map<string, { usage: MemberUsage; targets: Uint8Array; signatures: Map<number, FunctionSignature> }>();
    const mentions = new Map<number, AggregateMention>();
    /** Functions the file defines or declares (from the shared parse), for missing-function. */
    const fileFunctions = new Set<string>();
    let variantCount = 1;
    const keptKeys = new Set(['union']);
    try {
      const union = this.read(unionTree, options.documentKey, 'union', targets, oracle, options.workspaceTypes?.generation);
      for (const name of union.functions.keys()) fileFunctions.add(name);
      for (const mention of union.mentions) mentions.set(mention.range.startIndex, mention);
      const topLevel = topLevelSpans(unionTree);

      // Targets that compile other lines than the union, grouped by the lines that differ
      // (dropped from the union, or an alternative branch the union left out).
      const groups = new Map<string, { slots: number[]; changed: number[] }>();
      const exact: number[] = [];
      targets.forEach((_, slot) => {
        if (!built(slot)) return;
        const states = pre.lineStates[slot];
        const changed: number[] = [];
        for (let i = 0; i < lines.length; i++) {
          if (compiledBySome[i] && !pre.directiveLines[i] && (states[i] !== LineState.Inactive) !== (inUnion[i] === 1)) changed.push(i);
        }
        if (changed.length === 0) {
          exact.push(slot);
          return;
        }
        const key = changed.join(',');
        const group = groups.get(key);
        if (group) group.slots.push(slot);
        else groups.set(key, { slots: [slot], changed });
      });

      // A usage is judged for a target only where it is certainly compiled, and so are the
      // declarations its type was read from and the header of the function assigned in it:
      // a line an unknown guard may drop (or swap for another branch) proves nothing.
      const allActive = (slot: number, range: SourceRange) => {
        const states = pre.lineStates[slot];
        for (let line = range.startLine; line <= range.endLine; line++) if (states[line] !== LineState.Active) return false;
        return true;
      };
      // A function header was read from a text holding exactly the target's lines (the union for
      // targets that compile the union's lines, else the target group's own re-read), so lines
      // of it the target drops are fine (`#if` inside a parameter list); a Maybe line is not.
      const headerCompiled = (slot: number, signature: FunctionSignature) => {
        const states = pre.lineStates[slot];
        if (states[signature.range.startLine] !== LineState.Active) return false;
        for (let line = signature.header.startLine; line <= signature.header.endLine; line++) if (states[line] === LineState.Maybe) return false;
        return true;
      };
      // A name a target may #define is not what the compiler sees there: compat headers rename
      // members (`#define priv_destructor destructor`) and structs (`#define proc_ops file_operations`).
      const isMacro = (name: string, slot: number) => pre.definedMacros.get(name)?.[slot] === 1;
      const signatureUsesMacro = (signature: FunctionSignature, slot: number) => pre.definedMacros.size > 0 && signatureWords(signature).some((word) => isMacro(word, slot));
      // A callback defined in another file of the driver is known here by its prototype in a
      // workspace header; it counts for a target where the whole prototype is certainly compiled.
      const headerCandidates = new Map<string, { header: IncludedHeader; signature: FunctionSignature }[]>();
      const headerSignature = (name: string, slot: number): FunctionSignature | undefined => {
        let candidates = headerCandidates.get(name);
        if (candidates === undefined) {
          candidates = [];
          for (const header of pre.headers) {
            if (!header.text.includes(name)) continue;
            for (const signature of this.functionsOfHeader(header, oracle).get(name) ?? []) candidates.push({ header, signature });
          }
          headerCandidates.set(name, candidates);
        }
        let chosen: FunctionSignature | undefined;
        for (const { header, signature } of candidates) {
          const states = header.lineStates[slot];
          let compiled = true;
          for (let line = signature.header.startLine; compiled && line <= signature.header.endLine; line++) {
            compiled = states[line] === LineState.Active && header.directiveLines[line] === 0;
          }
          if (compiled && !signatureUsesMacro(signature, slot)) chosen = signature;
        }
        return chosen;
      };
      const record = (found: FileUsages, functions: Map<string, FunctionSignature>, slots: number[], keep: (usage: MemberUsage) => boolean) => {
        for (const usage of found.usages) {
          if (!keep(usage)) continue;
          const id = `${usage.range.startIndex}:${usage.aggregate.kind}:${usage.aggregate.name}:${usage.member}`;
          let entry = judged.get(id);
          if (!entry) judged.set(id, (entry = { usage, targets: new Uint8Array(targets.length), signatures: new Map() }));
          const signature = usage.assignedFunction ? functions.get(usage.assignedFunction) : undefined;
          for (const slot of slots) {
            if (pre.lineStates[slot][usage.range.startLine] !== LineState.Active) continue;
            if (usage.evidence && !usage.evidence.every((range) => allActive(slot, range))) continue;
            if (isMacro(usage.member, slot) || isMacro(usage.aggregate.name, slot)) continue;
            entry.targets[slot] = 1;
            if (signature) {
              if (headerCompiled(slot, signature) && !signatureUsesMacro(signature, slot)) entry.signatures.set(targets[slot], signature);
            } else if (usage.assignedFunction && pre.headers.length > 0) {
              const declared = headerSignature(usage.assignedFunction, slot);
              if (declared) entry.signatures.set(targets[slot], declared);
            }
          }
        }
      };
      if (exact.length > 0) record(union, union.functions, exact, () => true);

      // Tags the file defines with a body, by the lines of their definitions: where a target
      // drops a definition, code naming the tag refers to the kernel's struct instead.
      const tagDefinitions = localTagDefinitions(codeLines);

      for (const group of groups.values()) {
        variantCount++;
        const changedSet = new Set(group.changed);
        const touchesChanged = (range: SourceRange) => {
          for (let line = range.startLine; line <= range.endLine; line++) if (changedSet.has(line)) return true;
          return false;
        };
        // These targets' own lines: the union's, minus what they drop, plus the branches they take.
        const variantText = lines
          .map((line, i) => (pre.directiveLines[i] || !compiledBySome[i] || (inUnion[i] === 1) === changedSet.has(i) ? blankLine(line) : line))
          .join('\n');
        const changedTags = tagDefinitions.filter((tag) => changedSet.has(tag.line)).map((tag) => tag.name);
        const tagPattern = changedTags.length > 0 ? new RegExp(`\\b(?:struct|union)\\s+(?:${changedTags.join('|')})\\b`) : undefined;
        const dirtySpans = new Set<TopLevelSpan>();
        // Code between the union's declarations that only these targets compile is re-read too.
        const regions = withVariantGaps(topLevel, variantText, lineStartIndices, dirtySpans);
        for (const span of topLevel) {
          if (group.changed.some((line) => line >= span.startRow && line <= span.endRow)) dirtySpans.add(span);
          else if (tagPattern && tagPattern.test(unionText.slice(span.startIndex, span.endIndex))) dirtySpans.add(span);
        }
        // Code whose types came from a dropped declaration reads differently for these targets.
        for (const usage of union.usages) {
          if (!usage.evidence?.some(touchesChanged)) continue;
          const span = spanContaining(topLevel, usage.range.startIndex);
          if (span) dirtySpans.add(span);
        }
        const dirty = regions.filter((span) => dirtySpans.has(span));
        const isDirty = (index: number) => spanContaining(dirty, index) !== undefined;
        if (dirty.length === 0) {
          record(union, union.functions, group.slots, () => true);
          continue;
        }
        const compact = compactVariant(variantText, regions, dirtySpans);
        const positions = new PositionMap(compact.segments, lineStartIndices);
        // Keyed by the targets, not the lines: after an edit moves lines, the same targets'
        // text is still an edit of their previous one, which tree-sitter re-parses in part.
        const variantKey = `variant:${group.slots.join(',')}`;
        keptKeys.add(variantKey);
        const tree = this.parse(compact.text, options.documentKey, variantKey);
        try {
          const read = this.read(tree, options.documentKey, variantKey, targets, oracle, options.workspaceTypes?.generation);
          // A copy: what was read may be kept for the next check, in the compact text's positions.
          const found = { ...read, usages: read.usages.map((usage) => ({
            ...usage,
            range: positions.range(usage.range),
            ...(usage.statementRange ? { statementRange: positions.range(usage.statementRange) } : {}),
            ...(usage.evidence ? { evidence: usage.evidence.map((range) => positions.range(range)) } : {}),
          })) };
          // The functions as these targets declare them: the union's, with those declared in
          // the re-read declarations replaced by the re-read signatures.
          const functions = new Map<string, FunctionSignature>();
          // Where the union's last declaration is one these targets drop (`#if` def1 `#else` def2),
          // an earlier one they keep stands.
          for (const [name, versions] of union.functionVersions) {
            for (let i = versions.length - 1; i >= 0; i--) {
              if (isDirty(versions[i].range.startIndex)) continue;
              functions.set(name, versions[i]);
              break;
            }
          }
          for (const [name, signature] of found.functions) {
            const mapped = { ...signature, range: positions.range(signature.range), header: positions.range(signature.header) };
            if (isDirty(mapped.range.startIndex)) functions.set(name, mapped);
          }
          record(union, functions, group.slots, (usage) => !isDirty(usage.range.startIndex));
          record(found, functions, group.slots, (usage) => isDirty(usage.range.startIndex));
          for (const mention of found.mentions) {
            const range = positions.range(mention.range);
            if (isDirty(range.startIndex) && !mentions.has(range.startIndex)) mentions.set(range.startIndex, { ...mention, range });
          }
        } finally {
          if (!options.documentKey) tree.delete();
        }
      }
    } finally {
      if (!options.documentKey) unionTree.delete();
      else this.dropTreesExcept(options.documentKey, keptKeys);
    }
    const findings: Finding[] = [];
    const usages: JudgedUsage[] = [];
    const absentAggregates = new Map<string, { ref: AggregateRef; range: SourceRange; targets: Set<number> }>();
    const ordered = [...judged.values()].sort((a, b) => a.usage.range.startIndex - b.usage.range.startIndex);

    for (const { usage, targets: targetSlots, signatures } of ordered) {
      const images: number[] = [];
      targetSlots.forEach((judgedThere, slot) => judgedThere && images.push(targets[slot]));
      let newestSignature: FunctionSignature | undefined;
      let newestImage = -1;
      for (const [image, signature] of signatures) if (image > newestImage) [newestImage, newestSignature] = [image, signature];
      usages.push({ usage, targets: images, ...(newestSignature ? { assigned: newestSignature } : {}) });
      const history = this.judgedHistory(usage.aggregate, usage.member);
      const missing: number[] = [];
      const noAggregate: number[] = [];
      for (const image of images) {
        const state = history[image];
        if (state.state === 'absent') missing.push(image);
        else if (state.state === 'no-aggregate') noAggregate.push(image);
      }
      if (noAggregate.length > 0) {
        const key = `${usage.aggregate.kind} ${usage.aggregate.name}`;
        let entry = absentAggregates.get(key);
        if (!entry) {
          absentAggregates.set(key, (entry = { ref: usage.aggregate, range: usage.range, targets: new Set() }));
        }
        for (const image of noAggregate) entry.targets.add(image);
      }
      if (missing.length > 0) {
        findings.push({
          code: Codes.missingMember,
          severity: severities[Codes.missingMember],
          message: this.missingMessage(usage.aggregate, usage.member, missing, targets, history),
          range: usage.range,
          aggregate: usage.aggregate,
          member: usage.member,
          targets: missing,
        });
      }
      if (signatures.size > 0) findings.push(...this.signatureFindings(usage, signatures, history, targets, severities));
      const typeFinding = (code: Code, applies: (type: string) => boolean, message: (on: string, declaration: string) => string) => {
        const finding = this.typeFinding(usage, code, images, history, targets, severities, applies, message);
        if (finding) findings.push(finding);
      };
      const operator = usage.followedBy;
      if (operator) {
        // `p->m.x` where m is a pointer, or `p->m->x` where it is embedded. Only plain kinds are
        // judged: a typedef may be either.
        const wrongKind = operator === '.' ? 'pointer' : 'aggregate';
        typeFinding(
          Codes.accessOperator,
          (type) => valueKind(type) === wrongKind,
          (on, declaration) =>
            `\`${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} is ${operator === '.' ? 'a pointer' : 'embedded, not a pointer'} on ${on} (\`${declaration}\`), so \`${operator}\` does not apply there`,
        );
      }
      if (usage.written) {
        typeFinding(
          Codes.readOnlyMember,
          isReadOnlyType,
          (on, declaration) => `\`${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} cannot be assigned on ${on}, where it is \`${declaration}\``,
        );
      }
    }

    const absentNote = this.notInImageNote([...absentAggregates.values()], targets, severities);
    if (absentNote) findings.push(absentNote);

    for (const problem of pre.problems) {
      const line = lines[problem.line] ?? '';
      findings.push({
        code: Codes.preprocessor,
        severity: severities[Codes.preprocessor],
        message: `${problem.message}; code after it is judged as possibly compiled for every target`,
        range: { startLine: problem.line, startColumn: 0, endLine: problem.line, endColumn: line.length, startIndex: 0, endIndex: 0 },
        targets: [],
      });
    }

    for (const guard of findDeadGuards(text, pre, targets)) {
      findings.push({
        code: Codes.deadGuard,
        severity: severities[Codes.deadGuard],
        message: deadGuardMessage(guard, describeImages(this.db.images, guard.targets, targets)),
        range: guard.range,
        targets: guard.targets,
        guard,
      });
    }

    const includes = angleIncludes(lines);
    const compiled = (slot: number, line: number) => built(slot) && pre.lineStates[slot][line] === LineState.Active;
    findings.push(...this.headerAndCallFindings(text, includes, pre, targets, compiled, fileFunctions, options, severities));

    const kept = findings.filter((f) => !this.isIgnored(lines, f.range.startLine));
    kept.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn || a.code.localeCompare(b.code));
    const stops = new Map<number, number[]>();
    targets.forEach((image, slot) => {
      if (built(slot)) return;
      const line = pre.stoppedAt[slot];
      stops.set(line, [...(stops.get(line) ?? []), image]);
    });
    return {
      findings: kept,
      usages,
      mentions: [...mentions.values()].sort((a, b) => a.range.startIndex - b.range.startIndex),
      variants: variantCount,
      stops: [...stops].sort((a, b) => a[0] - b[0]).map(([line, images]) => ({ line, targets: images.sort((a, b) => a - b) })),
      includes,
    };
  }

  /** The function-pointer type a member holds on `image`: its own, or what its function typedef names there. */
  private callbackType(type: string, image: number): string | undefined {
    if (this.shapeOf(type)) return type;
    const key = `${type}\u0000${image}`;
    if (!this.typedefCallbacks.has(key)) this.typedefCallbacks.set(key, this.db.functionTypedef(type, image));
    return this.typedefCallbacks.get(key);
  }

  /** functionPointerShape, once per type text: checks ask it for every callback on every target. */
  private shapeOf(type: string): FunctionShape | undefined {
    if (!this.shapes.has(type)) this.shapes.set(type, functionPointerShape(type));
    return this.shapes.get(type);
  }

  /**
   * The rules read from the text's lines rather than its tree: `#include <…>` of headers and
   * calls of functions a targeted kernel's headers lack.
   */
  private headerAndCallFindings(
    text: string,
    includes: readonly AngleInclude[],
    pre: PreprocessResult,
    targets: number[],
    compiled: (slot: number, line: number) => boolean,
    fileFunctions: ReadonlySet<string>,
    options: CheckOptions,
    severities: Record<Code, Severity>,
  ): Finding[] {
    const findings: Finding[] = [];
    const missingHeaders = findMissingHeaders({
      db: this.db,
      includes,
      targets,
      compiled,
      providedByWorkspace: (include) => options.resolveInclude?.(include.name, false, options.fileName) !== undefined,
    });
    for (const { include, message, targets: missingOn, facts } of missingHeaders) {
      findings.push({
        code: Codes.missingHeader,
        severity: severities[Codes.missingHeader],
        message,
        range: lineRange(include.line, include.startColumn, include.endColumn),
        targets: missingOn,
        header: facts,
      });
    }
    const missingFunctions = findMissingFunctions({
      db: this.db,
      sites: callSites(maskCode(text), (line) => pre.directiveLines[line] === 1),
      headerSites: pre.headers.flatMap((header) =>
        this.callSitesOfHeader(header).map((site) => ({ site, compiled: (slot: number) => header.lineStates[slot]?.[site.line] === LineState.Active })),
      ),
      targets,
      compiled,
      definedByDriver: (name) => fileFunctions.has(name) || pre.definedMacros.has(name) || options.workspaceTypes?.definesCallable(name) === true,
    });
    for (const { site, message, targets: missingOn } of missingFunctions) {
      findings.push({
        code: Codes.missingFunction,
        severity: severities[Codes.missingFunction],
        message,
        range: lineRange(site.line, site.startColumn, site.endColumn),
        targets: missingOn,
      });
    }
    return findings;
  }

  /** The calls in a workspace header, read once per header text (checks after every keystroke ask again). */
  private callSitesOfHeader(header: IncludedHeader): CallSite[] {
    const known = this.headerCallSites.get(header.path);
    if (known && known.text === header.text) return known.sites;
    const sites = callSites(maskCode(header.text), (line) => header.directiveLines[line] === 1);
    if (this.headerCallSites.size >= MAX_KEPT_HEADERS) this.headerCallSites.delete(this.headerCallSites.keys().next().value!);
    this.headerCallSites.set(header.path, { text: header.text, sites });
    return sites;
  }

  /**
   * A member's history as the judge sees it. A struct that no public header defines (ppp's
   * `struct channel`, a module's own `struct packet`) is never what a driver's code means:
   * where a kernel's headers show that, nothing is known about the driver's struct there, and
   * a name no header of any kernel with header data defines is not judged at all (on the
   * Ubuntu images and imported kernels, which have no headers, those kernels' names stand in).
   */
  private judgedHistory(ref: AggregateRef, member: string): MemberState[] {
    const history = this.db.memberHistory(ref, member);
    if (this.db.definedInSomeHeader(ref) === false) return history.map(() => UNKNOWN);
    const privateOn = this.db.privateImages(ref);
    if (privateOn.length === 0) return history;
    return history.map((state, image) => (privateOn.includes(image) ? UNKNOWN : state));
  }

  /**
   * One note per file for the structs some targets' data lacks, at the first one's first use:
   * on a DRM driver that is dozens of structs, and one note says it (issue: "one note, not fifty").
   */
  private notInImageNote(absent: { ref: AggregateRef; range: SourceRange; targets: Set<number> }[], targets: number[], severities: Record<Code, Severity>): Finding | undefined {
    if (absent.length === 0) return undefined;
    const sortedOf = (images: Set<number>) => [...images].sort((a, b) => a - b);
    const first = [...absent].sort((a, b) => a.range.startIndex - b.range.startIndex)[0];
    const all = sortedOf(new Set(absent.flatMap((entry) => [...entry.targets])));
    const message =
      absent.length === 1
        ? this.notInImageMessage(first.ref, all, targets)
        : `${absent.length} structs are not in the data of some targeted kernels, so their members are not checked there: ` +
          absent.map((entry) => `${entry.ref.kind} ${entry.ref.name} (${describeImages(this.db.images, sortedOf(entry.targets), targets)})`).join(', ') +
          (all.some((image) => !withModules(this.db.images[image]))
            ? '. Kernels known from vmlinux only may build them as modules: import such a kernel with its modules (Add Kernel from BTF) to check them'
            : '');
    return { code: Codes.aggregateNotInImage, severity: severities[Codes.aggregateNotInImage], message, range: first.range, aggregate: first.ref, targets: all };
  }

  private notInImageMessage(ref: AggregateRef, missing: number[], targets: number[]): string {
    const images = this.db.images;
    const vmlinuxOnly = missing.filter((index) => !withModules(images[index]));
    const everywhere = missing.filter((index) => withModules(images[index]));
    const parts: string[] = [];
    if (vmlinuxOnly.length > 0) parts.push(`not in the vmlinux BTF of ${describeImages(images, vmlinuxOnly, targets)} (it may be built as a module or configured off there)`);
    if (everywhere.length > 0) parts.push(`in neither vmlinux nor any module of ${describeImages(images, everywhere, targets)} (configured off, or not in that kernel)`);
    return `${ref.kind} ${ref.name} is ${parts.join(', and ')}, so its members are not checked on those kernels`;
  }

  private isIgnored(lines: string[], line: number): boolean {
    return (lines[line] ?? '').includes(IGNORE_MARK) || (line > 0 && (lines[line - 1] ?? '').includes(IGNORE_MARK));
  }

  /**
   * One finding on the judged images where the member's type makes the use fail (`applies`),
   * quoting the member's declaration on the newest of them.
   */
  private typeFinding(
    usage: MemberUsage,
    code: Code,
    images: number[],
    history: MemberState[],
    targets: number[],
    severities: Record<Code, Severity>,
    applies: (type: string) => boolean,
    message: (on: string, declaration: string) => string,
  ): Finding | undefined {
    const failing = images.filter((image) => {
      const state = history[image];
      return state.state === 'present' && applies(state.member.type);
    });
    if (failing.length === 0) return undefined;
    const newest = history[failing[failing.length - 1]];
    const declaration = newest.state === 'present' ? newest.member.declaration : usage.member;
    return {
      code,
      severity: severities[code],
      message: message(describeImages(this.db.images, failing, targets), declaration),
      range: usage.range,
      aggregate: usage.aggregate,
      member: usage.member,
      targets: failing,
    };
  }

  private missingMessage(ref: AggregateRef, member: string, missing: number[], targets: number[], history: MemberState[]): string {
    const images = this.db.images;
    let message = `\`${member}\` is not in ${ref.kind} ${ref.name} on ${describeImages(images, missing, targets)}`;
    const versionOrder = images.map((image, index) => ({ image, index })).filter((x) => x.image.group === 'version');
    const missingVersions = versionOrder.filter((x) => missing.includes(x.index));
    if (missingVersions.length === 0) return message;
    const lastMissing = missingVersions[missingVersions.length - 1].index;
    const firstMissing = missingVersions[0].index;
    const presentAfter = versionOrder.find((x) => x.index > lastMissing && history[x.index].state === 'present');
    const presentBefore = [...versionOrder].reverse().find((x) => x.index < firstMissing && history[x.index].state === 'present');
    if (presentBefore) {
      const successor = findSuccessor(this.db, ref, member);
      if (successor) return `${message}: replaced by \`${successor.member.name}\` in ${images[successor.image].label}`;
      const removedAt = versionOrder.find((x) => x.index > presentBefore.index && history[x.index].state !== 'present');
      if (removedAt) message += `: removed in ${removedAt.image.label}`;
    } else if (presentAfter) {
      message += `: added in ${presentAfter.image.label}`;
    }
    return message;
  }

  private signatureFindings(
    usage: MemberUsage,
    signatures: Map<number, FunctionSignature>,
    history: MemberState[],
    targets: number[],
    severities: Record<Code, Severity>,
  ): Finding[] {
    // Compare per target, then merge targets that fail the same way into one finding.
    const mismatched = new Map<string, { images: number[]; type: string; why: string; signature: FunctionSignature }>();
    for (const [image, signature] of signatures) {
      const state = history[image];
      if (state.state !== 'present') continue;
      // A member typed by a typedef of a function (`proc_handler *proc_handler`) holds what the
      // typedef names on that kernel, where the data knows it.
      const memberType = this.callbackType(state.member.type, image);
      const expected = memberType ? this.shapeOf(memberType) : undefined;
      if (!memberType || !expected) continue;
      const verdictKey = `${signatureKey(signature)}\u0000${memberType}`;
      let why: string | undefined;
      if (this.signatureVerdicts.has(verdictKey)) why = this.signatureVerdicts.get(verdictKey);
      else {
        why = signatureMismatch(signature, expected);
        this.signatureVerdicts.set(verdictKey, why);
      }
      if (why) {
        // A kernel struct the function names that this image's data lacks may be another name
        // for a struct it has (64-bit kernels before 4.18: `#define timespec64 timespec`).
        const unsure = signatureTags(signature).filter((tag) => {
          const [kind, name] = tag.split(' ') as [AggregateKind, string];
          return this.db.knows({ kind, name }) && this.db.definition({ kind, name }, image) === null;
        });
        if (unsure.length > 0) why = signatureMismatch(signature, expected, (tag) => unsure.includes(tag));
      }
      if (!why) continue;
      const type = formatFunctionType(expected);
      const key = `${signature.name}\u0000${type}\u0000${why}`;
      const entry = mismatched.get(key) ?? { images: [], type, why, signature };
      entry.images.push(image);
      mismatched.set(key, entry);
    }
    const findings: Finding[] = [];
    for (const m of mismatched.values()) {
      const signature = m.signature;
      findings.push({
        code: Codes.callbackSignature,
        severity: severities[Codes.callbackSignature],
        message:
          `\`${signature.name}\` does not fit \`.${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} on ` +
          `${describeImages(this.db.images, m.images, targets)}: ${m.why}; the member there is ${m.type}`,
        range: usage.range,
        aggregate: usage.aggregate,
        member: usage.member,
        targets: m.images.sort((a, b) => a - b),
      });
    }
    return findings;
  }
}
