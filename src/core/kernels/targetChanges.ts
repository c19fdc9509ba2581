// "What changed between my oldest and newest target": the struct report narrowed to the
// kernels a user targets. The net difference between the oldest and newest targeted images
// that have the struct, then each step between consecutive targeted images that changed
// something, then those two definitions. Same line shapes as the full report, so one
// grammar colours both.
import type { AggregateRef, KernelDatabase } from './database';
import { compareDefinitions, comparisonPairs, describeImages, distributionOf, type ImagePair } from './history';
import { absentMeaning } from './imageWords';
import { comparisonLines, definitionText, presentLine } from './report';
import type { ImageGroup } from './schema';

const GROUP_TITLES: Record<ImageGroup, string> = {
  version: 'Regular',
  arch: 'Arch',
  flavor: 'Flavor',
  imported: 'Imported',
};

function isVersionLike(group: ImageGroup): boolean {
  return group === 'version' || group === 'imported';
}

/**
 * The pairs compared step by step: consecutive targeted version (and imported) images of one
 * distribution by kernel version, and each targeted arch or flavor image against its
 * targeted base image.
 */
export function targetPairs(db: KernelDatabase, targets: readonly number[]): ImagePair[] {
  const images = db.images;
  const targeted = new Set(targets);
  const ordered = [...targeted].filter((index) => isVersionLike(images[index].group)).sort((a, b) => images[a].versionCode - images[b].versionCode || a - b);
  const pairs: ImagePair[] = [];
  for (const distribution of new Set(ordered.map((index) => distributionOf(images[index])))) {
    const own = ordered.filter((index) => distributionOf(images[index]) === distribution);
    for (let i = 1; i < own.length; i++) {
      const from = own[i - 1];
      const to = own[i];
      const group = images[from].group === 'version' && images[to].group === 'version' ? 'version' : 'imported';
      pairs.push({ from, to, group, distribution, fromName: images[from].label, toName: images[to].label });
    }
  }
  for (const pair of comparisonPairs(images)) {
    if (pair.group !== 'version' && targeted.has(pair.from) && targeted.has(pair.to)) pairs.push(pair);
  }
  return pairs;
}

export function targetChangesText(db: KernelDatabase, ref: AggregateRef, targets: readonly number[]): string {
  const images = db.images;
  const everyImage = images.map((_, index) => index);
  const definitions = db.definitions(ref);
  const targeted = [...new Set(targets)].sort((a, b) => images[a].versionCode - images[b].versionCode || a - b);
  const present = targeted.filter((index) => definitions[index]);
  const absent = targeted.filter((index) => !definitions[index]);
  const name = `${ref.kind} ${ref.name}`;
  const lines = [name, `Targets: ${describeImages(images, targeted, everyImage) || 'none'}`, `Source: ${db.source}.`, absentMeaning(targeted.map((index) => images[index])), '', 'Oldest and newest'];

  // Oldest and newest by kernel version: arch and flavor images only stand in when fewer than two versions are targeted.
  const versioned = present.filter((index) => isVersionLike(images[index].group));
  const ends = versioned.length >= 2 ? versioned : present;
  const oldest = ends[0];
  const newest = ends[ends.length - 1];
  if (ends.length >= 2) {
    const pair: ImagePair = { from: oldest, to: newest, group: images[newest].group, distribution: distributionOf(images[newest]), fromName: images[oldest].label, toName: images[newest].label };
    lines.push(...comparisonLines(db, compareDefinitions(pair, definitions[oldest], definitions[newest])));
  } else if (ends.length === 1) {
    lines.push(`No changes to compare: of the targets, only ${images[oldest].label} has ${name} in its data`);
  } else {
    lines.push(`No changes to compare: no targeted kernel has ${name} in its data`);
  }
  if (absent.length > 0) lines.push(`Absent from: ${describeImages(images, absent, everyImage)} ⚠️`);

  lines.push('', 'Step by step');
  let group: ImageGroup | undefined;
  let shown = 0;
  for (const pair of targetPairs(db, targeted)) {
    const comparison = compareDefinitions(pair, definitions[pair.from], definitions[pair.to]);
    // Only differences: the full report is one click away for the rest.
    if (comparison.status === 'unchanged' || comparison.status === 'absent') continue;
    if (pair.group !== group) {
      group = pair.group;
      lines.push(GROUP_TITLES[group]);
    }
    lines.push(...comparisonLines(db, comparison));
    shown++;
  }
  if (shown === 0) lines.push('No changes between the targeted kernels');

  if (ends.length > 0) {
    lines.push('', 'Definitions');
    for (const image of ends.length > 1 ? [oldest, newest] : [oldest]) {
      lines.push(presentLine(db, ref, image), ...definitionText(ref, definitions[image]!));
    }
  }
  return lines.join('\n') + '\n';
}
