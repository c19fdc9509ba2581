// Dead version guards, the counterpart of Android Lint's ObsoleteSdkInt: an #if/#elif on
// LINUX_VERSION_CODE that has the same value on every targeted kernel image. Either its code
// is never compiled, or the guard and its other branches are left over from kernels nobody
// targets any more. Only conditions made of version words and numbers count: a CONFIG_ test
// or a macro the checker cannot see may differ on kernels outside the data.
import { LineState, type ConditionInfo, type PreprocessResult } from '../c/preprocessor';
import { TextLines, type QuickFix, type TextEdit } from '../edits/textEdits';
import type { SourceRange } from '../c/usages';
import type { Finding } from '../check/findings';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';

export const deadGuardRule = {
  code: 'dead-guard',
  name: 'DeadGuard',
  severity: 'hint',
  description: 'A LINUX_VERSION_CODE condition that is always true or always false for every targeted kernel.',
} as const satisfies RuleInfo;

export function deadGuardFindings(context: RuleContext, text: string, pre: PreprocessResult): Finding[] {
  return findDeadGuards(text, pre, context.targets).map((guard) => ({
    code: deadGuardRule.code,
    severity: context.severities[deadGuardRule.code],
    message: deadGuardMessage(guard, imagesOf(context, guard.targets)),
    range: guard.range,
    targets: guard.targets,
    guard,
  }));
}

export interface DeadGuard {
  /** 0-based line of the #if/#elif, and the last line of its backslash continuations. */
  line: number;
  lastLine: number;
  directive: 'if' | 'elif';
  condition: string;
  alwaysTrue: boolean;
  /** Image indices of the targets that reach the directive (all of them see the same value). */
  targets: number[];
  /** Lines of the group's #elif/#else that follow the directive, and of its #endif. */
  siblings: number[];
  endLine: number;
  range: SourceRange;
}

const VERSION_LEAVES = new Set(['LINUX_VERSION_CODE', 'LINUX_VERSION_MAJOR', 'LINUX_VERSION_PATCHLEVEL', 'LINUX_VERSION_SUBLEVEL']);
const VERSION_WORDS = new Set([...VERSION_LEAVES, 'KERNEL_VERSION']);

/** True for a condition built only from the kernel version, KERNEL_VERSION(), numbers and operators. */
export function dependsOnlyOnVersion(condition: string): boolean {
  const words = (condition.match(/[A-Za-z_]\w*|\d[\w.]*|'(?:\\.|[^'])*'/g) ?? []).filter((w) => !/^\d/.test(w));
  return words.some((w) => VERSION_LEAVES.has(w)) && words.every((w) => VERSION_WORDS.has(w));
}

function lastContinuationLine(lines: TextLines, line: number): number {
  let last = line;
  while (last + 1 < lines.lineCount && lines.content(last).trimEnd().endsWith('\\')) last++;
  return last;
}

const ENDIF = /^[ \t]*#[ \t]*endif\b/;

const ERROR = /^[ \t]*#[ \t]*error\b/;

/** Whether the lines from `first` up to `end` hold an `#error`. */
function refuses(lines: TextLines, first: number, end: number): boolean {
  for (let line = first; line < end; line++) if (ERROR.test(lines.content(line))) return true;
  return false;
}

/**
 * Every #if/#elif on the kernel version that is decided the same way on all targets reaching
 * it. A target reaches an #elif unless an earlier branch of its group is certainly taken; a
 * directive inside code no target compiles is left to the guard around it.
 */
