// Hover text (Markdown) on a call of a kernel function or macro: how each targeted kernel
// declares it, grouped by declaration, so a changed parameter list shows where it changed.
// Known only for the kernels with header data (the Debian ones); the others are named as such.
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';
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
  const runs: { text: string; images: number[] }[] = [];
  for (const image of covered) {
    const text = declarations.get(image)!;
    const run = runs.find((r) => r.text === text);
    if (run) run.images.push(image);
    else runs.push({ text, images: [image] });
  }
  const lines = [`**\`${name}\`** on the targeted kernels`, ''];
  for (const run of runs) lines.push(`- ${describeImages(db.images, run.images, targets)}: ${run.text}`);
  const unknown = targets.filter((image) => !headers.covers(image));
  if (unknown.length > 0) lines.push('', `Not known on ${describeImages(db.images, unknown, targets)}: the data has no headers of those kernels.`);
  return lines.join('\n');
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
