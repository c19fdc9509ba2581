// gcc stops compiling a file at an `#include` it cannot find ("fatal error: … No such file or
// directory", then "compilation terminated"): on a kernel whose headers certainly lack a header
// the file certainly includes there, no line after the include is compiled, so nothing after it
// can break the build there, and the include's own missing-header finding is the only one. The
// lines after it are taken out of that kernel's compiled lines before any rule reads them.
import type { KernelDatabase } from '../kernels/database';
import { LineState, type PreprocessResult } from '../c/preprocessor';
import { angleIncludes, findMissingHeaders, type AngleInclude } from '../rules/missingHeader';

export interface FatalIncludeInput {
  db: KernelDatabase;
  lines: readonly string[];
  /** Image indices, by slot. */
  targets: readonly number[];
  /** Whether the driver's workspace provides the header (then the kernel's does not matter). */
  providedByWorkspace: (include: AngleInclude) => boolean;
}

/** Marks, per target, every line after the first include its headers certainly lack as not compiled. */
export function stopAtMissingHeaders(pre: PreprocessResult, input: FatalIncludeInput): void {
  const built = (slot: number) => pre.stoppedAt[slot] < 0;
  const missing = findMissingHeaders({
    db: input.db,
    includes: angleIncludes(input.lines),
    targets: input.targets,
    compiled: (slot, line) => built(slot) && pre.lineStates[slot][line] === LineState.Active,
    providedByWorkspace: input.providedByWorkspace,
  });
  const stopped = new Set<number>();
  for (const { include, targets } of missing) {
    for (const image of targets) {
      const slot = input.targets.indexOf(image);
      if (stopped.has(slot)) continue;
      stopped.add(slot);
      pre.lineStates[slot].fill(LineState.Inactive, include.line + 1);
    }
  }
}
