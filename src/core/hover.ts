// Hover text (Markdown) for a struct member or a struct name: its history across the images,
// grouped as the report groups them, with the targets the user checks against.
import type { AggregateRef, KernelDatabase, MemberState } from './database';
import { collapseHistory, compareAll, describeImages, findSuccessor } from './history';
import type { ImageGroup } from './schema';

const GROUP_TITLES: Record<ImageGroup, string> = {
  version: 'Versions',
  arch: 'Architectures (5.4)',
  flavor: 'Flavors (5.4)',
  imported: 'Imported kernels',
};

function groups(db: KernelDatabase): { group: ImageGroup; images: number[] }[] {
  const result: { group: ImageGroup; images: number[] }[] = [];
  db.images.forEach((image, index) => {
    const last = result[result.length - 1];
    if (last && last.group === image.group) last.images.push(index);
    else result.push({ group: image.group, images: [index] });
  });
  return result;
}

function stateText(state: MemberState, member: string): string {
  switch (state.state) {
    case 'present':
      return `\`${state.member.declaration}\``;
    case 'absent':
      return `no \`${member}\``;
    case 'unknown':
      return 'not visible (inside an unnamed member the data does not show)';
    case 'no-aggregate':
      return 'struct not in vmlinux BTF';
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}\[\]<>|])/g, '\\$1');
}

export function memberHover(db: KernelDatabase, ref: AggregateRef, member: string, targets: readonly number[]): string {
  const history = db.memberHistory(ref, member);
  const lines = [`**${ref.kind} ${escapeMarkdown(ref.name)}** · member \`${member}\``, ''];
  for (const { group, images } of groups(db)) {
    lines.push(`*${GROUP_TITLES[group]}*`, '');
    for (const run of collapseHistory(history, images)) {
      lines.push(`- ${describeImages(db.images, run.images, images)}: ${stateText(run.state, member)}`);
    }
    lines.push('');
  }
  const successor = findSuccessor(db, ref, member);
  if (successor) lines.push(`Replaced by \`${successor.member.name}\` in ${db.images[successor.image].label}.`);
  const missingOnTargets = targets.filter((t) => history[t].state === 'absent');
  if (successor) lines.push('');
  lines.push(missingOnTargets.length > 0 ? `Missing on targeted ${describeImages(db.images, missingOnTargets, targets)}.` : 'Present wherever the struct is, on the targeted kernels.');
  return lines.join('\n');
}

export function aggregateHover(db: KernelDatabase, ref: AggregateRef, targets: readonly number[]): string {
  const definitions = db.definitions(ref);
  const present = targets.filter((t) => definitions[t]);
  const absent = targets.filter((t) => !definitions[t]);
  const lines = [`**${ref.kind} ${escapeMarkdown(ref.name)}**`, ''];
  if (present.length > 0) lines.push(`In the vmlinux BTF of ${describeImages(db.images, present, targets)}.`);
  if (absent.length > 0) lines.push(`Not in the vmlinux BTF of ${describeImages(db.images, absent, targets)} (it may be a module or configured off there).`);
  const targetSet = new Set(targets);
  const changes = compareAll(db, ref).filter((c) => c.status !== 'unchanged' && c.status !== 'absent' && targetSet.has(c.pair.from) && targetSet.has(c.pair.to));
  if (changes.length > 0) {
    lines.push('', 'Changes across the targeted kernels:');
    for (const c of changes) {
      const title = `${c.pair.fromName} → ${c.pair.toName}`;
      if (c.status === 'added') lines.push(`- ${title}: enters the vmlinux BTF`);
      else if (c.status === 'removed') lines.push(`- ${title}: leaves the vmlinux BTF`);
      else {
        const parts = [
          ...c.added.map((m) => `+\`${m.name}\``),
          ...c.removed.map((m) => `−\`${m.name}\``),
          ...c.typeChanged.map((t) => `~\`${t.name}\``),
          ...c.hidden.map((m) => `\`${m.name}\` hidden`),
        ];
        lines.push(`- ${title}: ${parts.join(', ')}`);
      }
    }
  } else if (present.length > 0) lines.push('', 'No member changes across the targeted kernels.');
  return lines.join('\n');
}

/** Hover on a line where the build stops for some targets (an #error, or the #include reaching one). */
export function stopHover(db: KernelDatabase, stopped: readonly number[], targets: readonly number[]): string {
  return (
    `**Kernel Compat** · the build stops here on ${describeImages(db.images, stopped, targets)} (an \`#error\` that is certainly reached).\n\n` +
    'Nothing in this file is checked for those kernels: the driver does not build there.'
  );
}
