// Object-like macros that stand for several arguments: `#define MAX9611_CONV_TIME_US_RANGE
// 3000, 3300` makes `usleep_range(MAX9611_CONV_TIME_US_RANGE)` a call of two arguments. A count
// read from the call's text is only sound where no argument is such a macro.

/**
 * Whether `name`, an object-like macro the driver defines in one of `texts` (the file and the
 * headers its build reads), may expand to a list: some definition's body has a comma outside
 * parentheses, brackets and braces, or no definition is found there (a command-line or forced
 * one: its body is unknown). A function-like macro named without arguments is not expanded.
 */
export function mayStandForSeveral(name: string, texts: readonly string[]): boolean {
  const definition = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b(\\(?)((?:[^\\n]*\\\\\\r?\\n)*[^\\n]*)`, 'gm');
  let found = false;
  for (const text of texts) {
    if (!text.includes(name)) continue;
    for (const match of text.matchAll(definition)) {
      if (match[1] === '(') continue;
      found = true;
      if (hasListComma(match[2])) return true;
    }
  }
  return !found;
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
