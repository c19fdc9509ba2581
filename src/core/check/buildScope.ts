// On which of the targeted kernels the build compiles a file at all: the object lists of its
// Kbuild (kbuildObjects.ts) against each kernel's config. The CLI and the extension judge a
// file only on those kernels; a file no kernel builds is not judged, and they say why.
import { dirname, relative } from 'node:path';
import { builtWith, failedTestWords, holds, kbuildVerdict, type ConfigNeeds, type ConfigReader } from '../c/kbuildObjects';
import type { TextReader } from '../c/includes';
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';

export interface BuildScope {
  /** The targets whose build compiles the file (all of them when no object list speaks). */
  targets: number[];
  /** Set when no targeted kernel builds the file: why, in words (`not built by Kbuild (x.o is not in foo-y)`). */
  notBuilt?: string;
  /** Targets left out because their config turns the file's object off, and in words which. */
  configuredOff?: { targets: number[]; why: string };
  /** Make files that could not be read in full. */
  problems: string[];
  /** Whether an object list names the file's object (a `.c` file): it is compiled alone, not as part of another file. */
  named?: boolean;
}

/**
 * `inKernelTree`: the file is part of a kernel source tree (kernelTree.ts), where every config
 * symbol is the kernel's: one no kernel's config sets is off, not the driver's own.
 * `includerOf`: the .c file that `#include`s this one, if any (includedSources.ts).
 */
export function buildScope(
  file: string,
  roots: readonly string[],
  read: TextReader,
  db: KernelDatabase,
  targets: readonly number[],
  inKernelTree = false,
  includerOf?: (file: string) => string | undefined,
): BuildScope {
  const verdict = kbuildVerdict(file, roots, read);
  const problems = verdict.problems;
  if (verdict.kind === 'unknown' || verdict.kind === 'not-built') {
    // No object list names it, and another .c file includes it: it is compiled as part of that one only.
    const includer = includerOf?.(file);
    if (includer !== undefined) return { targets: [], notBuilt: `not built alone: ${relative(dirname(file), includer)} includes it`, problems };
    if (verdict.kind === 'not-built') return { targets: [], notBuilt: verdict.reason, problems };
    return { targets: [...targets], problems };
  }
  const known = knownSymbols(db);
  const configOf =
    (image: number): ConfigReader =>
    (symbol) => {
      const value = db.configValue(image, symbol);
      // No config for this kernel, or, out of a kernel tree, a symbol no kernel has (the
      // driver's own, set on make's command line): it may be anything.
      if (value === null || (value === undefined && !inKernelTree && !known(symbol))) return 'unknown';
      return value;
    };
  const built = targets.filter((image) => builtWith(verdict.when, configOf(image)));
  const named = file.endsWith('.c');
  if (built.length === targets.length) return { targets: built, problems, named };
  const off = targets.filter((image) => !built.includes(image));
  const why = failedTests(verdict.when, off, configOf).join(', ');
  const configuredOff = { targets: off, why: `not built on ${describeImages(db.images, off, targets)}: ${why} there` };
  if (built.length === 0) return { targets: [], notBuilt: `not built on the targeted kernels (${why})`, configuredOff, problems };
  return { targets: built, configuredOff, problems, named };
}

/** The config tests that fail on the kernels in `off`, in words, at most three. */
function failedTests(when: readonly ConfigNeeds[], off: readonly number[], configOf: (image: number) => ConfigReader): string[] {
  const failed = new Set<string>();
  for (const needs of when) for (const test of needs) if (off.some((image) => !holds(test, configOf(image)))) failed.add(failedTestWords(test));
  return [...failed].slice(0, 3);
}

/** Whether some bundled kernel's config mentions a symbol at all. */
function knownSymbols(db: KernelDatabase): (symbol: string) => boolean {
  const cache = new Map<string, boolean>();
  return (symbol) => {
    let known = cache.get(symbol);
    if (known === undefined) {
      known = db.images.some((_, image) => {
        const value = db.configValue(image, symbol);
        return value !== undefined && value !== null;
      });
      cache.set(symbol, known);
    }
    return known;
  };
}
