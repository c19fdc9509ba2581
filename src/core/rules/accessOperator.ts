// Rule `access-operator`: `p->m.x` where the member became a pointer, or `p->m->x` where it
// became embedded, on a targeted kernel. Only plain kinds are judged: a typedef may be either.
import type { Finding } from '../check/findings';
import { byTypeText, findingWhereTypeFails, type MemberUse, type RuleContext, type RuleInfo } from './rule';

export const accessOperatorRule = {
  code: 'access-operator',
  name: 'AccessOperator',
  severity: 'warning',
  description: 'The `.` or `->` after a struct member does not fit it on some targeted kernels, where it is a pointer or embedded.',
} as const satisfies RuleInfo;

export function judgeAccessOperator(context: RuleContext, use: MemberUse): Finding | undefined {
  const { usage } = use;
  const operator = usage.followedBy;
  if (!operator) return undefined;
  const wrongKind = operator === '.' ? 'pointer' : 'aggregate';
  return findingWhereTypeFails(
    context,
    accessOperatorRule.code,
    use,
    (type) => valueKind(type) === wrongKind,
    (on, declaration) =>
      `\`${usage.member}\` of ${usage.aggregate.kind} ${usage.aggregate.name} is ${operator === '.' ? 'a pointer' : 'embedded, not a pointer'} on ${on} (\`${declaration}\`), so \`${operator}\` does not apply there`,
  );
}

type ValueKind = 'pointer' | 'aggregate' | 'unknown';

/** valueKindOf by type text. */
const valueKind = byTypeText(valueKindOf);

/** Whether a member's value is a pointer (or an array, which decays to one), a struct or union, or a typedef we cannot see into. */
function valueKindOf(type: string): ValueKind {
  if (/\*\s*(?:const\s*|volatile\s*)*$/.test(type) || /\]\s*$/.test(type)) return 'pointer';
  if (/^(?:(?:const|volatile)\s+)*(?:struct|union)\s+(?:[A-Za-z_]\w*|\(anon\))$/.test(type)) return 'aggregate';
  return 'unknown';
}
