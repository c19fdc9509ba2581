// Whether the preprocessor saw everything a file's build reads before its conditions: an
// include it did not read (not found, computed, or a header only the build's own -I flags
// find) may define any macro, so what a check concludes from "nothing defines X" needs every
// include of the file and its headers followed.
import { LRUCache } from 'lru-cache';
import { LineState, type IncludedHeader, type IncludeResolver } from '../c/preprocessor';
import { includeKeywordLines } from '../c/includeKeywordLines';
import { isHostedLibraryHeader } from '../c/userspace';
import { cacheSize, madeAtFirstUse } from '../cacheBudget';

export interface IncludeSight {
  fileName: string;
  text: string;
  /** The file's line states per target. */
  lineStates: readonly Uint8Array[];
  headers: readonly IncludedHeader[];
  resolveInclude?: IncludeResolver;
  /** Whether some kernel's headers have `<name>`. */
  isKernelHeader: (name: string) => boolean;
  /** Headers the build includes before the file (`-include`), which every target reads. */
  forcedIncludes?: readonly string[];
}

/**
 * How an include on a line some target may or may not compile counts: `unread` when the
 * caller needs every compiled line's meaning known (an undecided include is then as good as
 * unread), `if-found` when it is enough that the header, if compiled, was found and read.
 */
export type UndecidedIncludes = 'unread' | 'if-found';

/** What an include names after its keyword: a quoted or an angle name (else it is computed, `#include MACRO`). */
const INCLUDE_NAME = /^[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)/;

/** An `#include` line: its name as written, undefined where it is computed (`#include MACRO`). */
export interface IncludeDirective {
  line: number;
  spec?: string;
  quoted: boolean;
  /** `#include_next`. */
  next: boolean;
}

type KeptDirectives = { text: string; directives: IncludeDirective[] };

/**
 * Headers' include lines, by path: every check asks them of every header its file reads (a
 * kernel tree's file reads hundreds), and the texts rarely change between checks. Bounded by
 * the texts' length, since each entry keeps its text to tell a changed one.
 */
const keptDirectives = madeAtFirstUse(
  () =>
    new LRUCache<string, KeptDirectives>({
      maxSize: cacheSize(8 * 1024 * 1024),
      sizeCalculation: (entry, path) => entry.text.length + path.length + 64 * (entry.directives.length + 1),
    }),
);

/** `includeDirectives` of a header, read once per text. */
export function headerIncludeDirectives(header: { path: string; text: string }): IncludeDirective[] {
  // A header that includes nothing (most register headers) costs one search, and is not kept.
  if (!header.text.includes('include')) return [];
  const known = keptDirectives().get(header.path);
  if (known && known.text === header.text) return known.directives;
  const directives = includeDirectives(header.text);
  keptDirectives().set(header.path, { text: header.text, directives });
  return directives;
}

/** The `#include` and `#include_next` lines of a text, in order. */
export function includeDirectives(text: string): IncludeDirective[] {
  return includeKeywordLines(text).map(({ line, next, rest }) => {
    const [, quoted, angle] = INCLUDE_NAME.exec(rest) ?? [];
    return { line, spec: quoted ?? angle, quoted: quoted !== undefined, next };
  });
}

/**
 * Whether every `#include` of the file and its headers is certainly skipped, or read: a
 * quoted one found in the workspace, an angle one there or in the kernel's headers.
 */
export function everyIncludeFollowed(sight: IncludeSight, undecided: UndecidedIncludes): boolean {
  return includesFollowedBySlot(sight, undecided).every(Boolean);
}

/**
 * `everyIncludeFollowed` per target (slot): an include only other targets may compile does not
 * count (a vendor driver's `#ifdef PLATFORM_FREEBSD` header, undecided where unread flags may
 * define the name, is skipped on the kernels those flags do not reach).
 */
export function includesFollowedBySlot({ fileName, text, lineStates, headers, resolveInclude, isKernelHeader, forcedIncludes = [] }: IncludeSight, undecided: UndecidedIncludes): boolean[] {
  const followed = lineStates.map(() => true);
  if (forcedIncludes.some((spec) => resolveInclude?.(spec, true, fileName) === undefined)) return followed.fill(false);
  const files = [{ path: fileName, text, lineStates, directives: includeDirectives(text) }, ...headers.map((header) => ({ ...header, directives: headerIncludeDirectives(header) }))];
  for (const file of files) {
    for (const { line, spec, quoted } of file.directives) {
      // gcc looks for a quoted name beside the file, then where it looks for an angle one: Kbuild's -I folders hold the kernel's headers.
      let found: boolean | undefined;
      const isFound = () => (found ??= spec !== undefined && (resolveInclude?.(spec, quoted, file.path) !== undefined || isKernelHeader(spec)));
      // A C library header (`#ifdef PLATFORM_FREEBSD` / `#include <sys/cdefs.h>`) a kernel build may skip defines nothing it could read: compiled, it stops the build.
      const hostedOnly = !quoted && spec !== undefined && isHostedLibraryHeader(spec);
      followed.forEach((stillFollowed, slot) => {
        if (!stillFollowed) return;
        const state = file.lineStates[slot]?.[line] ?? LineState.Maybe;
        if (state === LineState.Inactive || (undecided === 'if-found' && state === LineState.Maybe && hostedOnly)) return;
        if ((undecided === 'unread' && state === LineState.Maybe) || !isFound()) followed[slot] = false;
      });
    }
  }
  return followed;
}
