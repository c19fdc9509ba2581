// Workspace headers as the text scans read them: masked (statements.ts maskCode) with their line
// starts, kept per text, since every file of a vendor driver reads the same headers.
import { LRUCache } from 'lru-cache';
import { lineStarts } from './lineIndex';
import type { IncludedHeader } from './preprocessor';
import { maskCode } from './statements';
import { cacheSize, madeAtFirstUse } from '../cacheBudget';

type MaskedHeader = { text: string; masked: string; lineStartIndices: number[] };

/** A header's masked text and line starts, kept per text: every file of a vendor driver reads the same headers. */
const kept = madeAtFirstUse(
  () =>
    new LRUCache<string, MaskedHeader>({
      maxSize: cacheSize(16 * 1024 * 1024),
      sizeCalculation: (entry) => 2 * entry.text.length + 8 * entry.lineStartIndices.length + 64,
    }),
);

export function maskedHeader(header: IncludedHeader): { masked: string; lineStartIndices: number[] } {
  const known = kept().get(header.path);
  if (known && known.text === header.text) return known;
  const entry = { text: header.text, masked: maskCode(header.text), lineStartIndices: lineStarts(header.text) };
  kept().set(header.path, entry);
  return entry;
}
