// What a driver's own macros do to the calls written in their arguments, read from their
// `#define` lines in the file and the driver headers its build reads:
// - an object-like macro may stand for several arguments: `#define MAX9611_CONV_TIME_US_RANGE
//   3000, 3300` makes `usleep_range(MAX9611_CONV_TIME_US_RANGE)` a call of two arguments, so a
//   count read from the call's text is only sound where no argument is such a macro;
// - a function-like macro may paste an argument: `channel_clear_bit(idma64, MASK(XFER), …)`
//   reaches `IDMA64_MASK(XFER)` through `IDMA64_##reg`, so `MASK(` there is no call.

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
 * Whether `name`, a function-like macro the driver defines, may paste (`##`) an argument in
 * some definition, itself or through another of the driver's macros it calls, or has no
 * definition to read in `texts`: a call written in its arguments may then never be compiled as
 * one. (A quoted argument, `#x`, is most often compiled too: not counted.)
 */
export function mayPasteArguments(name: string, texts: readonly string[], seen: Set<string> = new Set()): boolean {
  seen.add(name);
  const definitions = definitionsOf(name, texts).filter((definition) => definition.functionLike);
  if (definitions.length === 0) return true;
  return definitions.some(
    (definition) =>
      definition.body.includes('##') ||
      // Or hands them on to another of the driver's macros that does (`channel_clear_bit` to `dma_writel`).
      [...definition.body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].some(
        ([, callee]) => !seen.has(callee) && seen.size < MAX_MACRO_DEPTH && definitionsOf(callee, texts).some((other) => other.functionLike) && mayPasteArguments(callee, texts, seen),
      ),
  );
}

/** How many of the driver's macros mayPasteArguments follows from one. */
const MAX_MACRO_DEPTH = 8;

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
