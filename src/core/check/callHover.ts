// Hover text (Markdown) on a call of a kernel function or macro: how each targeted kernel
// declares it, grouped by declaration, so a changed parameter list shows where it changed.
// Known only for the kernels with header data (the Debian ones); the others are named as such.
import type { KernelDatabase } from '../kernels/database';
import { perKernelHover } from './perKernelHover';
import { prototypeParameters } from '../c/prototypes';

/** The hover, or undefined when no kernel with header data declares the name (the driver's own). */
export function callHover(db: KernelDatabase, name: string, targets: readonly number[]): string | undefined {
  const headers = db.headers();
  const covered = targets.filter((image) => headers.covers(image));
  const declarations = new Map<number, string>();
  for (const image of covered) {
    const text = declarationText(db, name, image);
    if (text === undefined) return undefined;
    declarations.set(image, text);
  }
  if (![...declarations.values()].some((text) => text !== NOT_DECLARED)) return undefined;
  return perKernelHover(db, `**\`${name}\`** on the targeted kernels`, targets, (image) => declarations.get(image)!);
}

const NOT_DECLARED = '**not declared**: a call does not compile there';

/**
 * How the image's headers declare the name: its function-like macros (what a call reaches
 * first), else its prototypes; undefined for a name the data says nothing about.
 */
function declarationText(db: KernelDatabase, name: string, image: number): string | undefined {
  const headers = db.headers();
  const macros = headers.macros(name, image) ?? [];
  if (macros.length > 0) {
    const arity = (m: { parameters: number; variadic: boolean }) =>
      m.variadic && m.parameters === 0 ? 'any number of arguments' : `${m.variadic ? 'at least ' : ''}${m.parameters} argument${m.parameters === 1 ? '' : 's'}`;
    const arities = [...new Set(macros.map(arity))];
    return `a macro of ${arities.join(' or ')}`;
  }
  // Fortified string functions come out of the header reader with split parameters: not shown.
  const functions = (headers.functions(name, image) ?? []).filter((f) => prototypeParameters(f.prototype, name) !== undefined);
  if (functions.length > 0) return [...new Set(functions.map((f) => `\`${f.prototype}\`${f.inline ? ' (static inline)' : ''}`))].join(', or ');
  if (!headers.isKernelCallable(name)) return undefined;
  return headers.declares(name, image) ? 'declared (as an object-like macro, or an inline the data does not show)' : NOT_DECLARED;
}
