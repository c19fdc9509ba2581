// Where an #include is looked for: quoted ones next to the including file first, then, like
// angle ones, under each workspace root and its include/ folder. Kernel headers are not
// there, which is right: their macros stay unknown. Reading is passed in by the caller.
import { dirname, join } from 'node:path';
import type { IncludeResolver } from './preprocessor';

/** Returns a file's text, or undefined when it does not exist or cannot be read as text. */
export type TextReader = (path: string) => string | undefined;

export function createIncludeResolver(roots: readonly string[], read: TextReader): IncludeResolver {
  const cache = new Map<string, string | undefined>();
  return (spec, quoted, includingFile) => {
    const candidates = [
      ...(quoted ? [join(dirname(includingFile), spec)] : []),
      ...roots.flatMap((root) => [join(root, 'include', spec), join(root, spec)]),
    ];
    for (const candidate of candidates) {
      if (!cache.has(candidate)) cache.set(candidate, read(candidate));
      const text = cache.get(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  };
}
