// Text edits as quick fixes produce them: plain data with 0-based line/column ranges (columns
// in UTF-16 code units, like tree-sitter's and the editor's), so that the same fix can be
// applied by the editor, by a test, or by a command-line tool.

import { lineStarts, positionAt } from '../c/lineIndex';

export interface EditRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface TextEdit {
  range: EditRange;
  newText: string;
}

export type FixKind = 'rename' | 'guard' | 'ignore' | 'dead-guard' | 'include';

export interface QuickFix {
  title: string;
  kind: FixKind;
  /** The fix an editor may apply without asking ("auto fix"): at most one per finding. */
  preferred: boolean;
  /** Non-overlapping edits, all against the text the fix was computed from. */
  edits: TextEdit[];
  /** Set on a fix that is shown but cannot be applied, saying why (no edits then). */
  disabled?: string;
}

/** Offsets and positions of one text, for building and applying edits. */
export class TextLines {
  readonly lines: string[];
  private readonly starts: number[];
  /** The line break new lines should use: the file's own. */
  readonly eol: string;

  constructor(readonly text: string) {
    this.lines = text.split('\n');
    this.starts = lineStarts(text);
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** A line without its line break (and without the '\r' of a CRLF file). */
  content(line: number): string {
    const raw = this.lines[line] ?? '';
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }

  offset(line: number, column: number): number {
    return (this.starts[line] ?? this.text.length) + column;
  }

  position(offset: number): { line: number; column: number } {
    return positionAt(this.starts, offset);
  }

  rangeOf(start: number, end: number): EditRange {
    const from = this.position(start);
    const to = this.position(end);
    return { startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column };
  }

  /** The leading spaces and tabs of a line. */
  indentation(line: number): string {
    return /^[ \t]*/.exec(this.content(line))![0];
  }

  /**
   * An edit that removes whole lines `first`..`last` with their line breaks. At the end of a
   * file without a final line break, the break before `first` goes instead.
   */
  deleteLines(first: number, last: number): TextEdit {
    if (last + 1 < this.lineCount) return { range: { startLine: first, startColumn: 0, endLine: last + 1, endColumn: 0 }, newText: '' };
    if (first === 0) return { range: { startLine: 0, startColumn: 0, endLine: last, endColumn: this.lines[last].length }, newText: '' };
    return { range: { startLine: first - 1, startColumn: this.lines[first - 1].length, endLine: last, endColumn: this.lines[last].length }, newText: '' };
  }

  /** An edit that replaces the content of line `line` (its line break stays). */
  replaceLine(line: number, newContent: string): TextEdit {
    return { range: { startLine: line, startColumn: 0, endLine: line, endColumn: this.content(line).length }, newText: newContent };
  }
}

/** Applies non-overlapping edits computed against `text`. Throws on overlapping edits: that is a bug in a fix. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new TextLines(text);
  const spans = edits
    .map((edit) => ({
      start: lines.offset(edit.range.startLine, edit.range.startColumn),
      end: lines.offset(edit.range.endLine, edit.range.endColumn),
      newText: edit.newText,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let position = 0;
  for (const span of spans) {
    if (span.start < position) throw new Error(`overlapping edits at offset ${span.start}`);
    result += text.slice(position, span.start) + span.newText;
    position = span.end;
  }
  return result + text.slice(position);
}
