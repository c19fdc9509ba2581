// The struct report. Text for people, read top-down: a summary of where the struct is, then
// what changed between the compared pairs, then every image's status with its definition
// (the long part, last). JSON for tools. Every mark comes with words (`present ✅`,
// `unchanged ✅`), since ✅ and ⚠️ are empty boxes on a machine without an emoji font.
import type { AggregateKind, AggregateRef, Definition, KernelDatabase, Member } from './database';
import { compareAll, describeImages, distributionOf, distributionsOf, successorAt, type Comparison } from './history';
import { absentMeaning, absentWords, carriersText, withModules } from './imageWords';
import type { Distribution, ImageGroup, KernelImage } from './schema';

const GROUP_TITLES: Record<ImageGroup, string> = {
  version: 'Regular',
  arch: 'Arch',
  flavor: 'Flavor',
  imported: 'Imported',
};

/** The heading of a run of images or pairs: Debian's version images are told apart from Ubuntu's. */
export function groupTitle(group: ImageGroup, distribution: Distribution | undefined): string {
  if (group === 'version' && distribution === 'debian') return 'Regular (Debian, vmlinux and modules)';
  if (group === 'version' && distribution === 'ubuntu') return 'Regular (Ubuntu, vmlinux)';
  return GROUP_TITLES[group];
}

