// Code written as an argument of the driver's own function-like macro is compiled only as the
// macro uses it. An argument the macro leaves out (debug output compiled away, `#define
// dbg(fmt, args...)` with an empty body; `#define COMPAT_OLD(x)` empty on new kernels), turns
// into a string (`#x`) or pastes into a name (`x##_ops`) never reaches the compiler as written,
// so a member use inside it proves nothing. Which definition applies is
// decided per target, from the line states of the file or header that holds it.
import { withArguments, type CallSite } from './calls';

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
}

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
    const used = new Set<number>();
    parameters.forEach((parameter, index) => parameter !== '' && usesPlainly(body, parameter) && used.add(index));
    found.push({ name: match[1], line, parameters: parameters.length, used, variadic });
  }
  return found;
}

/** Whether the body names the parameter other than stringified (`#x`) or pasted (`x##`, `##x`). */
function usesPlainly(body: string, parameter: string): boolean {
  const code = body.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/g, ' ');
  for (const match of code.matchAll(new RegExp(`(?<![\\w#])(#\\s*|##\\s*)?\\b${parameter}\\b(\\s*##)?`, 'g'))) {
    if (!match[1] && !match[2]) return true;
  }
  return false;
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
  for (const definition of definitions) {
    const known = byName.get(definition.name);
    byName.set(definition.name, known === undefined ? definition : sameShape(known, definition) ? known : null);
  }
  const spans: { start: number; end: number }[] = [];
  const dropsSome = (site: CallSite) => {
    const macro = byName.get(site.name);
    return macro !== undefined && macro !== null && macro.used.size < macro.parameters;
  };
  for (const { site, arguments: args } of withArguments(masked, sites.filter(dropsSome), lineStartIndices, isDirectiveLine)) {
    const macro = byName.get(site.name)!;
    if (macro.variadic ? args.spans.length < macro.parameters - 1 : args.spans.length !== macro.parameters) continue;
    // Arguments from the variadic parameter's index on are all that parameter's.
    args.spans.forEach((span, index) => !macro.used.has(Math.min(index, macro.parameters - 1)) && spans.push(span));
  }
  return spans;
}

function sameShape(a: MacroDefinition | null, b: MacroDefinition): boolean {
  return a !== null && a.parameters === b.parameters && a.variadic === b.variadic && a.used.size === b.used.size && [...a.used].every((index) => b.used.has(index));
}
