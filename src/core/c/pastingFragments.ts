// The pieces macros paste names from: in `#define FEATURE(x) NETIF_F_##x` the name made starts
// with `NETIF_F_`, in `#define MASK(f) f##_MASK` it ends with `_MASK`. A name in capitals that
// nothing spells whole may still be one such a macro makes (vm_event_item.h's
// `FOR_ALL_ZONES(PGALLOC)` makes `PGALLOC_NORMAL`), so a check that calls such a name
// undeclared leaves alone every name these pieces could have made.

export interface PastingFragments {
  /** Pieces a made name starts with (written before a `##`). */
  prefixes: Set<string>;
  /** Pieces a made name ends with (written after a `##`). */
  suffixes: Set<string>;
  /** Whether some `##` joins two parameters (`a##b`): then any name may be made, of pieces only the macro's callers spell. */
  joinsParameters: boolean;
}

export function noPastingFragments(): PastingFragments {
  return { prefixes: new Set(), suffixes: new Set(), joinsParameters: false };
}

/** A function-like `#define`, continuation lines joined: its parameter list and body. */
const FUNCTION_LIKE_DEFINE = /^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*\(([^()]*)\)(.*)$/gm;
const PASTE = /([A-Za-z0-9_]+)?\s*##\s*([A-Za-z0-9_]+)?/g;
/** A piece a name in capitals can start or end with. */
const CAPITALS_PIECE = /^[A-Z0-9_]+$/;
/** What `x##ULL` or `x##1` is given: a number (`_AC(1, UL)`, `U64_C(0x10)`), which makes no name. */
const NUMBER_SUFFIX = /^(?:[0-9]+|U|L|UL|LU|LL|ULL|LLU)$/;

/** Adds the pieces the `##` of the function-like macros defined in `text` paste names from. */
export function addPastingFragments(text: string, into: PastingFragments): void {
  if (!text.includes('##')) return;
  for (const [, list, body] of text.replace(/\\\r?\n/g, ' ').matchAll(FUNCTION_LIKE_DEFINE)) {
    if (!body.includes('##')) continue;
    const parameters = new Set(list.split(',').map((parameter) => parameter.trim().replace(/\.\.\.$/, '') || '__VA_ARGS__'));
    if (list.includes('...')) parameters.add('__VA_ARGS__');
    for (const [, before, after] of body.matchAll(PASTE)) {
      // `fmt, ##__VA_ARGS__` pastes no name: GNU C drops the comma before empty arguments.
      if (before === undefined || after === undefined) continue;
      const parameterBefore = parameters.has(before);
      const parameterAfter = parameters.has(after);
      if (parameterBefore && parameterAfter) into.joinsParameters = true;
      if (!parameterBefore && CAPITALS_PIECE.test(before)) into.prefixes.add(before);
      if (!parameterAfter && CAPITALS_PIECE.test(after) && !NUMBER_SUFFIX.test(after)) into.suffixes.add(after);
    }
  }
}

/**
 * Whether pasting one of the pieces onto something could have made `name`. With `given`, only
 * onto a piece it takes: a macro's caller spells what it pastes (`FOR_ALL_ZONES(PGALLOC)`
 * makes `PGALLOC_DMA`, and PGALLOC is spelled), so `RX_FLAG_STBC_SHIFT` is no `x##_SHIFT` where
 * nothing spells `RX_FLAG_STBC`. A piece of digits alone is always taken (`BITS(32)`).
 */
export function mayBePasted(name: string, fragments: { prefixes: ReadonlySet<string>; suffixes: ReadonlySet<string> }, given: (piece: string) => boolean = () => true): boolean {
  const taken = (piece: string) => /^[0-9]+$/.test(piece) || given(piece);
  for (let end = 1; end < name.length; end++) {
    if (fragments.prefixes.has(name.slice(0, end)) && taken(name.slice(end))) return true;
    if (fragments.suffixes.has(name.slice(end)) && taken(name.slice(0, end))) return true;
  }
  return false;
}
