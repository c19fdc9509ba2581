// The lines of a text that are `#include` or `#include_next` directives, found by one search
// for the keyword rather than a pattern tried at every line: a re-check's slice of a file is
// mostly blank lines, and register headers are thousands of `#define`s. What follows the
// keyword is left to the caller, which reads it its own way (a quoted or angle name, or a
// computed `#include MACRO`).

export interface IncludeKeywordLine {
  /** 0-based line. */
  line: number;
  /** `#include_next`. */
  next: boolean;
  /** The rest of the line after `include` or `include_next`, line break excluded. */
  rest: string;
}

const INCLUDE_KEYWORD = /#[ \t]*include(_next)?/g;

/** Lines whose first non-blank character is the `#` of an include keyword, in order. */
export function includeKeywordLines(text: string): IncludeKeywordLine[] {
  if (!text.includes('include')) return [];
  const lineOf = lineCounter(text);
  const found: IncludeKeywordLine[] = [];
  for (const match of text.matchAll(INCLUDE_KEYWORD)) {
    const start = match.index!;
    if (!onlyBlanksBefore(text, start)) continue;
    const restStart = start + match[0].length;
    const lineBreak = text.indexOf('\n', restStart);
    found.push({ line: lineOf(start), next: match[1] !== undefined, rest: text.slice(restStart, lineBreak < 0 ? text.length : lineBreak) });
  }
  return found;
}

/** Whether only spaces and tabs stand between the line's start and `index`. */
function onlyBlanksBefore(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code === 10) return true;
    if (code !== 32 && code !== 9) return false;
  }
  return true;
}

/** The line of an offset, for offsets asked in ascending order: counts line breaks once over the whole text. */
function lineCounter(text: string): (offset: number) => number {
  let line = 0;
  let counted = 0;
  return (offset) => {
    for (let lineBreak = text.indexOf('\n', counted); lineBreak >= 0 && lineBreak < offset; lineBreak = text.indexOf('\n', lineBreak + 1)) {
      line++;
      counted = lineBreak + 1;
    }
    return line;
  };
}
