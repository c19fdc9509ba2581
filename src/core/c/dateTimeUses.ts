// Where gcc reports `__DATE__`, `__TIME__` and `__TIMESTAMP__` in a file: at a use in the code,
// and for a use in a `#define` of the file's own, at each expansion on a code line, in gcc's
// way: the first of the body's date-time macros is reported where the macro is expanded, the
// later ones at the `#define` line ("in expansion of macro" then names the use).
// (`#define V __DATE__ " " __TIME__` expanded on line 253 gives 253 for __DATE__ and the
// `#define` line for __TIME__, with gcc-10 to gcc-16.) A macro defined more than once, or one
// expanded only inside other macros, is left out.
import { blankCommentsAndLiterals } from './typeText';

export interface DateTimeUse {
  /** `__DATE__`, `__TIME__` or `__TIMESTAMP__`. */
  name: string;
  line: number;
  startColumn: number;
  endColumn: number;
  /** The file's macro through which the use is expanded here, if any, and the line of its `#define`. */
  through?: string;
  definedAt?: number;
  /** The line of the code the use is compiled for (the expansion's line, or the use's own). */
  compiledAt: number;
}

const DATE_TIME = /\b__(?:DATE|TIME|TIMESTAMP)__\b/g;
const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\()?/;

/**
 * The date-time uses of a file. `masked`: the text with comments, literals and directive lines
 * blanked (statements.ts maskCode), whose lines are the code lines.
 */
export function dateTimeUses(text: string, masked: string): DateTimeUse[] {
  // A file that defines or undefines one of them has its own meaning for it.
  if (!/__(?:DATE|TIME|TIMESTAMP)__/.test(text) || /^[ \t]*#[ \t]*(?:define|undef)[ \t]+__(?:DATE|TIME|TIMESTAMP)__\b/m.test(text)) return [];
  const codeLines = masked.split('\n');
  const uses: DateTimeUse[] = [];
  codeLines.forEach((code, line) => {
    for (const match of code.matchAll(DATE_TIME)) uses.push({ name: match[0], line, startColumn: match.index!, endColumn: match.index! + match[0].length, compiledAt: line });
  });
  for (const macro of dateTimeMacros(blankCommentsAndLiterals(text).split('\n'))) {
    const expansion = new RegExp(`\\b${macro.name}\\b${macro.functionLike ? '\\s*\\(' : ''}`, 'g');
    codeLines.forEach((code, line) => {
      for (const match of code.matchAll(expansion)) {
        const [first, ...later] = macro.uses;
        const here = { startColumn: match.index!, endColumn: match.index! + macro.name.length };
        const through = { through: macro.name, definedAt: macro.line };
        uses.push({ name: first.name, line, ...here, ...through, compiledAt: line });
        for (const use of later) uses.push({ ...use, ...through, compiledAt: line });
      }
    });
  }
  return uses.sort((a, b) => a.line - b.line || a.startColumn - b.startColumn);
}

interface DateTimeMacro {
  name: string;
  /** The line of its `#define`. */
  line: number;
  functionLike: boolean;
  /** The body's date-time macros, in order, where they are written. */
  uses: { name: string; line: number; startColumn: number; endColumn: number }[];
}

/** The file's macros defined once whose bodies use a date-time macro. */
function dateTimeMacros(lines: readonly string[]): DateTimeMacro[] {
  const definitions = new Map<string, DateTimeMacro | null>();
  for (let i = 0; i < lines.length; i++) {
    const define = DEFINE.exec(lines[i]);
    if (!define) continue;
    const macro: DateTimeMacro = { name: define[1], line: i, functionLike: define[2] !== undefined, uses: [] };
    // The body, continuation lines included.
    for (let line = i, start = define[0].length; line < lines.length; line++, start = 0) {
      for (const match of lines[line].slice(start).matchAll(DATE_TIME)) macro.uses.push({ name: match[0], line, startColumn: start + match.index!, endColumn: start + match.index! + match[0].length });
      if (!lines[line].trimEnd().endsWith('\\')) break;
    }
    definitions.set(macro.name, definitions.has(macro.name) ? null : macro);
  }
  return [...definitions.values()].filter((macro): macro is DateTimeMacro => macro !== null && macro.uses.length > 0);
}
