// Rule `read-only-member`: the code assigns a member that is const on a targeted kernel
// (vm_area_struct.vm_flags from 6.3): "assignment of read-only member"; or writes what a member
// points to where it points to const (net_device.dev_addr from 5.17: `dev->dev_addr[i] = v`),
// "assignment of read-only location". Passing such a member to memcpy only warns, so calls are
// left alone.
import type { Finding } from '../check/findings';
import { byTypeText, findingWhereTypeFails, type MemberUse, type RuleContext, type RuleInfo } from './rule';

export const readOnlyMemberRule = {
  code: 'read-only-member',
  name: 'ReadOnlyMember',
  severity: 'warning',
  description: 'The code assigns a struct member that is const on some targeted kernels (vm_area_struct.vm_flags from 6.3), or writes through one that points to const (net_device.dev_addr from 5.17).',
} as const satisfies RuleInfo;

export function judgeReadOnlyMember(context: RuleContext, use: MemberUse): Finding | undefined {
  const { usage } = use;
  if (usage.writtenThrough) {
    return findingWhereTypeFails(
      context,
      readOnlyMemberRule.code,
      use,
      pointsToReadOnly,
      (on, declaration) => `\`${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} points to const data on ${on}, where it is \`${declaration}\`: what it points to cannot be assigned there`,
    );
  }
  if (!usage.written) return undefined;
  return findingWhereTypeFails(
    context,
    readOnlyMemberRule.code,
    use,
    isReadOnlyType,
    (on, declaration) => `\`${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} cannot be assigned on ${on}, where it is \`${declaration}\``,
  );
}

/** isConstItself by type text. */
const isReadOnlyType = byTypeText(isConstItself);

/**
 * Whether a member of this type cannot be assigned: const itself (`const vm_flags_t`), not a
 * pointer to const (`const struct file_operations *`).
 */
function isConstItself(type: string): boolean {
  if (/\*\s*const\s*$/.test(type)) return true;
  return !/[*\[(]/.test(type) && /(?:^|\s)const(?:\s|$)/.test(type);
}

/** isConstTarget by type text. */
const pointsToReadOnly = byTypeText(isConstTarget);

/**
 * Whether what a member of this type points to (or holds, for an array) is const: `const
 * unsigned char *`, `const u8 *const`, `const u8 [6]`; not `u8 *const` or a pointer to pointer.
 */
function isConstTarget(type: string): boolean {
  const target = /^([^*[(]*)(?:\*(?:\s*const)?|\[[^\]]*\])\s*$/.exec(type.trim())?.[1];
  return target !== undefined && /(?:^|\s)const(?:\s|$)/.test(target);
}
