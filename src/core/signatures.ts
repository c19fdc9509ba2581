// Does a function fit a function-pointer member? Only differences C really rejects count:
// a parameter count that differs, or a parameter/return type whose spelling is fully
// concrete on both sides (primitives, void, struct/union/enum types and pointers to them)
// and still differs. Typedefs we cannot resolve and qualifiers never make a mismatch.

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

function splitTopLevel(text: string): string[] {
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

const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '__user', '__iomem', '__rcu', '__force', '__percpu', '__kernel', 'register']);
const INTEGER_WORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char']);
const CONCRETE_WORDS = new Set(['void', '_Bool', 'bool', 'float', 'double', ...INTEGER_WORDS]);

/** A canonical spelling: qualifiers dropped, integer words in one order, stars attached. */
export function canonicalType(type: string): string {
  const tokens = type.replace(/\*/g, ' * ').split(/\s+/).filter((t) => t && !QUALIFIERS.has(t));
  const stars = tokens.filter((t) => t === '*').length;
  const words = tokens.filter((t) => t !== '*');
  let base: string;
  if (words.length > 0 && words.every((w) => INTEGER_WORDS.has(w))) {
    const longs = words.filter((w) => w === 'long').length;
    const unsigned = words.includes('unsigned');
    const size = words.includes('char') ? 'char' : words.includes('short') ? 'short' : longs === 2 ? 'long long' : longs === 1 ? 'long' : 'int';
    base = size === 'char' ? (unsigned ? 'unsigned char' : words.includes('signed') ? 'signed char' : 'char') : `${unsigned ? 'unsigned ' : ''}${size}`;
  } else base = words.join(' ');
  return base + (stars ? ' ' + '*'.repeat(stars) : '');
}

/** True when every word of the type is something C defines itself, so a difference is real. */
function isConcrete(canonical: string): boolean {
  const words = canonical.replace(/\*/g, '').trim().split(/\s+/);
  if (words.length === 2 && (words[0] === 'struct' || words[0] === 'union' || words[0] === 'enum')) return true;
  return words.every((w) => CONCRETE_WORDS.has(w));
}

function typesConflict(a: string, b: string): boolean {
  const left = canonicalType(a);
  const right = canonicalType(b);
  if (left === right) return false;
  return isConcrete(left) && isConcrete(right);
}

/** Why `fn` does not fit `expected`, or undefined when it fits (or when we cannot tell). */
export function signatureMismatch(fn: FunctionShape, expected: FunctionShape): string | undefined {
  if (typesConflict(fn.returnType, expected.returnType)) return `it returns ${fn.returnType}, not ${expected.returnType}`;
  if (!fn.parameterTypes || !expected.parameterTypes) return undefined;
  const variadic = fn.parameterTypes.includes('...') || expected.parameterTypes.includes('...');
  if (!variadic && fn.parameterTypes.length !== expected.parameterTypes.length) {
    return `it takes ${fn.parameterTypes.length} parameter${fn.parameterTypes.length === 1 ? '' : 's'}, not ${expected.parameterTypes.length}`;
  }
  for (let i = 0; i < Math.min(fn.parameterTypes.length, expected.parameterTypes.length); i++) {
    if (typesConflict(fn.parameterTypes[i], expected.parameterTypes[i])) {
      return `its parameter ${i + 1} is ${fn.parameterTypes[i]}, not ${expected.parameterTypes[i]}`;
    }
  }
  return undefined;
}

export function formatFunctionType(shape: FunctionShape): string {
  return `${shape.returnType} (*)(${shape.parameterTypes === undefined ? '' : shape.parameterTypes.length === 0 ? 'void' : shape.parameterTypes.join(', ')})`;
}
