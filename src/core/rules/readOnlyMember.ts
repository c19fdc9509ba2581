// Rule `read-only-member`: the code assigns a member that is const on a targeted kernel
// (vm_area_struct.vm_flags from 6.3): "assignment of read-only member".
import type { Finding } from '../check/findings';
import { byTypeText, findingWhereTypeFails, type MemberUse, type RuleContext, type RuleInfo } from './rule';

export const readOnlyMemberRule = {
  code: 'read-only-member',
  name: 'ReadOnlyMember',
  severity: 'warning',
  description: 'The code assigns a struct member that is const on some targeted kernels (vm_area_struct.vm_flags from 6.3).',
} as const satisfies RuleInfo;

export function judgeReadOnlyMember(context: RuleContext, use: MemberUse): Finding | undefined {
  const { usage } = use;
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
