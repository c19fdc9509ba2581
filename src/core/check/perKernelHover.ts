// The shape the name hovers share (a call's declarations, a constant's presence): one line per
// group of targeted kernels that read the same, then the targets the data has no headers of.
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';

/** Markdown: `title`, then what `describe` says of each targeted kernel with header data, kernels that read the same on one line. */
export function perKernelHover(db: KernelDatabase, title: string, targets: readonly number[], describe: (image: number) => string): string {
  const headers = db.headers();
  const runs: { text: string; images: number[] }[] = [];
  for (const image of targets.filter((target) => headers.covers(target))) {
    const text = describe(image);
    const run = runs.find((r) => r.text === text);
    if (run) run.images.push(image);
    else runs.push({ text, images: [image] });
  }
  const lines = [title, ''];
  for (const run of runs) lines.push(`- ${describeImages(db.images, run.images, targets)}: ${run.text}`);
  const unknown = targets.filter((image) => !headers.covers(image));
  if (unknown.length > 0) lines.push('', `Not known on ${describeImages(db.images, unknown, targets)}: the data has no headers of those kernels.`);
  return lines.join('\n');
}
