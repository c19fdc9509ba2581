// Choices of kernels written back as a target specification: the groups the target picker
// offers, and the shortest list of parts (in the syntax of targets.ts) that selects exactly
// the chosen images. Every candidate part is read with parseTargets itself, so a written spec
// always means what was chosen.
import type { KernelImage } from './schema';
import { parseTargets } from './targets';

/** Upstream long-term (LTS) series of the years the data spans, as kernel.org lists them. */
export const LTS_SERIES: readonly string[] = ['4.4', '4.14', '4.19', '5.4', '5.10', '5.15', '6.1', '6.6', '6.12'];

/** The group words of the target syntax, broadest first: the order a spec lists them in. */
const GROUP_WORDS: readonly string[] = ['all', 'versions', 'ubuntu', 'debian', 'arch', 'flavor', 'imported'];

/** The major.minor an image's release belongs to ('5.15' for 5.15.30): what ranges compare. */
export function seriesOf(image: KernelImage): string {
  return `${image.versionCode >> 16}.${(image.versionCode >> 8) & 0xff}`;
}

/** Images that ranges (`5.4..6.8`) take: the version images and the imported kernels, as in targets.ts. */
function inRanges(image: KernelImage): boolean {
  return image.group === 'version' || image.group === 'imported';
}

/** The series the ranged images belong to, oldest first, each once: the ends a range can name. */
export function rangeSeries(images: readonly KernelImage[]): string[] {
  const ranged = images.filter(inRanges).sort((a, b) => a.versionCode - b.versionCode);
  return [...new Set(ranged.map(seriesOf))];
}

/** The version images of an upstream LTS series, in database order. */
export function ltsImages(images: readonly KernelImage[]): number[] {
  return images.flatMap((image, index) => (image.group === 'version' && LTS_SERIES.includes(seriesOf(image)) ? [index] : []));
}

export interface TargetGroup {
  /** How the picker names the group. */
  title: string;
  /** The images it selects, in database order. */
  images: number[];
}

/** The groups people think in, as the picker offers them; groups the data has no image for are left out. */
export function targetGroups(images: readonly KernelImage[]): TargetGroup[] {
  const word = (part: string) => parseTargets(part, images).images;
  const groups: TargetGroup[] = [
    { title: 'All versions', images: word('versions') },
    { title: 'Ubuntu only', images: word('ubuntu') },
    { title: 'Debian only', images: word('debian') },
    { title: 'LTS kernels', images: ltsImages(images) },
    { title: 'Other architectures', images: word('arch') },
    { title: 'Flavors', images: word('flavor') },
    { title: 'Imported kernels', images: word('imported') },
  ];
  return groups.filter((group) => group.images.length > 0);
}

/**
 * The shortest specification that parseTargets reads as exactly `chosen`: group words where a
 * whole group is chosen, ranges over the version images for runs, labels for the rest. Of
 * equally short specs, the one with the most group words (`ubuntu, 6.1..7.3` rather than
 * `4.4..5.8, 5.11..7.3`). An empty choice gives an empty spec.
 */
export function shortestTargetSpec(images: readonly KernelImage[], chosen: Iterable<number>): string[] {
  const wanted = new Set(chosen);
  const selection = memoisedSelection(images);
  const fits = (part: string) => selection(part).every((index) => wanted.has(index));
  const words = GROUP_WORDS.filter((word) => selection(word).length > 0 && fits(word));
  let shortest: string[] | undefined;
  for (const wordSet of subsetsLargestFirst(words)) {
    const coveredByWords = new Set(wordSet.flatMap(selection));
    const rest = [...wanted].filter((index) => !coveredByWords.has(index));
    const spec = [...wordSet, ...rangesAndLabels(images, rest, fits, selection)];
    if (!shortest || spec.length < shortest.length) shortest = spec;
  }
  return shortest ?? [];
}

/** parseTargets of one part, remembered: the search asks for the same ranges many times. */
function memoisedSelection(images: readonly KernelImage[]): (part: string) => number[] {
  const known = new Map<string, number[]>();
  return (part) => {
    let selected = known.get(part);
    if (!selected) known.set(part, (selected = parseTargets(part, images).images));
    return selected;
  };
}

/** Every subset of `items`, larger subsets first, each keeping the items' order. */
function subsetsLargestFirst<T>(items: readonly T[]): T[][] {
  const subsets: T[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) subsets.push(items.filter((_, bit) => mask & (1 << bit)));
  return subsets.sort((a, b) => b.length - a.length);
}

/**
 * Parts for the images no group word covered: from the oldest uncovered version image, the
 * range reaching the newest uncovered one it can without taking an image not chosen (a label
 * when that is the one image); arch and flavor images by label.
 */
function rangesAndLabels(images: readonly KernelImage[], rest: readonly number[], fits: (part: string) => boolean, selection: (part: string) => number[]): string[] {
  const series = rangeSeries(images);
  const ranged = rest.filter((index) => inRanges(images[index])).sort((a, b) => images[a].versionCode - images[b].versionCode || a - b);
  const uncovered = new Set(rest);
  const parts: string[] = [];
  for (const start of ranged) {
    if (!uncovered.has(start)) continue;
    const from = seriesOf(images[start]);
    let widest: { part: string; takes: number[] } | undefined;
    for (const to of series.slice(series.indexOf(from))) {
      const part = `${from}..${to}`;
      if (!fits(part)) break;
      const takes = selection(part).filter((index) => uncovered.has(index));
      // Reaching further only pays when it takes another uncovered image.
      if (!widest || takes.length > widest.takes.length) widest = { part, takes };
    }
    if (widest && widest.takes.length > 1) {
      parts.push(widest.part);
      for (const index of widest.takes) uncovered.delete(index);
    } else {
      parts.push(images[start].label);
      uncovered.delete(start);
    }
  }
  for (const index of [...uncovered].sort((a, b) => a - b)) parts.push(images[index].label);
  return parts;
}
