// Hover text (Markdown) on a kernel constant that some kernels' headers never spell
// (`BIO_MAX_PAGES`): how each targeted kernel has it, so the kernels where a use stops the build
// show at a glance. Known only for the kernels with header data (the Debian ones).
import type { KernelDatabase } from '../kernels/database';
import { perKernelHover } from './perKernelHover';

/** The hover, or undefined for a name every kernel with header data spells (or none has). */
export function constantHover(db: KernelDatabase, name: string, targets: readonly number[]): string | undefined {
  const headers = db.headers();
  if (!headers.isVanishingConstant(name)) return undefined;
  return perKernelHover(db, `**\`${name}\`** on the targeted kernels`, targets, (image) =>
    headers.spellsConstant(name, image) === false ? NOT_DECLARED : headers.declares(name, image) === false ? DECLARED_OTHERWISE : A_MACRO,
  );
}

const A_MACRO = 'a macro of the kernel headers';
const DECLARED_OTHERWISE = 'spelled by the kernel headers, not as a macro (an enumerator, a variable or a type)';
const NOT_DECLARED = '**not declared**: no kernel header spells it, so a use does not compile there';
