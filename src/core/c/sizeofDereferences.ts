// `sizeof(*p)` and `sizeof *p`, where `p` is declared in the enclosing function as a pointer to
// a struct: the size of what it points to needs the struct's definition, as `sizeof(struct x)`
// does ("invalid application of 'sizeof' to incomplete type"), while the pointer itself needs
// none. Only a plain name is read, typed by ArgumentTypes; anything else (`sizeof(*p->q)`,
// `sizeof(p[0])`) is left out rather than guessed.
import type { ArgumentTypes } from './argumentTypes';

/** `sizeof(*name)` or `sizeof *name` not followed by a member, subscript or call. */
const SIZEOF_DEREFERENCE = /\bsizeof\s*(\(\s*)?\*\s*([A-Za-z_]\w*)\b(?!\s*(?:->|\.|\[|\())/g;

export interface SizeofDereference {
  /** The struct's tag. */
  tag: string;
  /** Offsets of the `sizeof … name` text in the file. */
  start: number;
  end: number;
}

/** The file's `sizeof` of a dereferenced struct pointer (`masked`: comments, strings and directives blanked). */
export function sizeofDereferences(masked: string, types: ArgumentTypes): SizeofDereference[] {
  const found: SizeofDereference[] = [];
  for (const match of masked.matchAll(SIZEOF_DEREFERENCE)) {
    const [whole, parenthesis, name] = match;
    const end = match.index! + whole.length;
    // `sizeof(*p)`: the parenthesis holds the dereference alone (`sizeof(*p * 2)` is something else).
    if (parenthesis !== undefined && !/^\s*\)/.test(masked.slice(end, end + 80))) continue;
    const type = types.typeOf(name, match.index!);
    if (type?.depth === 1) found.push({ tag: type.tag, start: match.index!, end });
  }
  return found;
}
