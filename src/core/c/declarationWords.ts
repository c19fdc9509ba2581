// Where a declaration names its type with one word that gcc must know as a type: the first
// word of a declaration (after `;`, `{` or `}`, past storage classes and qualifiers) that the
// declared name or a `*` follows (`u1Byte len;`, `VOID ODM_Init(`), and the first word of a
// prototype's parameter that the parameter's name follows (`(IN PADAPTER pAdapter,`). A word
// there that is no type is gcc's "unknown type name" on that line: what undefinedTypeWords.ts
// asks of the driver's macros. Pure text scan over a masked text (statements.ts maskCode).

import { DECLARATION_PREFIX_WORDS } from './kernelMacros';
import { isIdentifierCode, isSpaceCode, skipSpaces } from './typeText';

const IDENTIFIER = /[A-Za-z_]\w*/g;

export interface DeclarationWord {
  name: string;
  offset: number;
  /** The first word of a prototype's parameter (else of a declaration). */
  inParameterList: boolean;
  /** Inside one of the bodies given. */
  inBody: boolean;
}

/** The candidate words that stand as a declaration's or a parameter's type in `masked`. */
export function declarationWords(masked: string, isCandidate: (name: string) => boolean, bodies: readonly { open: number; close: number }[] = []): DeclarationWord[] {
  const found: DeclarationWord[] = [];
  for (const match of masked.matchAll(IDENTIFIER)) {
    const name = match[0];
    const offset = match.index!;
    // A word inside another (`xIN`) is not matched whole by the pattern's start: skip those.
    if (offset > 0 && isIdentifierCode(masked.charCodeAt(offset - 1))) continue;
    if (!isCandidate(name)) continue;
    const next = masked.charAt(skipSpaces(masked, offset + name.length));
    const nameFollows = /[A-Za-z_]/.test(next);
    if (!nameFollows && next !== '*') continue;
    const before = charBeforeDeclaration(masked, offset);
    const inBody = insideBody(bodies, offset);
    if (before === undefined || ';{}'.includes(before)) found.push({ name, offset, inParameterList: false, inBody });
    // In a parameter list only a name may follow: `(a * b` is a product.
    else if ((before === '(' || before === ',') && nameFollows && opensParameterList(masked, offset)) found.push({ name, offset, inParameterList: true, inBody });
  }
  return found;
}

/** The code character before the word and the storage classes or qualifiers before it; undefined at the text's start. */
function charBeforeDeclaration(masked: string, offset: number): string | undefined {
  let at = offset;
  for (;;) {
    while (at > 0 && isSpaceCode(masked.charCodeAt(at - 1))) at--;
    if (at === 0) return undefined;
    if (!isIdentifierCode(masked.charCodeAt(at - 1))) return masked[at - 1];
    let start = at;
    while (start > 0 && isIdentifierCode(masked.charCodeAt(start - 1))) start--;
    const word = masked.slice(start, at);
    if (word !== 'typedef' && !DECLARATION_PREFIX_WORDS.has(word)) return masked[at - 1];
    at = start;
  }
}

/**
 * Whether the parenthesis group the word stands in follows a name: a prototype's parameters.
 * A function pointer's (`VOID (*cb)(IN int)`) are left alone: where its type is unknown, gcc
 * skips the member whole and reports its first line only.
 */
function opensParameterList(masked: string, offset: number): boolean {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = masked[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth-- > 0) continue;
      let at = i;
      while (at > 0 && isSpaceCode(masked.charCodeAt(at - 1))) at--;
      return at > 0 && isIdentifierCode(masked.charCodeAt(at - 1));
    } else if (c === ';' || c === '{' || c === '}') return false;
  }
  return false;
}

function insideBody(bodies: readonly { open: number; close: number }[], offset: number): boolean {
  let low = 0;
  let high = bodies.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (offset <= bodies[mid].open) high = mid - 1;
    else if (offset >= bodies[mid].close) low = mid + 1;
    else return true;
  }
  return false;
}
