// Calls a driver's own macro makes. `#define KPDE_DATA(inode) PDE_DATA(inode)` calls PDE_DATA
// wherever the file expands KPDE_DATA, and gcc reports an undeclared function at the macro's
// body ("implicit declaration of function 'PDE_DATA'" on the #define line, "in expansion of
// macro 'KPDE_DATA'" where it is used). The call finder reads code lines only; this reads the
// bodies of the file's own #defines, and where each macro is expanded after it.
import type { CallSite } from './calls';
import { blankCommentsAndLiterals } from './typeText';

export interface MacroBodyCall {
  /** The call, in the #define's body. */
  site: CallSite;
  macro: string;
  /** The #define's first line. */
  defineLine: number;
  /**
   * Where code lines (not directives) after the #define expand the macro, in file order, with
   * the calls whose arguments hold each expansion, innermost first (a kernel macro may leave
   * one out: `list_for_each_entry_rcu(…, cond...)` drops its condition without PROVE_RCU_LIST).
   */
  expansions: { line: number; column: number; within: string[] }[];
  /** Lines of the file's other `#define`s and `#undef`s of the macro: past one, an expansion may use another body. */
  redefinitions: number[];
  /**
   * For a header's macro the header never expands: the .c file that includes it and expands it
   * for certain (see macroUsesElsewhere.ts). gcc reports the call at the body all the same.
   */
  expandedIn?: string;
}

/** Where a macro the file never expands is expanded by a file that includes it (see macroUsesElsewhere.ts). */
export type ExpandingSource = (macro: string, functionLike: boolean, callee: string) => string | undefined;

const DEFINE = /^\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?/;
const CALL = /([A-Za-z_]\w*)\s*\(/g;

/**
 * The calls of names `isCandidate` takes in the bodies of the file's #defines, each with where
 * its macro is expanded; a macro never expanded on a code line is left out (gcc never reads its
 * body). `masked`: the text with comments, literals and directives blanked (maskCode).
 */
export function macroBodyCalls(
  text: string,
  masked: string,
  isDirectiveLine: (line: number) => boolean,
  isCandidate: (name: string) => boolean,
  expandingSource?: ExpandingSource,
): MacroBodyCall[] {
  if (!text.includes('define')) return [];
  // Checked on every keystroke, and most files' macros call no candidate: the raw lines settle
  // that (comments and strings only add calls there, short of a comment between a name and its
  // `(`), and only then is the file blanked.
  if (definesWithCalls(text.split('\n'), isDirectiveLine, isCandidate).length === 0) return [];
  const lines = blankCommentsAndLiterals(text).split('\n');
  const calls: MacroBodyCall[] = [];
  // Read once for all the macros: a vendor file has thousands of #defines.
  const maskedLines = masked.split('\n');
  const definitionLines = definitionLinesByName(lines, isDirectiveLine);
  for (const { line, macro, functionLike, sites } of definesWithCalls(lines, isDirectiveLine, isCandidate)) {
    const expansions = expansionsOf(masked, maskedLines, macro, functionLike, line, isDirectiveLine);
    const redefinitions = (definitionLines.get(macro) ?? []).filter((other) => other !== line);
    if (expansions.length > 0) {
      for (const site of sites) calls.push({ site, macro, defineLine: line, expansions, redefinitions });
      continue;
    }
    if (!expandingSource) continue;
    for (const site of sites) {
      const expandedIn = expandingSource(macro, functionLike, site.name);
      if (expandedIn !== undefined) calls.push({ site, macro, defineLine: line, expansions: [], redefinitions, expandedIn });
    }
  }
  return calls;
}

/** The #defines whose bodies (continuation lines included) call names `isCandidate` takes, with those calls. */
function definesWithCalls(lines: readonly string[], isDirectiveLine: (line: number) => boolean, isCandidate: (name: string) => boolean): { line: number; macro: string; functionLike: boolean; sites: CallSite[] }[] {
  const found: { line: number; macro: string; functionLike: boolean; sites: CallSite[] }[] = [];
  for (let line = 0; line < lines.length; line++) {
    if (!isDirectiveLine(line)) continue;
    const define = DEFINE.exec(lines[line]);
    if (!define) continue;
    const [head, macro, parameterList] = define;
    const parameters = new Set((parameterList ?? '').slice(1, -1).split(',').map((word) => word.trim().replace(/\.\.\.$/, '')));
    const sites: CallSite[] = [];
    for (let at = line, from = head.length; at < lines.length; at++, from = 0) {
      for (const match of lines[at].slice(from).matchAll(CALL)) {
        const name = match[1];
        const column = from + match.index!;
        const before = lines[at].slice(0, column).trimEnd();
        if (name === macro || parameters.has(name) || before.endsWith('#') || before.endsWith('.') || before.endsWith('->') || !isCandidate(name)) continue;
        sites.push({ line: at, name, startColumn: column, endColumn: column + name.length });
      }
      if (!lines[at].trimEnd().endsWith('\\')) break;
    }
    if (sites.length > 0) found.push({ line, macro, functionLike: parameterList !== undefined, sites });
  }
  return found;
}

const DEFINE_OR_UNDEF = /^\s*#\s*(?:define|undef)\s+([A-Za-z_]\w*)/;

/** The lines of every `#define` and `#undef`, by the macro they name. */
function definitionLinesByName(lines: readonly string[], isDirectiveLine: (line: number) => boolean): Map<string, number[]> {
  const found = new Map<string, number[]>();
  lines.forEach((text, line) => {
    const name = isDirectiveLine(line) ? DEFINE_OR_UNDEF.exec(text)?.[1] : undefined;
    if (name === undefined) return;
    const known = found.get(name);
    if (known) known.push(line);
    else found.set(name, [line]);
  });
  return found;
}

/** Where code lines after `after` name the macro: followed by `(` for a function-like one. */
function expansionsOf(masked: string, maskedLines: readonly string[], macro: string, functionLike: boolean, after: number, isDirectiveLine: (line: number) => boolean): MacroBodyCall['expansions'] {
  const use = new RegExp(`\\b${macro}\\b${functionLike ? '\\s*\\(' : ''}`, 'g');
  const found: MacroBodyCall['expansions'] = [];
  let offset = 0;
  maskedLines.forEach((text, line) => {
    if (line > after && !isDirectiveLine(line) && text.includes(macro)) {
      for (const match of text.matchAll(use)) found.push({ line, column: match.index!, within: enclosingCalls(masked, offset + match.index!) });
    }
    offset += text.length + 1;
  });
  return found;
}

/** The names of the calls whose open argument lists hold `offset`, innermost first, back to the statement's start. */
export function enclosingCalls(masked: string, offset: number): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let at = offset - 1, limit = Math.max(0, offset - 4000); at >= limit; at--) {
    const c = masked[at];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth > 0) depth--;
      else {
        const name = /([A-Za-z_]\w*)\s*$/.exec(masked.slice(Math.max(0, at - 80), at));
        if (name) names.push(name[1]);
      }
    } else if (depth === 0 && (c === ';' || c === '{' || c === '}')) break;
  }
  return names;
}
