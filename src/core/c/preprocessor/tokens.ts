// Tokens of directive lines: identifiers, numbers, punctuators and the leaves expansion
// leaves behind (versions, config tests, known values).
import type { Num } from './numbers';

export const enum TokenKind {
  Identifier,
  Number,
  CharLiteral,
  StringLiteral,
  Punctuator,
  Other,
  // Kinds that only macro expansion produces:
  /** A known integer (from `defined`, IS_ENABLED(), or an identifier known to be undefined). */
  Value,
  /** A per-environment quantity such as LINUX_VERSION_CODE or a CONFIG_ symbol. */
  Leaf,
  /** Something whose value cannot be known (an unknown macro, a failed `##`). */
  Unknown,
}

export const enum LeafKind {
  VersionCode,
  VersionMajor,
  VersionPatchlevel,
  VersionSublevel,
  /** The value CONFIG_X expands to. */
  ConfigValue,
  /** defined(CONFIG_X) */
  ConfigDefined,
  /** Whether CONFIG_X is defined as exactly `1` (the kernel's IS_BUILTIN test). */
  ConfigIsOne,
  /**
   * `defined(X)`, or `X` as a value, for a name the kernel's headers define on some kernels
   * and not on others: 0 where they declare no macro or function of it, else unknown.
   */
  KernelName,
  /**
   * `__has_include(<name>)` for a kernel header the workspace does not provide: 1 where the
   * kernel's headers have it, 0 where they do not, unknown without header data.
   */
  KernelHeader,
}

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly spaceBefore: boolean;
  /** Macros this identifier came out of; it must not be expanded as any of them again. */
  readonly hiddenNames?: readonly string[];
  /** Value tokens only. */
  readonly value?: Num;
  /** Leaf tokens only; `text` then holds the symbol name. */
  readonly leaf?: LeafKind;
}

export const THREE_CHAR_PUNCTUATORS = new Set(['...', '<<=', '>>=']);
export const TWO_CHAR_PUNCTUATORS = new Set([
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
]);
export const ONE_CHAR_PUNCTUATORS = '[](){}.&*+-~!/%<>^|?:;=,#';

export function isIdentifierStart(c: number): boolean {
  // Bytes above ASCII are accepted so UTF-8 identifiers stay one token.
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
}

export function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHorizontalSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11;
}

/** Index just past the literal that starts with the quote at `start` (or the end of text). */
export function skipQuoted(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return text.length;
}

/** Splits directive text (comments already removed) into preprocessing tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  let spaceBefore = false;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isHorizontalSpace(c) || c === 10 || c === 13) {
      spaceBefore = true;
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < length && isIdentifierPart(text.charCodeAt(j))) j++;
      const next = text.charCodeAt(j);
      const word = text.slice(i, j);
      if ((next === 34 || next === 39) && (word === 'L' || word === 'u' || word === 'U' || word === 'u8')) {
        kind = next === 34 ? TokenKind.StringLiteral : TokenKind.CharLiteral;
        i = skipQuoted(text, j);
      } else {
        kind = TokenKind.Identifier;
        i = j;
      }
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      // A pp-number: digits, letters, dots, and signs right after an exponent letter.
      i++;
      while (i < length) {
        const d = text.charCodeAt(i);
        const previous = text.charCodeAt(i - 1) | 32;
        if ((d === 43 || d === 45) && (previous === 101 || previous === 112)) i++;
        else if (isIdentifierPart(d) || d === 46) i++;
        else break;
      }
      kind = TokenKind.Number;
    } else if (c === 34 || c === 39) {
      kind = c === 34 ? TokenKind.StringLiteral : TokenKind.CharLiteral;
      i = skipQuoted(text, i);
    } else if (THREE_CHAR_PUNCTUATORS.has(text.slice(i, i + 3))) {
      kind = TokenKind.Punctuator;
      i += 3;
    } else if (TWO_CHAR_PUNCTUATORS.has(text.slice(i, i + 2))) {
      kind = TokenKind.Punctuator;
      i += 2;
    } else {
      kind = ONE_CHAR_PUNCTUATORS.includes(text[i]) ? TokenKind.Punctuator : TokenKind.Other;
      i++;
    }
    tokens.push({ kind, text: text.slice(start, i), spaceBefore });
    spaceBefore = false;
  }
  return tokens;
}

export function isPunctuator(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === TokenKind.Punctuator && token.text === text;
}

export function valueToken(value: Num): Token {
  return { kind: TokenKind.Value, text: String(value), spaceBefore: true, value };
}

export function unknownToken(text: string): Token {
  return { kind: TokenKind.Unknown, text, spaceBefore: true };
}

export function leafToken(leaf: LeafKind, name: string): Token {
  return { kind: TokenKind.Leaf, text: name, spaceBefore: true, leaf };
}

export const ZERO_TOKEN = valueToken(0);
export const ONE_TOKEN = valueToken(1);
export const DEFINED_TOKEN: Token = { kind: TokenKind.Identifier, text: 'defined', spaceBefore: false };
export const NOT_TOKEN: Token = { kind: TokenKind.Punctuator, text: '!', spaceBefore: false };

