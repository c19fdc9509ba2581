// A driver's compat header often defines a kernel function itself for kernels older than every
// target (`#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 18, 0)` / `static inline void
// udp_tunnel_sock_release(struct socket *sock) {}`). The workspace index knows the name as the
// driver's wherever it is written, which kept the kernel's own declaration from being judged;
// but on the targets gcc sees the kernel's declaration only (amneziawg passes a `struct socket *`
// where every kernel from 4.0 takes a `struct sock *`). Such a name is the kernel's when every
// line of the workspace headers the file reads that mentions it is certainly not compiled on any
// target, and every quoted include was followed: an include left unread may define it.
import { LineState, type IncludedHeader, type IncludeResolver } from '../c/preprocessor';

export interface ShimInputs {
  fileName: string;
  text: string;
  /** The file's line states per target. */
  lineStates: readonly Uint8Array[];
  headers: readonly IncludedHeader[];
  resolveInclude?: IncludeResolver;
}

/** Answers, for one check, whether a name is written only on lines the headers compile on no target. */
export function uncompiledShims(inputs: ShimInputs): (name: string) => boolean {
  let followed: boolean | undefined;
  return (name) => (followed ??= everyQuotedIncludeFollowed(inputs)) && mentionedOnlyWhereNotCompiled(name, inputs.headers);
}

function mentionedOnlyWhereNotCompiled(name: string, headers: readonly IncludedHeader[]): boolean {
  let mentioned = false;
  for (const header of headers) {
    for (const line of mentionLines(header.text, name)) {
      if (header.lineStates.some((states) => states[line] !== LineState.Inactive)) return false;
      mentioned = true;
    }
  }
  return mentioned;
}

/** The lines where `name` stands as a whole word. */
function* mentionLines(text: string, name: string): Generator<number> {
  const lineOf = lineFinder(text);
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    if (!isWordCharacter(text.charCodeAt(at - 1)) && !isWordCharacter(text.charCodeAt(at + name.length))) yield lineOf(at);
  }
}

function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

const QUOTED_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

/** Whether every `#include "…"` of the file and its headers is certainly skipped, or compiled and found. */
function everyQuotedIncludeFollowed({ fileName, text, lineStates, headers, resolveInclude }: ShimInputs): boolean {
  const files = [{ path: fileName, text, lineStates }, ...headers];
  return files.every((file) => {
    const lineOf = lineFinder(file.text);
    for (const match of file.text.matchAll(QUOTED_INCLUDE)) {
      const line = lineOf(match.index!);
      const states = file.lineStates.map((perLine) => perLine[line] ?? LineState.Maybe);
      if (states.some((state) => state === LineState.Maybe)) return false;
      if (states.some((state) => state === LineState.Active) && resolveInclude?.(match[1], true, file.path) === undefined) return false;
    }
    return true;
  });
}

/** The line of an offset, for offsets asked in increasing order. */
function lineFinder(text: string): (offset: number) => number {
  let line = 0;
  let counted = 0;
  return (offset) => {
    for (let newline = text.indexOf('\n', counted); newline >= 0 && newline < offset; newline = text.indexOf('\n', newline + 1)) {
      line++;
      counted = newline + 1;
    }
    return line;
  };
}
