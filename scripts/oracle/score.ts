// Scores the checker's warnings for one driver on one kernel against that kernel's build.
// The compiler is the judge, line by line:
//   - a warning is a true positive where the build has a struct-member error on its line;
//   - a false positive where its line was compiled and has no error at all;
//   - "uncompiled" where the line never reached the compiler on that kernel (a branch of an
//     #if not taken, a file no object includes, a build stopped by a missing header): the
//     compiler has no opinion there, so the warning is neither;
//   - "on another error" where the line has errors of other kinds only (a removed function):
//     the compiler may have stopped reading the line before the member, so neither again.
// Recall is per error line: struct-member error lines with a warning / all of them.
import type { DriverLine, ErrorKind, LocatedError } from './gccDiagnostics';
import { OTHER_KINDS } from './gccDiagnostics';
import { isCompiled, type CompiledLines } from './lineMarkers';

export interface CheckerWarning extends DriverLine {
  column: number;
  code: string;
  message: string;
}

export type Verdict = 'true-positive' | 'false-positive' | 'uncompiled' | 'on-other-error';

export interface JudgedWarning extends CheckerWarning {
  verdict: Verdict;
  /** A true positive found at a driver line whose macro use expanded to the error, not at the error's own line. */
  viaMacro?: boolean;
}

export interface ErrorLine extends DriverLine {
  messages: string[];
  /** Driver lines whose macro uses expanded to these errors. */
  via: DriverLine[];
  warned: boolean;
}

export interface Score {
  warnings: JudgedWarning[];
  structLines: ErrorLine[];
  /** Struct-member errors gcc placed outside the driver with no driver line to point at. */
  unlocatedStructErrors: LocatedError[];
  /** Errors of other kinds, on lines without a struct-member error (those are its echoes). */
  otherErrors: Record<ErrorKind, number>;
  counts: Counts;
}

export interface Counts {
  warnings: number;
  truePositives: number;
  falsePositives: number;
  uncompiled: number;
  onOtherError: number;
  structLines: number;
  warnedStructLines: number;
  otherErrors: number;
}

const key = (l: DriverLine) => `${l.file}:${l.line}`;

function structErrorLines(errors: LocatedError[]): ErrorLine[] {
  const lines = new Map<string, ErrorLine>();
  for (const e of errors) {
    if (e.kind !== 'struct-member' || !e.at) continue;
    let line = lines.get(key(e.at));
    if (!line) lines.set(key(e.at), (line = { ...e.at, messages: [], via: [], warned: false }));
    if (!line.messages.includes(e.message)) line.messages.push(e.message);
    for (const v of e.via) if (!line.via.some((w) => key(w) === key(v))) line.via.push(v);
  }
  return [...lines.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function countOtherErrors(errors: LocatedError[], structKeys: Set<string>): Record<ErrorKind, number> {
  const counts = Object.fromEntries(OTHER_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  for (const e of errors) {
    if (e.kind === 'struct-member') continue;
    if (e.at && structKeys.has(key(e.at))) continue;
    counts[e.kind]++;
  }
  return counts;
}

function judge(w: CheckerWarning, structLines: Map<string, ErrorLine>, viaLines: Map<string, ErrorLine[]>, errorKeys: Set<string>, compiled: CompiledLines): JudgedWarning {
  const own = structLines.get(key(w));
  if (own) {
    own.warned = true;
    return { ...w, verdict: 'true-positive' };
  }
  const expanded = viaLines.get(key(w));
  if (expanded) {
    for (const line of expanded) line.warned = true;
    return { ...w, verdict: 'true-positive', viaMacro: true };
  }
  if (errorKeys.has(key(w))) return { ...w, verdict: 'on-other-error' };
  return { ...w, verdict: isCompiled(compiled, w.file, w.line) ? 'false-positive' : 'uncompiled' };
}

export function score(errors: LocatedError[], compiled: CompiledLines, warnings: CheckerWarning[]): Score {
  const lines = structErrorLines(errors);
  const structByKey = new Map(lines.map((l) => [key(l), l]));
  const viaLines = new Map<string, ErrorLine[]>();
  for (const line of lines) for (const v of line.via) viaLines.set(key(v), [...(viaLines.get(key(v)) ?? []), line]);
  const errorKeys = new Set<string>();
  for (const e of errors) for (const l of e.at ? [e.at, ...e.via] : e.via) errorKeys.add(key(l));
  const judged = warnings.map((w) => judge(w, structByKey, viaLines, errorKeys, compiled));
  const otherErrors = countOtherErrors(errors, new Set(structByKey.keys()));
  const count = (v: Verdict) => judged.filter((w) => w.verdict === v).length;
  return {
    warnings: judged,
    structLines: lines,
    unlocatedStructErrors: errors.filter((e) => e.kind === 'struct-member' && !e.at),
    otherErrors,
    counts: {
      warnings: judged.length,
      truePositives: count('true-positive'),
      falsePositives: count('false-positive'),
      uncompiled: count('uncompiled'),
      onOtherError: count('on-other-error'),
      structLines: lines.length,
      warnedStructLines: lines.filter((l) => l.warned).length,
      otherErrors: Object.values(otherErrors).reduce((a, b) => a + b, 0),
    },
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  const sum = { ...a };
  for (const k of Object.keys(b) as (keyof Counts)[]) sum[k] += b[k];
  return sum;
}

export const ZERO_COUNTS: Counts = { warnings: 0, truePositives: 0, falsePositives: 0, uncompiled: 0, onOtherError: 0, structLines: 0, warnedStructLines: 0, otherErrors: 0 };

/** TP / (TP + FP), or undefined when nothing was judged. */
export function precision(c: Counts): number | undefined {
  const judged = c.truePositives + c.falsePositives;
  return judged === 0 ? undefined : c.truePositives / judged;
}

export function recall(c: Counts): number | undefined {
  return c.structLines === 0 ? undefined : c.warnedStructLines / c.structLines;
}
