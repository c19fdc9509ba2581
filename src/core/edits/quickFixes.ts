// The quick fixes of any finding, best first, as plain text edits: each rule's own fixes, then
// the comment that silences the line. The editor shows them; tests apply them and re-check.
import type { Finding, JudgedUsage } from '../check/findings';
import type { KernelDatabase } from '../kernels/database';
import { Codes } from '../rules';
import { callArgumentsFixes } from '../rules/callArguments';
import { deadGuardFix } from '../rules/deadGuard';
import { missingFunctionFixes } from '../rules/missingFunction';
import { missingHeaderFixes } from '../rules/missingHeader';
import { incompleteStructFixes } from '../rules/incompleteStruct';
import { symbolNamespaceFixes } from '../rules/symbolNamespace';
import { forLoopDeclarationFixes } from '../rules/forLoopDeclaration';
import { ignoreFix, missingMemberFixes } from './fixes';
import { TextLines, type QuickFix } from './textEdits';
import { versionIncludeEdit } from './versionGuard';

export function quickFixesFor(finding: Finding, text: string, usages: readonly JudgedUsage[], db: KernelDatabase): QuickFix[] {
  // missing-member ranks its own fixes and adds the ignore comment itself.
  if (finding.code === Codes.missingMember) return missingMemberFixes({ text, finding, usages, db });
  const fixes: QuickFix[] = [];
  if (finding.code === Codes.deadGuard && finding.guard) fixes.push(deadGuardFix(text, finding.guard));
  if (finding.code === Codes.missingHeader && finding.header) {
    fixes.push(...missingHeaderFixes(text, finding.range.startLine, finding.header, versionIncludeEdit(new TextLines(text))));
  }
  if (finding.code === Codes.callArguments && finding.call) fixes.push(...callArgumentsFixes(text, finding.call));
  if (finding.code === Codes.missingFunction) fixes.push(...missingFunctionFixes(finding));
  if (finding.code === Codes.incompleteStruct && finding.incomplete) {
    fixes.push(...incompleteStructFixes(text, finding.incomplete));
  }
  if (finding.code === Codes.symbolNamespace) fixes.push(...symbolNamespaceFixes(text, finding.range));
  if (finding.code === Codes.forLoopDeclaration && finding.loop) fixes.push(...forLoopDeclarationFixes(text, finding.loop));
  fixes.push(ignoreFix(text, finding.range.startLine));
  return fixes;
}
