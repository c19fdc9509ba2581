// Re-reading a text after an edit: the function bodies whose text did not change keep the
// usages the previous read found in them, provided everything outside the bodies is unchanged
// too (a body sees only the file's top-level declarations and its own code). Only the changed
// bodies and the top level are read again; what is kept is moved to its new position.
import type { Tree } from 'web-tree-sitter';
import { lineStarts, positionAt } from '../c/lineIndex';
import { findUsages, type AggregateMention, type FileUsages, type MemberUsage, type SkippedBody, type SourceRange, type TypeOracle } from '../c/usages';

/** A read of one text, kept to serve the read of its next version. */
export interface BodiesRead {
  text: string;
  /** The bodies of the top-level function definitions, in file order. */
  bodies: SkippedBody[];
  usages: FileUsages;
}

/** Reads `tree` (parsed from `text`), keeping from `earlier` what the edit cannot have changed. */
export function readReusingBodies(tree: Tree, text: string, oracle: TypeOracle, earlier: BodiesRead | undefined): BodiesRead {
  const bodies = functionBodies(tree);
  const kept = earlier ? unchangedBodies(earlier, text, bodies) : [];
  if (kept.length > 0) {
    const usages = readAround(tree, text, oracle, earlier!, bodies, kept);
    if (usages) return { text, bodies, usages };
  }
  return { text, bodies, usages: findUsages(tree, oracle) };
}

function functionBodies(tree: Tree): SkippedBody[] {
  const bodies: SkippedBody[] = [];
  for (const node of tree.rootNode.children) {
    if (node?.type !== 'function_definition') continue;
    const body = node.childForFieldName('body');
    if (body) bodies.push({ startIndex: body.startIndex, endIndex: body.endIndex, startPosition: body.startPosition, endPosition: body.endPosition });
  }
  return bodies;
}

/**
 * Indices of the bodies whose text is as before, when the text outside the bodies is exactly
 * as before (same pieces between the same number of bodies) and no body of the earlier read
 * declared anything for the code after it or defined a tag. Otherwise none.
 */
function unchangedBodies(earlier: BodiesRead, text: string, bodies: readonly SkippedBody[]): number[] {
  // A tag a body defines is not seen where the body is passed over: a changed body naming it would read it as the kernel's.
  if (earlier.usages.bodiesInseparable || earlier.usages.bodyTags || earlier.bodies.length !== bodies.length) return [];
  const old = earlier.text;
  let previousEnd = 0;
  let oldPreviousEnd = 0;
  const kept: number[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    const oldBody = earlier.bodies[i];
    if (text.slice(previousEnd, body.startIndex) !== old.slice(oldPreviousEnd, oldBody.startIndex)) return [];
    if (text.slice(body.startIndex, body.endIndex) === old.slice(oldBody.startIndex, oldBody.endIndex)) kept.push(i);
    previousEnd = body.endIndex;
    oldPreviousEnd = oldBody.endIndex;
  }
  return text.slice(previousEnd) === old.slice(oldPreviousEnd) ? kept : [];
}

/**
 * The read of everything but the kept bodies, with the kept bodies' earlier usages moved in.
 * Undefined when a re-read body declares something for the code after it or defines a tag, or a kept usage
 * names a place that moved with a changed body: the whole text is read then.
 */
function readAround(tree: Tree, text: string, oracle: TypeOracle, earlier: BodiesRead, bodies: readonly SkippedBody[], kept: readonly number[]): FileUsages | undefined {
  const read = findUsages(
    tree,
    oracle,
    kept.map((i) => bodies[i]),
  );
  if (read.bodiesInseparable || read.bodyTags) return undefined;
  const moves = new Moves(earlier, bodies, kept, lineStarts(text));
  const keptUsages: MemberUsage[] = [];
  const keptMentions: AggregateMention[] = [];
  for (const usage of earlier.usages.usages) {
    if (!moves.inKeptBody(usage.range.startIndex)) continue;
    const moved = moves.usage(usage);
    if (!moved) return undefined;
    keptUsages.push(moved);
  }
  for (const mention of earlier.usages.mentions) {
    if (!moves.inKeptBody(mention.range.startIndex)) continue;
    const range = moves.range(mention.range);
    if (!range) return undefined;
    keptMentions.push({ aggregate: mention.aggregate, range });
  }
  return { ...read, usages: mergedInOrder(read.usages, keptUsages), mentions: mergedInOrder(read.mentions, keptMentions) };
}

