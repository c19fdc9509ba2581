// What a check reports: findings (one per rule verdict) and the usages it judged, which
// hovers and fixes read.
import type { AggregateRef } from '../kernels/database';
import type { Code } from '../rules';
import type { DeadGuard } from '../rules/deadGuard';
import type { MissingHeaderFacts } from '../rules/missingHeader';
import type { CallArgumentFacts } from '../rules/callArguments';
import type { FunctionSuccessor } from '../rules/missingFunction';
import type { IncompleteStructFacts } from '../rules/incompleteStruct';
import type { FunctionSignature, MemberUsage, SourceRange } from '../c/usages';
import type { LoopRewrite } from '../c/loopDeclarations';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  range: SourceRange;
  aggregate?: AggregateRef;
  member?: string;
  /** Image indices the finding is about. */
  targets: number[];
  /** dead-guard only: the directive's group, for the fix that keeps only the live branch. */
  guard?: DeadGuard;
  /** missing-header only: the header, its successor and the boundary, for the fixes. */
  header?: MissingHeaderFacts;
  /** call-arguments only: the call and how the failing kernels take it, for the fix. */
  call?: CallArgumentFacts;
  /** missing-function only: the function that took its place, for the rename. */
  successor?: FunctionSuccessor;
  /** incomplete-struct only: the header that defines the struct, for the include. */
  incomplete?: IncompleteStructFacts;
  /** for-loop-declaration only: the loop as C89 writes it, for the fix. */
  loop?: LoopRewrite;
}

/** A usage together with the targets on which its line is certainly compiled. */
export interface JudgedUsage {
  usage: MemberUsage;
  targets: number[];
  /** For a function stored in the member: its header as the newest of those targets compiles it. */
  assigned?: FunctionSignature;
}

/** A range on one line, for findings read from the text's lines rather than its tree. */
export function lineRange(line: number, startColumn: number, endColumn: number): SourceRange {
  return { startLine: line, startColumn, endLine: line, endColumn, startIndex: 0, endIndex: 0 };
}
