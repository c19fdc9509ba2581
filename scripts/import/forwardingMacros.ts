// Macros of only `...` that pass every argument on to one function: 6.10's allocation
// profiling wraps the allocators so (`#define kmalloc(...) alloc_hooks(kmalloc_noprof(__VA_ARGS__))`),
// and a call of such a macro takes that function's parameters (headers.ts, reshapedCalls).
import type { MacroBody } from './droppingMacros';

/** `target(__VA_ARGS__)`, bare or inside one wrapper call: `alloc_hooks(kmalloc_noprof(__VA_ARGS__))`. */
const FORWARD = /^\s*(?:[A-Za-z_]\w*\s*\(\s*)?([A-Za-z_]\w*)\s*\(\s*__VA_ARGS__\s*\)\s*\)?\s*$/;

/**
 * Macros of only `...` that pass every argument on to one function (6.10's allocation
 * profiling: `#define kmalloc(...) alloc_hooks(kmalloc_noprof(__VA_ARGS__))`), by name: a call
 * of the macro takes that function's parameters. Names with several definitions that disagree
 * are left out.
 */
export function forwardingMacros(definitions: readonly MacroBody[]): Map<string, string> {
  const targets = new Map<string, string | null>();
  for (const definition of definitions) {
    const match = definition.variadic && definition.parameters.length === 1 ? FORWARD.exec(definition.body) : null;
    const target = match && match[1] !== definition.name ? match[1] : null;
    const known = targets.get(definition.name);
    targets.set(definition.name, known === undefined || known === target ? target : null);
  }
  return new Map([...targets].filter((entry): entry is [string, string] => entry[1] !== null));
}
