// Rule `preprocessor`: a structure problem of the file's directives (an unbalanced
// #if/#endif, an #elif after #else) that limits what the checker can decide after it.
import type { Finding } from '../check/findings';
import type { PreprocessResult } from '../c/preprocessor';
import type { RuleContext, RuleInfo } from './rule';

export const preprocessorRule = {
  code: 'preprocessor',
  name: 'Preprocessor',
  severity: 'information',
  description: 'A preprocessor structure problem (unbalanced #if/#endif) that limits the analysis.',
} as const satisfies RuleInfo;

export function preprocessorFindings(context: RuleContext, pre: PreprocessResult, lines: readonly string[]): Finding[] {
  return pre.problems.map((problem) => ({
    code: preprocessorRule.code,
    severity: context.severities[preprocessorRule.code],
    message: `${problem.message}; code after it is judged as possibly compiled for every target`,
    range: { startLine: problem.line, startColumn: 0, endLine: problem.line, endColumn: (lines[problem.line] ?? '').length, startIndex: 0, endIndex: 0 },
    targets: [],
  }));
}
