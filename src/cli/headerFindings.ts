// Findings at lines of a driver's headers that the checks of its .c files report (gcc reports
// an error in a header for every file that includes it): a run writes each once, after the
// files' own.
import type { Finding } from '../core/check/findings';

/** Findings at header lines, from every file that reads the header: each written once. */
export class HeaderFindings {
  private readonly headers = new Map<string, Map<string, Finding>>();

  add(path: string, findings: readonly Finding[]): void {
    let kept = this.headers.get(path);
    if (!kept) this.headers.set(path, (kept = new Map()));
    // Files that agree on the kernels give one finding; where they differ, each set is its own.
    for (const finding of findings) kept.set(`${finding.range.startLine}:${finding.range.startColumn}:${finding.code}:${finding.targets.join(',')}`, finding);
  }

  byHeader(): { path: string; findings: Finding[] }[] {
    return [...this.headers.keys()].sort().map((path) => ({
      path,
      findings: [...this.headers.get(path)!.values()].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn),
    }));
  }
}
