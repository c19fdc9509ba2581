// Decides, for every line of a C file and every target kernel image, whether the line is
// compiled. This is a condition evaluator, not a full preprocessor: it tracks macro
// definitions only so that #if/#ifdef/#elif conditions can be evaluated, and it never
// rewrites the code itself.
//
// Everything is three-valued. A macro we cannot see (RHEL_RELEASE_CODE, a -D flag from a
// Makefile, something from a kernel header outside the workspace) is "unknown", and
// unknown spreads through the expression unless short-circuit logic settles it. The answer
// for a line is then Maybe instead of a guess.
//
// Cost model: the file is scanned once; each directive is tokenized once; each condition is
// macro-expanded and parsed once per group of environments that agree on every macro the
// expansion touches (usually one group), and only the small resulting expression tree is
// evaluated per environment. Pure module: no file system, no editor API.

import { LRUCache } from 'lru-cache';

export const enum LineState {
  Inactive = 0,
  Maybe = 1,
  Active = 2,
}

/** What the preprocessor knows about one target kernel image. */
export interface KernelEnvironment {
  /** LINUX_VERSION_CODE of the image: (a<<16) + (b<<8) + min(c,255), e.g. 5.15.30 -> 0x050f1e. */
  versionCode: number;
  /** The image's kernel config value of a symbol such as 'CONFIG_VFIO': 'y', 'm', a string literal with quotes
   *  ('"foo"'), or a number text ('0x10', '64'); undefined when the symbol is not set in this image's full config
   *  (which means "off"); null when this image has no known config at all (then every CONFIG_ test is unknown). */
  config(symbol: string): string | undefined | null;
}

/** Returns the text of an included header when it can be found inside the user's workspace, else undefined. */
export type IncludeResolver = (
  spec: string,
  quoted: boolean,
  includingFile: string,
) => { path: string; text: string } | undefined;

/**
 * A `-D`/`-U` flag the build passes to every compile. `certain` is false when the flag is set
 * only under a condition the build files test (a `ifeq` in a Makefile): the macro may then be
 * either way, so code depending on it is judged nowhere rather than guessed.
 */
export interface CommandLineMacro {
  name: string;
  /** The definition (`-DX` is `1`, `-DX=v` is `v`), or null for `-UX`. */
  value: string | null;
  certain: boolean;
}

export interface ConditionInfo {
  /** 0-based line of the #if/#ifdef/#ifndef/#elif directive */
  line: number;
  directive: 'if' | 'ifdef' | 'ifndef' | 'elif';
  /** the condition text as written (continuations joined; comments replaced by a space; trimmed) */
  text: string;
  /** per environment (same order as `envs`): true, false, or undefined when it cannot be decided.
   *  This is the condition's own value in that environment, whether or not the compiler would
   *  reach it there (enclosing region and earlier branches are reflected in `lineStates`). */
  values: (boolean | undefined)[];
  /** 0-based line of the matching #endif (or last line of file if unbalanced) */
  endLine: number;
  /** 0-based lines of this group's #elif/#else siblings that follow this directive, in order
   *  (for an #if: all of them), so a branch body ends before branchLines[0] ?? endLine. */
  branchLines: number[];
}

export interface PreprocessResult {
  /** one Uint8Array per environment, one LineState per line of `text` */
  lineStates: Uint8Array[];
  /** 1 for lines that belong to a preprocessor directive (including backslash continuation lines), else 0 */
  directiveLines: Uint8Array;
  conditions: ConditionInfo[];
  /** human-readable problems, e.g. unbalanced #endif, #else without #if, unterminated #if, include depth */
  problems: { line: number; message: string }[];
  /**
   * Every name a #define (in the file or a header it reads) may define, with the targets
   * (by position in `envs`) that may compile that #define. A member or struct name that is a
   * macro there (`#define priv_destructor destructor`) is not what the source spells.
   */
  definedMacros: Map<string, Uint8Array>;
  /**
   * Per environment: the line of the main file where the build certainly stops at an #error
   * (the #include line when the #error is in a header), or -1. A driver that refuses a kernel
   * (`#error "v5.8+ is not supported"`) is not built there, so nothing in it breaks there.
   */
  stoppedAt: Int32Array;
  /** The workspace headers read for the file, each with its lines' states per environment (over all its inclusions). */
  headers: IncludedHeader[];
}

export interface IncludedHeader {
  path: string;
  text: string;
  /** Like PreprocessResult.lineStates: a line counts as compiled where some inclusion compiles it. */
  lineStates: Uint8Array[];
  directiveLines: Uint8Array;
}

// Limits that keep hostile or broken input from hanging the editor.
/** gcc's own limit: kernel headers nest over 30 deep, and readings are replayed, so depth costs little. */
const MAX_INCLUDE_DEPTH = 200;
/** Tokens one condition may push through macro expansion before it is declared undecidable. */
const EXPANSION_STEPS_PER_CONDITION = 20_000;
/** The same, summed over a whole call, so a file full of expensive conditions stays bounded. */
const EXPANSION_STEPS_PER_CALL = 5_000_000;
/** Nested macro-argument pre-expansions (each one recurses). */
const MAX_EXPANSION_NESTING = 64;
/** Nesting of parentheses/unary operators and depth of the expression tree (both recurse). */
const MAX_EXPRESSION_DEPTH = 256;

export function preprocess(
  text: string,
  fileName: string,
  envs: KernelEnvironment[],
  resolveInclude?: IncludeResolver,
  /** Headers the build includes before the file (`-include` in Kbuild), as include specs. */
  forcedIncludes: readonly string[] = [],
  /** Macros the build defines on the command line (`-D` in Kbuild), applied first as gcc does. */
  commandLine: readonly CommandLineMacro[] = [],
): PreprocessResult {
  const source = scanSource(text, true);
  try {
    return new PreprocessRun(fileName, envs, resolveInclude).run(source, forcedIncludes, commandLine);
  } catch (error) {
    // A bug here must not take the editor down; saying "don't know" everywhere is always safe.
    const message = error instanceof Error ? error.message : String(error);
    return {
      lineStates: envs.map(() => new Uint8Array(source.lineCount).fill(LineState.Maybe)),
      directiveLines: source.directiveLines,
      conditions: [],
      problems: [{ line: 0, message: `internal error while evaluating preprocessor conditions: ${message}` }],
      definedMacros: new Map(),
      stoppedAt: new Int32Array(envs.length).fill(-1),
      headers: [],
    };
  }
}

// ---------------------------------------------------------------------------------------
// Tokens