/** What the report adds after `present ✅` on a kernel read with modules: where the type lives, and its namesakes. */
function originNotes(db: KernelDatabase, ref: AggregateRef, image: number): string {
  const notes: string[] = [];
  const carriers = db.carriers(ref, image);
  if (carriers) notes.push(`in modules: ${carriersText(carriers)}`);
  else if (withModules(db.images[image])) notes.push('in vmlinux');
  if (db.isPrivate(ref, image)) notes.push('private: no public header defines it');
  const others = db.alternatives(ref, image);
  if (others.length > 0) notes.push(`${others.length} other ${ref.kind} ${ref.name} in ${others.map((o) => carriersText(o.carriers)).join('; ')}`);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

export function definitionText(ref: AggregateRef, definition: Definition): string[] {
  const lines = [`${ref.kind} ${ref.name} {`];
  for (const member of definition.members) lines.push(ref.kind === 'enum' ? `    ${member.declaration},` : `    ${member.declaration};`);
  if (definition.incomplete) lines.push('    /* plus members inside an unnamed struct/union whose contents the data does not show */');
  lines.push('};');
  return lines;
}

export function comparisonLines(db: KernelDatabase, comparison: Comparison): string[] {
  const { pair } = comparison;
  const title = `${pair.fromName} and ${pair.toName}`;
  const toLabel = db.images[pair.to].label;
  const fromLabel = db.images[pair.from].label;
  switch (comparison.status) {
    case 'absent':
      return [];
    case 'unchanged':
      return [`${title}: unchanged ✅`];
    case 'added':
      return [`${title} ⚠️ present in ${toLabel}, absent from ${fromLabel} (${absentWords([db.images[pair.from]])})`];
    case 'removed':
      return [`${title} ⚠️ absent from ${toLabel} (${absentWords([db.images[pair.to]])}${withModules(db.images[pair.to]) ? '' : '; may be a module or configured off'}), present in ${fromLabel}`];
    case 'changed': {
      // The field lines below say what changed, in words.
      const lines = [`${title} ⚠️`];
      for (const m of comparison.added) lines.push(`  Field added: ${m.declaration}`);
      for (const m of comparison.removed) {
        const successor = successorAt(comparison, m.name);
        lines.push(`  Field removed: ${m.declaration}${successor ? ` (replaced by ${successor.name})` : ''}`);
      }
      for (const change of comparison.typeChanged) lines.push(`  Field type changed: ${change.old.declaration} ➡️ ${change.new.declaration}`);
      for (const m of comparison.hidden) lines.push(`  Field no longer visible (inside an unnamed member the data does not show): ${m.declaration}`);
      return lines;
    }
  }
}

/** `5.4: present ✅` (with where a kernel read with modules keeps it), the line a definition follows. */
export function presentLine(db: KernelDatabase, ref: AggregateRef, image: number): string {
  return `${statusLabel(db.images[image])}: present ✅${originNotes(db, ref, image)}`;
}

function statusLabel(image: KernelImage): string {
  return `${image.label}${image.distribution === 'debian' ? ' (Debian)' : ''}`;
}

export function reportText(db: KernelDatabase, ref: AggregateRef): string {
  const definitions = db.definitions(ref);
  const lines = [
    `${ref.kind} ${ref.name}`,
    `Source: ${db.source}.`,
    absentMeaning(db.images),
    '',
    'Summary',
    ...summaryLines(db, definitions),
    '',
    'Differences',
    ...differenceLines(db, ref),
    '',
    'Status',
    ...statusLines(db, ref, definitions),
  ];
  return lines.join('\n') + '\n';
}

const SUMMARY_NAMES: Record<Distribution, string> = { ubuntu: 'Ubuntu', debian: 'Debian', imported: 'Imported' };

/**
 * One line per distribution's version images, then arches, flavors and imported kernels:
 * `Ubuntu: present on 5.4–5.19 ✅; absent from 4.4–5.3, 6.2–6.8 ⚠️`. Ranges run over that
 * line's own images, so Debian 5.10 does not split an Ubuntu range.
 */
function summaryLines(db: KernelDatabase, definitions: readonly (Definition | null)[]): string[] {
  const images = db.images;
  const every = images.map((_, index) => index);
  const subjects = [
    ...distributionsOf(images).map((distribution) => ({
      name: SUMMARY_NAMES[distribution],
      images: every.filter((index) => images[index].group === 'version' && distributionOf(images[index]) === distribution),
    })),
    { name: 'Arches', images: every.filter((index) => images[index].group === 'arch') },
    { name: 'Flavors', images: every.filter((index) => images[index].group === 'flavor') },
    { name: 'Imported', images: every.filter((index) => images[index].group === 'imported') },
  ];
  return subjects
    .filter((subject) => subject.images.length > 0)
    .map(({ name, images: own }) => {
      const present = own.filter((index) => definitions[index]);
      const absent = own.filter((index) => !definitions[index]);
      const parts: string[] = [];
      if (present.length > 0) parts.push(`present on ${describeImages(images, present, own)} ✅`);
      if (absent.length > 0) parts.push(`absent from ${describeImages(images, absent, own)} ⚠️`);
      return `${name}: ${parts.join('; ')}`;
    });
}

/** Every compared pair, under the heading of its group and distribution. */
function differenceLines(db: KernelDatabase, ref: AggregateRef): string[] {
  const lines: string[] = [];
  let heading: string | undefined;
  for (const comparison of compareAll(db, ref)) {
    const title = groupTitle(comparison.pair.group, comparison.pair.distribution);
    if (title !== heading) {
      heading = title;
      lines.push(title);
    }
    lines.push(...comparisonLines(db, comparison));
  }
  return lines;
}

/** Every image in database order, under the heading of its group: absent, or present with its definition. */
function statusLines(db: KernelDatabase, ref: AggregateRef, definitions: readonly (Definition | null)[]): string[] {
  const lines: string[] = [];
  let heading: string | undefined;
  db.images.forEach((image, index) => {
    const title = groupTitle(image.group, image.group === 'version' ? undefined : distributionOf(image));
    if (title !== heading) {
      heading = title;
      lines.push(title);
    }
    const definition = definitions[index];
    if (definition) lines.push(presentLine(db, ref, index), ...definitionText(ref, definition));
    else lines.push(`${statusLabel(image)}: absent ⚠️`);
  });
  return lines;
}

export interface ReportJson {
  struct: string;
  kind: AggregateKind;
  images: Record<
    string,
    null | {
      members: { name: string; type: string; declaration: string }[];
      incomplete: boolean;
      /** Kernels read with modules: the modules that carry it (absent: vmlinux does). */
      modules?: { count: number; names: string[] };
      /** Kernels with header data: no public header defines it. */
      private?: true;
    }
  >;
  changes: {
    from: string;
    to: string;
    status: Comparison['status'];
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    typeChanged: { name: string; old: string; new: string }[];
    hidden: { name: string; type: string }[];
  }[];
}

const nameAndType = (m: Member) => ({ name: m.name, type: m.type });

export function reportJson(db: KernelDatabase, ref: AggregateRef): ReportJson {
  const definitions = db.definitions(ref);
  const images: ReportJson['images'] = {};
  db.images.forEach((image, index) => {
    const definition = definitions[index];
    if (!definition) {
      images[image.label] = null;
      return;
    }
    const carriers = db.carriers(ref, index);
    images[image.label] = {
      members: definition.members.map((m) => ({ name: m.name, type: m.type, declaration: m.declaration })),
      incomplete: definition.incomplete,
      ...(carriers ? { modules: { count: carriers[0], names: carriers.slice(1) as string[] } } : {}),
      ...(db.isPrivate(ref, index) ? { private: true as const } : {}),
    };
  });
  const changes = compareAll(db, ref)
    .filter((c) => c.status !== 'absent')
    .map((c) => ({
      from: db.images[c.pair.from].label,
      to: db.images[c.pair.to].label,
      status: c.status,
      added: c.added.map(nameAndType),
      removed: c.removed.map(nameAndType),
      typeChanged: c.typeChanged.map((t) => ({ name: t.name, old: t.old.type, new: t.new.type })),
      hidden: c.hidden.map(nameAndType),
    }));
  return { struct: ref.name, kind: ref.kind, images, changes };
}

/** Known names closest to a mistyped one, for "did you mean". */
export function closestNames(candidates: readonly string[], wanted: string, limit = 5): string[] {
  const scored: { name: string; score: number }[] = [];
  const lower = wanted.toLowerCase();
  for (const name of candidates) {
    const candidate = name.toLowerCase();
    let score = editDistance(lower, candidate, 6);
    if (lower.length >= 3 && candidate.includes(lower)) score = Math.min(score, 1 + Math.abs(candidate.length - lower.length) / 10);
    if (score <= 5) scored.push({ name, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).slice(0, limit).map((s) => s.name);
}

/** Levenshtein distance, giving up (returning `cap`) once it exceeds `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previous = current;
  }
  return Math.min(previous[b.length], cap);
}
