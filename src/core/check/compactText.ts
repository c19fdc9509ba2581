// The compact text a group of targets is re-read from: the declarations its lines touch in
// full, every other top-level declaration as the scope they see, other functions as headers
// with empty bodies. Positions found in it map back to the file.
import type { Tree } from 'web-tree-sitter';
import { lineIndexAt, positionAt } from '../c/lineIndex';
import type { SourceRange } from '../c/usages';

/** A top-level declaration of the shared parse. */
export interface TopLevelSpan {
  startRow: number;
  endRow: number;
  startIndex: number;
  endIndex: number;
  /** For a function definition: the inside of its body, which other top-level code cannot see. */
  body?: { start: number; end: number };
  /** For a declaration with an initializer: where the initializer starts (other code sees only the name). */
  initializerStart?: number;
}

export function topLevelSpans(tree: Tree): TopLevelSpan[] {
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
export function localTagDefinitions(lines: readonly string[]): { name: string; line: number }[] {
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
export interface Segment {
  compactStart: number;
  originalStart: number;
  length: number;
}

/**
 * The text a target-specific re-read needs: the dirty declarations in full, every other
 * top-level declaration (the scope they see), and the other functions' headers with empty
 * bodies. Much shorter than the file, so re-reading costs little.
 */
export function compactVariant(variantText: string, spans: TopLevelSpan[], dirty: Set<TopLevelSpan>): { text: string; segments: Segment[] } {
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
export function spanContaining(spans: readonly TopLevelSpan[], index: number): TopLevelSpan | undefined {
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
export function withVariantGaps(spans: readonly TopLevelSpan[], variantText: string, lineStartIndices: readonly number[], dirty: Set<TopLevelSpan>): TopLevelSpan[] {
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

/** Maps positions found in a compact text back to the original text. */
export class PositionMap {
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
