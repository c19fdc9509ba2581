// Findings at the lines of a driver's headers, as the checks of the .c files that include them
// report them (CheckResult.headerFindings): gcc reports a header's error in every file that
// includes it, so several files find the same one. Kept per including file, so that a file
// checked again replaces what it found, and handed out per header, each finding once.
import type { Finding } from './findings';

export class IncluderFindings {
  private readonly byIncluder = new Map<string, ReadonlyMap<string, readonly Finding[]>>();

  /** Replaces what the check of `includer` found at headers' lines; the headers whose findings this changes. */
  set(includer: string, found: readonly { path: string; findings: readonly Finding[] }[]): string[] {
    const before = this.byIncluder.get(includer);
    const now = new Map(found.filter(({ findings }) => findings.length > 0).map(({ path, findings }) => [path, findings]));
    if (now.size > 0) this.byIncluder.set(includer, now);
    else this.byIncluder.delete(includer);
    return [...new Set([...(before?.keys() ?? []), ...now.keys()])].sort();
  }

  /** What every including file found at the header's lines, in line order; files that agree on the kernels give one finding. */
  of(path: string): Finding[] {
    const kept = new Map<string, Finding>();
    for (const headers of this.byIncluder.values()) {
      for (const finding of headers.get(path) ?? []) kept.set(`${finding.range.startLine}:${finding.range.startColumn}:${finding.code}:${finding.targets.join(',')}`, finding);
    }
    return [...kept.values()].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
  }

  /** Every header some including file found something at. */
  headers(): string[] {
    return [...new Set([...this.byIncluder.values()].flatMap((headers) => [...headers.keys()]))].sort();
  }
}