const enum TokenKind {
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

const enum LeafKind {
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
}

interface Token {
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

const THREE_CHAR_PUNCTUATORS = new Set(['...', '<<=', '>>=']);
const TWO_CHAR_PUNCTUATORS = new Set([
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
]);
const ONE_CHAR_PUNCTUATORS = '[](){}.&*+-~!/%<>^|?:;=,#';

function isIdentifierStart(c: number): boolean {
  // Bytes above ASCII are accepted so UTF-8 identifiers stay one token.
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHorizontalSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11;
}

/** Index just past the literal that starts with the quote at `start` (or the end of text). */
function skipQuoted(text: string, start: number): number {
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
function tokenize(text: string): Token[] {
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

function isPunctuator(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === TokenKind.Punctuator && token.text === text;
}

function valueToken(value: Num): Token {
  return { kind: TokenKind.Value, text: String(value), spaceBefore: true, value };
}

function unknownToken(text: string): Token {
  return { kind: TokenKind.Unknown, text, spaceBefore: true };
}

function leafToken(leaf: LeafKind, name: string): Token {
  return { kind: TokenKind.Leaf, text: name, spaceBefore: true, leaf };
}

const ZERO_TOKEN = valueToken(0);
const ONE_TOKEN = valueToken(1);
const DEFINED_TOKEN: Token = { kind: TokenKind.Identifier, text: 'defined', spaceBefore: false };
const NOT_TOKEN: Token = { kind: TokenKind.Punctuator, text: '!', spaceBefore: false };

// ---------------------------------------------------------------------------------------
// Scanning a file into directives

interface Directive {
  readonly line: number;
  /** Last physical line of the directive (continuations and comments spanning lines). */
  readonly endLine: number;
  /** 'if', 'define', ... ('' for a lone '#') */
  readonly name: string;
  /** Text after the name, continuations joined, each comment replaced by one space. */
  readonly body: string;
  // Memoized per directive so a header included many times is tokenized once, and its
  // #defines yield the same MacroDef object each time (identity then means "same macro").
  conditionTokens?: Token[] | string;
  macro?: MacroDef | string;
}

interface ScannedSource {
  readonly lineCount: number;
  readonly directives: Directive[];
  readonly directiveLines: Uint8Array;
  /** Macro of an `#ifndef X / #define X / ... / #endif` include guard wrapping the whole file. */
  readonly guard: string | undefined;
  readonly pragmaOnce: boolean;
}

const COMMENT_OR_LITERAL_START = /["'/]/g;

/**
 * One pass over the text that finds directives while honouring comments, string and
 * character literals and backslash-newline continuations (a '#' inside a comment or string
 * starts nothing).
 */
function scanSource(text: string, markDirectiveLines: boolean): ScannedSource {
  const lines = text.split('\n');
  const lineCount = lines.length;
  const directiveLines = new Uint8Array(markDirectiveLines ? lineCount : 0);
  const directives: Directive[] = [];
  let inBlockComment = false;
  // A block comment that spans lines outside a directive does not end the logical line, so
  // whether a '#' after it is "at the start of the line" depends on what preceded the comment.
  let carriedLineStart = true;
  let index = 0;
  while (index < lineCount) {
    let atLineStart: boolean = carriedLineStart;
    carriedLineStart = true;
    let directiveLine = -1;
    let directiveText = '';
    let inLineComment = false;
    let quote = 0;
    for (;;) {
      let line = lines[index];
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      let end = line.length;
      let last = end - 1;
      // GCC accepts (with a warning) spaces between the backslash and the newline.
      while (last >= 0 && isHorizontalSpace(line.charCodeAt(last))) last--;
      const continued = last >= 0 && line.charCodeAt(last) === 92;
      if (continued) end = last;
      if (!inLineComment) {
        let pos = 0;
        let copyFrom = 0;
        while (pos < end) {
          if (inBlockComment) {
            const close = line.indexOf('*/', pos);
            if (close < 0 || close + 2 > end) {
              pos = end;
              copyFrom = end;
              break;
            }
            inBlockComment = false;
            pos = close + 2;
            copyFrom = pos;
            continue;
          }
          if (quote === 0 && directiveLine < 0 && !atLineStart) {
            // Plain code: only a comment or a literal can matter, so jump to the next one.
            COMMENT_OR_LITERAL_START.lastIndex = pos;
            const found = COMMENT_OR_LITERAL_START.exec(line);
            if (found === null || found.index >= end) {
              pos = end;
              break;
            }
            pos = found.index;
          }
          const c = line.charCodeAt(pos);
          if (quote !== 0) {
            if (c === 92) pos += 2;
            else {
              if (c === quote) quote = 0;
              pos++;
            }
            continue;
          }
          if (c === 47 && pos + 1 < end) {
            const next = line.charCodeAt(pos + 1);
            if (next === 42 || next === 47) {
              if (directiveLine >= 0) directiveText += line.slice(copyFrom, pos) + ' ';
              if (next === 47) {
                inLineComment = true;
                pos = end;
                copyFrom = end;
                break;
              }
              inBlockComment = true;
              pos += 2;
              continue;
            }
          }
          if (directiveLine < 0 && atLineStart) {
            if (isHorizontalSpace(c)) {
              pos++;
              continue;
            }
            atLineStart = false;
            if (c === 35) {
              directiveLine = index;
              pos++;
              copyFrom = pos;
              continue;
            }
          }
          if (c === 34 || c === 39) quote = c;
          pos++;
        }
        if (directiveLine >= 0 && copyFrom < end) directiveText += line.slice(copyFrom, Math.min(pos, end));
      }
      if (index + 1 < lineCount && (continued || (inBlockComment && directiveLine >= 0))) {
        index++;
        continue;
      }
      break;
    }
    if (directiveLine >= 0) {
      const head = splitDirectiveName(directiveText);
      directives.push({ line: directiveLine, endLine: index, name: head.name, body: head.body });
      if (markDirectiveLines) directiveLines.fill(1, directiveLine, index + 1);
    } else if (inBlockComment) {
      carriedLineStart = atLineStart;
    }
    index++;
  }
  return {
    lineCount,
    directives,
    directiveLines,
    guard: findIncludeGuard(directives),
    pragmaOnce: directives.some((d) => d.name === 'pragma' && /^\s*once\b/.test(d.body)),
  };
}

function splitDirectiveName(text: string): { name: string; body: string } {
  let i = 0;
  while (i < text.length && isHorizontalSpace(text.charCodeAt(i))) i++;
  let j = i;
  while (j < text.length && isIdentifierPart(text.charCodeAt(j))) j++;
  return { name: text.slice(i, j), body: text.slice(j) };
}

function leadingIdentifier(text: string): string | undefined {
  return /^\s*([A-Za-z_$][\w$]*)/.exec(text)?.[1];
}

function findIncludeGuard(directives: Directive[]): string | undefined {
  if (directives.length < 3) return undefined;
  const first = directives[0];
  let guard: string | undefined;
  if (first.name === 'ifndef') {
    guard = leadingIdentifier(first.body);
  } else if (first.name === 'if') {
    const match = /^\s*!\s*defined\s*(?:\(\s*([A-Za-z_$][\w$]*)\s*\)|([A-Za-z_$][\w$]*))\s*$/.exec(first.body);
    guard = match?.[1] ?? match?.[2];
  }
  if (guard === undefined) return undefined;
  const second = directives[1];
  if (second.name !== 'define' || leadingIdentifier(second.body) !== guard) return undefined;
  // Only a guard if the #ifndef closes with the file's last directive.
  let depth = 0;
  for (let i = 0; i < directives.length; i++) {
    const name = directives[i].name;
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') depth++;
    else if (name === 'endif' && --depth === 0) return i === directives.length - 1 ? guard : undefined;
  }
  return undefined;
}

function parseIncludeTarget(body: string): { spec: string; quoted: boolean } | undefined {
  const match = /^\s*(?:"([^"]*)"|<([^>]*)>)/.exec(body);
  if (!match) return undefined; // computed includes (#include MACRO) are not followed
  return match[1] !== undefined ? { spec: match[1], quoted: true } : { spec: match[2], quoted: false };
}

// ---------------------------------------------------------------------------------------
// Integer values with C preprocessor semantics (intmax_t / uintmax_t)

/** Values that fit a double exactly are plain signed numbers; the rest (and unsigned ones) are wide. */
interface WideInt {
  readonly big: bigint;
  readonly unsigned: boolean;
}
type Num = number | WideInt;
/** undefined = unknown */
type Val = Num | undefined;

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIG = -MAX_SAFE_BIG;
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function normalize(value: bigint, unsigned: boolean): Num {
  if (unsigned) return { big: BigInt.asUintN(64, value), unsigned: true };
  const wrapped = BigInt.asIntN(64, value);
  return wrapped >= MIN_SAFE_BIG && wrapped <= MAX_SAFE_BIG ? Number(wrapped) : { big: wrapped, unsigned: false };
}

function toBigInt(value: Num): bigint {
  return typeof value === 'number' ? BigInt(value) : value.big;
}

function isUnsignedNum(value: Num): boolean {
  return typeof value !== 'number' && value.unsigned;
}

function isZero(value: Num): boolean {
  return typeof value === 'number' ? value === 0 : value.big === 0n;
}

function sameNum(a: Num, b: Num): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return toBigInt(a) === toBigInt(b) && isUnsignedNum(a) === isUnsignedNum(b);
}

function truthValue(value: boolean | undefined): Val {
  return value === undefined ? undefined : value ? 1 : 0;
}

function fitsInt32(value: number): boolean {
  return value >= -2147483648 && value <= 2147483647;
}

function applyUnary(operator: string, value: Num): Num {
  switch (operator) {
    case '-':
      return typeof value === 'number' ? 0 - value : normalize(-value.big, value.unsigned);
    case '~':
      if (typeof value === 'number') {
        const inverted = -value - 1;
        return Number.isSafeInteger(inverted) ? inverted : normalize(~BigInt(value), false);
      }
      return normalize(~value.big, value.unsigned);
    case '!':
      return isZero(value) ? 1 : 0;
    default:
      return value;
  }
}

/** Arithmetic on two plain numbers when the result is exact; null when wide arithmetic is needed. */
function narrowBinary(operator: string, a: number, b: number): Val | null {
  switch (operator) {
    case '*': {
      const product = a * b;
      return Number.isSafeInteger(product) ? product + 0 : null;
    }
    case '/':
      if (b === 0) return undefined;
      return fitsInt32(a) && fitsInt32(b) ? Math.trunc(a / b) + 0 : null;
    case '%':
      return b === 0 ? undefined : (a % b) + 0;
    case '+': {
      const sum = a + b;
      return Number.isSafeInteger(sum) ? sum : null;
    }
    case '-': {
      const difference = a - b;
      return Number.isSafeInteger(difference) ? difference : null;
    }
    case '<<': {
      if (b < 0 || b > 52) return null;
      const shifted = a * 2 ** b;
      return Number.isSafeInteger(shifted) ? shifted : null;
    }
    case '>>':
      return b >= 0 && b < 64 ? Math.floor(a / 2 ** b) + 0 : null;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '&':
      return fitsInt32(a) && fitsInt32(b) ? a & b : null;
    case '|':
      return fitsInt32(a) && fitsInt32(b) ? a | b : null;
    case '^':
      return fitsInt32(a) && fitsInt32(b) ? a ^ b : null;
    default:
      return null;
  }
}

/** 64-bit arithmetic with C's usual arithmetic conversions (an unsigned operand makes both unsigned). */
function wideBinary(operator: string, a: Num, b: Num): Val {
  const isShift = operator === '<<' || operator === '>>';
  // A shift has the type of its left operand; everything else converts both sides.
  const unsigned = isShift ? isUnsignedNum(a) : isUnsignedNum(a) || isUnsignedNum(b);
  let x = toBigInt(a);
  let y = toBigInt(b);
  if (unsigned) {
    x = BigInt.asUintN(64, x);
    if (!isShift) y = BigInt.asUintN(64, y);
  }
  switch (operator) {
    case '*':
      return normalize(x * y, unsigned);
    case '/':
      return y === 0n ? undefined : normalize(x / y, unsigned);
    case '%':
      return y === 0n ? undefined : normalize(x % y, unsigned);
    case '+':
      return normalize(x + y, unsigned);
    case '-':
      return normalize(x - y, unsigned);
    case '<<':
    case '>>': {
      let left = operator === '<<';
      let count = y;
      // GCC shifts the other way for a negative count.
      if (count < 0n) {
        count = -count;
        left = !left;
      }
      if (count >= 64n) return normalize(left || x >= 0n ? 0n : -1n, unsigned);
      return normalize(left ? x << count : x >> count, unsigned);
    }
    case '<':
      return x < y ? 1 : 0;
    case '>':
      return x > y ? 1 : 0;
    case '<=':
      return x <= y ? 1 : 0;
    case '>=':
      return x >= y ? 1 : 0;
    case '==':
      return x === y ? 1 : 0;
    case '!=':
      return x !== y ? 1 : 0;
    case '&':
      return normalize(x & y, unsigned);
    case '|':
      return normalize(x | y, unsigned);
    case '^':
      return normalize(x ^ y, unsigned);
    default:
      return undefined;
  }
}

function applyBinary(operator: string, a: Num, b: Num): Val {
  if (typeof a === 'number' && typeof b === 'number') {
    const narrow = narrowBinary(operator, a, b);
    if (narrow !== null) return narrow;
  }
  return wideBinary(operator, a, b);
}

const INTEGER_LITERAL =
  /^(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))((?:[uU](?:ll|LL|[lL])?)|(?:(?:ll|LL|[lL])[uU]?))?$/;

/** The value of an integer literal, or an error message. */
function integerLiteralValue(text: string): Num | string {
  const match = INTEGER_LITERAL.exec(text);
  if (!match) {
    if (/^(?:[0-9]*\.|[0-9]+[eE]|0[xX][0-9a-fA-F.]*[pP])/.test(text)) return 'floating constant in preprocessor expression';
    return `invalid integer constant "${text}"`;
  }
  const unsignedSuffix = match[5] !== undefined && /[uU]/.test(match[5]);
  if (match[4] !== undefined && match[4].length <= 15 && !unsignedSuffix) return Number(match[4]);
  let big: bigint;
  if (match[1] !== undefined) big = BigInt('0x' + match[1]);
  else if (match[2] !== undefined) big = BigInt('0b' + match[2]);
  else if (match[3] !== undefined) big = BigInt('0o' + (match[3].slice(1) || '0'));
  else big = BigInt(match[4]);
  if (big > UINT64_MAX) return `integer constant "${text}" is too large`;
  return normalize(big, unsignedSuffix || big > INT64_MAX);
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** The value of a character literal; undefined when it depends on the compiler or target. */
function charLiteralValue(text: string): Val | string {
  const open = text.indexOf("'");
  const prefix = text.slice(0, open);
  if (text.length < open + 2 || !text.endsWith("'")) return 'missing terminating \' character';
  const body = text.slice(open + 1, -1);
  const codes: number[] = [];
  for (let i = 0; i < body.length; ) {
    if (body[i] !== '\\') {
      const code = body.codePointAt(i)!;
      codes.push(code);
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    const escape = body[i + 1];
    if (escape === 'x') {
      const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))?.[0] ?? '';
      codes.push(hex ? parseInt(hex.slice(-8), 16) : 0);
      i += 2 + hex.length;
    } else if (escape !== undefined && escape >= '0' && escape <= '7') {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      codes.push(parseInt(octal, 8));
      i += 1 + octal.length;
    } else {
      codes.push(escape === undefined ? 92 : SIMPLE_ESCAPES[escape] ?? escape.charCodeAt(0));
      i += 2;
    }
  }
  if (codes.length === 0) return 'empty character constant';
  // Multi-character constants are implementation-defined.
  if (codes.length > 1) return undefined;
  // Whether plain char is signed depends on the architecture (and -funsigned-char since 6.2).
  if (prefix === '' && codes[0] >= 128) return undefined;
  return codes[0];
}

// ---------------------------------------------------------------------------------------
// Per-environment facts: version and kernel config

interface ConfigMacro {
  /** defined(CONFIG_X) */
  readonly defined: boolean | undefined;
  /** what CONFIG_X evaluates to in #if */
  readonly value: Val;
  /** whether CONFIG_X is defined as exactly `1` (IS_BUILTIN) */
  readonly isOne: boolean | undefined;
}

const UNKNOWN_CONFIG: ConfigMacro = { defined: undefined, value: undefined, isOne: undefined };
const UNSET_CONFIG: ConfigMacro = { defined: false, value: 0, isOne: false };
const BUILTIN_CONFIG: ConfigMacro = { defined: true, value: 1, isOne: true };
const STRING_CONFIG: ConfigMacro = { defined: true, value: undefined, isOne: false };

class EnvironmentView {
  readonly versionCode: number | undefined;
  private readonly configMacros = new Map<string, ConfigMacro>();
  /** Told of every config symbol asked about (header readings depend on the answers). */
  onConfig: ((symbol: string) => void) | undefined;

  constructor(private readonly env: KernelEnvironment) {
    const code = env.versionCode;
    this.versionCode = Number.isSafeInteger(code) && code >= 0 ? code : undefined;
  }

  leafValue(kind: LeafKind, name: string): Val {
    const code = this.versionCode;
    switch (kind) {
      case LeafKind.VersionCode:
        return code;
      case LeafKind.VersionMajor:
        return code === undefined ? undefined : Math.floor(code / 65536);
      case LeafKind.VersionPatchlevel:
        return code === undefined ? undefined : Math.floor(code / 256) % 256;
      case LeafKind.VersionSublevel:
        return code === undefined ? undefined : code % 256;
      case LeafKind.ConfigValue:
        return this.configMacro(name).value;
      case LeafKind.ConfigDefined:
        return truthValue(this.configMacro(name).defined);
      case LeafKind.ConfigIsOne:
        return truthValue(this.configMacro(name).isOne);
    }
  }

  /** How the image's autoconf.h defines `symbol` (CONFIG_X=m defines CONFIG_X_MODULE, not CONFIG_X). */
  configMacro(symbol: string): ConfigMacro {
    this.onConfig?.(symbol);
    let macro = this.configMacros.get(symbol);
    if (macro === undefined) {
      macro = this.computeConfigMacro(symbol);
      this.configMacros.set(symbol, macro);
    }
    return macro;
  }

  private computeConfigMacro(symbol: string): ConfigMacro {
    const raw = this.rawConfig(symbol);
    if (raw === null) return UNKNOWN_CONFIG;
    if (raw === undefined || raw === '' || raw === 'n') {
      if (symbol.endsWith('_MODULE') && symbol.length > 'CONFIG__MODULE'.length) {
        const base = this.rawConfig(symbol.slice(0, -'_MODULE'.length));
        if (base === null) return UNKNOWN_CONFIG;
        return base === 'm' ? BUILTIN_CONFIG : UNSET_CONFIG;
      }
      return UNSET_CONFIG;
    }
    if (raw === 'y') return BUILTIN_CONFIG;
    if (raw === 'm') return UNSET_CONFIG;
    if (raw.startsWith('"')) return STRING_CONFIG;
    const text = raw.trim();
    const negative = text.startsWith('-');
    const parsed = integerLiteralValue(negative ? text.slice(1).trim() : text);
    const value = typeof parsed === 'string' ? undefined : negative ? applyUnary('-', parsed) : parsed;
    return { defined: true, value, isOne: text === '1' };
  }

  private rawConfig(symbol: string): string | undefined | null {
    try {
      const value = this.env.config(symbol);
      return value === undefined || value === null || typeof value === 'string' ? value : null;
    } catch {
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Macro tables

const enum MacroState {
  Defined,
  Undefined,
  /** May or may not be defined (set inside a region that is Maybe in that environment). */
  Unknown,
}

interface MacroDef {
  readonly state: MacroState.Defined;
  readonly name: string;
  /** null for object-like macros */
  readonly params: readonly string[] | null;
  /** the last parameter collects the remaining arguments */
  readonly variadic: boolean;
  readonly body: readonly Token[];
  /** equal for identical redefinitions */
  readonly signature: string;
}

interface MacroMark {
  readonly state: MacroState.Undefined | MacroState.Unknown;
}

type MacroEntry = MacroDef | MacroMark;

const UNDEFINED_MACRO: MacroMark = { state: MacroState.Undefined };
const UNKNOWN_MACRO: MacroMark = { state: MacroState.Unknown };

/** Signals that the environments of a group disagree about `name`; the group must be split. */
class NonUniformMacro {
  constructor(readonly name: string) {}
}

class ExpressionError {
  constructor(readonly message: string) {}
}

type Failure = NonUniformMacro | ExpressionError;

function isFailure(value: unknown): value is Failure {
  return value instanceof NonUniformMacro || value instanceof ExpressionError;
}

/** A name set differently per environment: its shared entry and each environment's own. */
class DivergentSnapshot {
  constructor(
    readonly shared: MacroEntry | undefined,
    readonly own: (MacroEntry | undefined)[],
  ) {}
}

/** The same entry, or the same definition made by another #define (the main file's, in another call). */
function sameEntry(a: MacroEntry | undefined, b: MacroEntry | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.state === MacroState.Defined && b.state === MacroState.Defined && a.signature === b.signature);
}

/**
 * A name's entries exactly as MacroTables holds them: the shared entry (undefined when no
 * environment has one), or, for a divergent name, all of them. Most names are not divergent,
 * so most snapshots are the entry itself and cost nothing to take.
 */
type MacroSnapshot = MacroEntry | undefined | DivergentSnapshot;

/**
 * What one reading of a header did to the macro tables, kept while it runs: every name it
 * looked at or set, with that name's entries when the reading first touched it, and the
 * names it set. Readings nest as headers include headers.
 */
class MacroRecording {
  readonly before = new Map<string, MacroSnapshot>();
  readonly written = new Set<string>();
}

/**
 * Macro state of every environment. Most #defines are unconditional and identical
 * everywhere, so they live once in `shared`; only names set differently per environment
 * get per-environment entries.
 */
class MacroTables {
  private readonly shared = new Map<string, MacroEntry>();
  private readonly perEnv: Map<string, MacroEntry>[];
  private readonly divergent = new Set<string>();
  /** Readings in progress, outermost first. */
  private readonly recordings: MacroRecording[] = [];

  constructor(envCount: number) {
    this.perEnv = Array.from({ length: envCount }, () => new Map<string, MacroEntry>());
  }

  /** undefined: the file never touched this name in this environment. */
  get(env: number, name: string): MacroEntry | undefined {
    this.touch(name);
    return this.entry(env, name);
  }

  /** No environment has an entry for `name`. */
  untouched(name: string): boolean {
    this.touch(name);
    return !this.divergent.has(name) && !this.shared.has(name);
  }

  /** Every environment has an entry for `name`. */
  setEverywhere(name: string): boolean {
    this.touch(name);
    return !this.divergent.has(name) && this.shared.has(name);
  }

  setAll(name: string, entry: MacroEntry): void {
    this.touchForWriting(name);
    this.shared.set(name, entry);
    if (this.divergent.delete(name)) for (const table of this.perEnv) table.delete(name);
  }

  setOne(env: number, name: string, entry: MacroEntry): void {
    this.touchForWriting(name);
    this.perEnv[env].set(name, entry);
    this.divergent.add(name);
  }

  /** The entry all environments of `group` share, or a request to split the group. */
  uniform(name: string, group: readonly number[]): MacroEntry | undefined | NonUniformMacro {
    this.touch(name);
    if (!this.divergent.has(name)) return this.shared.get(name);
    const first = this.entry(group[0], name);
    for (let i = 1; i < group.length; i++) {
      if (this.entry(group[i], name) !== first) return new NonUniformMacro(name);
    }
    return first;
  }

  partition(name: string, group: readonly number[]): number[][] {
    const parts = new Map<MacroEntry | undefined, number[]>();
    for (const env of group) {
      const entry = this.get(env, name);
      const part = parts.get(entry);
      if (part) part.push(env);
      else parts.set(entry, [env]);
    }
    return [...parts.values()];
  }

  startRecording(): void {
    this.recordings.push(new MacroRecording());
  }

  /** Ends the innermost reading; what it set counts as set by the reading around it. */
  stopRecording(): MacroRecording {
    const recording = this.recordings.pop()!;
    const outer = this.recordings[this.recordings.length - 1];
    if (outer) for (const name of recording.written) outer.written.add(name);
    return recording;
  }

  snapshot(name: string): MacroSnapshot {
    if (!this.divergent.has(name)) return this.shared.get(name);
    return new DivergentSnapshot(
      this.shared.get(name),
      this.perEnv.map((table) => table.get(name)),
    );
  }

  /** Whether `name` is held as `snapshot` says (a macro defined alike in another file counts as the same). */
  matches(name: string, snapshot: MacroSnapshot): boolean {
    if (!this.divergent.has(name)) return !(snapshot instanceof DivergentSnapshot) && sameEntry(snapshot, this.shared.get(name));
    if (!(snapshot instanceof DivergentSnapshot) || !sameEntry(snapshot.shared, this.shared.get(name))) return false;
    for (let e = 0; e < this.perEnv.length; e++) if (!sameEntry(snapshot.own[e], this.perEnv[e].get(name))) return false;
    return true;
  }

  /** Puts `name` back exactly as `snapshot` holds it (a reading replayed). */
  restore(name: string, snapshot: MacroSnapshot): void {
    this.touchForWriting(name);
    const divergent = snapshot instanceof DivergentSnapshot;
    const shared = divergent ? snapshot.shared : snapshot;
    if (shared === undefined) this.shared.delete(name);
    else this.shared.set(name, shared);
    if (divergent) this.divergent.add(name);
    else if (!this.divergent.delete(name)) return;
    for (let e = 0; e < this.perEnv.length; e++) {
      const own = divergent ? snapshot.own[e] : undefined;
      if (own === undefined) this.perEnv[e].delete(name);
      else this.perEnv[e].set(name, own);
    }
  }

  /** Counts `name` as looked at by every reading in progress. */
  touch(name: string): void {
    // A reading that has seen the name implies every reading around it has (they started earlier).
    for (let i = this.recordings.length - 1; i >= 0; i--) {
      const recording = this.recordings[i];
      if (recording.before.has(name)) break;
      recording.before.set(name, this.snapshot(name));
    }
  }

  private touchForWriting(name: string): void {
    this.touch(name);
    const innermost = this.recordings[this.recordings.length - 1];
    if (innermost) innermost.written.add(name);
  }

  private entry(env: number, name: string): MacroEntry | undefined {
    if (this.divergent.has(name)) {
      const own = this.perEnv[env].get(name);
      if (own !== undefined) return own;
    }
    return this.shared.get(name);
  }
}

function isPaste(token: Token | undefined): boolean {
  return isPunctuator(token, '##');
}

function parseMacroDefinition(body: string): MacroDef | string {
  const tokens = tokenize(body);
  const nameToken = tokens[0];
  if (nameToken === undefined) return '#define without a macro name';
  if (nameToken.kind !== TokenKind.Identifier) return `macro names must be identifiers, not "${nameToken.text}"`;
  const name = nameToken.text;
  if (name === 'defined') return '"defined" cannot be used as a macro name';
  let params: string[] | null = null;
  let variadic = false;
  let bodyStart = 1;
  const open = tokens[1];
  // Function-like only when '(' touches the name; `#define X (1)` is object-like.
  if (isPunctuator(open, '(') && !open.spaceBefore) {
    params = [];
    let i = 2;
    let expectParameter = true;
    for (;;) {
      const token = tokens[i++];
      if (token === undefined) return `missing ')' in the parameter list of macro "${name}"`;
      if (isPunctuator(token, ')')) {
        if (expectParameter && params.length > 0) return `missing parameter name in macro "${name}"`;
        break;
      }
      if (!expectParameter) {
        if (!isPunctuator(token, ',') || variadic) return `unexpected "${token.text}" in the parameter list of macro "${name}"`;
        expectParameter = true;
        continue;
      }
      if (isPunctuator(token, '...')) {
        params.push('__VA_ARGS__');
        variadic = true;
      } else if (token.kind === TokenKind.Identifier) {
        params.push(token.text);
        if (isPunctuator(tokens[i], '...')) {
          variadic = true; // GNU named variadic parameter: `args...`
          i++;
        }
      } else {
        return `invalid parameter "${token.text}" in macro "${name}"`;
      }
      expectParameter = false;
    }
    bodyStart = i;
  }
  const macroBody = tokens.slice(bodyStart);
  if (isPaste(macroBody[0]) || isPaste(macroBody[macroBody.length - 1])) {
    return `'##' cannot appear at either end of macro "${name}"`;
  }
  const head = params === null ? '' : `(${params.join(',')}${variadic ? '...' : ''})`;
  const signature = head + ' ' + macroBody.map((t, i) => (i > 0 && t.spaceBefore ? ' ' : '') + t.text).join('');
  return { state: MacroState.Defined, name, params, variadic, body: macroBody, signature };
}

function macroDefinitionOf(directive: Directive): MacroDef | string {
  if (directive.macro === undefined) directive.macro = parseMacroDefinition(directive.body);
  return directive.macro;
}

// Built-ins that every kernel build has (linux/version.h, linux/kconfig.h).
const VERSION_MACROS = new Map<string, LeafKind>([
  ['LINUX_VERSION_CODE', LeafKind.VersionCode],
  ['LINUX_VERSION_MAJOR', LeafKind.VersionMajor],
  ['LINUX_VERSION_PATCHLEVEL', LeafKind.VersionPatchlevel],
  ['LINUX_VERSION_SUBLEVEL', LeafKind.VersionSublevel],
]);

const enum ConfigTest {
  Builtin,
  Module,
  Enabled,
}

const CONFIG_TESTS = new Map<string, ConfigTest>([
  ['IS_BUILTIN', ConfigTest.Builtin],
  ['IS_MODULE', ConfigTest.Module],
  ['IS_ENABLED', ConfigTest.Enabled],
  // IS_REACHABLE is "built-in, or a module and we are a module"; out-of-tree drivers always are.
  ['IS_REACHABLE', ConfigTest.Enabled],
]);

const KERNEL_VERSION_MACRO = parseMacroDefinition(
  'KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))',
) as MacroDef;

function isBuiltinName(name: string): boolean {
  return VERSION_MACROS.has(name) || CONFIG_TESTS.has(name) || name === 'KERNEL_VERSION';
}

function isConfigName(name: string): boolean {
  return name.length > 7 && name.startsWith('CONFIG_');
}

// ---------------------------------------------------------------------------------------
// Macro expansion over a group of environments

interface ExpansionContext {
  readonly macros: MacroTables;
  /** Environments that agree on every macro looked at so far. */
  readonly group: readonly number[];
  stepsLeft: number;
}

const EXPANSION_LIMIT_MESSAGE = 'macro expansion too long; condition left undecided';

function mergeHiddenNames(existing: readonly string[] | undefined, added: readonly string[]): readonly string[] {
  if (existing === undefined || existing === added) return added;
  const missing = added.filter((name) => !existing.includes(name));
  return missing.length === 0 ? existing : [...existing, ...missing];
}

function pushAll(target: Token[], tokens: readonly Token[]): void {
  for (const token of tokens) target.push(token);
}

/**
 * Macro-expands `input` the way #if does, for every environment of the group at once.
 * Identifiers that are not expanded are left as identifiers (see classifyIdentifiers).
 */
function expandTokens(input: readonly Token[], cx: ExpansionContext, nesting: number): Token[] | Failure {
  if (nesting > MAX_EXPANSION_NESTING) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
  // Tokens still to read, last one first, so a macro's replacement is simply pushed back
  // and rescanned together with the rest of the input.
  const pending: Token[] = [];
  for (let i = input.length - 1; i >= 0; i--) pending.push(input[i]);
  const out: Token[] = [];
  while (pending.length > 0) {
    if (--cx.stepsLeft < 0) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
    const token = pending.pop()!;
    if (token.kind !== TokenKind.Identifier) {
      out.push(token);
      continue;
    }
    const name = token.text;
    if (name === 'defined') {
      const result = definedOperator(pending, cx);
      if (isFailure(result)) return result;
      out.push(result);
      continue;
    }
    if (token.hiddenNames !== undefined && token.hiddenNames.includes(name)) {
      out.push(token);
      continue;
    }
    const entry = cx.macros.uniform(name, cx.group);
    if (entry instanceof NonUniformMacro) return entry;
    if (entry !== undefined) {
      if (entry.state === MacroState.Defined) {
        const replaced = expandInvocation(entry, token, pending, cx, nesting);
        if (replaced === null) out.push(token);
        else if (Array.isArray(replaced)) for (let i = replaced.length - 1; i >= 0; i--) pending.push(replaced[i]);
        else return replaced;
      } else {
        out.push(token);
      }
      continue;
    }
    // Not touched by the file: kernel built-ins and config symbols.
    const versionLeaf = VERSION_MACROS.get(name);
    if (versionLeaf !== undefined) {
      out.push(leafToken(versionLeaf, name));
      continue;
    }
    if (name === 'KERNEL_VERSION') {
      const replaced = expandInvocation(KERNEL_VERSION_MACRO, token, pending, cx, nesting);
      if (replaced === null) out.push(token);
      else if (Array.isArray(replaced)) for (let i = replaced.length - 1; i >= 0; i--) pending.push(replaced[i]);
      else return replaced;
      continue;
    }
    const test = CONFIG_TESTS.get(name);
    if (test !== undefined) {
      if (!isPunctuator(pending[pending.length - 1], '(')) {
        out.push(token);
        continue;
      }
      const args = collectArguments(pending, name);
      if (args instanceof ExpressionError) return args;
      if (args.length !== 1 || args[0].length === 0) return new ExpressionError(`${name}() takes exactly one argument`);
      const result = configTestTokens(test, args[0], cx, nesting);
      if (!Array.isArray(result)) return result;
      pushAll(out, result);
      continue;
    }
    if (isConfigName(name)) {
      out.push(leafToken(LeafKind.ConfigValue, name));
      continue;
    }
    out.push(token);
  }
  return out;
}

/** Handles `defined X` / `defined(X)` (the operand is never expanded). */
function definedOperator(pending: Token[], cx: ExpansionContext): Token | Failure {
  let operand = pending.pop();
  const parenthesized = isPunctuator(operand, '(');
  if (parenthesized) operand = pending.pop();
  if (operand === undefined || (operand.kind !== TokenKind.Identifier && operand.kind !== TokenKind.Leaf)) {
    return new ExpressionError('operator "defined" requires an identifier');
  }
  if (parenthesized && !isPunctuator(pending.pop(), ')')) return new ExpressionError('missing ")" after "defined"');
  // A config symbol that an argument pre-expansion already turned into a leaf.
  if (operand.kind === TokenKind.Leaf) {
    return operand.leaf === LeafKind.ConfigValue
      ? leafToken(LeafKind.ConfigDefined, operand.text)
      : new ExpressionError('operator "defined" requires an identifier');
  }
  const name = operand.text;
  const entry = cx.macros.uniform(name, cx.group);
  if (entry instanceof NonUniformMacro) return entry;
  if (entry !== undefined) {
    if (entry.state === MacroState.Defined) return ONE_TOKEN;
    return entry.state === MacroState.Undefined ? ZERO_TOKEN : unknownToken(name);
  }
  if (isBuiltinName(name)) return ONE_TOKEN;
  if (isConfigName(name)) return leafToken(LeafKind.ConfigDefined, name);
  return unknownToken(name);
}

/** Reads `( a, b, ... )` off the pending stack; the '(' is on top. */
function collectArguments(pending: Token[], macroName: string): Token[][] | ExpressionError {
  pending.pop();
  const args: Token[][] = [[]];
  let depth = 0;
  for (;;) {
    const token = pending.pop();
    if (token === undefined) return new ExpressionError(`unterminated argument list invoking macro "${macroName}"`);
    if (token.kind === TokenKind.Punctuator) {
      if (token.text === '(') depth++;
      else if (token.text === ')') {
        if (depth === 0) return args;
        depth--;
      } else if (token.text === ',' && depth === 0) {
        args.push([]);
        continue;
      }
    }
    args[args.length - 1].push(token);
  }
}

function matchArguments(macro: MacroDef, args: Token[][]): Token[][] | ExpressionError {
  const params = macro.params!;
  if (params.length === 0) {
    if (args.length === 1 && args[0].length === 0) return [];
    return new ExpressionError(`macro "${macro.name}" takes no arguments`);
  }
  if (macro.variadic) {
    const fixed = params.length - 1;
    if (args.length < fixed) {
      return new ExpressionError(`macro "${macro.name}" requires at least ${fixed} arguments, but only ${args.length} given`);
    }
    if (args.length === fixed) return [...args, []];
    const rest: Token[] = [];
    for (let i = fixed; i < args.length; i++) {
      if (i > fixed) rest.push({ kind: TokenKind.Punctuator, text: ',', spaceBefore: false });
      pushAll(rest, args[i]);
    }
    return [...args.slice(0, fixed), rest];
  }
  if (args.length !== params.length) {
    return new ExpressionError(`macro "${macro.name}" requires ${params.length} arguments, but ${args.length} given`);
  }
  return args;
}

/**
 * The replacement of one macro use, ready to be rescanned; null when a function-like macro
 * is not followed by '(' (then it is just an identifier).
 */
function expandInvocation(
  macro: MacroDef,
  nameToken: Token,
  pending: Token[],
  cx: ExpansionContext,
  nesting: number,
): Token[] | null | Failure {
  let args: Token[][] | null = null;
  if (macro.params !== null) {
    if (!isPunctuator(pending[pending.length - 1], '(')) return null;
    const collected = collectArguments(pending, macro.name);
    if (collected instanceof ExpressionError) return collected;
    const matched = matchArguments(macro, collected);
    if (matched instanceof ExpressionError) return matched;
    args = matched;
  }
  const replacement = substituteBody(macro, args, cx, nesting);
  if (!Array.isArray(replacement)) return replacement;
  cx.stepsLeft -= replacement.length;
  if (cx.stepsLeft < 0) return new ExpressionError(EXPANSION_LIMIT_MESSAGE);
  // Every identifier of the replacement remembers it came out of this macro, which is what
  // stops `#define X X+1` from recursing forever.
  const hidden = mergeHiddenNames(nameToken.hiddenNames, [macro.name]);
  return replacement.map((token) =>
    token.kind === TokenKind.Identifier ? { ...token, hiddenNames: mergeHiddenNames(token.hiddenNames, hidden) } : token,
  );
}

function parameterIndex(macro: MacroDef, args: Token[][] | null, token: Token): number {
  return args !== null && token.kind === TokenKind.Identifier ? macro.params!.indexOf(token.text) : -1;
}

/** Replaces parameters by arguments and applies # and ##. */
function substituteBody(macro: MacroDef, args: Token[][] | null, cx: ExpansionContext, nesting: number): Token[] | Failure {
  const body = macro.body;
  const out: Token[] = [];
  const expandedArgs: (Token[] | undefined)[] = [];
  // The left operand of a pending ## produced no tokens (an empty argument).
  let leftIsEmpty = false;
  for (let i = 0; i < body.length; i++) {
    const token = body[i];
    if (isPaste(token) && i + 1 < body.length) {
      const right = body[++i];
      const rightIndex = parameterIndex(macro, args, right);
      const rightTokens = rightIndex >= 0 ? args![rightIndex] : [right];
      if (leftIsEmpty || out.length === 0) {
        pushAll(out, rightTokens);
      } else if (rightTokens.length > 0) {
        out.push(pasteTokens(out.pop()!, rightTokens[0]));
        for (let k = 1; k < rightTokens.length; k++) out.push(rightTokens[k]);
      }
      leftIsEmpty = leftIsEmpty && rightTokens.length === 0;
      continue;
    }
    if (args !== null && isPunctuator(token, '#') && i + 1 < body.length) {
      const stringified = parameterIndex(macro, args, body[i + 1]);
      if (stringified >= 0) {
        out.push(stringifyTokens(args[stringified]));
        i++;
        leftIsEmpty = false;
        continue;
      }
    }
    const index = parameterIndex(macro, args, token);
    if (index < 0) {
      out.push(token);
      leftIsEmpty = false;
      continue;
    }
    if (isPaste(body[i + 1])) {
      // Operands of ## are used as written, not macro-expanded.
      pushAll(out, args![index]);
      leftIsEmpty = args![index].length === 0;
      continue;
    }
    let expanded = expandedArgs[index];
    if (expanded === undefined) {
      const result = expandTokens(args![index], cx, nesting + 1);
      if (!Array.isArray(result)) return result;
      expanded = expandedArgs[index] = result;
    }
    pushAll(out, expanded);
    leftIsEmpty = false;
  }
  return out;
}

function isSourceToken(token: Token): boolean {
  return token.kind <= TokenKind.Other;
}

function pasteTokens(left: Token, right: Token): Token {
  const text = left.text + right.text;
  if (!isSourceToken(left) || !isSourceToken(right)) return unknownToken(text);
  const pasted = tokenize(text);
  // An invalid paste is an error in C; here it just makes the result unknowable.
  if (pasted.length !== 1) return unknownToken(text);
  return { kind: pasted[0].kind, text, spaceBefore: left.spaceBefore };
}

function stringifyTokens(tokens: readonly Token[]): Token {
  const spelled = tokens
    .map((t, i) => {
      const text = t.kind === TokenKind.StringLiteral || t.kind === TokenKind.CharLiteral ? t.text.replace(/["\\]/g, '\\$&') : t.text;
      return (i > 0 && t.spaceBefore ? ' ' : '') + text;
    })
    .join('');
  return { kind: TokenKind.StringLiteral, text: `"${spelled}"`, spaceBefore: true };
}

/**
 * IS_BUILTIN/IS_MODULE/IS_ENABLED as linux/kconfig.h defines them: the option counts as
 * set when it expands to exactly `1` (IS_MODULE looks at OPTION_MODULE).
 */
function configTestTokens(test: ConfigTest, arg: Token[], cx: ExpansionContext, nesting: number): Token[] | Failure {
  const builtin = (tokens: Token[]): Token | Failure => {
    const expanded = expandTokens(tokens, cx, nesting + 1);
    if (!Array.isArray(expanded)) return expanded;
    const classified = classifyIdentifiers(expanded, cx);
    if (!Array.isArray(classified)) return classified;
    if (classified.length === 1) {
      const only = classified[0];
      if (only.kind === TokenKind.Number && only.text === '1') return ONE_TOKEN;
      if (only.kind === TokenKind.Leaf && only.leaf === LeafKind.ConfigValue) return leafToken(LeafKind.ConfigIsOne, only.text);
      if (only.kind === TokenKind.Unknown) return unknownToken(only.text);
      return ZERO_TOKEN;
    }
    const unknown = classified.find((t) => t.kind === TokenKind.Unknown);
    return unknown ? unknownToken(unknown.text) : ZERO_TOKEN;
  };
  const module = (): Token | Failure => {
    // A config leaf here is CONFIG_X already pre-expanded by a wrapper macro; where it
    // expanded to 1, X_MODULE is unset anyway, so pasting onto its name gives the same answer.
    const only = arg.length === 1 ? arg[0] : undefined;
    const isName =
      only !== undefined &&
      (only.kind === TokenKind.Identifier || (only.kind === TokenKind.Leaf && only.leaf === LeafKind.ConfigValue));
    if (!isName) return unknownToken('IS_MODULE');
    return builtin([{ kind: TokenKind.Identifier, text: only.text + '_MODULE', spaceBefore: false }]);
  };
  if (test === ConfigTest.Builtin || test === ConfigTest.Module) {
    const result = test === ConfigTest.Builtin ? builtin(arg) : module();
    return isFailure(result) ? result : [result];
  }
  const isBuiltin = builtin(arg);
  if (isFailure(isBuiltin)) return isBuiltin;
  const isModule = module();
  if (isFailure(isModule)) return isModule;
  if (isBuiltin === ONE_TOKEN || isModule === ONE_TOKEN) return [ONE_TOKEN];
  if (isBuiltin === ZERO_TOKEN) return [isModule];
  if (isModule === ZERO_TOKEN) return [isBuiltin];
  return [
    { kind: TokenKind.Punctuator, text: '(', spaceBefore: true },
    isBuiltin,
    { kind: TokenKind.Punctuator, text: '||', spaceBefore: true },
    isModule,
    { kind: TokenKind.Punctuator, text: ')', spaceBefore: true },
  ];
}

/** Gives every identifier left after expansion its #if meaning: 0 when known undefined, else unknown. */
function classifyIdentifiers(tokens: Token[], cx: ExpansionContext): Token[] | NonUniformMacro {
  const out: Token[] = new Array<Token>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== TokenKind.Identifier) {
      out[i] = token;
      continue;
    }
    const name = token.text;
    const entry = cx.macros.uniform(name, cx.group);
    if (entry instanceof NonUniformMacro) return entry;
    if (entry !== undefined) {
      // A defined macro still here is function-like without arguments, or self-referential.
      out[i] = entry.state === MacroState.Unknown ? unknownToken(name) : ZERO_TOKEN;
    } else if (isBuiltinName(name)) {
      out[i] = ZERO_TOKEN;
    } else if (isConfigName(name)) {
      out[i] = leafToken(LeafKind.ConfigValue, name);
    } else {
      out[i] = unknownToken(name);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Expressions: parsed once per group, evaluated per environment

const enum NodeKind {
  Constant,
  Leaf,
  Unary,
  Binary,
  And,
  Or,
  Conditional,
}

type ExprNode =
  | { readonly kind: NodeKind.Constant; readonly value: Val; readonly depth: number }
  | { readonly kind: NodeKind.Leaf; readonly leaf: LeafKind; readonly name: string; readonly depth: number }
  | { readonly kind: NodeKind.Unary; readonly operator: string; readonly operand: ExprNode; readonly depth: number }
  | {
      readonly kind: NodeKind.Binary | NodeKind.And | NodeKind.Or;
      readonly operator: string;
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly depth: number;
    }
  | {
      readonly kind: NodeKind.Conditional;
      readonly test: ExprNode;
      readonly whenTrue: ExprNode;
      readonly whenFalse: ExprNode;
      readonly depth: number;
    };

function constantNode(value: Val): ExprNode {
  return { kind: NodeKind.Constant, value, depth: 1 };
}

function isKnownConstant(node: ExprNode, truth: boolean): boolean {
  return node.kind === NodeKind.Constant && node.value !== undefined && isZero(node.value) !== truth;
}

function checkDepth(depth: number): number {
  if (depth > MAX_EXPRESSION_DEPTH) throw new ExpressionError('expression too deeply nested');
  return depth;
}

function makeUnary(operator: string, operand: ExprNode): ExprNode {
  const node: ExprNode = { kind: NodeKind.Unary, operator, operand, depth: checkDepth(operand.depth + 1) };
  return operand.kind === NodeKind.Constant ? constantNode(evaluateNode(node, undefined)) : node;
}

function makeBinary(operator: string, left: ExprNode, right: ExprNode): ExprNode {
  const kind = operator === '&&' ? NodeKind.And : operator === '||' ? NodeKind.Or : NodeKind.Binary;
  // Short-circuit decides even when the other side depends on the environment.
  if (kind === NodeKind.And && (isKnownConstant(left, false) || isKnownConstant(right, false))) return constantNode(0);
  if (kind === NodeKind.Or && (isKnownConstant(left, true) || isKnownConstant(right, true))) return constantNode(1);
  const node: ExprNode = { kind, operator, left, right, depth: checkDepth(Math.max(left.depth, right.depth) + 1) };
  return left.kind === NodeKind.Constant && right.kind === NodeKind.Constant ? constantNode(evaluateNode(node, undefined)) : node;
}

function makeConditional(test: ExprNode, whenTrue: ExprNode, whenFalse: ExprNode): ExprNode {
  const depth = checkDepth(Math.max(test.depth, whenTrue.depth, whenFalse.depth) + 1);
  const node: ExprNode = { kind: NodeKind.Conditional, test, whenTrue, whenFalse, depth };
  const constant =
    test.kind === NodeKind.Constant && whenTrue.kind === NodeKind.Constant && whenFalse.kind === NodeKind.Constant;
  return constant ? constantNode(evaluateNode(node, undefined)) : node;
}

function evaluateNode(node: ExprNode, env: EnvironmentView | undefined): Val {
  switch (node.kind) {
    case NodeKind.Constant:
      return node.value;
    case NodeKind.Leaf:
      return env === undefined ? undefined : env.leafValue(node.leaf, node.name);
    case NodeKind.Unary: {
      const value = evaluateNode(node.operand, env);
      return value === undefined ? undefined : applyUnary(node.operator, value);
    }
    case NodeKind.Binary: {
      if (node.operator === ',') return evaluateNode(node.right, env);
      const left = evaluateNode(node.left, env);
      if (left === undefined) return undefined;
      const right = evaluateNode(node.right, env);
      return right === undefined ? undefined : applyBinary(node.operator, left, right);
    }
    case NodeKind.And: {
      const left = evaluateNode(node.left, env);
      if (left !== undefined && isZero(left)) return 0;
      const right = evaluateNode(node.right, env);
      if (right !== undefined && isZero(right)) return 0;
      return left === undefined || right === undefined ? undefined : 1;
    }
    case NodeKind.Or: {
      const left = evaluateNode(node.left, env);
      if (left !== undefined && !isZero(left)) return 1;
      const right = evaluateNode(node.right, env);
      if (right !== undefined && !isZero(right)) return 1;
      return left === undefined || right === undefined ? undefined : 0;
    }
    case NodeKind.Conditional: {
      const test = evaluateNode(node.test, env);
      if (test !== undefined) return evaluateNode(isZero(test) ? node.whenFalse : node.whenTrue, env);
      // An unknown test still decides when both arms agree.
      const whenTrue = evaluateNode(node.whenTrue, env);
      const whenFalse = evaluateNode(node.whenFalse, env);
      return whenTrue !== undefined && whenFalse !== undefined && sameNum(whenTrue, whenFalse) ? whenTrue : undefined;
    }
  }
}

const BINARY_PRECEDENCE = new Map<string, number>([
  ['*', 10], ['/', 10], ['%', 10],
  ['+', 9], ['-', 9],
  ['<<', 8], ['>>', 8],
  ['<', 7], ['>', 7], ['<=', 7], ['>=', 7],
  ['==', 6], ['!=', 6],
  ['&', 5],
  ['^', 4],
  ['|', 3],
  ['&&', 2],
  ['||', 1],
]);

/** Recursive descent over expanded tokens (precedence climbing for binary operators). */
class ExpressionParser {
  private position = 0;
  private nesting = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ExprNode | ExpressionError {
    try {
      const node = this.parseComma();
      const rest = this.tokens[this.position];
      if (rest !== undefined) {
        return new ExpressionError(
          isPunctuator(rest, ')') ? 'missing "(" in expression' : `missing binary operator before "${rest.text}"`,
        );
      }
      return node;
    } catch (error) {
      if (error instanceof ExpressionError) return error;
      throw error;
    }
  }

  private peekPunctuator(): string | undefined {
    const token = this.tokens[this.position];
    return token !== undefined && token.kind === TokenKind.Punctuator ? token.text : undefined;
  }

  private enter(): void {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) throw new ExpressionError('expression too deeply nested');
  }

  private parseComma(): ExprNode {
    let node = this.parseConditional();
    while (this.peekPunctuator() === ',') {
      this.position++;
      node = makeBinary(',', node, this.parseConditional());
    }
    return node;
  }

  private parseConditional(): ExprNode {
    const test = this.parseBinary(1);
    if (this.peekPunctuator() !== '?') return test;
    this.position++;
    this.enter();
    const whenTrue = this.parseComma();
    if (this.peekPunctuator() !== ':') throw new ExpressionError('"?" without following ":"');
    this.position++;
    const whenFalse = this.parseConditional();
    this.nesting--;
    return makeConditional(test, whenTrue, whenFalse);
  }

  private parseBinary(minPrecedence: number): ExprNode {
    let left = this.parseUnary();
    for (;;) {
      const operator = this.peekPunctuator();
      const precedence = operator === undefined ? undefined : BINARY_PRECEDENCE.get(operator);
      if (operator === undefined || precedence === undefined || precedence < minPrecedence) return left;
      this.position++;
      left = makeBinary(operator, left, this.parseBinary(precedence + 1));
    }
  }

  private parseUnary(): ExprNode {
    const operator = this.peekPunctuator();
    if (operator === '+' || operator === '-' || operator === '!' || operator === '~') {
      this.position++;
      this.enter();
      const operand = this.parseUnary();
      this.nesting--;
      return makeUnary(operator, operand);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ExprNode {
    const token = this.tokens[this.position];
    if (token === undefined) {
      const previous = this.tokens[this.position - 1];
      throw new ExpressionError(previous ? `missing expression after "${previous.text}"` : 'missing expression');
    }
    this.position++;
    switch (token.kind) {
      case TokenKind.Number: {
        const value = integerLiteralValue(token.text);
        if (typeof value === 'string') throw new ExpressionError(value);
        return constantNode(value);
      }
      case TokenKind.CharLiteral: {
        const value = charLiteralValue(token.text);
        if (typeof value === 'string') throw new ExpressionError(value);
        return constantNode(value);
      }
      case TokenKind.Value:
        return constantNode(token.value);
      case TokenKind.Leaf:
        return { kind: NodeKind.Leaf, leaf: token.leaf!, name: token.text, depth: 1 };
      case TokenKind.Unknown:
        // An unknown macro may be function-like: `RHEL_RELEASE_VERSION(8, 6)` is one unknown value.
        if (this.peekPunctuator() === '(') this.skipParenthesized();
        return constantNode(undefined);
      case TokenKind.Punctuator:
        if (token.text === '(') {
          this.enter();
          const inner = this.parseComma();
          if (this.peekPunctuator() !== ')') throw new ExpressionError('missing ")" in expression');
          this.position++;
          this.nesting--;
          return inner;
        }
        throw new ExpressionError(`unexpected "${token.text}" in expression`);
      default:
        throw new ExpressionError(`token ${token.text} is not valid in preprocessor expressions`);
    }
  }

  private skipParenthesized(): void {
    let depth = 0;
    while (this.position < this.tokens.length) {
      const text = this.peekPunctuator();
      this.position++;
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return;
    }
    throw new ExpressionError('missing ")" in expression');
  }
}

// ---------------------------------------------------------------------------------------
// Conditional regions

/** Line state of a region in every environment, with summaries to skip work. */
interface StateVector {
  readonly states: Uint8Array;
  readonly allActive: boolean;
  readonly allInactive: boolean;
}

function makeStateVector(states: Uint8Array): StateVector {
  let allActive = true;
  let allInactive = true;
  for (let i = 0; i < states.length; i++) {
    if (states[i] !== LineState.Active) allActive = false;
    if (states[i] !== LineState.Inactive) allInactive = false;
  }
  return { states, allActive, allInactive };
}

/** One #if ... #endif group being read. */
interface ConditionalGroup {
  readonly opener: Directive;
  readonly parent: StateVector;
  /** per environment: some earlier branch's condition is definitely true */
  readonly earlierTrue: Uint8Array;
  /** per environment: every earlier branch's condition is definitely false */
  readonly earlierAllFalse: Uint8Array;
  sawElse: boolean;
  /** main file only: the ConditionInfo of every #if/#elif of this group so far */
  readonly infos: ConditionInfo[];
}

/** Enters the next branch of a group; `values` null means #else. */
function enterBranch(group: ConditionalGroup, values: (boolean | undefined)[] | null): StateVector {
  const count = group.parent.states.length;
  const states = new Uint8Array(count);
  for (let e = 0; e < count; e++) {
    const own = values === null ? true : values[e];
    let taken: LineState;
    if (group.earlierTrue[e] || own === false) taken = LineState.Inactive;
    else if (group.earlierAllFalse[e] && own === true) taken = LineState.Active;
    else taken = LineState.Maybe;
    if (own === true) group.earlierTrue[e] = 1;
    if (own !== false) group.earlierAllFalse[e] = 0;
    const parent = group.parent.states[e];
    states[e] = parent < taken ? parent : taken;
  }
  return makeStateVector(states);
}

/**
 * Writes line states of the main file in order. Consecutive stretches with the same state
 * vector (a region and the directive that ends it, usually) are written with one fill.
 */
class LineOutput {
  readonly lineStates: Uint8Array[];
  readonly conditions: ConditionInfo[] = [];
  private filledUpTo = 0;
  private pendingEnd = 0;
  private pendingState: StateVector | undefined;

  constructor(readonly lineCount: number, envCount: number) {
    this.lineStates = Array.from({ length: envCount }, () => new Uint8Array(lineCount));
  }

  /** Gives lines from the last assigned one up to `endExclusive` the given state. */
  fillTo(endExclusive: number, state: StateVector): void {
    if (endExclusive <= this.pendingEnd) return;
    if (state !== this.pendingState) {
      this.flush();
      this.pendingState = state;
    }
    this.pendingEnd = endExclusive;
  }

  flush(): void {
    const state = this.pendingState;
    const start = this.filledUpTo;
    const end = this.pendingEnd;
    if (state === undefined || end <= start) return;
    // Arrays start as zeros, which is Inactive.
    if (!state.allInactive) {
      for (let e = 0; e < this.lineStates.length; e++) {
        const value = state.states[e];
        if (value !== LineState.Inactive) this.lineStates[e].fill(value, start, end);
      }
    }
    this.filledUpTo = end;
  }
}

function conditionTokens(directive: Directive): Token[] | string {
  if (directive.conditionTokens === undefined) {
    const tokens = tokenize(directive.body);
    if (directive.name === 'if' || directive.name === 'elif') {
      directive.conditionTokens = tokens.length > 0 ? tokens : `#${directive.name} with no expression`;
    } else if (tokens.length === 0 || tokens[0].kind !== TokenKind.Identifier) {
      directive.conditionTokens = `#${directive.name} requires a macro name`;
    } else {
      const test = [DEFINED_TOKEN, tokens[0]];
      directive.conditionTokens = directive.name.endsWith('ndef') ? [NOT_TOKEN, ...test] : test;
    }
  }
  return directive.conditionTokens;
}

function conditionText(directive: Directive): string {
  const text = directive.body.trim();
  if (directive.name === 'elifdef') return `defined ${text}`;
  if (directive.name === 'elifndef') return `!defined ${text}`;
  return text;
}

/**
 * One finished reading of a header. Reading is deterministic given the region it is included
 * in, the entries of the macros it looks at, the kernels' versions and the config values it
 * asks, so when the header is included again with all of those unchanged (a header pulled in
 * from many places under an undecided guard, whose own include guard is then unknown; or the
 * same kernel headers at the top of every file of a tree), its effect is applied instead of
 * reading it again.
 */
interface HeaderReading {
  readonly path: string;
  readonly text: string;
  readonly base: Uint8Array;
  readonly versionCodes: (number | undefined)[];
  /** Every macro the reading looked at or set, as it was when the reading first touched it. */
  readonly before: Map<string, MacroSnapshot>;
  /** The macros it set, as it left them. */
  readonly after: Map<string, MacroSnapshot>;
  /** The config symbols it asked about, with each environment's answer. */
  readonly configs: Map<string, ConfigMacro[]>;
  /** Problems it reported, as worded in the main file (they are anchored on the include's line). */
  readonly problems: Set<string>;
  /** Every header it read, itself included. */
  readonly paths: Set<string>;
  /** Those of them that were on the include stack when it started (a cycle stops there). */
  readonly ancestors: string[];
  /** Levels of includes it went down, itself counted. */
  readonly depth: number;
  /** The include stack's height when it started, where the reading reached the nesting limit. */
  readonly cutAtHeight: number | undefined;
  /** Made with the call's expansion budget spent, where every condition is undecided. */
  readonly budgetSpent: boolean;
  /** This header's own line states and directive lines (its includes' are their readings'). */
  readonly lineStates: Uint8Array[];
  readonly directiveLines: Uint8Array;
  /** Its own #defines and the environments that may compile each. */
  readonly defined: Map<string, Uint8Array>;
  /** Environments where its own #error is certainly reached. */
  readonly stops: Uint8Array | undefined;
  /** The readings of the headers it included, made or replayed, in order. */
  readonly children: HeaderReading[];
}

/** What a reading in progress did besides setting macros. */
interface ReadingInProgress {
  readonly problems: Set<string>;
  readonly paths: Set<string>;
  readonly configs: Set<string>;
  readonly defined: Map<string, Uint8Array>;
  stops: Uint8Array | undefined;
  readonly children: HeaderReading[];
  depth: number;
  reachedNestingLimit: boolean;
  /** False when something outside the macros, the region and the include stack decided what it did (#pragma once, a read error). */
  replayable: boolean;
}

/** Readings kept per header: a header is usually included in one or two different states. */
const READINGS_PER_HEADER = 4;
/** What the shared store keeps: macro entries, config answers and line states (a line of every kernel is one unit). */
const SHARED_READING_UNITS = 200_000;
/** Scanned header texts kept, in lines. */
const SHARED_SCANNED_LINES = 100_000;

function readingUnits(reading: HeaderReading): number {
  return reading.before.size + reading.after.size + reading.configs.size + reading.children.length + reading.lineStates.length * reading.directiveLines.length;
}

/**
 * Header readings and scanned headers shared by every call that resolves includes with the same
 * resolver (the CLI keeps one per set of `-I` folders for a whole run; the editor makes one per
 * check). A resolver must answer the same during its life. Bounded; least recently used out.
 */
class SharedHeaders {
  private readonly resolverIds = new WeakMap<IncludeResolver, number>();
  private nextResolverId = 0;
  /** A resolver's readings go with it (the editor makes one per check; they would only crowd the store). */
  private readonly forgetResolver = new FinalizationRegistry<number>((id) => {
    const prefix = `${id}\u0000`;
    for (const key of [...this.readings.keys()]) if (key.startsWith(prefix)) this.readings.delete(key);
  });
  readonly readings = new LRUCache<string, HeaderReading[]>({
    maxSize: SHARED_READING_UNITS,
    sizeCalculation: (kept) => kept.reduce((sum, reading) => sum + readingUnits(reading), 1),
  });
  /** Scanned once, so a #define yields the same MacroDef in every call (identity is what readings compare). */
  readonly scanned = new LRUCache<string, { text: string; source: ScannedSource }>({
    maxSize: SHARED_SCANNED_LINES,
    sizeCalculation: (entry) => entry.source.lineCount + 1,
  });

  readingsKey(resolver: IncludeResolver, path: string): string {
    let id = this.resolverIds.get(resolver);
    if (id === undefined) {
      this.resolverIds.set(resolver, (id = this.nextResolverId++));
      this.forgetResolver.register(resolver, id);
    }
    return `${id}\u0000${path}`;
  }
}

const sharedHeaders = new SharedHeaders();

function sameStates(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameConfigMacro(a: ConfigMacro, b: ConfigMacro): boolean {
  return a === b || (a.defined === b.defined && a.isOne === b.isOne && (a.value === b.value || (a.value !== undefined && b.value !== undefined && sameNum(a.value, b.value))));
}

/** The name the command-line macros are read under, as if from a header. */
const COMMAND_LINE_PATH = '<command line>';

class PreprocessRun {
  private readonly envCount: number;
  private readonly views: EnvironmentView[];
  private readonly everyEnv: number[];
  private readonly macros: MacroTables;
  private readonly problems: { line: number; message: string }[] = [];
  private readonly problemKeys = new Set<string>();
  /** Scanned command-line directives (headers are scanned once in `sharedHeaders`). */
  private readonly headers = new Map<string, { text: string; source: ScannedSource }>();
  private readonly includeStack: string[];
  /** Per environment: headers with #pragma once that were definitely included. */
  private readonly onceIncluded: Set<string>[];
  /** While reading a header: where its problems are reported in the main file. */
  private headerContext: { anchorLine: number; path: string } | undefined;
  private expansionStepsLeft = EXPANSION_STEPS_PER_CALL;
  private readonly definedMacros = new Map<string, Uint8Array>();
  private readonly stoppedAt: Int32Array;
  private readonly includedHeaders = new Map<string, IncludedHeader>();
  /** Readings of headers in progress, outermost first. */
  private readonly readingsInProgress: ReadingInProgress[] = [];
  /** Readings whose effects this call already has (made here, or replayed). */
  private readonly appliedReadings = new Set<HeaderReading>();

  constructor(
    private readonly fileName: string,
    envs: KernelEnvironment[],
    private readonly resolveInclude: IncludeResolver | undefined,
  ) {
    this.envCount = envs.length;
    this.views = envs.map((env) => new EnvironmentView(env));
    for (const view of this.views) view.onConfig = (symbol) => this.configAsked(symbol);
    this.everyEnv = envs.map((_, i) => i);
    this.macros = new MacroTables(envs.length);
    this.includeStack = [fileName];
    this.onceIncluded = envs.map(() => new Set<string>());
    this.stoppedAt = new Int32Array(envs.length).fill(-1);
  }

  run(source: ScannedSource, forcedIncludes: readonly string[], commandLine: readonly CommandLineMacro[]): PreprocessResult {
    const output = new LineOutput(source.lineCount, this.envCount);
    const everywhere = makeStateVector(new Uint8Array(this.envCount).fill(LineState.Active));
    if (commandLine.length > 0) this.applyCommandLine(commandLine, everywhere);
    // As gcc does with -include: read first, problems reported on the file's first line.
    for (const spec of forcedIncludes) this.includeHeader(spec, true, 0, everywhere, this.fileName);
    this.processSource(source, everywhere, this.fileName, output, true);
    this.problems.sort((a, b) => a.line - b.line);
    return {
      lineStates: output.lineStates,
      directiveLines: source.directiveLines,
      conditions: output.conditions,
      problems: this.problems,
      definedMacros: this.definedMacros,
      stoppedAt: this.stoppedAt,
      headers: [...this.includedHeaders.values()],
    };
  }

  private report(line: number, message: string): void {
    const context = this.headerContext;
    if (context) this.addProblem(context.anchorLine, `${context.path}:${line + 1}: ${message}`);
    else this.addProblem(line, message);
  }

  /** A problem as the main file shows it; the reading in progress remembers it for its replays. */
  private addProblem(line: number, message: string): void {
    this.readingsInProgress[this.readingsInProgress.length - 1]?.problems.add(message);
    const key = `${line}\u0000${message}`;
    if (this.problemKeys.has(key)) return;
    this.problemKeys.add(key);
    this.problems.push({ line, message });
  }

  /** Counts a config symbol as asked by every reading in progress. */
  private configAsked(symbol: string): void {
    // A reading that has it implies every reading around it has (they started earlier).
    for (let i = this.readingsInProgress.length - 1; i >= 0; i--) {
      const configs = this.readingsInProgress[i].configs;
      if (configs.has(symbol)) break;
      configs.add(symbol);
    }
  }

  /** The reading in progress cannot be replayed: something besides macros decided it. */
  private notReplayable(): void {
    for (const reading of this.readingsInProgress) reading.replayable = false;
  }

  /** Reads the directives of one file; `main` for the file being checked (its conditions are recorded). */
  private processSource(source: ScannedSource, base: StateVector, path: string, output: LineOutput | undefined, main: boolean): void {
    if (source.guard !== undefined) this.assumeGuardUnset(source.guard);
    const groups: ConditionalGroup[] = [];
    let current = base;
    for (const directive of source.directives) {
      output?.fillTo(directive.line, current);
      // State of the directive's own lines: the region around it (outside its group).
      let directiveState = current;
      switch (directive.name) {
        case 'if':
        case 'ifdef':
        case 'ifndef': {
          const group: ConditionalGroup = {
            opener: directive,
            parent: current,
            earlierTrue: new Uint8Array(this.envCount),
            earlierAllFalse: new Uint8Array(this.envCount).fill(1),
            sawElse: false,
            infos: [],
          };
          const values = this.conditionValues(directive, current, main);
          if (main && output) this.recordCondition(output, group, directive, directive.name, values);
          groups.push(group);
          current = enterBranch(group, values);
          break;
        }
        case 'elif':
        case 'elifdef':
        case 'elifndef': {
          const group = groups[groups.length - 1];
          if (group === undefined) {
            this.report(directive.line, `#${directive.name} without #if`);
            break;
          }
          directiveState = group.parent;
          if (group.sawElse) {
            this.report(directive.line, `#${directive.name} after #else`);
            break;
          }
          const values = this.conditionValues(directive, group.parent, main);
          if (main && output) this.recordCondition(output, group, directive, 'elif', values);
          current = enterBranch(group, values);
          break;
        }
        case 'else': {
          const group = groups[groups.length - 1];
          if (group === undefined) {
            this.report(directive.line, '#else without #if');
            break;
          }
          directiveState = group.parent;
          if (group.sawElse) {
            this.report(directive.line, '#else after #else');
            break;
          }
          group.sawElse = true;
          for (const info of group.infos) info.branchLines.push(directive.line);
          current = enterBranch(group, null);
          break;
        }
        case 'endif': {
          const group = groups.pop();
          if (group === undefined) {
            this.report(directive.line, '#endif without #if');
            break;
          }
          directiveState = group.parent;
          for (const info of group.infos) info.endLine = directive.line;
          current = group.parent;
          break;
        }
        case 'define':
          this.applyDefine(directive, current);
          break;
        case 'undef':
          this.applyUndef(directive, current);
          break;
        case 'include':
          if (!current.allInactive) this.followInclude(directive, current, path);
          break;
        case 'pragma':
          if (/^\s*once\b/.test(directive.body)) {
            this.notReplayable();
            for (let e = 0; e < this.envCount; e++) {
              if (current.states[e] === LineState.Active) this.onceIncluded[e].add(path);
            }
          }
          break;
        case 'error': {
          // Only where the #error is certainly reached: under an unknown guard the build may go on.
          const line = this.headerContext?.anchorLine ?? directive.line;
          const reading = this.readingsInProgress[this.readingsInProgress.length - 1];
          for (let e = 0; e < this.envCount; e++) {
            if (current.states[e] !== LineState.Active) continue;
            if (this.stoppedAt[e] < 0) this.stoppedAt[e] = line;
            if (reading) (reading.stops ??= new Uint8Array(this.envCount))[e] = 1;
          }
          break;
        }
        default:
          // #warning, #line, #include_next, ... do not change what is compiled.
          break;
      }
      output?.fillTo(directive.endLine + 1, directiveState);
    }
    if (output) {
      output.fillTo(output.lineCount, current);
      output.flush();
    }
    for (const group of groups) {
      this.report(group.opener.line, `unterminated #${group.opener.name}`);
      if (main && output) for (const info of group.infos) info.endLine = output.lineCount - 1;
    }
  }

  private recordCondition(
    output: LineOutput,
    group: ConditionalGroup,
    directive: Directive,
    kind: ConditionInfo['directive'],
    values: (boolean | undefined)[],
  ): void {
    for (const earlier of group.infos) earlier.branchLines.push(directive.line);
    const info: ConditionInfo = {
      line: directive.line,
      directive: kind,
      text: conditionText(directive),
      values,
      endLine: directive.line,
      branchLines: [],
    };
    group.infos.push(info);
    output.conditions.push(info);
  }

  /**
   * The condition's value in every environment. Inside headers nothing is reported from
   * regions that are off everywhere, and those conditions are not even evaluated.
   */
  private conditionValues(directive: Directive, around: StateVector, wantAll: boolean): (boolean | undefined)[] {
    const values = new Array<boolean | undefined>(this.envCount).fill(undefined);
    if (around.allInactive && !wantAll) return values.fill(false);
    // Like a compiler, complain only about conditions that some target actually reads.
    const report = !around.allInactive;
    const tokens = conditionTokens(directive);
    if (typeof tokens === 'string') {
      if (report) this.report(directive.line, tokens);
      return values;
    }
    if (this.envCount > 0) this.evaluateForGroup(tokens, this.everyEnv, values, directive, report);
    return values;
  }

  private evaluateForGroup(
    tokens: Token[],
    group: readonly number[],
    values: (boolean | undefined)[],
    directive: Directive,
    report: boolean,
  ): void {
    const budget = Math.min(EXPANSION_STEPS_PER_CONDITION, this.expansionStepsLeft);
    const cx: ExpansionContext = { macros: this.macros, group, stepsLeft: budget };
    const expanded = expandTokens(tokens, cx, 0);
    const classified = Array.isArray(expanded) ? classifyIdentifiers(expanded, cx) : expanded;
    this.expansionStepsLeft -= budget - Math.max(cx.stepsLeft, 0);
    if (classified instanceof NonUniformMacro) {
      // The environments disagree about a macro: evaluate each side on its own.
      for (const part of this.macros.partition(classified.name, group)) {
        this.evaluateForGroup(tokens, part, values, directive, report);
      }
      return;
    }
    if (classified instanceof ExpressionError) {
      if (report) this.report(directive.line, `#${directive.name}: ${classified.message}`);
      return;
    }
    const tree = new ExpressionParser(classified).parse();
    if (tree instanceof ExpressionError) {
      if (report) this.report(directive.line, `#${directive.name}: ${tree.message}`);
      return;
    }
    for (const env of group) {
      const value = evaluateNode(tree, this.views[env]);
      values[env] = value === undefined ? undefined : !isZero(value);
    }
  }

  /**
   * An include guard belongs to its header: until the header defines it, it is known to be
   * undefined (otherwise `#ifndef FOO_H` would be "unknown" and hide the whole header).
   */
  private assumeGuardUnset(guard: string): void {
    const next = this.everyEnv.map((e) => this.macros.get(e, guard) ?? UNDEFINED_MACRO);
    if (next.length > 0 && next.every((entry) => entry === next[0])) {
      this.macros.setAll(guard, next[0]);
      return;
    }
    for (let e = 0; e < next.length; e++) {
      if (this.macros.get(e, guard) !== next[e]) this.macros.setOne(e, guard, next[e]);
    }
  }

  private applyDefine(directive: Directive, current: StateVector): void {
    const macro = macroDefinitionOf(directive);
    if (typeof macro === 'string') {
      if (!current.allInactive) this.report(directive.line, macro);
      return;
    }
    if (!this.overridesBuiltin(macro.name)) this.setMacro(macro.name, macro, current);
    if (current.allInactive) return;
    const marks = new Uint8Array(this.envCount);
    for (let e = 0; e < this.envCount; e++) if (current.states[e] !== LineState.Inactive) marks[e] = 1;
    this.markDefined(this.definedMacros, macro.name, marks);
    const reading = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (reading) this.markDefined(reading.defined, macro.name, marks);
  }

  private markDefined(defined: Map<string, Uint8Array>, name: string, marks: Uint8Array): void {
    let targets = defined.get(name);
    if (!targets) defined.set(name, (targets = new Uint8Array(this.envCount)));
    for (let e = 0; e < this.envCount; e++) if (marks[e]) targets[e] = 1;
  }

  private applyUndef(directive: Directive, current: StateVector): void {
    const name = leadingIdentifier(directive.body);
    if (name === undefined || name === 'defined') {
      if (!current.allInactive) this.report(directive.line, '#undef requires a macro name');
      return;
    }
    if (!this.overridesBuiltin(name)) this.setMacro(name, UNDEFINED_MACRO, current);
  }

  /**
   * A header that redefines a version or IS_ENABLED() macro is a copy of one particular
   * kernel's linux/version.h or linux/kconfig.h found in the workspace (a kernel tree);
   * letting it win would pin every target to that one kernel. The file being edited may
   * still redefine them.
   */
  private overridesBuiltin(name: string): boolean {
    return this.headerContext !== undefined && isBuiltinName(name);
  }

  /**
   * Applies a #define/#undef where its region is Active; where the region is Maybe the
   * macro becomes unknown (unless it is already in that very state). Where the region is
   * Inactive nothing changes, except that a name the file defines somewhere is the file's
   * own macro: it is then known to be undefined rather than unknown (so
   * `#if OLD_KERNEL / #define NEED_X / #endif / #ifdef NEED_X` is decided everywhere).
   */
  private setMacro(name: string, entry: MacroEntry, current: StateVector): void {
    if (current.allActive) {
      this.macros.setAll(name, entry);
      return;
    }
    const ownedByFile = !isBuiltinName(name) && !isConfigName(name);
    if (current.allInactive) {
      // Only the "owned by the file" mark can change, and only where the name is untouched.
      if (!ownedByFile || this.macros.setEverywhere(name)) return;
      if (this.macros.untouched(name)) {
        this.macros.setAll(name, UNDEFINED_MACRO);
        return;
      }
    }
    // undefined: the environment keeps "never touched" (a built-in or config meaning).
    const next: (MacroEntry | undefined)[] = [];
    for (let e = 0; e < this.envCount; e++) {
      const existing = this.macros.get(e, name);
      switch (current.states[e]) {
        case LineState.Active:
          next.push(entry);
          break;
        case LineState.Maybe:
          next.push(this.alreadyIs(e, name, existing, entry) ? existing : UNKNOWN_MACRO);
          break;
        default:
          next.push(existing === undefined && ownedByFile ? UNDEFINED_MACRO : existing);
          break;
      }
    }
    if (next[0] !== undefined && next.every((entryHere) => entryHere === next[0])) {
      this.macros.setAll(name, next[0]);
      return;
    }
    for (let e = 0; e < this.envCount; e++) {
      const entryHere = next[e];
      if (entryHere !== undefined && entryHere !== this.macros.get(e, name)) this.macros.setOne(e, name, entryHere);
    }
  }

  private alreadyIs(env: number, name: string, existing: MacroEntry | undefined, entry: MacroEntry): boolean {
    if (entry.state === MacroState.Defined) {
      return existing !== undefined && existing.state === MacroState.Defined && existing.signature === entry.signature;
    }
    if (existing !== undefined) return existing.state === MacroState.Undefined;
    return isConfigName(name) && this.views[env].configMacro(name).defined === false;
  }

  private followInclude(directive: Directive, current: StateVector, includingFile: string): void {
    const target = parseIncludeTarget(directive.body);
    if (target !== undefined) this.includeHeader(target.spec, target.quoted, directive.line, current, includingFile);
  }

  private includeHeader(spec: string, quoted: boolean, line: number, current: StateVector, includingFile: string): void {
    const resolve = this.resolveInclude;
    if (resolve === undefined) return;
    if (this.includeStack.length > MAX_INCLUDE_DEPTH) {
      for (const reading of this.readingsInProgress) reading.reachedNestingLimit = true;
      this.report(line, `#include nested more than ${MAX_INCLUDE_DEPTH} levels deep; "${spec}" not read`);
      return;
    }
    let resolved: { path: string; text: string } | undefined;
    try {
      resolved = resolve(spec, quoted, includingFile);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.notReplayable();
      this.report(line, `could not read "${spec}": ${reason}`);
      return;
    }
    if (resolved === undefined || typeof resolved.text !== 'string') return;
    const source = this.headerSource(resolved.path, resolved.text);
    if (this.includeStack.includes(resolved.path)) {
      // With a guard or #pragma once the compiler stops here too; without, it never would.
      if (source.guard === undefined && !source.pragmaOnce) {
        this.report(line, `#include cycle: "${resolved.path}" includes itself`);
      }
      return;
    }
    let base = current;
    if (source.pragmaOnce) {
      this.notReplayable();
      const states = current.states.slice();
      for (let e = 0; e < this.envCount; e++) if (this.onceIncluded[e].has(resolved.path)) states[e] = LineState.Inactive;
      base = makeStateVector(states);
      if (base.allInactive) return;
    }
    const outer = this.headerContext;
    const anchorLine = outer ? outer.anchorLine : line;
    if (this.replayReading(resolved.path, resolved.text, base, anchorLine)) return;
    const stackAtStart = [...this.includeStack];
    this.headerContext = { anchorLine, path: resolved.path };
    this.includeStack.push(resolved.path);
    const reading: ReadingInProgress = {
      problems: new Set(),
      paths: new Set([resolved.path]),
      configs: new Set(),
      defined: new Map(),
      stops: undefined,
      children: [],
      depth: 1,
      reachedNestingLimit: false,
      replayable: !source.pragmaOnce,
    };
    this.readingsInProgress.push(reading);
    this.macros.startRecording();
    const stepsLeftBefore = this.expansionStepsLeft;
    const output = new LineOutput(source.lineCount, this.envCount);
    try {
      this.processSource(source, base, resolved.path, output, false);
      this.recordHeader(resolved.path, resolved.text, source.directiveLines, output.lineStates);
    } finally {
      this.includeStack.pop();
      this.headerContext = outer;
      this.readingsInProgress.pop();
      const macros = this.macros.stopRecording();
      const finished = this.finishReading(resolved, base, stackAtStart, reading, macros, output, source, stepsLeftBefore <= 0);
      this.readingsInProgress[this.readingsInProgress.length - 1]?.children.push(finished);
    }
  }

  /** Hands what a reading did to the reading around it, and keeps it for replays when it can be replayed. */
  private finishReading(
    header: { path: string; text: string },
    base: StateVector,
    stackAtStart: string[],
    reading: ReadingInProgress,
    macros: MacroRecording,
    output: LineOutput,
    source: ScannedSource,
    budgetSpent: boolean,
  ): HeaderReading {
    const outer = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (outer) {
      for (const problem of reading.problems) outer.problems.add(problem);
      for (const path of reading.paths) outer.paths.add(path);
      outer.depth = Math.max(outer.depth, reading.depth + 1);
      if (reading.reachedNestingLimit) outer.reachedNestingLimit = true;
    }
    const after = new Map<string, MacroSnapshot>();
    for (const name of macros.written) after.set(name, this.macros.snapshot(name));
    const configs = new Map<string, ConfigMacro[]>();
    for (const symbol of reading.configs) configs.set(symbol, this.views.map((view) => view.configMacro(symbol)));
    const finished: HeaderReading = {
      path: header.path,
      text: header.text,
      base: base.states.slice(),
      versionCodes: this.views.map((view) => view.versionCode),
      before: macros.before,
      after,
      configs,
      problems: reading.problems,
      paths: reading.paths,
      ancestors: stackAtStart.filter((path) => reading.paths.has(path)),
      depth: reading.depth,
      cutAtHeight: reading.reachedNestingLimit ? stackAtStart.length : undefined,
      budgetSpent,
      lineStates: output.lineStates,
      directiveLines: source.directiveLines,
      defined: reading.defined,
      stops: reading.stops,
      children: reading.children,
    };
    this.appliedReadings.add(finished);
    // Where the expansion budget ran short during the reading, conditions depended on what was
    // spent before it: such a reading is not replayed. Spent from the start, every condition
    // is undecided, which is again a state of its own. A replay spends nothing: it is cheap.
    const replayable = reading.replayable && (budgetSpent || this.expansionStepsLeft >= EXPANSION_STEPS_PER_CONDITION);
    if (replayable && this.resolveInclude) {
      const key = sharedHeaders.readingsKey(this.resolveInclude, header.path);
      const kept = [finished, ...(sharedHeaders.readings.get(key) ?? [])].slice(0, READINGS_PER_HEADER);
      sharedHeaders.readings.set(key, kept);
    }
    return finished;
  }

  /** Applies an earlier reading of the header made in the same state instead of reading it again; false when there is none. */
  private replayReading(path: string, text: string, base: StateVector, anchorLine: number): boolean {
    if (!this.resolveInclude) return false;
    const kept = sharedHeaders.readings.get(sharedHeaders.readingsKey(this.resolveInclude, path));
    const reading = kept?.find((candidate) => this.canReplay(candidate, text, base));
    if (reading === undefined) return false;
    // Readings around this one depend on what it looked at, exactly as if it had been read.
    for (const name of reading.before.keys()) this.macros.touch(name);
    for (const symbol of reading.configs.keys()) this.configAsked(symbol);
    for (const [name, snapshot] of reading.after) this.macros.restore(name, snapshot);
    const outer = this.readingsInProgress[this.readingsInProgress.length - 1];
    if (outer) {
      for (const header of reading.paths) outer.paths.add(header);
      outer.depth = Math.max(outer.depth, reading.depth + 1);
      if (reading.cutAtHeight !== undefined) outer.reachedNestingLimit = true;
      outer.children.push(reading);
    }
    for (const problem of reading.problems) this.addProblem(anchorLine, problem);
    this.applyEffects(reading, anchorLine);
    return true;
  }

  /** Line states, defined-macro marks and #error stops of a replayed reading and the readings under it, each once per call. */
  private applyEffects(reading: HeaderReading, anchorLine: number): void {
    if (this.appliedReadings.has(reading)) return;
    this.appliedReadings.add(reading);
    this.recordHeader(reading.path, reading.text, reading.directiveLines, reading.lineStates);
    for (const [name, marks] of reading.defined) this.markDefined(this.definedMacros, name, marks);
    if (reading.stops) {
      for (let e = 0; e < this.envCount; e++) if (reading.stops[e] && this.stoppedAt[e] < 0) this.stoppedAt[e] = anchorLine;
    }
    for (const child of reading.children) this.applyEffects(child, anchorLine);
  }

  private canReplay(reading: HeaderReading, text: string, base: StateVector): boolean {
    if (!sameStates(reading.base, base.states) || reading.text !== text) return false;
    // Where includes stop (the nesting limit, a cycle) depends on the include stack.
    const height = this.includeStack.length;
    if (reading.cutAtHeight !== undefined ? height !== reading.cutAtHeight : height + reading.depth - 1 > MAX_INCLUDE_DEPTH) return false;
    if (reading.budgetSpent && this.expansionStepsLeft > 0) return false;
    const ancestors = this.includeStack.filter((header) => reading.paths.has(header));
    if (ancestors.length !== reading.ancestors.length || ancestors.some((header) => !reading.ancestors.includes(header))) return false;
    for (let e = 0; e < this.envCount; e++) if (this.views[e].versionCode !== reading.versionCodes[e]) return false;
    for (const [name, snapshot] of reading.before) if (!this.macros.matches(name, snapshot)) return false;
    for (const [symbol, answers] of reading.configs) {
      for (let e = 0; e < this.envCount; e++) if (!sameConfigMacro(this.views[e].configMacro(symbol), answers[e])) return false;
    }
    return true;
  }

  /** Reads the command-line macros as the directives they stand for, problems reported on line 1. */
  private applyCommandLine(macros: readonly CommandLineMacro[], everywhere: StateVector): void {
    const lines: string[] = [];
    for (const macro of macros) {
      if (!/^[A-Za-z_]\w*$/.test(macro.name) || (macro.value !== null && /[\r\n]/.test(macro.value))) continue;
      // An identifier the file cannot define is unknown in #if, so what it guards is Maybe.
      if (!macro.certain) lines.push('#if __kernel_compat_build_condition__');
      lines.push(macro.value === null ? `#undef ${macro.name}` : `#define ${macro.name} ${macro.value}`);
      if (!macro.certain) lines.push('#endif');
    }
    const path = COMMAND_LINE_PATH;
    const outer = this.headerContext;
    this.headerContext = { anchorLine: 0, path };
    try {
      this.processSource(this.headerSource(path, lines.join('\n')), everywhere, path, undefined, false);
    } finally {
      this.headerContext = outer;
    }
  }

  /** A header's line states from one reading, merged into what the call reports for it (the arrays given are never kept). */
  private recordHeader(path: string, text: string, directiveLines: Uint8Array, lineStates: Uint8Array[]): void {
    const known = this.includedHeaders.get(path);
    if (known === undefined || known.text !== text) {
      this.includedHeaders.set(path, { path, text, lineStates: lineStates.map((states) => states.slice()), directiveLines });
      return;
    }
    for (let e = 0; e < this.envCount; e++) {
      const states = known.lineStates[e];
      const more = lineStates[e];
      for (let i = 0; i < states.length; i++) if (more[i] > states[i]) states[i] = more[i];
    }
  }

  private headerSource(path: string, text: string): ScannedSource {
    const own = path === COMMAND_LINE_PATH;
    const cached = own ? this.headers.get(path) : sharedHeaders.scanned.get(path);
    if (cached !== undefined && cached.text === text) return cached.source;
    // Directive lines are marked: the checker blanks them when it reads the header's declarations.
    const source = scanSource(text, true);
    if (own) this.headers.set(path, { text, source });
    else sharedHeaders.scanned.set(path, { text, source });
    return source;
  }
}
