// The kernel headers a file's build starts from on each target: what Kbuild includes before
// every file, the build's own `-include` flags, and every `#include` of the file and of the
// workspace headers it reads that the target does not certainly leave out, where that
// include is not the workspace's own. From these the kernel's include graph gives the
// headers a build can read (`HeaderIndex.includeClosure`). Whatever cannot be followed (a
// computed `#include MACRO`, a name neither the workspace nor the kernel has on a line the
// target certainly compiles, a header the preprocessor could not read) makes the target's
// roots unknown: a rule that needs the closure then judges nothing there.
import { LineState, type IncludedHeader, type IncludeResolver, type PreprocessResult } from '../c/preprocessor';
import { parseIncludeTarget } from '../c/preprocessor/directives';
import { includeKeywordLines } from '../c/includeKeywordLines';
import { rereadsItsIncluder, type HeaderIndex } from '../kernels/headerIndex';
import { COMPILER_HEADERS } from '../c/compilerHeaders';

/**
 * What Kbuild puts before every file (`-include`), on the kernels whose headers have them.
 * Not linux/compiler-version.h, which Kbuild also forces: it declares nothing and only pulls
 * in generated files a headers package does not ship (gcc-plugins.h, randstruct_hash.h) so
 * that a compiler change rebuilds everything; following it would leave every closure unknown.
 */
const KBUILD_FORCED_HEADERS = ['linux/kconfig.h', 'linux/compiler_types.h'];

/** A word goes on past the keyword. */
const WORD_CHARACTER = /^\w/;
/** Problems after which the preprocessor did not read some workspace header. */
const UNREAD_HEADER = /^(?:could not read|#include nested more than)/;

export interface IncludeRootsInput {
  fileName: string;
  text: string;
  pre: PreprocessResult;
  /** Image indices, by target slot. */
  targets: readonly number[];
  headers: HeaderIndex;
  resolveInclude?: IncludeResolver;
  forcedIncludes?: readonly string[];
  /** The include directives of a workspace header the file reads (kept per header text by the caller; read here without one). */
  includesOf?: (header: IncludedHeader) => readonly IncludeLine[];
}

/** An include directive by its line; `target` is undefined for a computed `#include MACRO`. */
export interface IncludeLine {
  line: number;
  target?: { spec: string; quoted: boolean };
  /** `#include_next`: the search goes on past the folder the including header was found in. */
  next?: true;
}

/** Per target slot: the kernel include names the build starts from, or undefined when they are not all known. */
export function includeRoots(input: IncludeRootsInput): (string[] | undefined)[] {
  const { pre, targets, headers } = input;
  // A header is read after what its includer included first: alone, its closure says nothing.
  if (!input.fileName.endsWith('.c')) return targets.map(() => undefined);
  if (pre.problems.some((problem) => UNREAD_HEADER.test(problem.message))) return targets.map(() => undefined);
  const sources = [
    { path: input.fileName, includes: includeLines(input.text), lineStates: pre.lineStates },
    ...pre.headers.map((header: IncludedHeader) => ({ path: header.path, includes: input.includesOf?.(header) ?? includeLines(header.text), lineStates: header.lineStates })),
  ];
  // Where the workspace finds an include does not depend on the target: asked once for all.
  const resolved = new Map<string, ReturnType<IncludeResolver>>();
  const resolve = (spec: string, quoted: boolean, from: string) => {
    const key = `${quoted ? '"' : '<'}${spec}\u0000${from}`;
    if (!resolved.has(key)) resolved.set(key, input.resolveInclude?.(spec, quoted, from));
    return resolved.get(key);
  };
  return targets.map((image, slot) => {
    if (!headers.covers(image)) return undefined;
    const roots = new Set(KBUILD_FORCED_HEADERS.filter((name) => headers.hasHeader(name, image) === true));
    const forced = roots.size;
    const kernelName = (spec: string, quoted: boolean, from: string, next = false): string | null | undefined => {
      const own = resolve(spec, quoted, from);
      // The workspace's own, read by the preprocessor; but a backport layer's `#include_next
      // <linux/if_bridge.h>` in its own linux/if_bridge.h goes on to the kernel's.
      if (own !== undefined && !(next && own.path === from)) return null;
      if (headers.hasHeader(spec, image) === true) return spec;
      return COMPILER_HEADERS.has(spec) ? null : undefined;
    };
    for (const spec of input.forcedIncludes ?? []) {
      const name = kernelName(spec, false, input.fileName);
      if (name === undefined) return undefined;
      if (name !== null) roots.add(name);
    }
    for (const source of sources) {
      const states = source.lineStates[slot];
      for (const { line, target, next } of source.includes) {
        if (!states || states[line] === LineState.Inactive) continue;
        if (!target) return undefined;
        const name = kernelName(target.spec, target.quoted, source.path, next);
        // A header neither the workspace nor this kernel has, under a guard that may leave it
        // out (`#ifdef _WIN32` / `#include "win_os.h"`): taken, it would stop the build there,
        // so a build that goes on does not take it.
        if (name === undefined && states[line] === LineState.Maybe) continue;
        if (name === undefined) return undefined;
        // Included from the file itself, the trace machinery reads again whatever its macros name.
        if (name !== null && source.path === input.fileName && rereadsItsIncluder(name)) return undefined;
        if (name !== null) roots.add(name);
      }
    }
    // A file that includes nothing of the kernel's is not built alone: another file includes it (`#include "ops.c"`).
    if (roots.size === forced) return undefined;
    return [...roots].sort();
  });
}

/** The include directives of a text. */
export function includeLines(text: string): IncludeLine[] {
  // `#includes` or `#include_nextx` is no include.
  return includeKeywordLines(text)
    .filter(({ rest }) => !WORD_CHARACTER.test(rest))
    .map(({ line, next, rest }) => ({ line, target: parseIncludeTarget(rest), ...(next ? { next: true as const } : {}) }));
}
