// Hover text (Markdown) on a kernel typedef that some kernels' headers lack (`blk_opf_t`,
// `mm_segment_t`): where each targeted kernel defines it, or that it does not, so the kernels
// where a declaration of that type stops the build show at a glance. Known only for the
// kernels with header data (the Debian ones).
import type { KernelDatabase } from '../kernels/database';
import { perKernelHover } from './perKernelHover';

/** The hover, or undefined for a name every kernel with header data defines as a typedef (or none does). */
export function typedefHover(db: KernelDatabase, name: string, targets: readonly number[]): string | undefined {
  const headers = db.headers();
  if (!headers.isChangingTypedef(name)) return undefined;
  return perKernelHover(db, `**\`${name}\`** on the targeted kernels`, targets, (image) => {
    if (headers.definesTypedef(name, image) === false) return NOT_DEFINED;
    const defining = headers.typedefHeaders(name, image) ?? [];
    return `a typedef of ${defining.map((header) => `\`<${header}>\``).join(', ')}`;
  });
}

const NOT_DEFINED = '**not defined**: no kernel header defines a typedef of that name, so a declaration of that type does not compile there';
