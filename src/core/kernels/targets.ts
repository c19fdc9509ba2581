// Target kernels: which images a check judges code against. One syntax for the setting and
// the CLI: labels ('5.15', 'arm64', 'aws'), ranges over the version images ('5.4..6.8'),
// comparisons ('>=5.10', '<5.4'), and the words 'versions', 'arch', 'flavor', 'all', and
// 'ubuntu' and 'debian' (the version images of one distribution).
import type { KernelImage } from './schema';

export const DEFAULT_TARGETS = ['versions'];

export interface TargetSelection {
  /** Image indices, in database order, without duplicates. */
  images: number[];
  /** Parts of the specification that matched nothing or could not be read. */
  errors: string[];
}

function versionCodeOf(text: string): number | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  return (Number(match[1]) << 16) + (Number(match[2]) << 8) + Math.min(Number(match[3] ?? 0), 255);
}

/** Major.minor of an image's release, as a code with sublevel 0: '5.15.30' compares as 5.15. */
function seriesCode(image: KernelImage): number {
  return image.versionCode & ~0xff;
}

export function parseTargets(spec: string | readonly string[], images: readonly KernelImage[]): TargetSelection {
  const parts = (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  const chosen = new Set<number>();
  const errors: string[] = [];
  const versionImages = images.map((image, index) => ({ image, index })).filter((x) => x.image.group === 'version' || x.image.group === 'imported');
  const addWhere = (predicate: (image: KernelImage) => boolean) => {
    let matched = false;
    images.forEach((image, index) => {
      if (predicate(image)) {
        chosen.add(index);
        matched = true;
      }
    });
    return matched;
  };

  for (const part of parts) {
    let matched = false;
    const range = /^([\d.]+)\.\.([\d.]+)$/.exec(part);
    const comparison = /^(>=|<=|>|<)([\d.]+)$/.exec(part);
    if (part === 'all') matched = addWhere(() => true);
    else if (part === 'ubuntu' || part === 'debian') matched = addWhere((image) => image.group === 'version' && image.distribution === part);
    else if (part === 'versions' || part === 'arch' || part === 'flavor' || part === 'imported') {
      const group = part === 'versions' ? 'version' : part;
      matched = addWhere((image) => image.group === group);
    } else if (range) {
      const low = versionCodeOf(range[1]);
      const high = versionCodeOf(range[2]);
      if (low === undefined || high === undefined) {
        errors.push(`'${part}' is not a range of versions like 5.4..6.8`);
        continue;
      }
      for (const { image, index } of versionImages) {
        if (seriesCode(image) >= low && seriesCode(image) <= high) {
          chosen.add(index);
          matched = true;
        }
      }
    } else if (comparison) {
      const bound = versionCodeOf(comparison[2]);
      if (bound === undefined) {
        errors.push(`'${part}' does not compare with a version like 5.10`);
        continue;
      }
      const test = { '>=': (v: number) => v >= bound, '<=': (v: number) => v <= bound, '>': (v: number) => v > bound, '<': (v: number) => v < bound }[comparison[1] as '>=' | '<=' | '>' | '<'];
      for (const { image, index } of versionImages) {
        if (test(seriesCode(image))) {
          chosen.add(index);
          matched = true;
        }
      }
    } else {
      matched = addWhere((image) => image.label === part || image.image === part);
    }
    if (!matched) errors.push(`'${part}' matches no kernel image (known: ${images.map((i) => i.label).join(', ')})`);
  }
  return { images: [...chosen].sort((a, b) => a - b), errors };
}
