// Which mentions of a struct need its definition, read from the code around the name:
// `sizeof(struct x)`, a variable, array or member of the struct itself (`struct x name;`,
// `static struct x name = {`, `struct x table[4];`), and a function definition's parameter or
// return type of the struct by value. gcc refuses those where the struct is only declared
// ("storage size isn't known", "invalid application of sizeof to incomplete type", "field has
// incomplete type", "parameter 1 ('ts') has incomplete type", "return type is an incomplete
// type"). A pointer, an `extern` declaration, a typedef, a prototype's parameter or return type
// does not need it, and neither does anything this reading cannot place (a declaration spread
// over lines): those are left out.

const SIZEOF_BEFORE = /\bsizeof\s*\(\s*(?:(?:const|volatile)\s+)*(?:struct|union)\s+$/;
const CLOSE_AFTER = /^\s*\)/;
/** The line up to the name holds only storage words before `struct`: a declaration starts there. */
const DECLARATION_BEFORE = /^\s*(?:(?:static|const|volatile|register)\s+)*(?:struct|union)\s+$/;
/**
 * A declarator of the struct itself: a name, kernel attributes (`__initdata`), then `=`, `;`, an
 * array bound, or further declarators that end the statement on the line (`struct timespec
 * ts_start, ts_end;`; a parameter list's `struct timespec ts,` is not one).
 */
const OBJECT_AFTER = /^\s+[A-Za-z_]\w*(?:\s+__\w+)*\s*(?:=|;|\[|,[^();]*;)/;

/** Whether the mention at [startColumn, endColumn) of a code line (comments and strings blanked) needs the struct's definition. */
export function needsDefinition(line: string, startColumn: number, endColumn: number): boolean {
  const before = line.slice(0, startColumn);
  const after = line.slice(endColumn);
  if (SIZEOF_BEFORE.test(before)) return CLOSE_AFTER.test(after);
  return DECLARATION_BEFORE.test(before) && OBJECT_AFTER.test(after);
}

/** The text up to the name opens a parameter: after `(` or `,` (on this line or an earlier one), perhaps `const`. */
const PARAMETER_BEFORE = /[(,]\s*(?:const\s+)?(?:struct|union)\s+$/;
/** A parameter of the struct itself: a name, then the next parameter or the list's end. */
const PARAMETER_AFTER = /\s+[A-Za-z_]\w*\s*[,)]/y;
/** A function returning the struct itself: its name and parameter list. */
const FUNCTION_AFTER = /\s+[A-Za-z_]\w*\s*\(/y;
/** How far past the mention a function's parameter list is followed to its body. */
const MAX_HEADER_CHARS = 2000;

/**
 * Whether the mention at [start, end) of `masked` (comments and strings blanked) is a function
 * definition's parameter or return type of the struct by value; `lineBefore` is its line up to
 * the mention. A prototype's are not: gcc takes an incomplete type there. A parameter of a
 * function pointer (`void (*cb)(struct timespec ts)`) is one of a prototype.
 */
export function byValueInDefinition(masked: string, start: number, end: number, lineBefore: string): boolean {
  if (PARAMETER_BEFORE.test(masked.slice(Math.max(0, start - 200), start))) {
    PARAMETER_AFTER.lastIndex = end;
    if (!PARAMETER_AFTER.test(masked)) return false;
    return opensBody(masked, listEnd(masked, end, 1));
  }
  if (DECLARATION_BEFORE.test(lineBefore)) {
    FUNCTION_AFTER.lastIndex = end;
    if (!FUNCTION_AFTER.test(masked)) return false;
    return opensBody(masked, listEnd(masked, FUNCTION_AFTER.lastIndex, 1));
  }
  return false;
}

/** Where the parenthesis closing a list entered `depth` deep before `from` ends, or -1. */
function listEnd(masked: string, from: number, depth: number): number {
  const limit = Math.min(masked.length, from + MAX_HEADER_CHARS);
  for (let at = from; at < limit; at++) {
    const c = masked[at];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return at + 1;
    else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}

/** Whether a function body's `{` follows `from` (only blanks between). */
function opensBody(masked: string, from: number): boolean {
  if (from < 0) return false;
  const limit = Math.min(masked.length, from + MAX_HEADER_CHARS);
  for (let at = from; at < limit; at++) {
    const c = masked[at];
    if (c === '{') return true;
    if (!/\s/.test(c)) return false;
  }
  return false;
}
