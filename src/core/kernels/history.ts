// What changed, and when: comparisons between images in the order the dataset defines
// (consecutive versions; each arch against 5.4 amd64; each flavor against 5.4 generic),
// member histories collapsed into ranges, and successor guesses for removed members.
import type { AggregateRef, Definition, KernelDatabase, Member, MemberState } from './database';
import type { Distribution, KernelImage } from './schema';

export interface ImagePair {
  from: number;
  to: number;
  group: 'version' | 'arch' | 'flavor' | 'imported';
  /** Both images are of this distribution. */
  distribution: Distribution;
  /** How the pair is named in reports: '5.4 and 5.8', 'amd64 and arm64', 'generic and aws'. */
  fromName: string;
  toName: string;
}

/** The base of an arch or flavor image: the version image of the same major.minor release. */
function baseImage(images: readonly KernelImage[], image: KernelImage): number {
  const majorMinor = image.release.split('.').slice(0, 2).join('.');
  return images.findIndex(
    (candidate) => candidate.group === 'version' && distributionOf(candidate) === distributionOf(image) && candidate.release.split('.').slice(0, 2).join('.') === majorMinor,
  );
}

/** Every pair the report compares, in report order. */
export function comparisonPairs(images: readonly KernelImage[]): ImagePair[] {
  const pairs: ImagePair[] = [];
  // Consecutive versions of one distribution only: Ubuntu 6.8 against Debian 6.12 would mix
  // two configs and vmlinux-only data with data that includes modules.
  for (const distribution of distributionsOf(images)) {
    const versions = images.map((image, index) => ({ image, index })).filter((x) => x.image.group === 'version' && distributionOf(x.image) === distribution);
    for (let i = 1; i < versions.length; i++) {
      pairs.push({ from: versions[i - 1].index, to: versions[i].index, group: 'version', distribution, fromName: versions[i - 1].image.label, toName: versions[i].image.label });
    }
  }
  images.forEach((image, index) => {
    if (image.group !== 'arch' && image.group !== 'flavor') return;
    const base = baseImage(images, image);
    if (base < 0) return;
    const fromName = image.group === 'arch' ? images[base].arch : images[base].flavor;
    const toName = image.group === 'arch' ? image.arch : image.flavor;
    pairs.push({ from: base, to: index, group: image.group, distribution: distributionOf(image), fromName, toName });
  });
  return pairs;
}

export function distributionOf(image: KernelImage): Distribution {
  return image.group === 'imported' ? 'imported' : (image.distribution ?? 'ubuntu');
}

/** The distributions of the version images, in the order their first image appears. */
export function distributionsOf(images: readonly KernelImage[]): Distribution[] {
  return [...new Set(images.filter((image) => image.group === 'version').map(distributionOf))];
}

export interface TypeChange {
  name: string;
  old: Member;
  new: Member;
}

export interface Comparison {
  pair: ImagePair;
  /** 'added'/'removed': the aggregate itself appears or leaves the pair's second image's vmlinux BTF. */
  status: 'unchanged' | 'changed' | 'added' | 'removed' | 'absent';
  added: Member[];
  removed: Member[];
  typeChanged: TypeChange[];
  /** Members no longer visible because the newer definition hides them in an unnamed member. */
  hidden: Member[];
}

export function compareDefinitions(pair: ImagePair, before: Definition | null, after: Definition | null): Comparison {
  const comparison: Comparison = { pair, status: 'unchanged', added: [], removed: [], typeChanged: [], hidden: [] };
  if (!before && !after) return { ...comparison, status: 'absent' };
  if (!before) return { ...comparison, status: 'added' };
  if (!after) return { ...comparison, status: 'removed' };
  for (const member of after.members) {
    const old = before.byName.get(member.name);
    if (!old) comparison.added.push(member);
    else if (old.type !== member.type) comparison.typeChanged.push({ name: member.name, old, new: member });
  }
  for (const member of before.members) {
    if (after.byName.has(member.name)) continue;
    (after.incomplete ? comparison.hidden : comparison.removed).push(member);
  }
  const changed = comparison.added.length + comparison.removed.length + comparison.typeChanged.length + comparison.hidden.length > 0;
  comparison.status = changed ? 'changed' : 'unchanged';
  return comparison;
}

export function compareAll(db: KernelDatabase, ref: AggregateRef): Comparison[] {
  const definitions = db.definitions(ref);
  return comparisonPairs(db.images).map((pair) => compareDefinitions(pair, definitions[pair.from], definitions[pair.to]));
}

