// Code the compiler never sees although its line is compiled: the argument of a function-like
// macro whose body does not use that parameter. Drivers compile debug output away
// (`#define dbg(fmt, args...)` with an empty body, `#define rx_quota(count, quota) count`):
// a member named only in such an argument cannot break the build.
//
// The driver's own macros only (the file's and its workspace headers'), read from their text.
// Where any definition of a name drops an argument, that argument counts as dropped: a macro
// defined twice under #if may drop it on the targets that matter.
import { maskCode } from './statements';

/** Per function-like macro: which parameters its body never names (`rest`: every argument from that index on). */
export interface DroppingMacro {
  dropped: Set<number>;
  /** The index of a variadic parameter the body does not use: it and all later arguments are dropped. */
  rest?: number;
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/gm;
/** How far back a usage's enclosing calls are looked for: no macro call in a driver spans more. */
const MAX_LOOKBACK = 4000;

/** The function-like macros of a text that drop some argument. */
export function droppingMacros(text: string): Map<string, DroppingMacro> {
  const macros = new Map<string, DroppingMacro>();
  for (const [, name, parameterText, rawBody] of text.matchAll(DEFINE)) {
    const body = rawBody.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ' ');
    const words = new Set(body.match(/[A-Za-z_]\w*/g) ?? []);
    const parameters = parameterText.split(',').map((p) => p.trim());
    const found: DroppingMacro = { dropped: new Set() };
    parameters.forEach((parameter, index) => {
      const variadic = /^(\w*)\s*\.\.\.$/.exec(parameter);
      if (variadic) {
        if (!words.has(variadic[1] || '__VA_ARGS__')) found.rest = index;
      } else if (parameter && !words.has(parameter)) found.dropped.add(index);
    });
    if (found.dropped.size === 0 && found.rest === undefined) continue;
    const known = macros.get(name);
    if (!known) macros.set(name, found);
    else {
      for (const index of found.dropped) known.dropped.add(index);
      if (found.rest !== undefined) known.rest = Math.min(known.rest ?? found.rest, found.rest);
    }
  }
  return macros;
}

/** Texts read lately (a driver's headers recur in every file), by text. */
const recentlyRead = new Map<string, Map<string, DroppingMacro>>();
const MAX_REMEMBERED = 128;

/** The dropping macros of several texts (a file and the headers it includes), merged. */
export function droppingMacrosOf(texts: readonly string[]): Map<string, DroppingMacro> {
  const merged = new Map<string, DroppingMacro>();
  for (const text of texts) {
    let macros = recentlyRead.get(text);
    if (!macros) {
      macros = text.includes('define') ? droppingMacros(text) : new Map();
      if (recentlyRead.size >= MAX_REMEMBERED) recentlyRead.clear();
      recentlyRead.set(text, macros);
    }
    for (const [name, macro] of macros) {
      const known = merged.get(name);
      if (!known) merged.set(name, { dropped: new Set(macro.dropped), rest: macro.rest });
      else {
        for (const index of macro.dropped) known.dropped.add(index);
        if (macro.rest !== undefined) known.rest = Math.min(known.rest ?? macro.rest, macro.rest);
      }
    }
  }
  return merged;
}

/**
 * A test for offsets of `text`: whether the code there is an argument some enclosing call of a
 * dropping macro leaves out. Calls are found by walking back over brackets in the text with
 * comments and strings masked, up to the statement's start.
 */
export function droppedArgumentTest(text: string, macros: ReadonlyMap<string, DroppingMacro>): (offset: number) => boolean {
  if (macros.size === 0) return () => false;
  const code = maskCode(text);
  const answers = new Map<number, boolean>();
  return (offset) => {
    let answer = answers.get(offset);
    if (answer === undefined) answers.set(offset, (answer = insideDroppedArgument(code, offset, macros)));
    return answer;
  };
}

function insideDroppedArgument(code: string, offset: number, macros: ReadonlyMap<string, DroppingMacro>): boolean {
  let depth = 0;
  let argument = 0;
  for (let i = offset - 1; i >= 0 && i >= offset - MAX_LOOKBACK; i--) {
    const ch = code[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (ch === '{') return false;
      if (ch === '(') {
        const macro = macros.get(calleeBefore(code, i));
        if (macro && (macro.dropped.has(argument) || (macro.rest !== undefined && argument >= macro.rest))) return true;
      }
      argument = 0;
    } else if (depth === 0 && ch === ',') argument++;
    else if (depth === 0 && ch === ';') return false;
  }
  return false;
}

/** The identifier right before an opening parenthesis (spaces allowed), or ''. */
function calleeBefore(code: string, paren: number): string {
  let end = paren;
  while (end > 0 && /\s/.test(code[end - 1])) end--;
  let start = end;
  while (start > 0 && /\w/.test(code[start - 1])) start--;
  return code.slice(start, end);
}
