// What the oracle prints and saves: a table per driver and kernel with totals (figures to
// paste into a note), every false positive and every miss to investigate, and the JSON
// report with everything behind them.
import type { DriverLine, ErrorKind } from './gccDiagnostics';
import { OTHER_KINDS } from './gccDiagnostics';
import type { RunResult } from './run';
import { addCounts, CLAIMS, precision, recall, ZERO_COUNTS, type ClaimCounts, type Counts } from './score';

const where = (l: DriverLine) => `${l.file}:${l.line}`;

export function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

function ratio(numerator: number, denominator: number, value: number | undefined): string {
  return value === undefined ? '–' : `${percent(value)} (${numerator}/${denominator})`;
}

const COLUMNS: [string, number][] = [
  ['driver', 18],
  ['kernel', 6],
  ['build', 20],
  ['objs', 4],
  ['struct err lines', 16],
  ['warned', 6],
  ['warnings', 8],
  ['TP', 4],
  ['FP', 4],
  ['uncompiled', 10],
  ['on other err', 12],
  ['precision', 9],
  ['recall', 7],
  ['header TP/FP, warned/err lines', 30],
  ['other errs', 10],
];

function row(cells: string[]): string {
  return cells.map((cell, i) => (i < 3 ? cell.padEnd(COLUMNS[i][1]) : cell.padStart(COLUMNS[i][1]))).join('  ');
}

function countCells(c: Counts): string[] {
  const s = c['struct-member'];
  const h = c['missing-header'];
  return [
    String(s.errorLines),
    String(s.warnedErrorLines),
    String(s.warnings),
    String(s.truePositives),
    String(s.falsePositives),
    String(s.uncompiled),
    String(s.onOtherError),
    percent(precision(s)),
    percent(recall(s)),
    `${h.truePositives}/${h.falsePositives}, ${h.warnedErrorLines}/${h.errorLines}`,
    String(c.otherErrors),
  ];
}

export function totals(runs: RunResult[]): Counts {
  return runs.reduce((sum, r) => (r.score ? addCounts(sum, r.score.counts) : sum), ZERO_COUNTS);
}

