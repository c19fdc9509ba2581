// Offsets and line/column positions of a text: one implementation for the checker, the usage
// finder and the edit builder.

/** Index of the first character of each line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Position in `starts` (ascending, starting at or below `index`) of the last entry not after `index`. */
export function lineIndexAt(starts: readonly number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Line and column (both 0-based) of an offset. */
export function positionAt(starts: readonly number[], index: number): { line: number; column: number } {
  const line = lineIndexAt(starts, index);
  return { line, column: index - starts[line] };
}
