// Hover text (Markdown) on a kernel constant that some kernels' headers never spell
// (`BIO_MAX_PAGES`): how each targeted kernel has it, so the kernels where a use stops the build
// show at a glance. Known only for the kernels with header data (the Debian ones).
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';

/** The hover, or undefined for a name every kernel with header data spells (or none has). */
export function constantHover(db: KernelDatabase, name: string, targets: readonly number[]): string | undefined {
  const headers = db.headers();
  if (!headers.isVanishingConstant(name)) return undefined;
  const covered = targets.filter((image) => headers.covers(image));
  const runs: { text: string; images: number[] }[] = [];
  for (const image of covered) {
    const text = headers.spellsConstant(name, image) === false ? NOT_DECLARED : headers.declares(name, image) === false ? DECLARED_OTHERWISE : A_MACRO;
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

const A_MACRO = 'a macro of the kernel headers';
const DECLARED_OTHERWISE = 'spelled by the kernel headers, not as a macro (an enumerator, a variable or a type)';
const NOT_DECLARED = '**not declared**: no kernel header spells it, so a use does not compile there';
