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

  /**
   * What every including file found at the header's lines, in line order. Files that agree on
   * the kernels give one finding; where one file's kernels are among another's at the same place
   * (an include before the header stops the first file's build on the others), the wider one
   * says it all.
   */
  of(path: string): Finding[] {
    const kept = new Map<string, Finding>();
    for (const headers of this.byIncluder.values()) {
      for (const finding of headers.get(path) ?? []) kept.set(`${placeOf(finding)}:${finding.targets.join(',')}`, finding);
    }
    const found = [...kept.values()];
    const coveredByAnother = (finding: Finding) =>
      found.some((other) => other !== finding && placeOf(other) === placeOf(finding) && other.targets.length > finding.targets.length && finding.targets.every((target) => other.targets.includes(target)));
    return found.filter((finding) => !coveredByAnother(finding)).sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
  }

  /** Every header some including file found something at. */
  headers(): string[] {
    return [...new Set([...this.byIncluder.values()].flatMap((headers) => [...headers.keys()]))].sort();
  }
}

/** Where a finding stands and what it is, whatever kernels it names. */
function placeOf(finding: Finding): string {
  return `${finding.range.startLine}:${finding.range.startColumn}:${finding.code}`;
}