function nameTokens(name: string): Set<string> {
  return new Set(name.split('_').filter(Boolean));
}

/**
 * The member that replaced `member` when it left between `pair.from` and `pair.to`: one
 * that appears at the same boundary with the same type. When several qualify, the one that
 * shares a word of its name (`open` → `open_device`); when that does not single one out, none.
 */
export function successorAt(comparison: Comparison, member: string): Member | undefined {
  const gone = comparison.removed.find((m) => m.name === member);
  if (!gone) return undefined;
  const sameType = comparison.added.filter((m) => m.type === gone.type);
  if (sameType.length === 1) {
    // Unique by type, unless another removed member of the same type competes for it.
    const rivals = comparison.removed.filter((m) => m.type === gone.type);
    if (rivals.length === 1) return sameType[0];
  }
  const tokens = nameTokens(member);
  const byName = sameType.filter((m) => [...nameTokens(m.name)].some((t) => tokens.has(t)));
  return byName.length === 1 ? byName[0] : undefined;
}

export interface Successor {
  member: Member;
  /** The image where the successor first stands in place of the member. */
  image: number;
  pair: ImagePair;
}

const successorCache = new WeakMap<KernelDatabase, Map<string, Successor | undefined>>();

/** The successor of a member along the version group, at the last boundary where it disappeared. */
export function findSuccessor(db: KernelDatabase, ref: AggregateRef, member: string): Successor | undefined {
  // Cached per database: checks ask for the same member once per finding, hovers on every move.
  let cache = successorCache.get(db);
  if (!cache) successorCache.set(db, (cache = new Map()));
  const key = `${ref.kind} ${ref.name}.${member}\u0000${db.images.length}`;
  if (cache.has(key)) return cache.get(key);
  const found = searchSuccessor(db, ref, member);
  cache.set(key, found);
  return found;
}

/**
 * Each distribution's history is searched from its newest boundary back; of the successors
 * found, the one that shows first in version order wins (Ubuntu 5.15 shows `open_device`
 * before Debian 6.1 does, and both name the same successor).
 */
function searchSuccessor(db: KernelDatabase, ref: AggregateRef, member: string): Successor | undefined {
  const comparisons = compareAll(db, ref).filter((c) => c.pair.group === 'version');
  let best: Successor | undefined;
  for (const distribution of distributionsOf(db.images)) {
    const own = comparisons.filter((c) => c.pair.distribution === distribution);
    for (let i = own.length - 1; i >= 0; i--) {
      const found = successorAt(own[i], member);
      if (!found) continue;
      if (!best || db.images[own[i].pair.to].versionCode < db.images[best.image].versionCode) best = { member: found, image: own[i].pair.to, pair: own[i].pair };
      break;
    }
  }
  return best;
}

/** Runs of consecutive images (in a given order) that share one state of a member. */
export interface HistoryRun {
  images: number[];
  state: MemberState;
}

function sameState(a: MemberState, b: MemberState): boolean {
  if (a.state !== b.state) return false;
  return a.state !== 'present' || (b.state === 'present' && a.member.type === b.member.type);
}

export function collapseHistory(history: readonly MemberState[], order: readonly number[]): HistoryRun[] {
  const runs: HistoryRun[] = [];
  for (const index of order) {
    const last = runs[runs.length - 1];
    if (last && sameState(last.state, history[index])) last.images.push(index);
    else runs.push({ images: [index], state: history[index] });
  }
  return runs;
}

/**
 * Names a set of images compactly against an ordered universe (usually the targets):
 * consecutive members of the universe collapse into 'first–last' (`5.15–5.19, arm64`).
 */
export function describeImages(images: readonly KernelImage[], chosen: Iterable<number>, universe: readonly number[]): string {
  const set = new Set(chosen);
  const parts: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = images[run[0]].label;
    const last = images[run[run.length - 1]].label;
    parts.push(run.length === 1 ? first : `${first}–${last}`);
    run = [];
  };
  for (const index of universe) {
    // Runs stay within the ordered groups: 'arm64–riscv64' or '5.4–aws' would read as nonsense.
    const ordered = images[index].group === 'version' || images[index].group === 'imported';
    if (set.has(index) && ordered && (run.length === 0 || images[run[0]].group === images[index].group)) run.push(index);
    else {
      flush();
      if (set.has(index)) run.push(index);
    }
  }
  flush();
  return parts.join(', ');
}
