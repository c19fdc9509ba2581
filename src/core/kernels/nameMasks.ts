// A large table of names, each with a kernel mask, stored as one sorted newline-joined string
// and an array of masks. header-names.json.gz's `callables` holds 130 k names: as a JSON
// object, parsing the file took 550-600 ms of a first check on a loaded machine (80-100 ms
// now) and 26-34 MB more memory; as a string it parses at copying speed and is searched in place.
/** The stored form: `names` sorted by UTF-16 code units and joined by '\n', `masks[i]` for the i-th name. */
export interface NameMasks {
  names: string;
  masks: number[];
}

/** The stored form of a name → mask map. */
export function packNameMasks(table: ReadonlyMap<string, number>): NameMasks {
  const names = [...table.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.some((name) => name.includes('\n'))) throw new Error('a name holds a newline: it cannot be packed');
  return { names: names.join('\n'), masks: names.map((name) => table.get(name)!) };
}

/** Whether a value read from a file is a stored table: a string of as many names as it has masks. */
export function isNameMasks(value: unknown): value is NameMasks {
  const table = value as NameMasks | undefined;
  return typeof table?.names === 'string' && Array.isArray(table.masks) && countNames(table.names) === table.masks.length;
}

/** Looks names up in a stored table (one `isNameMasks` accepts) by binary search. */
export class NameMaskTable {
  /** Where each name starts in `names`, and one past the end. */
  private readonly starts: Uint32Array;

  constructor(private readonly table: NameMasks) {
    const count = table.masks.length;
    this.starts = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      this.starts[i] = at;
      const end = table.names.indexOf('\n', at);
      at = end < 0 ? table.names.length + 1 : end + 1;
    }
    this.starts[count] = table.names.length + 1;
  }

  get size(): number {
    return this.table.masks.length;
  }

  /** The mask of `name`, or undefined when the table lacks it. */
  get(name: string): number | undefined {
    let low = 0;
    let high = this.table.masks.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const order = this.compareAt(middle, name);
      if (order === 0) return this.table.masks[middle];
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /**
   * The i-th name against `name`, by UTF-16 code units, read in place: checks over a tree look
   * up every call of every header a file reads, and a substring per step was most of the cost.
   */
  private compareAt(i: number, name: string): number {
    const { names } = this.table;
    const start = this.starts[i];
    const length = this.starts[i + 1] - 1 - start;
    const shorter = Math.min(length, name.length);
    for (let k = 0; k < shorter; k++) {
      const difference = names.charCodeAt(start + k) - name.charCodeAt(k);
      if (difference !== 0) return difference;
    }
    return length - name.length;
  }

  /** Every name with its mask, in the table's order. */
  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i < this.table.masks.length; i++) yield [this.nameAt(i), this.table.masks[i]];
  }

  private nameAt(i: number): string {
    return this.table.names.slice(this.starts[i], this.starts[i + 1] - 1);
  }
}

function countNames(text: string): number {
  if (text.length === 0) return 0;
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
