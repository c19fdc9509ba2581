// Rule `missing-function`: a call to a function or macro that a targeted kernel's headers do
// not declare, where the driver does not define it either. gcc stops there ("implicit
// declaration of function"). Judged only on kernels whose headers were read (the Debian ones),
// only on certainly compiled lines, and only for names some kernel's headers do declare: a
// name no kernel declares is the driver's own, or a builtin, and is left alone.
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';
import { lineRange, type Finding } from '../check/findings';
import type { RuleContext, RuleInfo } from './rule';

export const missingFunctionRule = {
  code: 'missing-function',
  name: 'MissingFunction',
  severity: 'warning',
  description: "A call to a function or macro that some targeted kernels' headers do not declare (implicit declaration): the build stops there.",
} as const satisfies RuleInfo;

export function missingFunctionFindings(context: RuleContext, input: Omit<MissingFunctionInput, 'db' | 'targets'>): Finding[] {
  return findMissingFunctions({ ...input, db: context.db, targets: context.targets }).map(({ site, message, targets }) => ({
    code: missingFunctionRule.code,
    severity: context.severities[missingFunctionRule.code],
    message,
    range: lineRange(site.line, site.startColumn, site.endColumn),
    targets,
  }));
}

/** Words followed by `(` that are not calls. */
const NOT_CALLS = new Set([
  'if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', '__typeof', 'alignof', '_Alignof', '__alignof__',
  'asm', '__asm__', '__asm', 'defined', '__attribute__', '__builtin_offsetof', 'case', 'do', 'else', 'goto', '_Static_assert', 'static_assert',
  // Type words before a declarator in parentheses (`int (*cb)(int)`).
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'bool', '_Bool', 'const', 'volatile', 'static', 'extern', 'inline', 'register',
]);

/** A call `name(` in the text, outside comments and strings, not through a member (`ops->open(`). */
export interface CallSite {
  line: number;
  name: string;
  startColumn: number;
  endColumn: number;
}

const CALL = /([A-Za-z_]\w*)\s*\(/g;

/** Call sites of `masked` (comments and string contents blanked, same offsets), one line at a time. */
export function callSites(masked: string, skipLine: (line: number) => boolean): CallSite[] {
  const sites: CallSite[] = [];
  masked.split('\n').forEach((text, line) => {
    if (skipLine(line) || !text.includes('(')) return;
    for (const match of text.matchAll(CALL)) {
      const name = match[1];
      const start = match.index!;
      if (NOT_CALLS.has(name)) continue;
      // Through a member or a pointer (`ops->open(`, `s.fn(`), or a declaration of a pointer to function (`(*name)(`).
      const before = text.slice(0, start).trimEnd();
      if (before.endsWith('.') || before.endsWith('->') || before.endsWith('(*') || /\b(?:struct|union|enum)$/.test(before)) continue;
      sites.push({ line, name, startColumn: start, endColumn: start + name.length });
    }
  });
  return sites;
}

export interface MissingFunction {
  site: CallSite;
  targets: number[];
  message: string;
}

export interface MissingFunctionInput {
  db: KernelDatabase;
  sites: readonly CallSite[];
  /**
   * Calls in the workspace headers the file includes, with whether a target compiles each: the
   * header's call comes first in the translation unit, so gcc reports it there, not in the file.
   */
  headerSites?: readonly { site: CallSite; compiled: (slot: number) => boolean }[];
  targets: readonly number[];
  compiled: (slot: number, line: number) => boolean;
  /** Whether the driver defines or declares the name (the file, its macros, its other files). */
  definedByDriver: (name: string) => boolean;
}

export function findMissingFunctions(input: MissingFunctionInput): MissingFunction[] {
  const headers = input.db.headers();
  if (!input.targets.some((image) => headers.covers(image))) return [];
  const found: MissingFunction[] = [];
  const known = new Map<string, boolean>();
  const isCandidate = (name: string) => {
    let candidate = known.get(name);
    if (candidate === undefined) known.set(name, (candidate = headers.isKernelCallable(name) && !input.definedByDriver(name)));
    return candidate;
  };
  // gcc reports an undeclared function once per file, at its first call; the calls after it
  // use the implicit declaration that first error made. So only the first call a kernel compiles is reported there.
  const reported = new Map<string, Set<number>>();
  for (const { site, compiled } of input.headerSites ?? []) {
    if (!isCandidate(site.name)) continue;
    const already = reported.get(site.name) ?? new Set<number>();
    input.targets.forEach((image, slot) => compiled(slot) && already.add(image));
    reported.set(site.name, already);
  }
  for (const site of input.sites) {
    if (!isCandidate(site.name)) continue;
    const already = reported.get(site.name) ?? new Set<number>();
    const missing = input.targets.filter((image, slot) => !already.has(image) && input.compiled(slot, site.line) && headers.declares(site.name, image) === false);
    if (missing.length === 0) continue;
    for (const image of missing) already.add(image);
    reported.set(site.name, already);
    const where = describeImages(input.db.images, missing, input.targets);
    found.push({ site, targets: missing, message: `\`${site.name}\` is not declared by the kernel headers of ${where}, so the call does not compile there` });
  }
  return found;
}
