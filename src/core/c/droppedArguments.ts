// Code written as an argument of the driver's own function-like macro is compiled only as the
// macro uses it. An argument the macro leaves out (debug output compiled away, `#define
// dbg(fmt, args...)` with an empty body; `#define COMPAT_OLD(x)` empty on new kernels), turns
// into a string (`#x`) or pastes into a name (`x##_ops`) never reaches the compiler as written,
// so a member use inside it proves nothing. Neither does one the macro only hands on to another
// of the driver's macros that leaves it out (`channel_clear_bit(d, reg, m)` passing `reg` to
// `dma_writel`, which pastes it into `IDMA64_##reg`). Which definition applies is decided per
// target, from the line states of the file or header that holds it.
import { callArguments, withArguments, type CallSite } from './calls';

/** One `#define NAME(params) body` of the driver. */
export interface MacroDefinition {
  name: string;
  /** 0-based line of the `#define` in its text. */
  line: number;
  parameters: number;
  /** Parameter indices the body uses as plain code. */
  used: Set<number>;
  /** Whether the last parameter is variadic (`args...`, `...`): it takes every argument from its index on. */
  variadic: boolean;
  /**
   * Parameters the body uses plainly only as whole arguments of calls (`dma_writel(d, reg,
   * m)`): index → each call's name and the argument's position. A call of another macro of the
   * driver's that leaves that argument out leaves the parameter out too.
   */
  forwarded: Map<number, { callee: string; position: number }[]>;
}

/** How many of the driver's macros an argument is followed through. */
const MAX_FORWARDING_DEPTH = 8;

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)(.*)$/;

/** The function-like macros `text` defines. */
export function macroDefinitions(text: string): MacroDefinition[] {
  if (!text.includes('#')) return [];
  const found: MacroDefinition[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = DEFINE.exec(lines[i]);
    if (!match) continue;
    const line = i;
    let body = match[3];
    while (body.endsWith('\\') && i + 1 < lines.length) body = body.slice(0, -1) + ' ' + lines[++i];
    const parameters = match[2].split(',').map((p) => p.trim());
    const last = parameters[parameters.length - 1];
    const variadic = last.endsWith('...');
    // `args...` is named args in the body; `...` is __VA_ARGS__.
    if (variadic) parameters[parameters.length - 1] = last.slice(0, -3).trim() || '__VA_ARGS__';
    // Half-typed (`#define F(a, (b`): the compiler refuses it, so it drops nothing.
    if (!parameters.every((parameter) => parameter === '' || /^[A-Za-z_]\w*$/.test(parameter))) continue;
    const code = body.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/g, ' ');
    const used = new Set<number>();
    const forwarded = new Map<number, { callee: string; position: number }[]>();
    const wholeArguments = callArgumentsOf(code);
    parameters.forEach((parameter, index) => {
      const plainUses = parameter === '' ? 0 : plainUseCount(code, parameter, variadic && index === parameters.length - 1);
      if (plainUses === 0) return;
      used.add(index);
      const handedOn = wholeArguments.filter((argument) => argument.text === parameter);
      if (handedOn.length === plainUses) forwarded.set(index, handedOn.map(({ callee, position }) => ({ callee, position })));
    });
    found.push({ name: match[1], line, parameters: parameters.length, used, variadic, forwarded });
  }
  return found;
}

/**
 * How many times the body names the parameter other than stringified (`#x`) or pasted (`x##`,
 * `##x`). The variadic one after `, ##` (`dev_info(dev, fmt, ##arg)`) is no paste: GNU C drops
 * the comma before empty arguments and compiles the others as written.
 */
function plainUseCount(code: string, parameter: string, variadic: boolean): number {
  let count = 0;
  for (const match of code.matchAll(new RegExp(`(?<![\\w#])(#\\s*|##\\s*)?\\b${parameter}\\b(\\s*##)?`, 'g'))) {
    const afterComma = variadic && match[1]?.startsWith('##') === true && /,\s*$/.test(code.slice(0, match.index));
    if ((!match[1] || afterComma) && !match[2]) count++;
  }
  return count;
}

