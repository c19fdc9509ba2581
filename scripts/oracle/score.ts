// Scores the checker's warnings for one driver on one kernel against that kernel's build.
// Each warning claims the build fails in one way: `missing-header` that an #include is not
// found, every other code that a struct member is wrong (missing, typed differently, const,
// a pointer where it was embedded). The compiler is the judge, line by line:
//   - a true positive where the build has an error of the claimed class on the warning's line;
//   - a false positive where the line was compiled and has no error at all;
//   - "uncompiled" where the line never reached the compiler on that kernel (a branch of an
//     #if not taken, a file no object includes, a build stopped by a missing header): the
//     compiler has no opinion there, so the warning is neither;
//   - "on another error" where the line has errors of other classes only (a removed function):
//     the compiler may have stopped reading the line before the member, so neither again.
// Recall is per error line and class: error lines with a warning / all of them.
import type { DriverLine, ErrorKind, LocatedError } from './gccDiagnostics';
import { OTHER_KINDS } from './gccDiagnostics';
import { isCompiled, type CompiledLines } from './lineMarkers';

export interface CheckerWarning extends DriverLine {
  column: number;
  code: string;
  message: string;
}

/** The error classes the checker claims to foresee; struct members are the headline. */
export type Claim = 'struct-member' | 'missing-header' | 'missing-function' | 'call-arguments' | 'incomplete-struct' | 'undeclared-constant' | 'unknown-type' | 'for-loop-declaration' | 'conflicting-function';
export const CLAIMS: Claim[] = ['struct-member', 'missing-header', 'missing-function', 'call-arguments', 'incomplete-struct', 'undeclared-constant', 'unknown-type', 'for-loop-declaration', 'conflicting-function'];

/** The gcc error classes each claim foresees. */
const CLAIMED_KINDS: Record<Claim, ErrorKind[]> = {
  'struct-member': ['struct-member'],
  'missing-header': ['missing-header'],
  'missing-function': ['implicit-declaration', 'undeclared-function'],
  'call-arguments': ['argument-count', 'argument-type'],
  'incomplete-struct': ['incomplete-type'],
  'undeclared-constant': ['undeclared'],
  'unknown-type': ['unknown-type'],
  'for-loop-declaration': ['loop-declaration'],
  'conflicting-function': ['conflicting-declaration'],
};

/**
 * Finding codes that claim what another claim's gcc errors are: a header EXTRA_CFLAGS alone
 * finds is a missing header to gcc, a bare namespace word an undeclared name, a call of a macro
 * no compiled #define defines an implicit declaration.
 */
const CLAIM_OF_CODE: Readonly<Record<string, Claim>> = { 'extra-cflags': 'missing-header', 'symbol-namespace': 'undeclared-constant', 'undefined-macro': 'missing-function' };

