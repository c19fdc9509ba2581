// Rule `missing-member`: a struct member the code uses is not in that struct on a targeted
// kernel ("has no member named"). Names the successor member or the version that removed or
// added it, where the history shows one.
import type { AggregateRef, KernelDatabase, MemberState } from '../kernels/database';
import { findSuccessor } from '../kernels/history';
import type { Finding } from '../check/findings';
import { imagesOf, memberFinding, type MemberUse, type RuleContext, type RuleInfo } from './rule';

export const missingMemberRule = {
  code: 'missing-member',
  name: 'MissingMember',
  severity: 'warning',
  description: 'A struct member used by the code is not in that struct on some targeted kernels.',
} as const satisfies RuleInfo;

export function judgeMissingMember(context: RuleContext, use: MemberUse): Finding | undefined {
  const missing = use.images.filter((image) => use.history[image].state === 'absent');
  if (missing.length === 0) return undefined;
  const { aggregate, member } = use.usage;
  const message = `\`${member}\` is not in ${aggregate.kind} ${aggregate.name} on ${imagesOf(context, missing)}${whatChanged(context.db, aggregate, member, missing, use.history)}`;
  return memberFinding(context, missingMemberRule.code, use, missing, message);
}

/** ": replaced by `x` in 5.15", ": removed in 6.1" or ": added in 5.4", from the version images' history. */
function whatChanged(db: KernelDatabase, ref: AggregateRef, member: string, missing: readonly number[], history: MemberState[]): string {
  const images = db.images;
  const versionOrder = images.map((image, index) => ({ image, index })).filter((x) => x.image.group === 'version');
  const missingVersions = versionOrder.filter((x) => missing.includes(x.index));
  if (missingVersions.length === 0) return '';
  const lastMissing = missingVersions[missingVersions.length - 1].index;
  const firstMissing = missingVersions[0].index;
  const presentBefore = [...versionOrder].reverse().find((x) => x.index < firstMissing && history[x.index].state === 'present');
  if (presentBefore) {
    const successor = findSuccessor(db, ref, member);
    if (successor) return `: replaced by \`${successor.member.name}\` in ${images[successor.image].label}`;
    const removedAt = versionOrder.find((x) => x.index > presentBefore.index && history[x.index].state !== 'present');
    return removedAt ? `: removed in ${removedAt.image.label}` : '';
  }
  const presentAfter = versionOrder.find((x) => x.index > lastMissing && history[x.index].state === 'present');
  return presentAfter ? `: added in ${presentAfter.image.label}` : '';
}
