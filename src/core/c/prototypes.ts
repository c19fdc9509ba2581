// Reading a function prototype as the header data stores it (`struct class *class_create(const
// char *)`): its parameter types, and how many arguments a call must pass.
import { splitTopLevel } from './signatures';

export interface PrototypeParameters {
  /** Parameter types in order; [] for `(void)` and `()`. */
  types: string[];
  /** Ends with `...`: more arguments may follow. */
  variadic: boolean;
}

/**
 * The parameters of `name`'s prototype; undefined when the text cannot be read with
 * confidence. The header reader leaves fortified string functions (`char *const POS p`) with
 * a parameter name split off as a parameter of its own: a lone one-letter word is such a
 * remnant, and such a prototype is not used to count arguments.
 */
export function prototypeParameters(prototype: string, name: string): PrototypeParameters | undefined {
  const open = findName(prototype, name);
  if (open < 0) return undefined;
  const close = matchingParen(prototype, open);
  if (close < 0) return undefined;
  const inside = prototype.slice(open + 1, close).trim();
  if (inside === '' || inside === 'void') return { types: [], variadic: false };
  const types = splitTopLevel(inside);
  const variadic = types[types.length - 1] === '...';
  if (variadic) types.pop();
  if (types.some((type) => type === '' || /^[a-z]$/.test(type))) return undefined;
  return { types, variadic };
}

/** Offset of the `(` after `name` in the prototype, or -1. */
function findName(prototype: string, name: string): number {
  for (let at = prototype.indexOf(name); at >= 0; at = prototype.indexOf(name, at + 1)) {
    const before = at === 0 ? '' : prototype[at - 1];
    if (/\w/.test(before)) continue;
    let open = at + name.length;
    while (prototype[open] === ' ') open++;
    if (prototype[open] === '(') return open;
  }
  return -1;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
