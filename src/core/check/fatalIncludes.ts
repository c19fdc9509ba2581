// gcc stops compiling a file at an `#include` it cannot find ("fatal error: … No such file or
// directory", then "compilation terminated"): on a kernel whose headers certainly lack a header
// the file certainly includes there, no line after the include is compiled, so nothing after it
// can break the build there, and the include's own missing-header finding is the only one. The
// same holds where a workspace header the file includes (`#include "driver.h"`) certainly
// includes such a header: gcc stops inside it, and the file's lines after that include are
// never compiled (the header's own check reports the include). So does an include found only
// through an `-I` folder of EXTRA_CFLAGS on kernels from 6.15, whose Kbuild ignores it. The
// lines after it are taken out of that kernel's compiled lines before any rule reads them.
// Where every folder the build searches is known, a header of the kernel's namespace that no
// kernel with header data has (`drm/drm_fbdev_generic.h`, 6.2-6.10 only) stops it too, as
// missing-header judges it.
import type { KernelDatabase } from '../kernels/database';
import { LineState, type IncludeResolver, type IncludedHeader, type PreprocessResult } from '../c/preprocessor';
import { EXTRA_CFLAGS_IGNORED_FROM, type ExtraCflagsFolder } from '../c/includes';
import { headerIncludeDirectives, includeDirectives, type IncludeDirective } from './followedIncludes';

export interface FatalIncludeInput {
  db: KernelDatabase;
  text: string;
  fileName: string;
  /** Image indices, by slot. */
  targets: readonly number[];
  resolveInclude?: IncludeResolver;
  /** Where an include is found only through EXTRA_CFLAGS' -I folders, which 6.15's Kbuild ignores: the build stops there on those kernels. */
  extraCflagsFolder?: ExtraCflagsFolder;
  /** Every folder the build searches is known (missing-header's includeFoldersKnown): a kernel-namespace name no kernel has stops the build. */
  includeFoldersKnown?: boolean;
}

/** Where a target's build stops: the include gcc cannot find, in the file or in a workspace header it reads. */
export interface FatalStop {
  slot: number;
  /** The file's line whose include leads there (the include itself, or the `#include "header.h"`). */
  line: number;
  /** The include gcc reports: the file or header that writes it, its line and name. */
  at: { path: string; line: number; spec: string };
}

interface IncludeLine {
  line: number;
  spec: string;
  quoted: boolean;
}

/** Marks, per target, every line after the first include that certainly stops its build as not compiled; returns those stops. */
export function stopAtMissingHeaders(pre: PreprocessResult, input: FatalIncludeInput): FatalStop[] {
  const includes = writtenIncludes(includeDirectives(input.text));
  if (includes.length === 0) return [];
  const stops = new FatalIncludes(input, new Map(pre.headers.map((header) => [header.path, header])));
  const written = [includes, ...pre.headers.map((header) => stops.includesOf(header))];
  const found: FatalStop[] = [];
  input.targets.forEach((image, slot) => {
    // Only a kernel header this kernel lacks, or one found through EXTRA_CFLAGS alone, stops a
    // build: where the file and its headers name none, no include need be followed (a kernel
    // tree's file reads hundreds of headers).
    if (!ignoresExtraCflags(input, image) && !written.some((lines) => lines.some((include) => lacksKernelHeader(input, include, image)))) return;
    const states = pre.lineStates[slot];
    const errorLine = pre.stoppedAt[slot];
    // One set for all of the file's includes: a header an earlier include reached stops nothing
    // (had it, the search would have ended there), so it need not be searched again.
    const visited = new Set<string>();
    for (const include of includes) {
      if (states[include.line] !== LineState.Active) continue;
      const at = stops.stopAt(include, input.fileName, image, slot, visited);
      if (!at) continue;
      // gcc stops at the include: an #error further down is never reached (one above is, and gcc goes on after it).
      if (errorLine < 0 || include.line < errorLine) pre.stoppedAt[slot] = -1;
      states.fill(LineState.Inactive, include.line + 1);
      found.push({ slot, line: include.line, at });
      return;
    }
  });
  return found;
}

class FatalIncludes {
  private readonly linesOf = new Map<string, IncludeLine[]>();
  /** Where each include resolves in the workspace, asked once for all targets. */
  private readonly resolved = new Map<string, string | undefined>();

  constructor(
    private readonly input: FatalIncludeInput,
    private readonly headersByPath: ReadonlyMap<string, IncludedHeader>,
  ) {}

  /**
   * Where including `include` from `from` certainly stops the build on `image`, if it does: at
   * the include itself for a kernel header its headers lack (and the workspace does not
   * provide), or inside a workspace header the preprocessor read that certainly includes one.
   */
  stopAt(include: IncludeLine, from: string, image: number, slot: number, visited: Set<string>): FatalStop['at'] | undefined {
    const here = { path: from, line: include.line, spec: include.spec };
    if (ignoresExtraCflags(this.input, image) && this.input.extraCflagsFolder!(include.spec, include.quoted, from) !== undefined && !kernelHas(this.input.db, include.spec, image)) return here;
    const provided = this.workspacePath(include, from);
    if (provided === undefined) return lacksKernelHeader(this.input, include, image) ? here : undefined;
    const header = this.headersByPath.get(provided);
    if (!header || visited.has(header.path)) return undefined;
    visited.add(header.path);
    const states = header.lineStates[slot];
    for (const inner of this.includesOf(header)) {
      const at = states?.[inner.line] === LineState.Active ? this.stopAt(inner, header.path, image, slot, visited) : undefined;
      if (at) return at;
    }
    return undefined;
  }

  private workspacePath(include: IncludeLine, from: string): string | undefined {
    const key = `${from}\u0000${include.quoted ? '"' : '<'}${include.spec}`;
    if (!this.resolved.has(key)) this.resolved.set(key, this.input.resolveInclude?.(include.spec, include.quoted, from)?.path);
    return this.resolved.get(key);
  }

  includesOf(header: IncludedHeader): IncludeLine[] {
    let found = this.linesOf.get(header.path);
    if (!found) this.linesOf.set(header.path, (found = writtenIncludes(headerIncludeDirectives(header))));
    return found;
  }
}

/** Whether the image's Kbuild ignores EXTRA_CFLAGS where the file's build has folders only it gives. */
function ignoresExtraCflags(input: FatalIncludeInput, image: number): boolean {
  return input.extraCflagsFolder !== undefined && input.db.images[image].versionCode >= EXTRA_CFLAGS_IGNORED_FROM;
}

/** Whether the image's own include folders have the header, which the search reaches after the driver's: not known counts as yes. */
export function kernelHas(db: KernelDatabase, spec: string, image: number): boolean {
  return db.headers().hasHeader(spec, image) !== false;
}

/**
 * Whether `#include <name>` names a kernel header that the image's headers lack: one some
 * kernel has, or, where the build's folders are all known, a name of the kernel's namespace.
 */
function lacksKernelHeader(input: FatalIncludeInput, include: IncludeLine, image: number): boolean {
  const headers = input.db.headers();
  if (include.quoted || headers.hasHeader(include.spec, image) !== false) return false;
  return headers.isKernelHeader(include.spec) || (input.includeFoldersKnown === true && headers.inKernelNamespace(include.spec));
}

/** The `#include <…>` and `#include "…"` lines with a written name. */
function writtenIncludes(directives: readonly IncludeDirective[]): IncludeLine[] {
  return directives.flatMap(({ line, spec, quoted, next }) => (spec === undefined || next ? [] : [{ line, spec: spec.trim(), quoted }]));
}
