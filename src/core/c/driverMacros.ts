// The driver's object-like macros that stand for several arguments, read from their `#define`
// lines in the file and the driver headers its build reads: `#define MAX9611_CONV_TIME_US_RANGE
// 3000, 3300` makes `usleep_range(MAX9611_CONV_TIME_US_RANGE)` a call of two arguments, so a
// count read from the call's text is only sound where no argument is such a macro. (What a
// function-like macro does to its arguments is droppedArguments.ts's.)
import { wordOffsets } from './words';

/**
 * Whether `name`, an object-like macro the driver defines in one of `texts` (the file and the
 * headers its build reads), may expand to a list: some definition's body has a comma outside
 * parentheses, brackets and braces, or no definition is found there (a command-line or forced
 * one: its body is unknown). A function-like macro named without arguments is not expanded.
 */
export function mayStandForSeveral(name: string, texts: readonly string[]): boolean {
  const bodies = definitionsOf(name, texts).filter((definition) => !definition.functionLike);
  return bodies.length === 0 || bodies.some((definition) => hasListComma(definition.body));
}

/**
 * Each `#define name…` in the texts: whether it takes parameters, and its body with line
 * continuations. Found from the name's occurrences, not by a pattern tried at every line: the
 * texts are the headers a file reads, often megabytes, and the name stands in few places.
 */
function definitionsOf(name: string, texts: readonly string[]): { functionLike: boolean; body: string }[] {
  const found: { functionLike: boolean; body: string }[] = [];
  for (const text of texts) {
    for (const at of wordOffsets(text, name)) {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      if (!DEFINE_BEFORE_NAME.test(text.slice(lineStart, at))) continue;
      const afterName = at + name.length;
      const functionLike = text[afterName] === '(';
      found.push({ functionLike, body: text.slice(functionLike ? afterName + 1 : afterName, logicalLineEnd(text, afterName)) });
    }
  }
  return found;
}

/** What stands before a macro's name on its `#define` line. */
const DEFINE_BEFORE_NAME = /^[ \t]*#[ \t]*define[ \t]+$/;

/** Where the line holding `from` ends, backslash-newline continuations followed. */
function logicalLineEnd(text: string, from: number): number {
  for (let end = text.indexOf('\n', from); ; end = text.indexOf('\n', end + 1)) {
    if (end < 0) return text.length;
    const last = text[end - 1] === '\r' ? end - 2 : end - 1;
    if (text[last] !== '\\') return end;
  }
}

/** A comma at nesting depth 0 of a macro body (comments and strings are not read apart: a comma there only makes the answer cautious). */
function hasListComma(body: string): boolean {
  let depth = 0;
  for (const character of body) {
    if (character === '(' || character === '[' || character === '{') depth++;
    else if (character === ')' || character === ']' || character === '}') depth--;
    else if (character === ',' && depth === 0) return true;
  }
  return false;
}
