// Reading a file once for every target. One parse serves them all: the shared ("union") text
// keeps each line some target compiles (directive lines blanked, so offsets stay), except the
// later branches of alternative headers. Targets that compile other lines are grouped by those
// lines, and each group re-reads only the top-level declarations its lines touch, from a
// compact text in which every other function keeps only its header.
import { spaces } from '../c/blanks';
import { LineState, type PreprocessResult } from '../c/preprocessor';
import type { AggregateMention, FileUsages, FunctionSignature, MemberUsage, SourceRange, TypeOracle } from '../c/usages';
import { compactVariant, localTagDefinitions, PositionMap, spanContaining, topLevelSpans, withVariantGaps, type TopLevelSpan } from './compactText';
import { declarationAt, declarationLayout, type TopLevelDeclaration } from './declarationLayout';
import type { DocumentTrees } from './trees';
import type { Tree } from 'web-tree-sitter';
import type { FatalStop } from './fatalIncludes';
import type { Span } from '../c/spanSet';

/** The file as the preprocessor left it for every target. */
export interface PreprocessedFile {
  /** The file's lines, annotations blanked (same lengths, so every offset holds). */
  lines: string[];
  pre: PreprocessResult;
  /** Offsets at which the lines start. */
  lineStartIndices: number[];
  /** Where an include gcc cannot find stops a target's build (fatalIncludes.ts): nothing after it is compiled. */
  fatalStops: FatalStop[];
}

/** What one read found, and the targets (slots) it speaks for. */
export interface VariantRead {
  found: FileUsages;
  /** The functions as these targets declare them. */
  functions: Map<string, FunctionSignature>;
  slots: number[];
  /** Which of `found`'s usages belong to this read (the rest were read elsewhere for these targets). */
  keep: (usage: MemberUsage) => boolean;
}

export interface VariantReading {
  /** What the shared text holds: every function the file defines or declares, its usages. */
  union: FileUsages;
  mentions: AggregateMention[];
  /** How many distinct compiled-line sets the targets produced (each parsed once). */
  variants: number;
  /** The shared text's top-level declarations, when asked for (see incremental.ts). */
  layout?: TopLevelDeclaration[];
  /** Where the top-level declarations of a single declarator hold its initializer, [start, end) to the declaration's end, in file order. */
  initializers: Span[];
}

export interface VariantOptions {
  targets: readonly number[];
  oracle: TypeOracle;
  documentKey?: string;
  workspaceGeneration?: number;
  /** Read the shared text's top-level declarations too: all of them, or the one starting at an offset. */
  layout?: 'all' | { at: number };
  /** Whatever else the check reads from the shared text's tree, while it lives. */
  readUnion?: (tree: Tree) => void;
}

