// One edit between two versions of a text, and where what lay outside it in the old text is
// in the new one: a re-check keeps what it found away from the edit and moves it.
import { lineStarts, positionAt } from '../c/lineIndex';
import type { FunctionSignature, SourceRange } from '../c/usages';
import type { Finding, JudgedUsage } from './findings';

export interface Position {
  line: number;
  column: number;
}

export class EditShift {
  private constructor(
    /** Offsets: the edit replaced old [start, oldEnd) with new [start, newEnd). */
    readonly start: number,
    readonly oldEnd: number,
    readonly newEnd: number,
    readonly startPosition: Position,
    readonly oldEndPosition: Position,
    readonly newEndPosition: Position,
    /** Where the lines of the old and the new text start. */
    readonly oldLineStarts: readonly number[],
    readonly newLineStarts: readonly number[],
  ) {}

  /** The one stretch that differs between the texts (common start and end kept), or undefined when they are equal. */
  static between(oldText: string, newText: string): EditShift | undefined {
    if (oldText === newText) return undefined;
    const { start, oldEnd, newEnd } = changedStretch(oldText, newText);
    const oldStarts = lineStarts(oldText);
    const newStarts = lineStarts(newText);
    return new EditShift(start, oldEnd, newEnd, positionAt(oldStarts, start), positionAt(oldStarts, oldEnd), positionAt(newStarts, newEnd), oldStarts, newStarts);
  }

  get delta(): number {
    return this.newEnd - this.oldEnd;
  }

  get lineDelta(): number {
    return this.newEndPosition.line - this.oldEndPosition.line;
  }

  /** Where an old offset outside the edit is now. */
  offset(index: number): number {
    return index >= this.oldEnd ? index + this.delta : index;
  }

  /** Where an old line that the edit does not touch is now. */
  line(line: number): number {
    return line > this.oldEndPosition.line ? line + this.lineDelta : line;
  }

  position(position: Position): Position {
    return { line: this.movedLine(position.line, position.column), column: this.movedColumn(position.line, position.column) };
  }

  /** Whether a range ends at or before the edit's start (the edit leaves it where it is). */
  endsBefore(range: SourceRange): boolean {
    return endsAtOrBefore(range, this.startPosition);
  }

  range(range: SourceRange): SourceRange {
    if (this.endsBefore(range)) return range;
    // Ranges read from lines carry no offsets (both 0).
    const noOffsets = range.startIndex === 0 && range.endIndex === 0;
    // Most moved ranges lie on lines after the edit's: their columns stay (a re-check moves hundreds).
    if (range.startLine > this.oldEndPosition.line) {
      const lineDelta = this.lineDelta;
      const delta = this.delta;
      return {
        startLine: range.startLine + lineDelta,
        startColumn: range.startColumn,
        endLine: range.endLine + lineDelta,
        endColumn: range.endColumn,
        startIndex: noOffsets ? 0 : range.startIndex + delta,
        endIndex: noOffsets ? 0 : range.endIndex + delta,
      };
    }
    return {
      startLine: this.movedLine(range.startLine, range.startColumn),
      startColumn: this.movedColumn(range.startLine, range.startColumn),
      endLine: this.movedLine(range.endLine, range.endColumn),
      endColumn: this.movedColumn(range.endLine, range.endColumn),
      startIndex: noOffsets ? 0 : this.offset(range.startIndex),
      endIndex: noOffsets ? 0 : this.offset(range.endIndex),
    };
  }

  /** The line of an old position outside the edit (those before its old end stay). */
  private movedLine(line: number, column: number): number {
    return this.beforeOldEnd(line, column) ? line : line + this.lineDelta;
  }

  private movedColumn(line: number, column: number): number {
    if (this.beforeOldEnd(line, column) || line !== this.oldEndPosition.line) return column;
    return column + this.newEndPosition.column - this.oldEndPosition.column;
  }

  private beforeOldEnd(line: number, column: number): boolean {
    const end = this.oldEndPosition;
    return line < end.line || (line === end.line && column < end.column);
  }

  /** A usage moved; the assigned function's signature only when `inText` (a workspace header may have given it). */
  usage(judged: JudgedUsage, inText: (signature: FunctionSignature) => boolean): JudgedUsage {
    const { usage } = judged;
    // Before the edit, nothing moves (the text check is left for the usages that may).
    if (this.endsBefore(usage.range) && (!judged.assigned || this.endsBefore(judged.assigned.range)) && (!usage.evidence || usage.evidence.every((place) => this.endsBefore(place)))) return judged;
    const assigned = judged.assigned && inText(judged.assigned) ? judged.assigned : undefined;
    return {
      ...judged,
      usage: {
        ...usage,
        range: this.range(usage.range),
        ...(usage.statementRange ? { statementRange: this.range(usage.statementRange) } : {}),
        ...(usage.evidence ? { evidence: usage.evidence.map((place) => this.range(place)) } : {}),
      },
      ...(assigned ? { assigned: this.signature(assigned) } : {}),
    };
  }

  /** A finding and the places its facts name (the quick fixes are built from them). */
  finding(finding: Finding): Finding {
    const moved: Finding = { ...finding, range: this.range(finding.range) };
    const { guard, call, incomplete, loop } = finding;
    if (guard) {
      moved.guard = {
        ...guard,
        line: this.line(guard.line),
        lastLine: this.line(guard.lastLine),
        siblings: guard.siblings.map((line) => this.line(line)),
        endLine: this.line(guard.endLine),
        range: this.range(guard.range),
      };
    }
    if (call) moved.call = { ...call, start: this.offset(call.start), end: this.offset(call.end) };
    if (incomplete && incomplete.afterLine >= 0) moved.incomplete = { ...incomplete, afterLine: this.line(incomplete.afterLine) };
    if (loop) {
      moved.loop = {
        ...loop,
        statement: { start: this.offset(loop.statement.start), end: this.offset(loop.statement.end) },
        clause: { start: this.offset(loop.clause.start), end: this.offset(loop.clause.end) },
      };
    }
    return moved;
  }

  private signature(signature: FunctionSignature): FunctionSignature {
    return { ...signature, range: this.range(signature.range), header: this.range(signature.header) };
  }
}

/** The stretch that differs between two texts: old [start, oldEnd) became new [start, newEnd), the common start and end kept. */
export function changedStretch(oldText: string, newText: string): { start: number; oldEnd: number; newEnd: number } {
  // Whole blocks are compared first (string equality runs natively), then characters.
  const BLOCK = 512;
  let start = 0;
  const limit = Math.min(oldText.length, newText.length);
  while (start + BLOCK <= limit && oldText.slice(start, start + BLOCK) === newText.slice(start, start + BLOCK)) start += BLOCK;
  while (start < limit && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd - BLOCK >= start && newEnd - BLOCK >= start && oldText.slice(oldEnd - BLOCK, oldEnd) === newText.slice(newEnd - BLOCK, newEnd)) {
    oldEnd -= BLOCK;
    newEnd -= BLOCK;
  }
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

/** Whether a range lies wholly before `start` or wholly at or after `end` (positions). */
export function outside(range: SourceRange, start: Position, end: Position): boolean {
  const startsAtOrAfterEnd = range.startLine > end.line || (range.startLine === end.line && range.startColumn >= end.column);
  return endsAtOrBefore(range, start) || startsAtOrAfterEnd;
}

function endsAtOrBefore(range: SourceRange, position: Position): boolean {
  return range.endLine < position.line || (range.endLine === position.line && range.endColumn <= position.column);
}