export function findDeadGuards(text: string, pre: PreprocessResult, targets: readonly number[]): DeadGuard[] {
  if (targets.length === 0) return [];
  // Most files have no version condition at all: they pay for nothing but this filter.
  const candidates = pre.conditions.filter(
    (info): info is ConditionInfo & { directive: 'if' | 'elif' } => (info.directive === 'if' || info.directive === 'elif') && dependsOnlyOnVersion(info.text),
  );
  if (candidates.length === 0) return [];
  const lines = new TextLines(text);
  const guards: DeadGuard[] = [];
  for (const info of candidates) {
    // An unterminated group has no #endif to keep or remove: the fix would damage the file.
    if (!ENDIF.test(lines.content(info.endLine))) continue;
    const earlier = info.directive === 'elif' ? pre.conditions.filter((other) => other !== info && other.endLine === info.endLine && other.branchLines.includes(info.line)) : [];
    const reaching: number[] = [];
    for (let slot = 0; slot < targets.length; slot++) {
      if (pre.lineStates[slot][info.line] === LineState.Inactive) continue;
      if (earlier.some((other: ConditionInfo) => other.values[slot] === true)) continue;
      reaching.push(slot);
    }
    if (reaching.length === 0) continue;
    const value = info.values[reaching[0]];
    if (value === undefined || reaching.some((slot) => info.values[slot] !== value)) continue;
    const lastLine = lastContinuationLine(lines, info.line);
    // A driver refusing every target (`#if … >= KERNEL_VERSION(5, 8, 0)` / `#error`) needs its
    // guard: error-directive reports the #error, and keeping only the branch would keep only it.
    if (value && refuses(lines, lastLine + 1, info.branchLines[0] ?? info.endLine)) continue;
    const startColumn = lines.content(info.line).indexOf('#');
    const endColumn = lines.content(lastLine).length;
    guards.push({
      line: info.line,
      lastLine,
      directive: info.directive,
      // Continuation lines join with their indentation: one space reads better in a message.
      condition: info.text.replace(/\s+/g, ' '),
      alwaysTrue: value,
      targets: reaching.map((slot) => targets[slot]),
      siblings: info.branchLines,
      endLine: info.endLine,
      range: {
        startLine: info.line,
        startColumn: Math.max(0, startColumn),
        endLine: lastLine,
        endColumn,
        startIndex: lines.offset(info.line, Math.max(0, startColumn)),
        endIndex: lines.offset(lastLine, endColumn),
      },
    });
  }
  return guards;
}

/** The finding's message; `targets` names the guard's targets as the user reads them (`5.4–6.8`). */
export function deadGuardMessage(guard: DeadGuard, targets: string): string {
  const who = guard.directive === 'if' ? `for the targeted kernels ${targets}` : `for the targeted kernels that reach this #elif (${targets})`;
  if (!guard.alwaysTrue) return `\`${guard.condition}\` is always false ${who}: the code under it is never compiled`;
  const others = guard.siblings.length > 0 ? 'the other branches are never compiled' : 'the guard is not needed';
  return `\`${guard.condition}\` is always true ${who}: ${others}`;
}

/** `#elif` → `#if` (and `#elifdef` → `#ifdef`), keeping the rest of the line. */
function promoteToIf(content: string): string {
  return content.replace(/^([ \t]*#[ \t]*)el(if|ifdef|ifndef)\b/, '$1$2');
}

/**
 * The edits that keep only the live code of a dead guard's group: the guard's branch when it
 * is always true, the others when it is always false. Lines are removed whole; what is kept
 * is not touched (nor re-indented).
 */
export function deadGuardFix(text: string, guard: DeadGuard): QuickFix {
  const lines = new TextLines(text);
  const edits: TextEdit[] = [];
  /** Whole-line deletions as [first, last]; merged below so that touching ones become one edit. */
  const deletions: [number, number][] = [];
  const next = guard.siblings[0];
  const endExtent = lastContinuationLine(lines, guard.endLine);
  const isElse = (line: number) => /^[ \t]*#[ \t]*else\b/.test(lines.content(line));
  let title: string;
  if (guard.directive === 'if' && !guard.alwaysTrue) {
    title = 'Remove the #if branch that no targeted kernel compiles';
    if (next === undefined) deletions.push([guard.line, endExtent]);
    else if (isElse(next)) deletions.push([guard.line, lastContinuationLine(lines, next)], [guard.endLine, endExtent]);
    else {
      deletions.push([guard.line, next - 1]);
      edits.push(lines.replaceLine(next, promoteToIf(lines.content(next))));
    }
  } else if (guard.directive === 'if') {
    title = 'Keep only the #if branch, which every targeted kernel compiles';
    deletions.push([guard.line, guard.lastLine], [next ?? guard.endLine, endExtent]);
  } else if (!guard.alwaysTrue) {
    title = 'Remove the #elif branch that no targeted kernel compiles';
    deletions.push([guard.line, (next ?? guard.endLine) - 1]);
  } else {
    title = 'Make this #elif the #else: the branches after it are never compiled';
    const hash = /^([ \t]*#[ \t]*)/.exec(lines.content(guard.line))![1];
    edits.push({
      range: { startLine: guard.line, startColumn: 0, endLine: guard.lastLine, endColumn: lines.content(guard.lastLine).length },
      newText: `${hash}else`,
    });
    if (next !== undefined) deletions.push([next, guard.endLine - 1]);
  }
  deletions.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [first, last] of deletions) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  for (const [first, last] of merged) edits.push(lines.deleteLines(first, last));
  return { title, kind: 'dead-guard', preferred: true, edits };
}
