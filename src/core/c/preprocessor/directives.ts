// Scanning a file into its directives (comments, strings and continuations handled), the
// include guard, and what an #include names.
import { isHorizontalSpace, isIdentifierPart, type Token } from './tokens';
import type { MacroDef } from './macroTables';

export interface Directive {
  readonly line: number;
  /** Last physical line of the directive (continuations and comments spanning lines). */
  readonly endLine: number;
  /** 'if', 'define', ... ('' for a lone '#') */
  readonly name: string;
  /** Text after the name, continuations joined, each comment replaced by one space. */
  readonly body: string;
  // Memoized per directive so a header included many times is tokenized once, and its
  // #defines yield the same MacroDef object each time (identity then means "same macro").
  conditionTokens?: Token[] | string;
  macro?: MacroDef | string;
}

export interface ScannedSource {
  readonly lineCount: number;
  readonly directives: Directive[];
  readonly directiveLines: Uint8Array;
  /** Macro of an `#ifndef X / #define X / ... / #endif` include guard wrapping the whole file. */
  readonly guard: string | undefined;
  /**
   * Such a guard wrapping all but the file's first includes (`#include "core.h"` before
   * `#ifndef HAL_DESC_H`): those includes run at every reading, so the header is not one a
   * second reading skips whole, but its guard is still its own.
   */
  readonly guardAfterIncludes: string | undefined;
  readonly pragmaOnce: boolean;
}

