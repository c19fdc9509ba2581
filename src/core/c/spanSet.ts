// Spans of a text asked whether they hold an offset, in logarithmic time: a file may pass
// thousands of arguments to macros that leave them out (a table of 20,000 rows of one macro),
// and every usage and call of the file is asked about.

export interface Span {
  start: number;
  end: number;
}

export class SpanSet {
  private readonly starts: number[];
  /** The furthest end of the spans up to each one, in order of their starts: spans may nest or overlap. */
  private readonly reach: number[];

  constructor(spans: readonly Span[]) {
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    this.starts = sorted.map((span) => span.start);
    this.reach = [];
    let furthest = -Infinity;
    for (const span of sorted) this.reach.push((furthest = Math.max(furthest, span.end)));
  }

  /** Whether a span holds `offset` (start included, end not). */
  holds(offset: number): boolean {
    let low = 0;
    let high = this.starts.length - 1;
    // The last span starting at or before the offset: one of those reaching past it holds it.
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] <= offset) low = middle + 1;
      else high = middle - 1;
    }
    return high >= 0 && this.reach[high] > offset;
  }
}