/** Reads the file for every target, handing each read to `record`. */
export function readVariants(trees: DocumentTrees, file: PreprocessedFile, options: VariantOptions, record: (read: VariantRead) => void): VariantReading {
  const { lines, pre } = file;
  const { documentKey, targets, oracle, workspaceGeneration } = options;
  const shared = sharedText(file);
  const unionTree = trees.parse(shared.unionText, documentKey, 'union');
  options.readUnion?.(unionTree);
  const mentions = new Map<number, AggregateMention>();
  const keptKeys = new Set(['union']);
  let variants = 1;
  try {
    const union = trees.read(unionTree, documentKey, 'union', targets, oracle, workspaceGeneration);
    for (const mention of union.mentions) mentions.set(mention.range.startIndex, mention);
    const all = () => true;
    const { exact, groups } = groupTargets(file, targets.length, shared);
    if (exact.length > 0) record({ found: union, functions: union.functions, slots: exact, keep: all });
    const topLevel = topLevelSpans(unionTree);
    const { lineStartIndices } = file;
    // Tags the file defines with a body, by the lines of their definitions: where a target
    // drops a definition, code naming the tag refers to the kernel's struct instead.
    const tagDefinitions = localTagDefinitions(shared.codeLines);

    for (const group of groups) {
      variants++;
      const changed = new Set(group.changed);
      // These targets' own lines: the union's, minus what they drop, plus the branches they take.
      const variantText = lines
        .map((line, i) => (pre.directiveLines[i] || !shared.compiledBySome[i] || (shared.inUnion[i] === 1) === changed.has(i) ? blank(line) : line))
        .join('\n');
      const dirtySpans = new Set<TopLevelSpan>();
      // Code between the union's declarations that only these targets compile is re-read too.
      const regions = withVariantGaps(topLevel, variantText, lineStartIndices, dirtySpans);
      markDirty(dirtySpans, topLevel, union, changed, tagDefinitions, shared.unionText);
      const dirty = regions.filter((span) => dirtySpans.has(span));
      if (dirty.length === 0) {
        record({ found: union, functions: union.functions, slots: group.slots, keep: all });
        continue;
      }
      const isDirty = (index: number) => spanContaining(dirty, index) !== undefined;
      const compact = compactVariant(variantText, regions, dirtySpans);
      const positions = new PositionMap(compact.segments, lineStartIndices);
      // Keyed by the targets, not the lines: after an edit moves lines, the same targets'
      // text is still an edit of their previous one, which tree-sitter re-parses in part.
      const variantKey = `variant:${group.slots.join(',')}`;
      keptKeys.add(variantKey);
      const tree = trees.parse(compact.text, documentKey, variantKey);
      try {
        const found = inFilePositions(trees.read(tree, documentKey, variantKey, targets, oracle, workspaceGeneration), positions);
        const functions = variantFunctions(union, found, positions, isDirty);
        record({ found: union, functions, slots: group.slots, keep: (usage) => !isDirty(usage.range.startIndex) });
        record({ found, functions, slots: group.slots, keep: (usage) => isDirty(usage.range.startIndex) });
        for (const mention of found.mentions) {
          const range = positions.range(mention.range);
          if (isDirty(range.startIndex) && !mentions.has(range.startIndex)) mentions.set(range.startIndex, { ...mention, range });
        }
      } finally {
        if (!documentKey) tree.delete();
      }
    }
    return {
      union,
      mentions: [...mentions.values()].sort((a, b) => a.range.startIndex - b.range.startIndex),
      variants,
      initializers: topLevel.flatMap((span) => (span.initializerStart !== undefined ? [{ start: span.initializerStart, end: span.endIndex }] : [])),
      ...(options.layout === 'all' ? { layout: declarationLayout(unionTree) } : options.layout ? { layout: declarationAt(unionTree, options.layout.at) } : {}),
    };
  } finally {
    if (!documentKey) unionTree.delete();
    else trees.dropExcept(documentKey, keptKeys);
  }
}

/**
 * What reading a file that holds only directives, comments and blank lines finds: nothing,
 * without parsing its blanked text (a register header of 1.8 MB took 109 ms to parse as spaces).
 */
export function readCodeless(file: PreprocessedFile, targetCount: number, layout: VariantOptions['layout']): VariantReading {
  const union: FileUsages = { usages: [], mentions: [], functions: new Map(), functionVersions: new Map(), localAggregates: new Set() };
  return { union, mentions: [], variants: variantCount(file, targetCount), initializers: [], ...(layout ? { layout: [] } : {}) };
}

/** How many distinct compiled-line sets the targets produce: what `readVariants` reports, without reading. */
export function variantCount(file: PreprocessedFile, targetCount: number): number {
  return 1 + groupTargets(file, targetCount, sharedText(file)).groups.length;
}

interface SharedText {
  /** Lines some target compiles. */
  compiledBySome: Uint8Array;
  /** Lines of the shared text (compiledBySome minus later alternative branches). */
  inUnion: Uint8Array;
  /** The lines some target compiles, others blanked. */
  codeLines: string[];
  unionText: string;
}

function sharedText({ lines, pre }: PreprocessedFile): SharedText {
  const compiledBySome = new Uint8Array(lines.length);
  for (const { states } of distinctStates(pre)) for (let i = 0; i < lines.length; i++) if (states[i] !== LineState.Inactive) compiledBySome[i] = 1;
  const inUnion = compiledBySome.slice();
  for (const line of alternativeBranchLines(lines, pre, compiledBySome)) inUnion[line] = 0;
  const codeLines = lines.map((line, i) => (pre.directiveLines[i] || !compiledBySome[i] ? blank(line) : line));
  const unionText = lines.map((line, i) => (pre.directiveLines[i] || !inUnion[i] ? blank(line) : line)).join('\n');
  return { compiledBySome, inUnion, codeLines, unionText };
}

