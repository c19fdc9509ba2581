// Does a function fit a function-pointer member? Only differences C really rejects count:
// a parameter count that differs, or a parameter/return type whose spelling is fully
// concrete on both sides (primitives, void, struct/union/enum types and pointers to them)
// and still differs. Typedefs we cannot resolve never make a mismatch. Qualifiers of what a
// pointer points to do (`const struct device *` is not `struct device *` to the compiler);
// qualifiers of the parameter itself do not, and sparse annotations mean nothing to gcc.
// The kernel's integer typedefs (`u8`, `size_t`) are resolved where the caller knows the arch.
import type { IntegerTypedefs } from './integerTypedefs';

export interface FunctionShape {
  returnType: string;
  /** undefined: unspecified parameters (`int (*)()`), which accept anything. */
  parameterTypes: string[] | undefined;
}

/** Splits a member type like `int (*)(struct vfio_device *, char *)` into return and parameters. */
export function functionPointerShape(type: string): FunctionShape | undefined {
  const star = type.indexOf('(*)');
  if (star < 0 || !type.endsWith(')')) return undefined;
  const returnType = type.slice(0, star).trim();
  const list = type.slice(star + 3).trim();
  if (!list.startsWith('(')) return undefined;
  const inner = list.slice(1, -1).trim();
  if (inner === '') return { returnType, parameterTypes: undefined };
  const parameterTypes = splitTopLevel(inner);
  return { returnType, parameterTypes: parameterTypes.length === 1 && parameterTypes[0] === 'void' ? [] : parameterTypes };
}

/** `a, int (*)(int, int), b` → three parts: commas inside brackets do not split. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Qualifiers that count where they qualify a pointee. */
const POINTEE_QUALIFIERS = new Set(['const', 'volatile']);
/** Words that never change what a type is to the compiler (restrict, sparse annotations, storage). */
const IGNORED_WORDS = new Set(['restrict', '__restrict', '__restrict__', '__user', '__iomem', '__rcu', '__force', '__percpu', '__kernel', 'register']);
const INTEGER_WORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char']);
const CONCRETE_WORDS = new Set(['void', '_Bool', 'bool', 'float', 'double', ...INTEGER_WORDS]);

function canonicalBase(words: string[]): string {
  if (words.length > 0 && words.every((w) => INTEGER_WORDS.has(w))) {
    const longs = words.filter((w) => w === 'long').length;
    const unsigned = words.includes('unsigned');
    const size = words.includes('char') ? 'char' : words.includes('short') ? 'short' : longs === 2 ? 'long long' : longs === 1 ? 'long' : 'int';
    return size === 'char' ? (unsigned ? 'unsigned char' : words.includes('signed') ? 'signed char' : 'char') : `${unsigned ? 'unsigned ' : ''}${size}`;
  }
  return words.join(' ');
}

/**
 * A canonical spelling: integer words in one order, stars attached, `const`/`volatile` kept
 * (in a fixed order) where they qualify a pointee and dropped where they qualify the value
 * itself, as C does when it compares function types.
 */
export function canonicalType(type: string, typedefs?: IntegerTypedefs): string {
  // A parameter declared as an array is a pointer (`struct nlattr *tb[]` is `struct nlattr **`);
  // only the outermost dimension decays, so anything with more keeps its brackets and, with
  // them, never counts as concrete.
  const decayed = /^[^\[]*\[[^\]]*\]\s*$/.test(type) ? type.replace(/\[[^\]]*\]\s*$/, '*') : type;
  const tokens = decayed
    .replace(/\*/g, ' * ')
    .split(/\s+/)
    .filter((t) => t && !IGNORED_WORDS.has(t))
    .flatMap((t) => typedefs?.(t)?.split(' ') ?? [t]);
  // levels[0] is the base type; levels[k] follows the k-th star.
  const levels: { words: string[]; qualifiers: Set<string> }[] = [{ words: [], qualifiers: new Set() }];
  for (const token of tokens) {
    if (token === '*') levels.push({ words: [], qualifiers: new Set() });
    else if (POINTEE_QUALIFIERS.has(token)) levels[levels.length - 1].qualifiers.add(token);
    else levels[levels.length - 1].words.push(token);
  }
  const qualified = (qualifiers: Set<string>) => ['const', 'volatile'].filter((q) => qualifiers.has(q)).join(' ');
  const last = levels.length - 1;
  let text = '';
  levels.forEach((level, index) => {
    // The outermost level's qualifiers are the parameter's own: they do not count.
    const qualifiers = index === last ? '' : qualified(level.qualifiers);
    if (index === 0) text = [qualifiers, canonicalBase(level.words)].filter(Boolean).join(' ');
    else text += (index === 1 ? ' ' : '') + '*' + (qualifiers ? ` ${qualifiers} ` : '');
    // Words after a star (brackets, a name, parentheses): kept so the type is not concrete.
    if (index > 0 && level.words.length > 0) text += ` ${level.words.join(' ')} `;
  });
  return text.trim();
}