export const COMMENT_OR_LITERAL_START = /["'/]/g;
/** A line of horizontal space only (the editor's re-check blanks most of a file to spaces). */
const BLANK_LINE = /^[ \t\f\v]*$/;

/**
 * One pass over the text that finds directives while honouring comments, string and
 * character literals and backslash-newline continuations (a '#' inside a comment or string
 * starts nothing).
 */
export function scanSource(text: string, markDirectiveLines: boolean): ScannedSource {
  const lines = text.split('\n');
  const lineCount = lines.length;
  const directiveLines = new Uint8Array(markDirectiveLines ? lineCount : 0);
  const directives: Directive[] = [];
  let inBlockComment = false;
  // A block comment that spans lines outside a directive does not end the logical line, so
  // whether a '#' after it is "at the start of the line" depends on what preceded the comment.
  let carriedLineStart = true;
  let index = 0;
  while (index < lineCount) {
    let atLineStart: boolean = carriedLineStart;
    carriedLineStart = true;
    let directiveLine = -1;
    let directiveText = '';
    let inLineComment = false;
    let quote = 0;
    for (;;) {
      let line = lines[index];
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      // Outside a directive, comment or literal, a blank line starts nothing and continues nothing.
      if (directiveLine < 0 && quote === 0 && !inBlockComment && BLANK_LINE.test(line)) break;
      let end = line.length;
      let last = end - 1;
      // GCC accepts (with a warning) spaces between the backslash and the newline.
      while (last >= 0 && isHorizontalSpace(line.charCodeAt(last))) last--;
      const continued = last >= 0 && line.charCodeAt(last) === 92;
      if (continued) end = last;
      if (!inLineComment) {
        let pos = 0;
        let copyFrom = 0;
        while (pos < end) {
          if (inBlockComment) {
            const close = line.indexOf('*/', pos);
            if (close < 0 || close + 2 > end) {
              pos = end;
              copyFrom = end;
              break;
            }
            inBlockComment = false;
            pos = close + 2;
            copyFrom = pos;
            continue;
          }
          if (quote === 0 && !atLineStart) {
            // Plain code, or a directive past its '#': only a comment or a literal can matter,
            // so jump to the next one (a register header is tens of thousands of #defines).
            COMMENT_OR_LITERAL_START.lastIndex = pos;
            const found = COMMENT_OR_LITERAL_START.exec(line);
            if (found === null || found.index >= end) {
              pos = end;
              break;
            }
            pos = found.index;
          }
          const c = line.charCodeAt(pos);
          if (quote !== 0) {
            if (c === 92) pos += 2;
            else {
              if (c === quote) quote = 0;
              pos++;
            }
            continue;
          }
          if (c === 47 && pos + 1 < end) {
            const next = line.charCodeAt(pos + 1);
            if (next === 42 || next === 47) {
              if (directiveLine >= 0) directiveText += line.slice(copyFrom, pos) + ' ';
              if (next === 47) {
                inLineComment = true;
                pos = end;
                copyFrom = end;
                break;
              }
              inBlockComment = true;
              pos += 2;
              // The comment may open at the line's end (`#define DUMP 0 /*`): nothing of it is copied.
              copyFrom = pos;
              continue;
            }
          }
          if (directiveLine < 0 && atLineStart) {
            if (isHorizontalSpace(c)) {
              pos++;
              continue;
            }
            atLineStart = false;
            if (c === 35) {
              directiveLine = index;
              pos++;
              copyFrom = pos;
              continue;
            }
          }
          if (c === 34 || c === 39) quote = c;
          pos++;
        }
        if (directiveLine >= 0 && copyFrom < end) directiveText += line.slice(copyFrom, Math.min(pos, end));
      }
      if (index + 1 < lineCount && (continued || (inBlockComment && directiveLine >= 0))) {
        index++;
        continue;
      }
      break;
    }
    if (directiveLine >= 0) {
      const head = splitDirectiveName(directiveText);
      directives.push({ line: directiveLine, endLine: index, name: head.name, body: head.body });
      if (markDirectiveLines) directiveLines.fill(1, directiveLine, index + 1);
    } else if (inBlockComment) {
      carriedLineStart = atLineStart;
    }
    index++;
  }
  return {
    lineCount,
    directives,
    directiveLines,
    guard: findIncludeGuard(directives),
    guardAfterIncludes: guardAfterLeadingIncludes(directives),
    pragmaOnce: directives.some((d) => d.name === 'pragma' && /^\s*once\b/.test(d.body)),
  };
}

export function splitDirectiveName(text: string): { name: string; body: string } {
  let i = 0;
  while (i < text.length && isHorizontalSpace(text.charCodeAt(i))) i++;
  let j = i;
  while (j < text.length && isIdentifierPart(text.charCodeAt(j))) j++;
  const name = text.slice(i, j);
  return { name: DIRECTIVE_NAMES.get(name) ?? name, body: text.slice(j) };
}

/** One string per directive name, not one per directive (register headers hold tens of thousands of #define lines). */
const DIRECTIVE_NAMES = new Map(
  ['define', 'undef', 'include', 'include_next', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif', 'error', 'warning', 'pragma', 'line'].map((name) => [name, name]),
);

export function leadingIdentifier(text: string): string | undefined {
  return /^\s*([A-Za-z_$][\w$]*)/.exec(text)?.[1];
}

/** X of `#ifndef X` or `#if !defined(X)`, else undefined: an include guard's test, or a default definition's. */
export function testedUndefined(directive: Directive): string | undefined {
  if (directive.name === 'ifndef') return leadingIdentifier(directive.body);
  if (directive.name !== 'if') return undefined;
  const match = /^\s*!\s*defined\s*(?:\(\s*([A-Za-z_$][\w$]*)\s*\)|([A-Za-z_$][\w$]*))\s*$/.exec(directive.body);
  return match?.[1] ?? match?.[2];
}

export function findIncludeGuard(directives: Directive[]): string | undefined {
  return wholeFileGuard(directives) ?? traceHeaderGuard(directives);
}

const TRACE_GUARD = /^\s*!\s*defined\s*(?:\(\s*([A-Za-z_$][\w$]*)\s*\)|([A-Za-z_$][\w$]*))\s*\|\|\s*defined\s*(?:\(\s*TRACE_HEADER_MULTI_READ\s*\)|TRACE_HEADER_MULTI_READ)\s*$/;

/**
 * A trace header's guard: `#if !defined(_FOO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)` and
 * `#define _FOO_TRACE_H`, after the TRACE_SYSTEM lines and before trace/define_trace.h's
 * include, which reads the header again with TRACE_HEADER_MULTI_READ defined.
 */
function traceHeaderGuard(directives: Directive[]): string | undefined {
  for (let i = 0; i + 1 < directives.length; i++) {
    if (directives[i].name !== 'if') continue;
    const match = TRACE_GUARD.exec(directives[i].body);
    const guard = match?.[1] ?? match?.[2];
    if (guard !== undefined && directives[i + 1].name === 'define' && leadingIdentifier(directives[i + 1].body) === guard) return guard;
  }
  return undefined;
}

function guardAfterLeadingIncludes(directives: Directive[]): string | undefined {
  let includes = 0;
  while (includes < directives.length && directives[includes].name === 'include') includes++;
  return includes > 0 ? wholeFileGuard(directives.slice(includes)) : undefined;
}

function wholeFileGuard(directives: Directive[]): string | undefined {
  if (directives.length < 3) return undefined;
  const first = directives[0];
  const guard = testedUndefined(first);
  if (guard === undefined) return undefined;
  const second = directives[1];
  if (second.name !== 'define' || leadingIdentifier(second.body) !== guard) return undefined;
  // Only a guard if the #ifndef closes with the file's last directive.
  let depth = 0;
  for (let i = 0; i < directives.length; i++) {
    const name = directives[i].name;
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') depth++;
    else if (name === 'endif' && --depth === 0) return i === directives.length - 1 ? guard : undefined;
  }
  return undefined;
}

export function parseIncludeTarget(body: string): { spec: string; quoted: boolean } | undefined {
  const match = /^\s*(?:"([^"]*)"|<([^>]*)>)/.exec(body);
  if (!match) return undefined; // computed includes (#include MACRO) are not followed
  return match[1] !== undefined ? { spec: match[1], quoted: true } : { spec: match[2], quoted: false };
}

