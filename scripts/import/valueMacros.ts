// Which parameters a kernel's function-like macros compile as plain values: `min(x, y)`,
// `BIT(nr)`, `kmem_cache_create(name, size, align, flags, ctor)` on 6.12 (a `_Generic` macro)
// put what is written there into an expression, so an undeclared constant there stops gcc as it
// would outside the macro. A parameter only stringified (`#x`) or pasted (`x##_ops`), or ever
// called (`x(…)`) or declared (`spinlock_t x`), or left out, may make anything of its argument,
// and is not one.
// Found to a fixed point, as droppingMacros.ts does: an argument another macro receives counts
// only where that macro compiles it as a value too.
import { callSites, withArguments } from '../../src/core/c/calls';
import { maskCode } from '../../src/core/c/statements';
import type { MacroBody } from './droppingMacros';

/**
 * Characters after which a name stands in an expression: an operator, an opening bracket, a
 * separator. Not `)`: a cast without brackets is rare in a macro, while words laid side by side
 * after one are not a value (`asm(… : "m" (*addr) barrier)`, a clobber list).
 */
const BEFORE_VALUE = new Set(['(', '[', '{', ',', '=', '+', '-', '/', '%', '&', '|', '^', '!', '~', '<', '>', '?', ':', ';']);

interface Shape {
  parameters: number;
  variadic: boolean;
}

interface MacroCall {
  /** The callee is a macro (of these headers) or a function. */
  name: string;
  open: number;
  close: number;
  spans: { start: number; end: number }[];
}

/**
 * Per macro name, the bit mask of the parameters (bit i: parameter i, the variadic one last)
 * that every definition compiles as a value; names with none are left out. `dropped` is what
 * droppedParameters found: a parameter left out with the kernel's config is no value.
 *
 * One use compiled as a value is enough for gcc to look the argument up: GENMASK(h, l) hands
 * `h` to an input check and compiles it in `__GENMASK(h, l)`. But a parameter some use may
 * declare (`type x`, `x = …`, or handed to a macro that may) is none: every other use then
 * names what was declared. So the parameters that may be declared are found first, to their
 * own fixed point, then the values.
 */
export function valueParameters(definitions: readonly MacroBody[], dropped: ReadonlyMap<string, number>): Map<string, number> {
  const byName = new Map<string, MacroBody[]>();
  for (const definition of definitions) byName.set(definition.name, [...(byName.get(definition.name) ?? []), definition]);
  const shaped = [...byName].filter(([, defs]) => defs.every((d) => d.parameters.length === defs[0].parameters.length && d.variadic === defs[0].variadic));
  // Every macro name counts as a macro; one whose definitions differ in shape passes no value.
  const arity = new Map([...byName.keys()].map((name) => [name, undefined as Shape | undefined]));
  for (const [name, defs] of shaped) arity.set(name, { parameters: defs[0].parameters.length, variadic: defs[0].variadic });
  const read = new Map(shaped.flatMap(([, defs]) => defs.map((d) => [d, readBody(d)] as const)));
  const macros: Macros = { arity, dropped, declaring: new Map(), values: new Map() };
  toFixedPoint(shaped, macros.declaring, (_, defs) => defs.map((d) => mayDeclare(read.get(d)!, macros)).reduce((a, b) => a | b));
  toFixedPoint(shaped, macros.values, (name, defs) => defs.map((d) => valuesOf(read.get(d)!, macros)).reduce((a, b) => a & b) & ~(dropped.get(name) ?? 0) & ~(macros.declaring.get(name) ?? 0));
  const values = macros.values;
  for (const [name, mask] of values) if (mask === 0) values.delete(name);
  return values;
}

/** Recomputes every name's mask until none changes (each only grows, so this ends). */
function toFixedPoint(names: readonly [string, MacroBody[]][], masks: Map<string, number>, maskOf: (name: string, definitions: MacroBody[]) => number): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, definitions] of names) {
      const mask = maskOf(name, definitions);
      if (mask !== (masks.get(name) ?? 0)) {
        masks.set(name, mask);
        changed = true;
      }
    }
  }
}

/** What the fixed points know of every macro. */
interface Macros {
  arity: ReadonlyMap<string, Shape | undefined>;
  dropped: ReadonlyMap<string, number>;
  /** Per name, the parameters some definition may declare (or make a type, a member or a callee of). */
  declaring: Map<string, number>;
  values: Map<string, number>;
}

/** One definition's body read once: its masked text, the calls in it, and each parameter's plain uses. */
interface ReadBody {
  name: string;
  masked: string;
  calls: MacroCall[];
  /** Per parameter (up to 30), where its plain uses start and end. */
  uses: { start: number; end: number }[][];
}

