// gcc does not compile the body of a function whose header it could not read: after
// "unknown type name ‘make_request_fn’" in a parameter list it skips the whole definition, so
// the body's lines, though preprocessed, were never judged. A warning there is neither right
// nor wrong by this build; the lines are taken out of the compiled set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskCode } from '../../src/core/c/statements';
import type { LocatedError } from './gccDiagnostics';
import type { CompiledLines } from './lineMarkers';

export function withoutSkippedBodies(compiled: CompiledLines, errors: readonly LocatedError[], root: string): CompiledLines {
  const texts = new Map<string, string | undefined>();
  const masked = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, maskCode(readFileSync(join(root, file), 'utf8')));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  for (const error of errors) {
    if (error.kind !== 'unknown-type' || !error.at) continue;
    const text = masked(error.at.file);
    const lines = text === undefined ? undefined : skippedBody(text, error.at.line);
    const set = compiled.get(error.at.file);
    if (!lines || !set) continue;
    for (let line = lines.first; line <= lines.last; line++) set.delete(line);
  }
  return compiled;
}

/** The 1-based lines of the body of the function whose header holds `line`, if it is a function header at file level. */
export function skippedBody(masked: string, line: number): { first: number; last: number } | undefined {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    offset = masked.indexOf('\n', offset) + 1;
    if (offset === 0) return undefined;
  }
  // The line must be at file level: outside every brace.
  let depth = 0;
  for (let i = 0; i < offset; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}') depth--;
  }
  if (depth !== 0) return undefined;
  const open = masked.indexOf('{', offset);
  const semicolon = masked.indexOf(';', offset);
  // A declaration (`void f(make_request_fn *fn);`) has no body to skip.
  if (open < 0 || (semicolon >= 0 && semicolon < open)) return undefined;
  let close = open;
  for (depth = 0; close < masked.length; close++) {
    if (masked[close] === '{') depth++;
    else if (masked[close] === '}' && --depth === 0) break;
  }
  const lineOf = (index: number) => masked.slice(0, index).split('\n').length;
  return { first: lineOf(open), last: lineOf(close) };
}
