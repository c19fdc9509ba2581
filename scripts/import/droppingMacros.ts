// Which parameters a kernel's function-like macros leave out of their expansion, with that
// kernel's config: `lock_acquire(l, s, t, r, c, n, i)` is `do { } while (0)` without
// CONFIG_LOCKDEP, and `mutex_acquire(l, s, t, i)` reaches it through
// `lock_acquire_exclusive`, so `&m->dep_map` written there never reaches the compiler. Found
// to a fixed point: a parameter is left out when every plain use of it in the body sits in an
// argument that another macro leaves out.
import { callSites, withArguments } from '../../src/core/c/calls';
import { maskCode } from '../../src/core/c/statements';

/** One `#define NAME(params) body`, continuation lines joined. */
export interface MacroBody {
  name: string;
  /** Parameter names; the variadic one as written (`args`) or `__VA_ARGS__`. */
  parameters: string[];
  variadic: boolean;
  body: string;
}

interface Shape {
  parameters: number;
  variadic: boolean;
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)(.*)$/gm;

/** The function-like macros of a header's text (comments blanked, continuations joined). */
export function macroBodies(uncommented: string): MacroBody[] {
  if (!uncommented.includes('define')) return [];
  const text = uncommented.replace(/\\\r?\n/g, ' ');
  const found: MacroBody[] = [];
  for (const [, name, list, body] of text.matchAll(DEFINE)) {
    const parameters = list.split(',').map((p) => p.trim());
    if (parameters.length === 1 && parameters[0] === '') parameters.length = 0;
    const last = parameters[parameters.length - 1] ?? '';
    const variadic = last.endsWith('...');
    if (variadic) parameters[parameters.length - 1] = last.slice(0, -3).trim() || '__VA_ARGS__';
    if (!parameters.every((p) => /^[A-Za-z_]\w*$/.test(p))) continue;
    found.push({ name, parameters, variadic, body });
  }
  return found;
}

/**
 * Per macro name, the bit mask of the parameters its expansion leaves out (bit i: parameter
 * i), where every definition of the name agrees on its parameters; names that drop nothing
 * are left out. A parameter stringified (`#x`) or pasted (`x##_ops`) counts as left out too:
 * what is written there is not compiled as code.
 */
export function droppedParameters(definitions: readonly MacroBody[]): Map<string, number> {
  const byName = new Map<string, MacroBody[]>();
  for (const definition of definitions) byName.set(definition.name, [...(byName.get(definition.name) ?? []), definition]);
  const dropped = new Map<string, number>();
  const shaped = [...byName].filter(([, defs]) => defs.every((d) => d.parameters.length === defs[0].parameters.length && d.variadic === defs[0].variadic));
  const masked = new Map(shaped.flatMap(([, defs]) => defs.map((d) => [d, maskCode(d.body)] as const)));
  const shapes = new Map(shaped.map(([name, defs]) => [name, { parameters: defs[0].parameters.length, variadic: defs[0].variadic }]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, defs] of shaped) {
      // Left out only where every definition leaves it out: which one a build takes is not known here.
      const mask = defs.map((d) => droppedBy(d, masked.get(d)!, dropped, shapes)).reduce((a, b) => a & b);
      if (mask !== (dropped.get(name) ?? 0)) {
        dropped.set(name, mask);
        changed = true;
      }
    }
  }
  for (const [name, mask] of dropped) if (mask === 0) dropped.delete(name);
  return dropped;
}

/** The parameters one definition leaves out, given what the other macros are known to leave out. */
function droppedBy(definition: MacroBody, body: string, dropped: ReadonlyMap<string, number>, shapes: ReadonlyMap<string, Shape>): number {
  const silent = silentSpans(body, dropped, shapes);
  let mask = 0;
  definition.parameters.forEach((parameter, index) => {
    if (index >= 30) return;
    // `, ##__VA_ARGS__` (`, ## args`) pastes nothing: it only drops the comma when no arguments come.
    const variadic = definition.variadic && index === definition.parameters.length - 1;
    const uses = [...body.matchAll(new RegExp(`(?<![\\w#])(#\\s*|##\\s*)?\\b${parameter}\\b(\\s*##)?`, 'g'))];
    const plain = uses.filter((m) => (!m[1] || (variadic && m[1].startsWith('##'))) && !m[2]);
    if (plain.every((m) => silent.some((span) => m.index! >= span.start && m.index! < span.end))) mask |= 1 << index;
  });
  return mask;
}

/** The spans of a body's calls' arguments that the called macro leaves out. */
function silentSpans(body: string, dropped: ReadonlyMap<string, number>, shapes: ReadonlyMap<string, Shape>): { start: number; end: number }[] {
  const sites = callSites(body, () => false).filter((site) => dropped.has(site.name));
  const spans: { start: number; end: number }[] = [];
  for (const { site, arguments: args } of withArguments(body, sites, [0], () => false)) {
    const shape = shapes.get(site.name)!;
    // A call with another count of arguments than the macro takes is not this macro's expansion.
    if (shape.variadic ? args.spans.length < shape.parameters - 1 : args.spans.length !== shape.parameters) continue;
    const mask = dropped.get(site.name)!;
    // Arguments from the variadic parameter's index on are all that parameter's.
    args.spans.forEach((span, index) => (mask & (1 << Math.min(index, shape.parameters - 1))) !== 0 && spans.push(span));
  }
  return spans;
}
