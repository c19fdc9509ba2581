// Hover text (Markdown) for a struct member or a struct name: its history across the images,
// grouped as the report groups them, with the targets the user checks against.
import { aggregateKey, type AggregateRef, type KernelDatabase, type MemberState } from '../kernels/database';
import { definingHeadersHover } from '../rules/incompleteStruct';
import { collapseHistory, compareAll, describeImages, findSuccessor } from '../kernels/history';
import { absentWords, carriersText, withModules } from '../kernels/imageWords';
import type { ImageGroup } from '../kernels/schema';

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

function stateText(db: KernelDatabase, images: readonly number[], state: MemberState, member: string): string {
  switch (state.state) {
    case 'present':
      return `\`${state.member.declaration}\``;
    case 'absent':
      return `no \`${member}\``;
    case 'unknown':
      return 'not visible (inside an unnamed member the data does not show)';
    case 'no-aggregate':
      return `struct ${absentWords(images.map((index) => db.images[index]))}`;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}\[\]<>|])/g, '\\$1');
}

/**
 * The member hover: the verdict first, for the targeted kernels that build the line
 * (`lineTargets`; all targets when the line's are not known), then the member's history on
 * the targeted kernels, then on the other kernels of the data.
 */
export function memberHover(db: KernelDatabase, ref: AggregateRef, member: string, targets: readonly number[], lineTargets: readonly number[] = targets): string {
  const history = db.memberHistory(ref, member);
  const lines = [`**${ref.kind} ${escapeMarkdown(ref.name)}** · member \`${member}\``, '', verdict(db, ref, member, history, targets, lineTargets), ''];
  const targeted = new Set(targets);
  lines.push('*On the targeted kernels*', '');
  for (const run of collapseHistory(history, [...targets].sort((a, b) => a - b))) {
    lines.push(`- ${describeImages(db.images, run.images, targets)}: ${stateText(db, run.images, run.state, member)}`);
  }
  for (const { group, images } of groups(db)) {
    const others = images.filter((image) => !targeted.has(image));
    if (others.length === 0) continue;
    lines.push('', `*Other ${GROUP_TITLES[group].replace(/^\w/, (c) => c.toLowerCase())}*`, '');
    for (const run of collapseHistory(history, others)) {
      lines.push(`- ${describeImages(db.images, run.images, images)}: ${stateText(db, run.images, run.state, member)}`);
    }
  }
  return lines.join('\n');
}

/** The first line of the member hover: what happens on the kernels that build this line. */
function verdict(db: KernelDatabase, ref: AggregateRef, member: string, history: readonly MemberState[], targets: readonly number[], lineTargets: readonly number[]): string {
  if (lineTargets.length === 0) return 'No targeted kernel builds this line.';
  const on = (images: number[]) => describeImages(db.images, images, targets);
  const missing = lineTargets.filter((t) => history[t].state === 'absent');
  const present = lineTargets.filter((t) => history[t].state === 'present');
  const unknown = lineTargets.filter((t) => history[t].state === 'unknown' || history[t].state === 'no-aggregate');
  const parts: string[] = [];
  if (missing.length > 0) {
    const successor = findSuccessor(db, ref, member);
    parts.push(`**Missing on ${on(missing)}**${successor ? `: replaced by \`${successor.member.name}\` in ${db.images[successor.image].label}` : ''}.`);
    if (present.length > 0) parts.push(`Present on ${on(present)}.`);
  } else if (present.length > 0) {
    parts.push(`**Fine on every targeted kernel that builds this line${unknown.length > 0 ? ' and whose data has the struct' : ''}:** ${on(present)}.`);
  }
  if (unknown.length > 0) parts.push(`Not known on ${on(unknown)} (the data there lacks the struct, or hides the member).`);
  return parts.join(' ');
}

export function aggregateHover(db: KernelDatabase, ref: AggregateRef, targets: readonly number[]): string {
  const definitions = db.definitions(ref);
  const present = targets.filter((t) => definitions[t]);
  const absent = targets.filter((t) => !definitions[t]);
  const lines = [`**${ref.kind} ${escapeMarkdown(ref.name)}**`, ''];
  if (present.length > 0) lines.push(`Present on ${describeImages(db.images, present, targets)}.`);
  lines.push(...definingHeadersHover(db, aggregateKey(ref), targets));
  const inModules = present.filter((t) => db.carriers(ref, t));
  if (inModules.length > 0) lines.push(`In modules on ${describeImages(db.images, inModules, targets)}: ${carriersText(db.carriers(ref, inModules[inModules.length - 1])!)}.`);
  const privateOn = present.filter((t) => db.isPrivate(ref, t));
  if (privateOn.length > 0) lines.push(`No public header defines it on ${describeImages(db.images, privateOn, targets)}: private to a module or a .c file there.`);
  const absentVmlinux = absent.filter((t) => !withModules(db.images[t]));
  const absentEverywhere = absent.filter((t) => withModules(db.images[t]));
  if (absentVmlinux.length > 0) lines.push(`Not in the vmlinux BTF of ${describeImages(db.images, absentVmlinux, targets)} (it may be a module or configured off there).`);
  if (absentEverywhere.length > 0) lines.push(`In neither vmlinux nor any module of ${describeImages(db.images, absentEverywhere, targets)}.`);
  const targetSet = new Set(targets);
  const changes = compareAll(db, ref).filter((c) => c.status !== 'unchanged' && c.status !== 'absent' && targetSet.has(c.pair.from) && targetSet.has(c.pair.to));
  if (changes.length > 0) {
    lines.push('', 'Changes across the targeted kernels:');
    for (const c of changes) {
      const title = `${c.pair.fromName} → ${c.pair.toName}`;
      if (c.status === 'added') lines.push(`- ${title}: enters the vmlinux BTF`);
      else if (c.status === 'removed') lines.push(`- ${title}: leaves the vmlinux BTF`);
      else {
        // Words, not +/−/~ marks: `~` next to a backtick reads as strikethrough in Markdown.
        const names = (list: { name: string }[]) => list.map((m) => `\`${m.name}\``).join(', ');
        const parts = [
          c.added.length > 0 ? `added ${names(c.added)}` : '',
          c.removed.length > 0 ? `removed ${names(c.removed)}` : '',
          c.typeChanged.length > 0 ? `type changed: ${names(c.typeChanged)}` : '',
          c.hidden.length > 0 ? `hidden: ${names(c.hidden)}` : '',
        ].filter(Boolean);
        lines.push(`- ${title}: ${parts.join('; ')}`);
      }
    }
  } else if (present.length > 0) lines.push('', 'No member changes across the targeted kernels.');
  return lines.join('\n');
}

/** Hover on a line where the build stops for some targets (an #error, or the #include reaching one). */
export function stopHover(db: KernelDatabase, stopped: readonly number[], targets: readonly number[]): string {
  return (
    `**Kernel Compat** · the build fails here on ${describeImages(db.images, stopped, targets)} (an \`#error\` that is certainly reached).\n\n` +
    'gcc goes on compiling the rest of the file there, and the rest is checked as it compiles it.'
  );
}
