// The text a syntax tree covers, read by the tree's own indices: the usage finder moves between
// nodes and the characters around them (an annotation before a name, the bracket after a macro
// name) and reports ranges the editor shows. Comments and the insides of literals are blanked,
// so a bracket or a name in them never counts.
import type { Node } from 'web-tree-sitter';
import type { SourceRange } from './usages';
import { lineIndexAt } from './lineIndex';
import { blankCommentsAndLiterals, closingBracketEnd, isIdentifierCode, isSpaceCode } from './typeText';

const IDENTIFIER_AT = /[A-Za-z_$][\w$]*/y;

/** How far a closing bracket is looked for: an unclosed one in broken code must not cost a scan to the end of the file each time. */
const MAX_BRACKETED_CHARS = 8192;

export class TreeText {
  /** The blanked text; `text[0]` is at tree index `base`. */
  readonly text: string;
  readonly base: number;
  private readonly firstRow: number;
  private readonly firstLineStart: number;
  /** Tree indices where lines start, built when a position is first needed. */
  private lineStarts: number[] | undefined;

  constructor(root: Node) {
    const start = root.startPosition;
    this.base = root.startIndex;
    this.text = blankCommentsAndLiterals(root.text);
    this.firstRow = start.row;
    this.firstLineStart = root.startIndex - start.column;
  }

  between(start: number, end: number): string {
    return this.text.slice(start - this.base, end - this.base);
  }

  of(node: Node): string {
    return this.between(node.startIndex, node.endIndex);
  }

  /** Whether the node's text holds `=` or `:`, the marks of a designated initializer. */
  mayDesignate(node: Node): boolean {
    const text = this.text;
    const end = node.endIndex - this.base;
    for (let i = node.startIndex - this.base; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === 61 /* = */ || code === 58 /* : */) return true;
    }
    return false;
  }

  charAt(index: number): string {
    return this.text.charAt(index - this.base);
  }

  /** The identifier starting at a tree index ('' when none does). */
  identifierAt(index: number): string {
    IDENTIFIER_AT.lastIndex = index - this.base;
    const match = IDENTIFIER_AT.exec(this.text);
    return match ? match[0] : '';
  }

  /** Where the identifier that ends at a tree index starts, or -1. */
  identifierStartBefore(end: number): number {
    const text = this.text;
    const last = end - this.base;
    let first = last;
    while (first > 0 && isIdentifierCode(text.charCodeAt(first - 1))) first--;
    if (first === last) return -1;
    const code = text.charCodeAt(first);
    if (code >= 48 && code <= 57) return -1;
    return first + this.base;
  }

  /** The first tree index at or after `index` that is not white space (comments are blanked). */
  skipSpaces(index: number): number {
    const text = this.text;
    let position = index - this.base;
    for (;;) {
      const code = text.charCodeAt(position);
      if (isSpaceCode(code)) position++;
      else if (code === 92 && (text.charCodeAt(position + 1) === 10 || text.charCodeAt(position + 1) === 13)) position++;
      else return position + this.base;
    }
  }

  /** Just past the last character before `index` that is not white space. */
  skipSpacesBackward(index: number): number {
    const text = this.text;
    let position = index - this.base;
    while (position > 0 && isSpaceCode(text.charCodeAt(position - 1))) position--;
    return position + this.base;
  }

  /** Tree index just past the bracket that closes the one at `open`, or -1 (short spans only: macro arguments, subscripts, attributes). */
  closingBracketAt(open: number): number {
    const end = closingBracketEnd(this.text, open - this.base, MAX_BRACKETED_CHARS);
    return end < 0 ? -1 : end + this.base;
  }

  positionAt(index: number): { row: number; column: number } {
    let starts = this.lineStarts;
    if (!starts) {
      starts = [this.firstLineStart];
      const text = this.text;
      for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
        starts.push(newline + 1 + this.base);
      }
      this.lineStarts = starts;
    }
    const line = lineIndexAt(starts, index);
    return { row: this.firstRow + line, column: index - starts[line] };
  }

  /** Range of a one-line token from its start and length. */
  tokenRange(start: number, length: number, position = this.positionAt(start)): SourceRange {
    return {
      startLine: position.row,
      startColumn: position.column,
      endLine: position.row,
      endColumn: position.column + length,
      startIndex: start,
      endIndex: start + length,
    };
  }

  rangeBetween(startIndex: number, endIndex: number): SourceRange {
    const start = this.positionAt(startIndex);
    const end = this.positionAt(endIndex);
    return { startLine: start.row, startColumn: start.column, endLine: end.row, endColumn: end.column, startIndex, endIndex };
  }

  rangeOf(node: Node): SourceRange {
    const start = node.startPosition;
    const endIndex = node.endIndex;
    const end = this.positionAt(endIndex);
    return {
      startLine: start.row,
      startColumn: start.column,
      endLine: end.row,
      endColumn: end.column,
      startIndex: node.startIndex,
      endIndex,
    };
  }
}
