// Integer values with the C preprocessor's semantics (intmax_t / uintmax_t), and the values of
// integer and character literals.
/** Values that fit a double exactly are plain signed numbers; the rest (and unsigned ones) are wide. */
export interface WideInt {
  readonly big: bigint;
  readonly unsigned: boolean;
}
export type Num = number | WideInt;
/** undefined = unknown */
export type Val = Num | undefined;

export const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
export const MIN_SAFE_BIG = -MAX_SAFE_BIG;
export const INT64_MAX = (1n << 63n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;

export function normalize(value: bigint, unsigned: boolean): Num {
  if (unsigned) return { big: BigInt.asUintN(64, value), unsigned: true };
  const wrapped = BigInt.asIntN(64, value);
  return wrapped >= MIN_SAFE_BIG && wrapped <= MAX_SAFE_BIG ? Number(wrapped) : { big: wrapped, unsigned: false };
}

export function toBigInt(value: Num): bigint {
  return typeof value === 'number' ? BigInt(value) : value.big;
}

export function isUnsignedNum(value: Num): boolean {
  return typeof value !== 'number' && value.unsigned;
}

export function isZero(value: Num): boolean {
  return typeof value === 'number' ? value === 0 : value.big === 0n;
}

export function sameNum(a: Num, b: Num): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return toBigInt(a) === toBigInt(b) && isUnsignedNum(a) === isUnsignedNum(b);
}

export function truthValue(value: boolean | undefined): Val {
  return value === undefined ? undefined : value ? 1 : 0;
}

export function fitsInt32(value: number): boolean {
  return value >= -2147483648 && value <= 2147483647;
}

export function applyUnary(operator: string, value: Num): Num {
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
export function narrowBinary(operator: string, a: number, b: number): Val | null {
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
export function wideBinary(operator: string, a: Num, b: Num): Val {
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

export function applyBinary(operator: string, a: Num, b: Num): Val {
  if (typeof a === 'number' && typeof b === 'number') {
    const narrow = narrowBinary(operator, a, b);
    if (narrow !== null) return narrow;
  }
  return wideBinary(operator, a, b);
}

export const INTEGER_LITERAL =
  /^(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))((?:[uU](?:ll|LL|[lL])?)|(?:(?:ll|LL|[lL])[uU]?))?$/;

/** The value of an integer literal, or an error message. */
export function integerLiteralValue(text: string): Num | string {
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

export const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** The value of a character literal; undefined when it depends on the compiler or target. */
export function charLiteralValue(text: string): Val | string {
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

