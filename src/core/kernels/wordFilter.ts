// A Bloom filter over words: a set that answers "certainly not held" or "maybe held" in a few
// hundred kilobytes where the words themselves (over 400,000 names in capitals the kernels'
// headers spell) would take megabytes on disk and tens of megabytes in memory. The checks only
// act on "certainly not held", so the filter's false answers ("maybe held" for a word it was
// never given) can only make a check stay silent. Written here rather than taken from npm: the
// packages made for it carry random, hashing and serialization dependencies for what is two
// hash functions and a bit array.

export interface PackedWordFilter {
  /** The bit array, base64. */
  bits: string;
  /** Bits set per word. */
  hashes: number;
}

export class WordFilter {
  private readonly bitCount: number;

  constructor(
    private readonly bits: Uint8Array,
    private readonly hashes: number,
  ) {
    // An empty array would hold nothing, and every word would read as certainly not held.
    if (bits.length === 0 || !(hashes > 0)) throw new Error('a word filter needs bits and hashes');
    this.bitCount = bits.length * 8;
  }

  static unpack(packed: PackedWordFilter): WordFilter {
    return new WordFilter(Buffer.from(packed.bits, 'base64'), packed.hashes);
  }

  /** Built from `words`, with about `falseRate` of other words answered "maybe held". */
  static of(words: Iterable<string>, falseRate: number): WordFilter {
    const list = [...new Set(words)];
    const bitCount = Math.max(64, Math.ceil((-list.length * Math.log(falseRate)) / Math.LN2 ** 2));
    const hashes = Math.max(1, Math.round((bitCount / Math.max(1, list.length)) * Math.LN2));
    const filter = new WordFilter(new Uint8Array(Math.ceil(bitCount / 8)), hashes);
    for (const word of list) filter.add(word);
    return filter;
  }

  pack(): PackedWordFilter {
    return { bits: Buffer.from(this.bits).toString('base64'), hashes: this.hashes };
  }

  /** False only for a word the filter was certainly not built from. */
  mayHold(word: string): boolean {
    let found = true;
    this.eachBit(word, (byte, mask) => {
      if ((this.bits[byte] & mask) === 0) found = false;
    });
    return found;
  }

  private add(word: string): void {
    this.eachBit(word, (byte, mask) => {
      this.bits[byte] |= mask;
    });
  }

  /** The word's bits, by double hashing: bit i is h1 + i·h2 (Kirsch and Mitzenmacher). */
  private eachBit(word: string, visit: (byte: number, mask: number) => void): void {
    const first = fnv1a(word, 0x811c9dc5);
    const second = fnv1a(word, 0x01000193) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (first + Math.imul(i, second)) >>> 0;
      const at = bit % this.bitCount;
      visit(at >>> 3, 1 << (at & 7));
    }
  }
}

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
