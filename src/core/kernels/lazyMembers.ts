// The kernels' function and macro declarations (headers.json.gz) are 130,000 members of two
// JSON objects, of which a check asks for a few hundred. Parsed whole they cost every thread
// 100 ms at start and 21 MB; here the text is scanned once for where each member's value
// starts, and a value is parsed when first asked for.
import { detached } from '../detached';

/** Members of a JSON object by name, each parsed on first use. */
export interface MemberLookup<T> {
  get(name: string): T | undefined;
}

/** A plain object's members as a lookup (own members only, as `hasOwnProperty` tells). */
export function recordLookup<T>(record: Record<string, T>): MemberLookup<T> {
  return { get: (name) => (Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined) };
}

export class LazyMembers<T> implements MemberLookup<T> {
  private readonly parsed = new Map<string, T>();

  constructor(
    private readonly text: string,
    /** Each member's name → where its value starts in `text`. */
    private readonly valueStarts: ReadonlyMap<string, number>,
    /** The error for a value that is not valid JSON (the scan checks the layout, not every value). */
    private readonly corrupt: (name: string) => Error,
  ) {}

  get(name: string): T | undefined {
    const known = this.parsed.get(name);
    if (known !== undefined) return known;
    const start = this.valueStarts.get(name);
    if (start === undefined) return undefined;
    let value: T;
    try {
      value = JSON.parse(this.text.slice(start, valueEnd(this.text, start))) as T;
    } catch {
      throw this.corrupt(name);
    }
    this.parsed.set(detached(name), value);
    return value;
  }
}

/**
 * The object whose `{` is at `open`: where each member's value starts, and the index just
 * past its `}`. Undefined where the text there is not such an object.
 */
export function scanObject(text: string, open: number): { valueStarts: Map<string, number>; end: number } | undefined {
  if (text.charCodeAt(open) !== 123 /* { */) return undefined;
  const valueStarts = new Map<string, number>();
  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === 125 /* } */) return { valueStarts, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== 34 /* " */) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const raw = text.slice(i + 1, keyEnd - 1);
    const name = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 58 /* : */) return undefined;
    const start = skipSpace(text, i + 1);
    const end = valueEnd(text, start);
    if (end < 0) return undefined;
    valueStarts.set(name, start);
    i = skipSpace(text, end);
    const next = text.charCodeAt(i);
    if (next === 125) return { valueStarts, end: i + 1 };
    if (next !== 44 /* , */) return undefined;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return i;
    i++;
  }
}

/** Just past the string whose opening quote is at `open`; -1 when it never closes. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) i++;
    else if (code === 34) return i + 1;
  }
  return -1;
}

/** Just past the JSON value that starts at `start`; -1 when it never ends. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      i = stringEnd(text, i) - 1;
      if (i < 0) return -1;
      if (depth === 0) return i + 1;
    } else if (code === 91 /* [ */ || code === 123) {
      depth++;
    } else if (code === 93 /* ] */ || code === 125) {
      if (--depth === 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth === 0 && (code === 44 || code === 32 || code === 10 || code === 13 || code === 9)) {
      return i;
    }
  }
  return depth === 0 ? text.length : -1;
}
