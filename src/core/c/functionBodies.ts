// Function bodies emptied from a text, for readers that only want what a file declares at
// top level (the workspace's type index): most of a .c file is bodies, and the parser's time
// grows with the text it is given. A body keeps its braces and its line breaks, so every row
// holds (offsets after a body do not).
//
// Braces are matched on the text with comments, literals and directive lines masked. Both
// branches of an `#if` count there, so a body whose braces differ between branches does not
// balance: a body is blanked only when nothing in it starts at column 0 except its closing
// brace, labels and directives (kernel style indents every statement). A line that does
// starts at top level again. The caller confirms each emptied body with the parser: one that
// was not a function's body after all (`typedef struct __attribute__((packed)) {`) means the
// text is read whole.
import { maskCode } from './statements';
import { isIdentifierCode } from './typeText';

export interface EmptiedBodies {
  text: string;
  /** Offsets in `text` of the `{` of each body emptied. */
  openings: number[];
}

const OPEN = 0x7b;
const CLOSE = 0x7d;
const NEWLINE = 0x0a;

export function emptyFunctionBodies(text: string): EmptiedBodies {
  const masked = maskCode(text);
  const parts: string[] = [];
  const openings: number[] = [];
  let length = 0;
  let copiedUpTo = 0;
  for (const { open, close } of topLevelBodies(masked)) {
    const head = text.slice(copiedUpTo, open + 1);
    const lineBreaks = '\n'.repeat(countLineBreaks(masked, open + 1, close));
    openings.push(length + head.length - 1);
    parts.push(head, lineBreaks);
    length += head.length + lineBreaks.length;
    copiedUpTo = close;
  }
  parts.push(text.slice(copiedUpTo));
  return { text: parts.join(''), openings };
}

/** The function bodies of a masked text, in order: a `{` at top level after a `)`, closed in kernel style. */
function* topLevelBodies(masked: string): Generator<{ open: number; close: number }> {
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c === OPEN) {
      if (depth === 0 && previousCodeChar(masked, i) === ')') {
        const close = bodyEnd(masked, i);
        if (close !== undefined) {
          yield { open: i, close };
          i = close;
          continue;
        }
      }
      depth++;
    } else if (c === CLOSE) {
      depth = Math.max(0, depth - 1);
    } else if (c === NEWLINE && depth > 0 && startsTopLevelLine(masked, i + 1)) {
      // A top-level line inside what counted as a block: the braces did not balance (an
      // `#if` with a brace in each branch). Resynchronize rather than carry the error on.
      depth = 0;
    }
  }
}

/** Where a function definition's parts stand in the text (offsets). */
export interface DefinitionSpan {
  /** The start of its declaration: after the `;`, `}` or directive before it. */
  start: number;
  /** The function's name. */
  name: { start: number; end: number };
  /** Inside the parameter list's parentheses. */
  parameters: { start: number; end: number };
  /** The body's `{` and `}`. */
  body: { open: number; close: number };
}

/** The function definitions of a masked text (comments, literals and directive lines blanked: maskCode), by their bodies (topLevelBodies). */
export function definitionSpans(masked: string): DefinitionSpan[] {
  const spans: DefinitionSpan[] = [];
  for (const body of topLevelBodies(masked)) {
    const header = headerBefore(masked, body.open);
    if (header) spans.push({ ...header, body });
  }
  return spans;
}

/** The declaration before a body's `{`: its start, the function's name and its parameter list; undefined where that is not `name(…)`. */
function headerBefore(masked: string, open: number): Omit<DefinitionSpan, 'body'> | undefined {
  const closeParen = masked.lastIndexOf(')', open);
  let depth = 0;
  let openParen = -1;
  for (let i = closeParen; i >= 0; i--) {
    const c = masked[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) {
      openParen = i;
      break;
    } else if (c === ';' || c === '{' || c === '}') return undefined;
  }
  if (openParen < 0) return undefined;
  let nameEnd = openParen;
  while (nameEnd > 0 && masked.charCodeAt(nameEnd - 1) <= 0x20) nameEnd--;
  let nameStart = nameEnd;
  while (nameStart > 0 && isIdentifierCode(masked.charCodeAt(nameStart - 1))) nameStart--;
  if (nameStart === nameEnd) return undefined;
  let start = nameStart;
  while (start > 0 && !';{}'.includes(masked[start - 1])) start--;
  return { start, name: { start: nameStart, end: nameEnd }, parameters: { start: openParen + 1, end: closeParen } };
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** The last character of code before `index` (white space skipped), if any. */
export function previousCodeChar(masked: string, index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    if (masked.charCodeAt(i) > 0x20) return masked[i];
  }
  return undefined;
}

/** The first character of code from `index` (white space skipped), if any. */
export function nextCodeChar(masked: string, index: number): string | undefined {
  for (let i = index; i < masked.length; i++) {
    if (masked.charCodeAt(i) > 0x20) return masked[i];
  }
  return undefined;
}

/** The offset of the `}` that closes the body opened at `open`, or undefined when it does not close in kernel style. */
function bodyEnd(masked: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE) {
      depth--;
      if (depth === 0) return i;
    } else if (c === NEWLINE && i + 1 < masked.length) {
      if (masked.charCodeAt(i + 1) === CLOSE) {
        // A closing brace at column 0 ends the function in kernel style: it must be this one.
        if (depth !== 1) return undefined;
      } else if (startsTopLevelLine(masked, i + 1)) {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A line starting at column 0 with code other than a label: a top-level declaration in kernel style. */
function startsTopLevelLine(masked: string, index: number): boolean {
  const c = masked.charCodeAt(index);
  if (!(c > 0x20) || c === OPEN || c === CLOSE) return false;
  return !isLabel(masked, index);
}

/** `out:`, `err_free_irq :` (not `std::`, which is not C anyway). */
function isLabel(masked: string, index: number): boolean {
  let i = index;
  while (i < masked.length && isIdentifierCode(masked.charCodeAt(i))) i++;
  while (masked.charCodeAt(i) === 0x20 || masked.charCodeAt(i) === 0x09) i++;
  return i > index && masked.charCodeAt(i) === 0x3a && masked.charCodeAt(i + 1) !== 0x3a;
}
