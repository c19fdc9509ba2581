// `MODULE_IMPORT_NS(WORD)` with a bare word for the namespace, read from the masked text
// (string contents blanked, quotes kept): `MODULE_IMPORT_NS("DMA_BUF")` has none.
import { lineIndexAt, lineStarts } from './lineIndex';

export interface BareNamespace {
  name: string;
  line: number;
  startColumn: number;
  endColumn: number;
}

const BARE_IMPORT = /\bMODULE_IMPORT_NS\s*\(\s*([A-Za-z_]\w*)\s*\)/g;

/** The bare-word imports on code lines (`isDirectiveLine`: a #define's body is read where it expands, not here). */
export function bareNamespaceImports(masked: string, isDirectiveLine: (line: number) => boolean): BareNamespace[] {
  if (!masked.includes('MODULE_IMPORT_NS')) return [];
  const starts = lineStarts(masked);
  const found: BareNamespace[] = [];
  for (const match of masked.matchAll(BARE_IMPORT)) {
    const offset = match.index! + match[0].indexOf(match[1], 'MODULE_IMPORT_NS'.length);
    const line = lineIndexAt(starts, offset);
    if (isDirectiveLine(line)) continue;
    const startColumn = offset - starts[line];
    found.push({ name: match[1], line, startColumn, endColumn: startColumn + match[1].length });
  }
  return found;
}