/**
 * Targets that compile exactly the shared text's lines, and the others grouped by the lines
 * that differ (dropped from the union, or an alternative branch the union left out). A line
 * with no code differs in nothing a read sees.
 */
function groupTargets({ lines, pre }: PreprocessedFile, targetCount: number, shared: SharedText): { exact: number[]; groups: { slots: number[]; changed: number[] }[] } {
  const groups = new Map<string, { slots: number[]; changed: number[] }>();
  const exact: number[] = [];
  for (const { states, slots } of distinctStates(pre, targetCount)) {
    const changed: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (shared.compiledBySome[i] && !pre.directiveLines[i] && (states[i] !== LineState.Inactive) !== (shared.inUnion[i] === 1) && !isBlank(lines[i])) changed.push(i);
    }
    if (changed.length === 0) {
      exact.push(...slots);
      continue;
    }
    const key = changed.join(',');
    const group = groups.get(key);
    if (group) group.slots.push(...slots);
    else groups.set(key, { slots: [...slots], changed });
  }
  for (const group of groups.values()) group.slots.sort((a, b) => a - b);
  return { exact: exact.sort((a, b) => a - b), groups: [...groups.values()] };
}

/**
 * The targets' line states, each distinct one once with the slots that have it (in
 * order): most targets of a file compile the same lines, and a pass over every line per target
 * is what a re-check of a slice would spend its time on.
 */
function distinctStates(pre: PreprocessResult, targetCount = pre.lineStates.length): { states: Uint8Array; slots: number[] }[] {
  const distinct: { states: Uint8Array; slots: number[] }[] = [];
  for (let slot = 0; slot < targetCount; slot++) {
    const states = pre.lineStates[slot];
    const same = distinct.find((entry) => entry.states === states || Buffer.compare(entry.states, states) === 0);
    if (same) same.slots.push(slot);
    else distinct.push({ states, slots: [slot] });
  }
  return distinct;
}

/**
 * The union's declarations a group must re-read: those its changed lines touch, those naming a
 * local struct whose definition it drops, and those whose types came from a dropped declaration.
 */
function markDirty(
  dirty: Set<TopLevelSpan>,
  topLevel: readonly TopLevelSpan[],
  union: FileUsages,
  changed: ReadonlySet<number>,
  tagDefinitions: readonly { name: string; line: number }[],
  unionText: string,
): void {
  const changedTags = tagDefinitions.filter((tag) => changed.has(tag.line)).map((tag) => tag.name);
  const tagPattern = changedTags.length > 0 ? new RegExp(`\\b(?:struct|union)\\s+(?:${changedTags.join('|')})\\b`) : undefined;
  const touchesChanged = (range: { startLine: number; endLine: number }) => {
    for (let line = range.startLine; line <= range.endLine; line++) if (changed.has(line)) return true;
    return false;
  };
  for (const span of topLevel) {
    if (touchesChanged({ startLine: span.startRow, endLine: span.endRow })) dirty.add(span);
    else if (tagPattern && tagPattern.test(unionText.slice(span.startIndex, span.endIndex))) dirty.add(span);
  }
  for (const usage of union.usages) {
    if (!usage.evidence?.some(touchesChanged)) continue;
    const span = spanContaining(topLevel, usage.range.startIndex);
    if (span) dirty.add(span);
  }
}

/** A re-read in the file's positions (a copy: the read may be kept for the next check, in the compact text's). */
function inFilePositions(read: FileUsages, positions: PositionMap): FileUsages {
  return {
    ...read,
    usages: read.usages.map((usage) => ({
      ...usage,
      range: positions.range(usage.range),
      ...(usage.statementRange ? { statementRange: positions.range(usage.statementRange) } : {}),
      ...(usage.evidence ? { evidence: usage.evidence.map((range: SourceRange) => positions.range(range)) } : {}),
    })),
  };
}

/**
 * The functions as a group declares them: the union's, with those declared in the re-read
 * declarations replaced by the re-read signatures. Where the union's last declaration is one
 * the group drops (`#if` def1 `#else` def2), an earlier one it keeps stands.
 */
function variantFunctions(union: FileUsages, found: FileUsages, positions: PositionMap, isDirty: (index: number) => boolean): Map<string, FunctionSignature> {
  const functions = new Map<string, FunctionSignature>();
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
  return functions;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function blank(line: string): string {
  return spaces(line.length);
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