/** Builtins whose arguments name no value: `__builtin_offsetof(TYPE, MEMBER)` (offsetof, container_of) names a member. */
const NAMING_BUILTINS = /\b(?:__builtin_offsetof|__builtin_types_compatible_p)\s*\(/g;

function readBody(definition: MacroBody): ReadBody {
  // A builtin's arguments are blanked: nothing written there is a value.
  const masked = blankBuiltinArguments(maskCode(definition.body));
  const calls = withArguments(masked, callSites(masked, () => false), [0], () => false).map(({ site, arguments: args }) => {
    const open = masked.indexOf('(', site.startColumn + site.name.length);
    const last = args.spans[args.spans.length - 1];
    return { name: site.name, open, close: last ? last.end : open + 1, spans: args.spans };
  });
  const uses = definition.parameters.slice(0, 30).map((parameter, index) => {
    const variadic = definition.variadic && index === definition.parameters.length - 1;
    const found = [...masked.matchAll(new RegExp(`(?<![\\w#])(#\\s*|##\\s*)?\\b${parameter}\\b(\\s*##)?`, 'g'))];
    // A stringified or pasted use makes a string or another name, but a plain one still compiles
    // the argument (6.1's min() names its arguments in a message: `#x`). `, ##__VA_ARGS__` pastes
    // nothing: it drops the comma when no arguments come. From the match's start: `, ##__VA_ARGS__`
    // stands after its comma.
    return found.filter((m) => (!m[1] || (variadic && m[1].startsWith('##'))) && !m[2]).map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  });
  return { name: definition.name, masked, calls, uses };
}

function blankBuiltinArguments(masked: string): string {
  let text = masked;
  for (const match of masked.matchAll(NAMING_BUILTINS)) {
    const open = match.index! + match[0].length - 1;
    let depth = 0;
    let close = open;
    for (; close < text.length; close++) {
      if (text[close] === '(') depth++;
      else if (text[close] === ')' && --depth === 0) break;
    }
    text = text.slice(0, open + 1) + ' '.repeat(Math.max(0, close - open - 1)) + text.slice(close);
  }
  return text;
}

/**
 * The parameters one use of which in this definition may be declared: it stands where a
 * declarator, a type, a member name or a callee may (`type x`, `x = …`, `p->x`, `x(…)`), or a
 * macro it is handed to may declare it there.
 */
function mayDeclare(body: ReadBody, macros: Macros): number {
  let mask = 0;
  body.uses.forEach((uses, index) => {
    const declared = uses.some((use) => !standsAsValue(body.masked, use.start, use.end) || enclosingArguments(body, use.start, macros.arity).some((argument) => argument === undefined || (macros.declaring.get(argument.macro)! & argument.bit) !== 0));
    if (declared) mask |= 1 << index;
  });
  return mask;
}

/** The parameters some use in this definition compiles as a value, given what the other macros are known to. */
function valuesOf(body: ReadBody, macros: Macros): number {
  let mask = 0;
  body.uses.forEach((uses, index) => {
    const compiled = uses.some((use) =>
      enclosingArguments(body, use.start, macros.arity).every(
        (argument) => argument !== undefined && ((macros.values.get(argument.macro) ?? 0) & argument.bit) !== 0 && ((macros.dropped.get(argument.macro) ?? 0) & argument.bit) === 0,
      ),
    );
    if (compiled) mask |= 1 << index;
  });
  return mask;
}

/**
 * The arguments of the macro calls around `at` in the body, each as its macro's parameter bit;
 * undefined for one that cannot be told (a name whose definitions differ in shape, an argument
 * past its parameters). Calls of functions are left out: a function compiles its arguments.
 */
function enclosingArguments(body: ReadBody, at: number, arity: ReadonlyMap<string, Shape | undefined>): ({ macro: string; bit: number } | undefined)[] {
  const found: ({ macro: string; bit: number } | undefined)[] = [];
  for (const call of body.calls) {
    // A macro's own name in its body is not expanded again: `#define ndelay(x) ndelay(x)` calls the function.
    if (at <= call.open || at >= call.close || call.name === body.name || !arity.has(call.name)) continue;
    const shape = arity.get(call.name);
    const argument = call.spans.findIndex((span) => at >= span.start && at < span.end);
    if (!shape || argument < 0 || (!shape.variadic && argument >= shape.parameters)) found.push(undefined);
    else found.push({ macro: call.name, bit: 1 << Math.min(argument, shape.parameters - 1) });
  }
  return found;
}

/** Whether the name from `at` to `end` sits where an expression's operand does: after an operator or bracket, before neither `(` nor a word. */
function standsAsValue(masked: string, at: number, end: number): boolean {
  let before = at - 1;
  while (before >= 0 && /\s/.test(masked[before])) before--;
  const previous = before < 0 ? '(' : masked[before];
  // `p->x` and `s.x` name a member; `type *x` declares (a product `a * x` is taken for one too).
  if (previous === '>' && masked[before - 1] === '-') return false;
  if (previous === '*') {
    let word = before - 1;
    while (word >= 0 && /\s/.test(masked[word])) word--;
    return word < 0 || !/[\w)\]]/.test(masked[word]);
  }
  if (!BEFORE_VALUE.has(previous)) return false;
  let after = end;
  while (after < masked.length && /\s/.test(masked[after])) after++;
  // `x = …` declares as often as it assigns (`enum { field = reg }`, 6.12's SUB_REG_NC): not a value.
  if (masked[after] === '=' && masked[after + 1] !== '=') return false;
  // `(x *)` casts to a pointer to type x (container_of's `(type *)`).
  if (/^\*[\s*]*\)/.test(masked.slice(after, after + 16))) return false;
  return !/[(\w]/.test(masked[after] ?? '');
}
