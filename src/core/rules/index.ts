// Every finding kind, in the order SARIF lists them. Adding a kind means adding its module to
// this folder and its description here; the checker calls its judge in the phase it needs.
import type { Severity } from '../check/findings';
import { accessOperatorRule } from './accessOperator';
import { callArgumentsRule } from './callArguments';
import { callbackSignatureRule } from './callbackSignature';
import { conflictingFunctionRule } from './conflictingFunction';
import { dateTimeRule } from './dateTime';
import { deadGuardRule } from './deadGuard';
import { errorDirectiveRule } from './errorDirective';
import { extraCflagsRule } from './extraCflags';
import { forLoopDeclarationRule } from './forLoopDeclaration';
import { incompleteStructRule } from './incompleteStruct';
import { missingFunctionRule } from './missingFunction';
import { missingHeaderRule } from './missingHeader';
import { missingMemberRule } from './missingMember';
import { preprocessorRule } from './preprocessorProblem';
import { readOnlyMemberRule } from './readOnlyMember';
import { structNotInImageRule } from './structNotInImage';
import { symbolNamespaceRule } from './symbolNamespace';
import { undeclaredConstantRule } from './undeclaredConstant';
import { undefinedMacroRule } from './undefinedMacro';
import { unknownTypeRule } from './unknownType';
import type { RuleInfo } from './rule';

/** Diagnostic codes: a contract shared by diagnostics, quick fixes, the CLI and SARIF rules. */
export const Codes = {
  missingMember: missingMemberRule.code,
  aggregateNotInImage: structNotInImageRule.code,
  callbackSignature: callbackSignatureRule.code,
  readOnlyMember: readOnlyMemberRule.code,
  accessOperator: accessOperatorRule.code,
  preprocessor: preprocessorRule.code,
  deadGuard: deadGuardRule.code,
  missingHeader: missingHeaderRule.code,
  missingFunction: missingFunctionRule.code,
  callArguments: callArgumentsRule.code,
  incompleteStruct: incompleteStructRule.code,
  undeclaredConstant: undeclaredConstantRule.code,
  unknownType: unknownTypeRule.code,
  forLoopDeclaration: forLoopDeclarationRule.code,
  extraCflags: extraCflagsRule.code,
  symbolNamespace: symbolNamespaceRule.code,
  dateTime: dateTimeRule.code,
  errorDirective: errorDirectiveRule.code,
  undefinedMacro: undefinedMacroRule.code,
  conflictingFunction: conflictingFunctionRule.code,
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

export const RULES: readonly RuleInfo[] = [
  missingMemberRule,
  structNotInImageRule,
  callbackSignatureRule,
  accessOperatorRule,
  readOnlyMemberRule,
  preprocessorRule,
  deadGuardRule,
  missingFunctionRule,
  missingHeaderRule,
  callArgumentsRule,
  incompleteStructRule,
  undeclaredConstantRule,
  unknownTypeRule,
  forLoopDeclarationRule,
  extraCflagsRule,
  symbolNamespaceRule,
  dateTimeRule,
  errorDirectiveRule,
  undefinedMacroRule,
  conflictingFunctionRule,
];

export const DEFAULT_SEVERITIES = Object.fromEntries(RULES.map((rule) => [rule.code, rule.severity])) as Record<Code, Severity>;