/** `extra-cflags` also claims a -D macro it alone defines, used as a value: undeclared to gcc. */
const EXTRA_CFLAGS_MACRO = /^`\w+` is defined only by `-D/;

/** `callback-signature` at a call's argument: gcc says "passing argument N of … from incompatible pointer type" there, an argument's error. */
const CALLBACK_ARGUMENT = /^`\w+` does not fit parameter \d+ of `\w+`/;

export function claimOf(warning: Pick<CheckerWarning, 'code' | 'message'>): Claim {
  if (warning.code === 'extra-cflags' && EXTRA_CFLAGS_MACRO.test(warning.message)) return 'undeclared-constant';
  if (warning.code === 'callback-signature' && CALLBACK_ARGUMENT.test(warning.message)) return 'call-arguments';
  return CLAIM_OF_CODE[warning.code] ?? ((CLAIMS as string[]).includes(warning.code) ? (warning.code as Claim) : 'struct-member');
}

export type Verdict = 'true-positive' | 'false-positive' | 'uncompiled' | 'on-other-error';

export interface JudgedWarning extends CheckerWarning {
  claim: Claim;
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

export interface ClaimCounts {
  warnings: number;
  truePositives: number;
  falsePositives: number;
  uncompiled: number;
  onOtherError: number;
  errorLines: number;
  warnedErrorLines: number;
}

export type Counts = Record<Claim, ClaimCounts> & {
  /** Errors outside both claims, on lines without a struct-member error (those are its echoes). */
  otherErrors: number;
};

export interface Score {
  warnings: JudgedWarning[];
  errorLines: Record<Claim, ErrorLine[]>;
  /** Struct-member errors gcc placed outside the driver with no driver line to point at. */
  unlocatedStructErrors: LocatedError[];
  /** Errors by kind, but for struct members, on lines without a struct-member error. */
  otherErrors: Record<ErrorKind, number>;
  counts: Counts;
}

const key = (l: DriverLine) => `${l.file}:${l.line}`;

function errorLinesOf(errors: LocatedError[], kinds: readonly ErrorKind[]): ErrorLine[] {
  const lines = new Map<string, ErrorLine>();
  for (const e of errors) {
    if (!kinds.includes(e.kind) || !e.at) continue;
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

/** One claim's error lines, by their own line and by the lines of the macro uses that reached them. */
class ClaimLines {
  readonly own: Map<string, ErrorLine>;
  readonly via = new Map<string, ErrorLine[]>();

  constructor(readonly lines: ErrorLine[]) {
    this.own = new Map(lines.map((l) => [key(l), l]));
    for (const line of lines) for (const v of line.via) this.via.set(key(v), [...(this.via.get(key(v)) ?? []), line]);
  }
}

function judge(w: CheckerWarning, claims: Record<Claim, ClaimLines>, errorKeys: Set<string>, compiled: CompiledLines): JudgedWarning {
  const claim = claimOf(w);
  const own = claims[claim].own.get(key(w));
  if (own) {
    own.warned = true;
    return { ...w, claim, verdict: 'true-positive' };
  }
  const expanded = claims[claim].via.get(key(w));
  if (expanded) {
    for (const line of expanded) line.warned = true;
    return { ...w, claim, verdict: 'true-positive', viaMacro: true };
  }
  if (errorKeys.has(key(w))) return { ...w, claim, verdict: 'on-other-error' };
  return { ...w, claim, verdict: isCompiled(compiled, w.file, w.line) ? 'false-positive' : 'uncompiled' };
}

function countClaim(claim: Claim, judged: JudgedWarning[], lines: ErrorLine[]): ClaimCounts {
  const mine = judged.filter((w) => w.claim === claim);
  const count = (v: Verdict) => mine.filter((w) => w.verdict === v).length;
  return {
    warnings: mine.length,
    truePositives: count('true-positive'),
    falsePositives: count('false-positive'),
    uncompiled: count('uncompiled'),
    onOtherError: count('on-other-error'),
    errorLines: lines.length,
    warnedErrorLines: lines.filter((l) => l.warned).length,
  };
}

export function score(errors: LocatedError[], compiled: CompiledLines, warnings: CheckerWarning[]): Score {
  const claims = Object.fromEntries(CLAIMS.map((claim) => [claim, new ClaimLines(errorLinesOf(errors, CLAIMED_KINDS[claim]))])) as Record<Claim, ClaimLines>;
  const errorKeys = new Set<string>();
  for (const e of errors) for (const l of e.at ? [e.at, ...e.via] : e.via) errorKeys.add(key(l));
  const judged = warnings.map((w) => judge(w, claims, errorKeys, compiled));
  const otherErrors = countOtherErrors(errors, new Set(claims['struct-member'].own.keys()));
  return {
    warnings: judged,
    errorLines: Object.fromEntries(CLAIMS.map((claim) => [claim, claims[claim].lines])) as Record<Claim, ErrorLine[]>,
    unlocatedStructErrors: errors.filter((e) => e.kind === 'struct-member' && !e.at),
    otherErrors,
    counts: {
      ...perClaim((claim) => countClaim(claim, judged, claims[claim].lines)),
      otherErrors: Object.values(otherErrors).reduce((a, b) => a + b, 0),
    },
  };
}

export const ZERO_CLAIM: ClaimCounts = { warnings: 0, truePositives: 0, falsePositives: 0, uncompiled: 0, onOtherError: 0, errorLines: 0, warnedErrorLines: 0 };
export const ZERO_COUNTS: Counts = { ...perClaim(() => ZERO_CLAIM), otherErrors: 0 };

function perClaim<T>(value: (claim: Claim) => T): Record<Claim, T> {
  return Object.fromEntries(CLAIMS.map((claim) => [claim, value(claim)])) as Record<Claim, T>;
}

function addClaim(a: ClaimCounts, b: ClaimCounts): ClaimCounts {
  const sum = { ...a };
  for (const k of Object.keys(b) as (keyof ClaimCounts)[]) sum[k] += b[k];
  return sum;
}

export function addCounts(a: Counts, b: Counts): Counts {
  return {
    // Runs cached before a claim existed have no counts for it.
    ...perClaim((claim) => addClaim(a[claim] ?? ZERO_CLAIM, b[claim] ?? ZERO_CLAIM)),
    otherErrors: a.otherErrors + b.otherErrors,
  };
}

/** TP / (TP + FP), or undefined when nothing was judged. */
export function precision(c: ClaimCounts): number | undefined {
  const judged = c.truePositives + c.falsePositives;
  return judged === 0 ? undefined : c.truePositives / judged;
}

export function recall(c: ClaimCounts): number | undefined {
  return c.errorLines === 0 ? undefined : c.warnedErrorLines / c.errorLines;
}
