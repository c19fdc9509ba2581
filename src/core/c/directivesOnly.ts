// Whether a header holds nothing but preprocessor directives, comments and blank lines: a GPU
// driver's register headers (amdgpu's asic_reg/, 1-2 MB of `#define mmREG 0x1234` each) are
// that. Such a text declares no type or function and calls nothing, so what is read from a
// header's code (its prototypes, calls and type definitions) is known without parsing or
// masking megabytes. Masking them for calls and parsing them for prototypes took about a third
// of a profile of gfx_v8_0.c's check (18% and 14%).
//
// Conservative: a line it cannot account for (a comment opened in a directive and closed on a
// later line, anything but a comment outside a directive) counts as code.

const SPACE = 32;
const TAB = 9;
const CARRIAGE_RETURN = 13;
const FORM_FEED = 12;
const VERTICAL_TAB = 11;
const HASH = 35;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;

type LineHolds = 'blank' | 'comment open' | 'directive' | 'code';

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === CARRIAGE_RETURN || code === FORM_FEED || code === VERTICAL_TAB;
}

export function holdsOnlyDirectives(text: string): boolean {
  const scan = new Scan(text);
  let inComment = false;
  let continued = false;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line: LineHolds = continued ? 'directive' : readLine(scan, start, end, inComment);
    if (line === 'code') return false;
    inComment = line === 'comment open';
    if (line === 'directive') {
      const next = continuesDirective(scan, start, end);
      if (next === undefined) return false;
      continued = next;
    }
    start = end + 1;
  }
  return true;
}

/**
 * The text with the next comment opening and closing at or after a place, found once and
 * kept while the scan has not passed it: searched afresh for every line, a megabyte with no
 * comment would be searched to its end once per line.
 */
class Scan {
  private opening = { from: -1, at: -1 };
  private closing = { from: -1, at: -1 };

  constructor(readonly text: string) {}

  /** Where the next `/*` at or after `from` starts, or -1. */
  nextOpening(from: number): number {
    return this.next('/*', this.opening, from);
  }

  /** Where the next comment end at or after `from` starts, or -1. */
  nextClosing(from: number): number {
    return this.next('*/', this.closing, from);
  }

  private next(token: string, kept: { from: number; at: number }, from: number): number {
    if (kept.from < 0 || from < kept.from || (kept.at >= 0 && from > kept.at)) {
      kept.from = from;
      kept.at = this.text.indexOf(token, from);
    }
    return kept.at;
  }
}

/**
 * What a line outside a directive holds: nothing but blanks and comments ('blank', or 'comment
 * open' when a block comment runs on), the start of a directive, or code.
 */
function readLine(scan: Scan, start: number, end: number, inComment: boolean): LineHolds {
  const { text } = scan;
  let i = start;
  let atLineStart = true;
  for (;;) {
    if (inComment) {
      const close = scan.nextClosing(i);
      if (close < 0 || close >= end) return 'comment open';
      inComment = false;
      atLineStart = false;
      i = close + 2;
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) return 'blank';
    const code = text.charCodeAt(i);
    if (code === HASH && atLineStart) return 'directive';
    if (code !== SLASH) return 'code';
    const next = text.charCodeAt(i + 1);
    if (next === SLASH) return 'blank';
    if (next !== STAR) return 'code';
    inComment = true;
    i += 2;
  }
}

/**
 * Whether a directive's line runs on to the next (ends with a backslash); undefined when a
 * block comment opened on it stays open, which this scan does not follow.
 */
function continuesDirective(scan: Scan, start: number, end: number): boolean | undefined {
  const { text } = scan;
  // Every comment opened on the line must close on it.
  for (let open = scan.nextOpening(start); open >= 0 && open < end; open = scan.nextOpening(open + 2)) {
    const close = scan.nextClosing(open + 2);
    if (close < 0 || close >= end) return undefined;
  }
  let last = end - 1;
  while (last >= start && (text.charCodeAt(last) === CARRIAGE_RETURN || text.charCodeAt(last) === SPACE || text.charCodeAt(last) === TAB)) last--;
  return last >= start && text.charCodeAt(last) === BACKSLASH;
}