/** Where places of the earlier text are now: each unchanged stretch moved by its own distance. */
class Moves {
  /** Earlier stretches in order, [start, end) with their shift; a changed body has none. */
  private readonly stretches: { start: number; end: number; shift: number | undefined }[] = [];
  private readonly keptBodies: { start: number; end: number }[] = [];

  constructor(
    earlier: BodiesRead,
    bodies: readonly SkippedBody[],
    kept: readonly number[],
    private readonly lineStartIndices: number[],
  ) {
    const keep = new Set(kept);
    let previousEnd = 0;
    let shift = 0;
    earlier.bodies.forEach((oldBody, i) => {
      shift = bodies[i].startIndex - oldBody.startIndex;
      this.stretches.push({ start: previousEnd, end: oldBody.startIndex, shift });
      this.stretches.push({ start: oldBody.startIndex, end: oldBody.endIndex, shift: keep.has(i) ? shift : undefined });
      if (keep.has(i)) this.keptBodies.push({ start: oldBody.startIndex, end: oldBody.endIndex });
      previousEnd = oldBody.endIndex;
      shift = bodies[i].endIndex - oldBody.endIndex;
    });
    this.stretches.push({ start: previousEnd, end: Infinity, shift });
  }

  inKeptBody(index: number): boolean {
    const body = this.keptBodies[lastStartingAtOrBefore(this.keptBodies, index)];
    return body !== undefined && index < body.end;
  }

  usage(usage: MemberUsage): MemberUsage | undefined {
    const range = this.range(usage.range);
    const statementRange = usage.statementRange && this.range(usage.statementRange);
    const evidence = usage.evidence?.map((place) => this.range(place));
    if (!range || (usage.statementRange && !statementRange) || evidence?.some((place) => !place)) return undefined;
    return { ...usage, range, ...(statementRange ? { statementRange } : {}), ...(evidence ? { evidence: evidence as SourceRange[] } : {}) };
  }

  /** The range's place now, or undefined when it lies in (or spans) a changed body. */
  range(range: SourceRange): SourceRange | undefined {
    const stretch = this.stretches[lastStartingAtOrBefore(this.stretches, range.startIndex)];
    if (stretch?.shift === undefined || range.endIndex > stretch.end) return undefined;
    const startIndex = range.startIndex + stretch.shift;
    const start = positionAt(this.lineStartIndices, startIndex);
    // The end as the read gave it, relative to the start (a one-character range at a line's
    // end ends on that line); a later line of the range starts inside it, so keeps its columns.
    const lines = range.endLine - range.startLine;
    const endColumn = lines === 0 ? start.column + range.endColumn - range.startColumn : range.endColumn;
    return { startLine: start.line, startColumn: start.column, endLine: start.line + lines, endColumn, startIndex, endIndex: range.endIndex + stretch.shift };
  }
}

/** Position in `spans` (sorted by start) of the last one starting at or before `index`, or -1. */
function lastStartingAtOrBefore(spans: readonly { start: number }[], index: number): number {
  let low = 0;
  let high = spans.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (spans[middle].start <= index) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** Two lists in file order (by start) merged into one; they never share a start. */
function mergedInOrder<T extends { range: SourceRange }>(a: readonly T[], b: readonly T[]): T[] {
  if (b.length === 0) return [...a];
  const merged: T[] = [];
  let j = 0;
  for (const item of a) {
    while (j < b.length && b[j].range.startIndex < item.range.startIndex) merged.push(b[j++]);
    merged.push(item);
  }
  while (j < b.length) merged.push(b[j++]);
  return merged;
}