/** The arguments of the calls a macro body makes, each with the call's name and its position. */
function callArgumentsOf(code: string): { callee: string; position: number; text: string }[] {
  const found: { callee: string; position: number; text: string }[] = [];
  for (const match of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    const args = callArguments(code, match.index! + match[0].length - 1, 0, () => false);
    args?.spans.forEach((span, position) => found.push({ callee: match[1], position, text: code.slice(span.start, span.end) }));
  }
  return found;
}

/** The names of the macros `definitions` hand some parameter on to (see MacroDefinition.forwarded). */
export function forwardedTo(definitions: readonly MacroDefinition[]): Set<string> {
  return new Set(definitions.flatMap((definition) => [...definition.forwarded.values()].flat().map((call) => call.callee)));
}

/**
 * The [start, end) offsets of the arguments the file passes to macros that drop them, given
 * the definitions a target compiles. A macro defined twice for the same target (or with other
 * parameter counts) leaves its arguments alone: which one applies is not known here.
 */
export function droppedArgumentSpans(
  masked: string,
  sites: readonly CallSite[],
  lineStartIndices: readonly number[],
  definitions: readonly MacroDefinition[],
  isDirectiveLine: (line: number) => boolean,
): { start: number; end: number }[] {
  const byName = new Map<string, MacroDefinition | null>();
  const everyDefinition = new Map<string, MacroDefinition[]>();
  for (const definition of definitions) {
    const known = byName.get(definition.name);
    byName.set(definition.name, known === undefined ? definition : sameShape(known, definition) ? known : null);
    everyDefinition.set(definition.name, [...(everyDefinition.get(definition.name) ?? []), definition]);
  }
  // Whether the macro leaves out its parameter at `index`: unused, or handed on only to macros that leave it out.
  const drops = (macro: MacroDefinition, index: number, depth: number): boolean => {
    if (!macro.used.has(index)) return true;
    const calls = macro.forwarded.get(index);
    return (
      calls !== undefined &&
      depth < MAX_FORWARDING_DEPTH &&
      calls.every(({ callee, position }) => {
        const next = byName.get(callee);
        return next !== undefined && next !== null && (next.variadic || position < next.parameters) && drops(next, Math.min(position, next.parameters - 1), depth + 1);
      })
    );
  };
  const droppedOf = new Map<MacroDefinition, boolean[]>();
  const droppedParameters = (macro: MacroDefinition) => {
    let dropped = droppedOf.get(macro);
    if (!dropped) droppedOf.set(macro, (dropped = Array.from({ length: macro.parameters }, (_, index) => drops(macro, index, 0))));
    return dropped;
  };
  // Definitions of other shapes (`#ifdef DEBUG` / `#define dbg(fmt, args...) printk(…)` /
  // `#else` / `#define dbg(...)`) where the target may take either: an argument one of them
  // leaves out may not be compiled.
  const definitionsOf = (name: string) => everyDefinition.get(name) ?? [];
  const dropsSome = (site: CallSite) => definitionsOf(site.name).some((macro) => droppedParameters(macro).includes(true));
  const spans: { start: number; end: number }[] = [];
  for (const { site, arguments: args } of withArguments(masked, sites.filter(dropsSome), lineStartIndices, isDirectiveLine)) {
    const leftOut = new Set<number>();
    for (const macro of definitionsOf(site.name)) {
      if (macro.variadic ? args.spans.length < macro.parameters - 1 : args.spans.length !== macro.parameters) continue;
      // Arguments from the variadic parameter's index on are all that parameter's.
      const dropped = droppedParameters(macro);
      args.spans.forEach((_, index) => dropped[Math.min(index, macro.parameters - 1)] && leftOut.add(index));
    }
    for (const index of [...leftOut].sort((a, b) => a - b)) spans.push(args.spans[index]);
  }
  return spans;
}

function sameShape(a: MacroDefinition | null, b: MacroDefinition): boolean {
  return (
    a !== null &&
    a.parameters === b.parameters &&
    a.variadic === b.variadic &&
    a.used.size === b.used.size &&
    [...a.used].every((index) => b.used.has(index)) &&
    JSON.stringify([...a.forwarded]) === JSON.stringify([...b.forwarded])
  );
}
