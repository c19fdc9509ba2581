// The typedefs older kernels' functions were declared with, from the DepSurf dataset's
// functions.jsonl.gz: a word in a type's place of a prototype of an amd64 Ubuntu image
// (`make_request_fn` in `void blk_queue_make_request(struct request_queue *q, make_request_fn
// *mfn);`) names a typedef there, since BTF prints a typedef's name and a struct's tag with its
// keyword. The importer keeps those no Debian kernel's headers spell (headers.ts): a driver
// still declaring one (`make_request_fn *orig;`, gone in 5.9) does not build on any Debian kernel.
import type { KernelImage } from '../../src/core/kernels/schema';
import { readDepsurfFunctions } from './depsurfFunctions';

/** C's own type words and qualifiers: never a typedef. */
const C_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'const', 'volatile', 'restrict', 'struct', 'union', 'enum', 'inline', 'static', 'extern']);
/** A word, then a declarator after it: stars or a name (`make_request_fn *mfn`, `gfp_t gfp`, `u32 (*cb)(…)`). */
const TYPE_WORD = /(?<![\w.>])([A-Za-z_]\w*)\b(?=\s*\*|\s*\(\s*\*|\s+[A-Za-z_])/g;

/** Words some prototype of some of `images` (the amd64 Ubuntu images) types a parameter or its result with; empty without the file. */
export function olderTypedefNames(depsurfDir: string, images: readonly KernelImage[]): Set<string> {
  const names = new Set<string>();
  const amd64 = new Set(images.filter((image) => image.arch === 'amd64').map((image) => image.label));
  for (const parsed of readDepsurfFunctions(depsurfDir)) {
    for (const variant of parsed.variants) {
      // A variant BTF gave no prototype for has nothing to read.
      if (variant.proto === null || !variant.images.some((label) => amd64.has(label))) continue;
      for (const word of typeWords(variant.proto)) names.add(word);
    }
  }
  return names;
}

/** The typedef names a prototype's text types things with: not C's words, not tags, not reserved names. */
export function typeWords(prototype: string): string[] {
  const words: string[] = [];
  for (const match of prototype.matchAll(TYPE_WORD)) {
    const word = match[1];
    const before = prototype.slice(0, match.index).trimEnd();
    if (C_WORDS.has(word) || word.startsWith('_') || /\b(?:struct|union|enum)$/.test(before)) continue;
    words.push(word);
  }
  return words;
}

/**
 * The struct tags the global functions of some of `images` (the amd64 Ubuntu images) name in
 * their prototypes (`struct timespec` in `void getnstimeofday(struct timespec *ts);`): the
 * structs older kernels' APIs were written with. The importer keeps those no Debian kernel's
 * headers define or could make (headers.ts): a driver still declaring one (`struct timespec ts;`,
 * gone from the kernel's headers in 5.6) does not build on any Debian kernel.
 */
export function olderStructTags(depsurfDir: string, images: readonly KernelImage[]): Set<string> {
  const tags = new Set<string>();
  const amd64 = new Set(images.filter((image) => image.arch === 'amd64').map((image) => image.label));
  for (const parsed of readDepsurfFunctions(depsurfDir)) {
    for (const variant of parsed.variants) {
      if (variant.proto === null || !variant.collision.endsWith('Global') || !variant.images.some((label) => amd64.has(label))) continue;
      for (const match of variant.proto.matchAll(/\bstruct\s+([A-Za-z_]\w*)/g)) if (!match[1].startsWith('_')) tags.add(match[1]);
    }
  }
  return tags;
}