/**
 * Tags (`struct timespec64`) that may not name a type of their own on the kernel compared
 * against: before 4.18, 64-bit kernels had `#define timespec64 timespec`.
 */
export type UncertainTag = (tag: string) => boolean;

/** True when every word of the type is something C defines itself, so a difference is real. */
function isConcrete(canonical: string, uncertain?: UncertainTag): boolean {
  const words = canonical
    .replace(/\*/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w) => !POINTEE_QUALIFIERS.has(w));
  if (words.length === 2 && (words[0] === 'struct' || words[0] === 'union' || words[0] === 'enum')) return !uncertain?.(`${words[0]} ${words[1]}`);
  return words.every((w) => CONCRETE_WORDS.has(w));
}

/** What a comparison may know beyond the types' text. */
export interface ComparisonFacts {
  /** Tags of the function's types that may not name a type of their own on that kernel. */
  uncertain?: UncertainTag;
  /** The kernel's integer typedefs on that kernel's architecture. */
  typedefs?: IntegerTypedefs;
}

function typesConflict(a: string, b: string, facts: ComparisonFacts): boolean {
  const { uncertain, typedefs } = facts;
  const left = canonicalType(a, typedefs);
  const right = canonicalType(b, typedefs);
  if (left === right) return false;
  return isConcrete(left, uncertain) && isConcrete(right);
}

/** The struct/union tags a function's return and parameter types name (`struct kstat`). */
export function tagsOf(fn: FunctionShape): string[] {
  const tags: string[] = [];
  for (const type of [fn.returnType, ...(fn.parameterTypes ?? [])]) {
    for (const match of type.matchAll(/\b(struct|union)\s+([A-Za-z_]\w*)/g)) tags.push(`${match[1]} ${match[2]}`);
  }
  return tags;
}

/**
 * Why `fn` does not fit `expected`, or undefined when it fits (or when we cannot tell). Tags of
 * `fn` that `uncertain` names never make a difference: what they stand for is not known.
 */
export function signatureMismatch(fn: FunctionShape, expected: FunctionShape, facts: ComparisonFacts = {}): string | undefined {
  if (typesConflict(fn.returnType, expected.returnType, facts)) return `it returns ${fn.returnType}, not ${expected.returnType}`;
  if (!fn.parameterTypes || !expected.parameterTypes) return undefined;
  const variadic = fn.parameterTypes.includes('...') || expected.parameterTypes.includes('...');
  if (!variadic && fn.parameterTypes.length !== expected.parameterTypes.length) {
    return `it takes ${fn.parameterTypes.length} parameter${fn.parameterTypes.length === 1 ? '' : 's'}, not ${expected.parameterTypes.length}`;
  }
  for (let i = 0; i < Math.min(fn.parameterTypes.length, expected.parameterTypes.length); i++) {
    if (typesConflict(fn.parameterTypes[i], expected.parameterTypes[i], facts)) {
      return `its parameter ${i + 1} is ${fn.parameterTypes[i]}, not ${expected.parameterTypes[i]}`;
    }
  }
  return undefined;
}

export function formatFunctionType(shape: FunctionShape): string {
  return `${shape.returnType} (*)(${shape.parameterTypes === undefined ? '' : shape.parameterTypes.length === 0 ? 'void' : shape.parameterTypes.join(', ')})`;
}
