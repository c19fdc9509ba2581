// gcc stops compiling a file at an `#include` it cannot find ("fatal error: … No such file or
// directory", then "compilation terminated"): on a kernel whose headers certainly lack a header
// the file certainly includes there, no line after the include is compiled, so nothing after it
// can break the build there, and the include's own missing-header finding is the only one. The
// same holds where a workspace header the file includes (`#include "driver.h"`) certainly
// includes such a header: gcc stops inside it, and the file's lines after that include are
// never compiled (the header's own check reports the include). So does an include found only
// through an `-I` folder of EXTRA_CFLAGS on kernels from 6.15, whose Kbuild ignores it. The
// lines after it are taken out of that kernel's compiled lines before any rule reads them.
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
}

interface IncludeLine {
  line: number;
  spec: string;
  quoted: boolean;
}

/** Marks, per target, every line after the first include that certainly stops its build as not compiled. */
export function stopAtMissingHeaders(pre: PreprocessResult, input: FatalIncludeInput): void {
  const includes = writtenIncludes(includeDirectives(input.text));
  if (includes.length === 0) return;
  const stops = new FatalIncludes(input, new Map(pre.headers.map((header) => [header.path, header])));
  const written = [includes, ...pre.headers.map((header) => stops.includesOf(header))];
  input.targets.forEach((image, slot) => {
    // Only a kernel header this kernel lacks, or one found through EXTRA_CFLAGS alone, stops a
    // build: where the file and its headers name none, no include need be followed (a kernel
    // tree's file reads hundreds of headers).
    if (!ignoresExtraCflags(input, image) && !written.some((lines) => lines.some((include) => lacksKernelHeader(input.db, include, image)))) return;
    const states = pre.lineStates[slot];
    const errorLine = pre.stoppedAt[slot];
    // One set for all of the file's includes: a header an earlier include reached stops nothing
    // (had it, the search would have ended there), so it need not be searched again.
    const visited = new Set<string>();
    const stop = includes.find((include) => states[include.line] === LineState.Active && stops.stops(include, input.fileName, image, slot, visited));
    if (!stop) return;
    // gcc stops at the include: an #error further down is never reached (one above is, and gcc goes on after it).
    if (errorLine < 0 || stop.line < errorLine) pre.stoppedAt[slot] = -1;
    states.fill(LineState.Inactive, stop.line + 1);
  });
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
   * Whether including `include` from `from` certainly stops the build on `image`: a kernel
   * header its headers lack (and the workspace does not provide), or a workspace header the
   * preprocessor read that certainly includes one.
   */
  stops(include: IncludeLine, from: string, image: number, slot: number, visited: Set<string>): boolean {
    if (ignoresExtraCflags(this.input, image) && this.input.extraCflagsFolder!(include.spec, include.quoted, from) !== undefined && !kernelHas(this.input.db, include.spec, image)) return true;
    const provided = this.workspacePath(include, from);
    if (provided === undefined) return lacksKernelHeader(this.input.db, include, image);
    const header = this.headersByPath.get(provided);
    if (!header || visited.has(header.path)) return false;
    visited.add(header.path);
    const states = header.lineStates[slot];
    return this.includesOf(header).some((inner) => states?.[inner.line] === LineState.Active && this.stops(inner, header.path, image, slot, visited));
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

/** Whether `#include <name>` names a kernel header that the image's headers lack. */
function lacksKernelHeader(db: KernelDatabase, include: IncludeLine, image: number): boolean {
  const headers = db.headers();
  return !include.quoted && headers.isKernelHeader(include.spec) && headers.hasHeader(include.spec, image) === false;
}

/** The `#include <…>` and `#include "…"` lines with a written name. */
function writtenIncludes(directives: readonly IncludeDirective[]): IncludeLine[] {
  return directives.flatMap(({ line, spec, quoted, next }) => (spec === undefined || next ? [] : [{ line, spec: spec.trim(), quoted }]));
}
