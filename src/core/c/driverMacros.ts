// The driver's object-like macros that stand for several arguments, read from their `#define`
// lines in the file and the driver headers its build reads: `#define MAX9611_CONV_TIME_US_RANGE
// 3000, 3300` makes `usleep_range(MAX9611_CONV_TIME_US_RANGE)` a call of two arguments, so a
// count read from the call's text is only sound where no argument is such a macro. (What a
// function-like macro does to its arguments is droppedArguments.ts's.)

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

/** Each `#define name…` in the texts: whether it takes parameters, and its body with line continuations. */
function definitionsOf(name: string, texts: readonly string[]): { functionLike: boolean; body: string }[] {
  const definition = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b(\\(?)((?:[^\\n]*\\\\\\r?\\n)*[^\\n]*)`, 'gm');
  const found: { functionLike: boolean; body: string }[] = [];
  for (const text of texts) {
    if (!text.includes(name)) continue;
    for (const match of text.matchAll(definition)) found.push({ functionLike: match[1] === '(', body: match[2] });
  }
  return found;
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