export function otherErrorTotals(runs: RunResult[]): Record<ErrorKind, number> {
  const sum = Object.fromEntries(OTHER_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  for (const r of runs) for (const k of OTHER_KINDS) sum[k] += r.score?.otherErrors[k] ?? 0;
  return sum;
}

export function formatTable(runs: RunResult[], kernels: string[]): string {
  const lines = [
    'Columns from "struct err lines" to "recall" judge struct-member warnings; "header" gives the missing-header ones; "other errs" counts the remaining errors.',
    row(COLUMNS.map(([name]) => name)),
    row(COLUMNS.map(([, width]) => '-'.repeat(width))),
  ];
  for (const r of runs) {
    lines.push(row([r.driver, r.kernel, r.status, String(r.objects), ...(r.score ? countCells(r.score.counts) : COLUMNS.slice(4).map(() => ''))]));
  }
  lines.push(row(COLUMNS.map(([, width]) => '-'.repeat(width))));
  for (const kernel of kernels) {
    const of = runs.filter((r) => r.kernel === kernel);
    lines.push(row(['total', kernel, `${of.filter((r) => r.score).length}/${of.length} scored`, String(of.reduce((n, r) => n + r.objects, 0)), ...countCells(totals(of))]));
  }
  lines.push(row(['total', 'all', `${runs.filter((r) => r.score).length}/${runs.length} scored`, String(runs.reduce((n, r) => n + r.objects, 0)), ...countCells(totals(runs))]));
  return lines.join('\n');
}

function claimSummary(title: string, c: ClaimCounts): string {
  return (
    `${title}: precision ${ratio(c.truePositives, c.truePositives + c.falsePositives, precision(c))}, ` +
    `recall ${ratio(c.warnedErrorLines, c.errorLines, recall(c))}; ${c.warnings} warnings: ${c.truePositives} TP, ${c.falsePositives} FP, ` +
    `${c.uncompiled} on uncompiled lines, ${c.onOtherError} on lines with other errors only.`
  );
}

export function formatSummary(runs: RunResult[], seconds: number): string {
  const c = totals(runs);
  const other = otherErrorTotals(runs);
  const scored = runs.filter((r) => r.score);
  return [
    `${scored.length} builds scored (${new Set(scored.map((r) => r.driver)).size} drivers × ${new Set(scored.map((r) => r.kernel)).size} kernels) of ${runs.length}.`,
    claimSummary('Struct members', c['struct-member']),
    claimSummary('Missing headers', c['missing-header']),
    claimSummary('Missing functions (implicit declarations, undeclared function names)', c['missing-function']),
    claimSummary('Call arguments (argument counts and pointer types)', c['call-arguments']),
    claimSummary('Incomplete structs (undefined types)', c['incomplete-struct']),
    claimSummary('Undeclared constants', c['undeclared-constant']),
    claimSummary('Unknown types (declarations)', c['unknown-type']),
    claimSummary('Loop declarations (-std=gnu89)', c['for-loop-declaration']),
    claimSummary('Conflicting functions (a name the kernel declares too)', c['conflicting-function']),
    `Other errors, by kind, on lines without a struct-member error: ${OTHER_KINDS.map((k) => `${k} ${other[k]}`).join(', ')}.`,
    `Run time ${formatDuration(seconds)}.`,
  ].join('\n');
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function section(title: string, lines: string[]): string[] {
  return [`${title} (${lines.length}):`, ...(lines.length ? lines : ['  none'])];
}

export function formatFindings(runs: RunResult[]): string {
  const fps: string[] = [];
  const misses: string[] = [];
  const headerMisses: string[] = [];
  const functionMisses: string[] = [];
  const callMisses: string[] = [];
  const incompleteMisses: string[] = [];
  const constantMisses: string[] = [];
  const typeMisses: string[] = [];
  const loopMisses: string[] = [];
  const onOther: string[] = [];
  for (const r of runs) {
    if (!r.score) continue;
    const tag = `${r.driver}@${r.kernel}`;
    for (const w of r.score.warnings) {
      if (w.verdict === 'false-positive') fps.push(`  ${tag}  ${where(w)}:${w.column}  [${w.code}] ${w.message}`);
      if (w.verdict === 'on-other-error') onOther.push(`  ${tag}  ${where(w)}:${w.column}  [${w.code}] ${w.message}`);
    }
    for (const l of r.score.errorLines['struct-member']) {
      if (l.warned) continue;
      const via = l.via.length ? `  (reached from ${l.via.map(where).join(', ')})` : '';
      misses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}${via}`);
    }
    for (const e of r.score.unlocatedStructErrors) misses.push(`  ${tag}  (outside the driver) ${e.origin.file}:${e.origin.line}  ${e.message}`);
    for (const l of r.score.errorLines['missing-header']) if (!l.warned) headerMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['missing-function']) if (!l.warned) functionMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['call-arguments']) if (!l.warned) callMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['incomplete-struct']) if (!l.warned) incompleteMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['undeclared-constant']) if (!l.warned) constantMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['unknown-type']) if (!l.warned) typeMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
    for (const l of r.score.errorLines['for-loop-declaration'] ?? []) if (!l.warned) loopMisses.push(`  ${tag}  ${where(l)}  ${l.messages.join(' | ')}`);
  }
  return [
    ...section('False positives', fps),
    ...section('Misses: struct-member error lines without a warning', misses),
    ...section('Missing-header error lines without a warning', headerMisses),
    ...section('Implicit-declaration error lines without a missing-function warning', functionMisses),
    ...section('Argument-count and argument-type error lines without a call-arguments warning', callMisses),
    ...section('Incomplete-type error lines without an incomplete-struct warning', incompleteMisses),
    ...section('Undeclared-name error lines without an undeclared-constant warning', constantMisses),
    ...section('Unknown-type-name error lines without an unknown-type warning', typeMisses),
    ...section('Loop-declaration error lines without a for-loop-declaration warning', loopMisses),
    ...section('Warnings on lines that have only other errors', onOther),
  ].join('\n');
}

export function formatProblems(problems: string[], runs: RunResult[]): string {
  const lines = [...problems];
  for (const r of runs) {
    if (r.problem) lines.push(`${r.driver}@${r.kernel}: ${r.status}: ${r.problem} (log: ${r.logPath})`);
    for (const f of r.preprocessFailures) lines.push(`${r.driver}@${r.kernel}: could not preprocess ${f.object} (${f.reason}); its lines count as uncompiled`);
  }
  return lines.length ? ['Problems:', ...lines.map((l) => `  ${l}`)].join('\n') : 'Problems: none';
}

export interface OracleReport {
  generatedAt: string;
  seconds: number;
  kernels: { label: string; uname: string; headersDir: string; cc: string }[];
  totals: Counts & { precision: Record<string, number | undefined>; recall: Record<string, number | undefined>; otherErrorsByKind: Record<ErrorKind, number> };
  problems: string[];
  runs: RunResult[];
}

export function reportJson(runs: RunResult[], kernels: OracleReport['kernels'], problems: string[], seconds: number): OracleReport {
  const c = totals(runs);
  return {
    generatedAt: new Date().toISOString(),
    seconds: Math.round(seconds),
    kernels,
    totals: {
      ...c,
      precision: Object.fromEntries(CLAIMS.map((claim) => [claim, precision(c[claim])])),
      recall: Object.fromEntries(CLAIMS.map((claim) => [claim, recall(c[claim])])),
      otherErrorsByKind: otherErrorTotals(runs),
    },
    problems,
    runs,
  };
}
