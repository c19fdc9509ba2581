// Rule `missing-header`: `#include <x>` of a kernel header that a targeted kernel's headers do
// not have. gcc stops there ("No such file or directory"), so the whole file fails to build
// on that kernel. Judged only on kernels whose headers packages were read (the Debian ones),
// only where the line is certainly compiled, and never for a header the driver's own workspace
// provides (its `include/`, a `-I` folder of its Kbuild). A name no kernel's headers have is
// judged only in the kernel's own folders (`drm/drmP.h`), and only where every folder the build
// searches is known and indexed.
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';
import { TextLines, type QuickFix, type TextEdit } from '../edits/textEdits';
import { lineRange, type Finding } from '../check/findings';
import type { RuleContext, RuleInfo } from './rule';
import type { FatalStop } from '../check/fatalIncludes';

export const missingHeaderRule = {
  code: 'missing-header',
  name: 'MissingHeader',
  severity: 'warning',
  description: "An #include <…> of a kernel header that some targeted kernels' headers do not have: the build stops there.",
} as const satisfies RuleInfo;

export function missingHeaderFindings(context: RuleContext, input: Omit<MissingHeaderInput, 'db' | 'targets'>): Finding[] {
  return findMissingHeaders({ ...input, db: context.db, targets: context.targets }).map((missing) => findingOf(context, missing));
}

/**
 * What a file's check reports at the lines of the workspace headers it reads: the `#include
 * <…>` inside one of them where a target's build stops (fatalIncludes.ts), when it names a
 * header no kernel with header data has. Only the file knows that every folder its build
 * searches is known, so the header's own check leaves such a name alone; a header some kernel
 * has is the header's own check's to report.
 */
export function includedHeaderMissingHeaders(context: RuleContext, stops: readonly FatalStop[], fileName: string, headerLines: (path: string) => readonly string[] | undefined): { path: string; findings: Finding[] }[] {
  const slotsByInclude = new Map<string, { path: string; line: number; slots: Set<number> }>();
  for (const { slot, at } of stops) {
    if (at.path === fileName || context.db.headers().isKernelHeader(at.spec)) continue;
    const key = `${at.path}\u0000${at.line}`;
    const entry = slotsByInclude.get(key) ?? { path: at.path, line: at.line, slots: new Set<number>() };
    entry.slots.add(slot);
    slotsByInclude.set(key, entry);
  }
  const found: { path: string; findings: Finding[] }[] = [];
  for (const { path, line, slots } of slotsByInclude.values()) {
    const text = headerLines(path)?.[line];
    const include = text === undefined ? undefined : angleIncludes([text])[0];
    if (!include) continue;
    const missing = findMissingHeaders({
      db: context.db,
      targets: context.targets,
      includes: [{ ...include, line }],
      compiled: (slot) => slots.has(slot),
      // The stop was found where neither the workspace nor the kernel has the header.
      providedByWorkspace: () => false,
      includeFoldersKnown: true,
    });
    if (missing.length > 0) found.push({ path, findings: missing.map((header) => findingOf(context, header)) });
  }
  return found;
}

function findingOf(context: RuleContext, { include, message, targets, facts }: MissingHeader): Finding {
  return {
    code: missingHeaderRule.code,
    severity: context.severities[missingHeaderRule.code],
    message,
    range: lineRange(include.line, include.startColumn, include.endColumn),
    targets,
    header: facts,
  };
}

/** An `#include <…>` line: the name and where it is written. */
export interface AngleInclude {
  line: number;
  name: string;
  /** Columns of the name between the brackets. */
  startColumn: number;
  endColumn: number;
}

const ANGLE_INCLUDE = /^([ \t]*#[ \t]*include[ \t]*<)([^>\n]+)>/;

export function angleIncludes(lines: readonly string[]): AngleInclude[] {
  const found: AngleInclude[] = [];
  lines.forEach((text, line) => {
    // Most lines hold no `#`: one native search each instead of the pattern.
    if (!text.includes('#')) return;
    const match = ANGLE_INCLUDE.exec(text);
    if (!match) return;
    const name = match[2].trim();
    const startColumn = match[1].length + match[2].indexOf(name);
    found.push({ line, name, startColumn, endColumn: startColumn + name.length });
  });
  return found;
}

export interface MissingHeader {
  include: AngleInclude;
  /** Image indices whose headers lack it. */
  targets: number[];
  message: string;
  facts: MissingHeaderFacts;
}

export interface MissingHeaderInput {
  db: KernelDatabase;
  includes: readonly AngleInclude[];
  /** Image indices judged, in order. */
  targets: readonly number[];
  /** Whether the line is certainly compiled for the target in `slot` (and its build is not stopped). */
  compiled: (slot: number, line: number) => boolean;
  /** Whether the driver's workspace provides the header (then the kernel's does not matter). */
  providedByWorkspace: (include: AngleInclude) => boolean;
  /**
   * Every folder the build searches besides the kernel's is known (CheckOptions.angleIncludesKnown):
   * a header of the kernel's namespace that no kernel with header data has is then judged too.
   */
  includeFoldersKnown?: boolean;
}

export function findMissingHeaders(input: MissingHeaderInput): MissingHeader[] {
  const { db, targets } = input;
  const headers = db.headers();
  const found: MissingHeader[] = [];
  for (const include of input.includes) {
    const missing = targets.filter((image, slot) => input.compiled(slot, include.line) && headers.hasHeader(include.name, image) === false);
    if (missing.length === 0 || input.providedByWorkspace(include)) continue;
    // A name no kernel's headers have is the driver's own, reached through flags not read here,
    // unless every folder the build searches is known: then it is an older kernel's header
    // (`drm/drmP.h`, gone in 5.5) where it lies in the kernel's own folders.
    const known = headers.isKernelHeader(include.name);
    if (!known && !(input.includeFoldersKnown === true && headers.inKernelNamespace(include.name))) continue;
    const successor = successorOf(db, include.name, missing);
    const where = describeImages(db.images, missing, targets);
    const unknownHere = known ? '' : ', nor in any folder the build searches';
    found.push({
      include,
      targets: missing,
      message: `\`<${include.name}>\` is not in the kernel headers of ${where}${unknownHere}${successor ? `: \`<${successor}>\` has its name there` : ''}`,
      facts: { name: include.name, ...(successor ? { successor } : {}), boundary: boundaryOf(db, missing) },
    });
  }
  return found;
}

/**
 * The header that took the missing one's place: the same file name in another folder, present
 * on every kernel that lacks the old one (`asm/unaligned.h` became `linux/unaligned.h` in 6.12).
 */
function successorOf(db: KernelDatabase, name: string, missing: readonly number[]): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const candidates = db
    .headers()
    .headersNamed(base)
    .filter((candidate) => candidate !== name && !candidate.startsWith('uapi/') && !candidate.startsWith('generated/'))
    .filter((candidate) => missing.every((image) => db.headers().hasHeader(candidate, image) === true));
  if (candidates.length === 1) return candidates[0];
  // Of several (`linux/unaligned.h` and the vDSO's own `vdso/unaligned.h`), the one in linux/,
  // where drivers' headers live, when there is exactly one such.
  const inLinux = candidates.filter((candidate) => candidate.startsWith('linux/'));
  return inLinux.length === 1 ? inLinux[0] : undefined;
}

/** Hover text on an `#include <…>` line: the kernels that have the header. */
export function includeHover(db: KernelDatabase, name: string, targets: readonly number[]): string {
  const headers = db.headers();
  const known = targets.filter((image) => headers.hasHeader(name, image) !== undefined);
  const present = known.filter((image) => headers.hasHeader(name, image));
  const absent = known.filter((image) => !headers.hasHeader(name, image));
  const unknown = targets.filter((image) => headers.hasHeader(name, image) === undefined);
  const lines = [`**\`<${name}>\`**`];
  if (present.length > 0) lines.push(`In the kernel headers of ${describeImages(db.images, present, targets)}.`);
  if (absent.length > 0) lines.push(`**Not in the kernel headers of ${describeImages(db.images, absent, targets)}**: the build stops at this line there.`);
  if (unknown.length > 0) lines.push(`Not known on ${describeImages(db.images, unknown, targets)}: the data has no headers of those kernels.`);
  return lines.join('\n\n');
}

/** What a `missing-header` finding carries for its fixes. */
export interface MissingHeaderFacts {
  name: string;
  /** The header that took its name, where every kernel lacking the old one has it. */
  successor?: string;
  /** `KERNEL_VERSION(major, minor, 0)` of the first version image (by version) whose headers lack it. */
  boundary: { major: number; minor: number };
}

/** The first targeted kernel, by version, whose headers lack the header: the guard's boundary. */
export function boundaryOf(db: KernelDatabase, missing: readonly number[]): { major: number; minor: number } {
  const first = [...missing].sort((a, b) => db.images[a].versionCode - db.images[b].versionCode)[0];
  const [major, minor] = db.images[first].release.split('.').map(Number);
  return { major, minor };
}

/**
 * Fixes for a missing header, best first: when a successor exists, a version guard that
 * includes the successor from the boundary on and the old header before; without one, a
 * guard that keeps the include before the boundary only. `#include <linux/version.h>` is
 * added first when the file lacks it. The boundary is the first kernel of the data without
 * the header: the data jumps between kernels (6.1 → 6.12), so a header that left in between
 * (`linux/genhd.h`, 5.18) gets the later boundary.
 */
export function missingHeaderFixes(text: string, line: number, facts: MissingHeaderFacts, versionInclude: TextEdit | undefined): QuickFix[] {
  const lines = new TextLines(text);
  const original = lines.content(line);
  const version = `KERNEL_VERSION(${facts.boundary.major}, ${facts.boundary.minor}, 0)`;
  const label = `${facts.boundary.major}.${facts.boundary.minor}`;
  const replaced = facts.successor ? original.replace(`<${facts.name}>`, `<${facts.successor}>`) : undefined;
  const block = replaced
    ? [`#if LINUX_VERSION_CODE >= ${version}`, replaced, '#else', original, '#endif']
    : [`#if LINUX_VERSION_CODE < ${version}`, original, '#endif'];
  const edits: TextEdit[] = [
    ...(versionInclude ? [versionInclude] : []),
    { range: { startLine: line, startColumn: 0, endLine: line, endColumn: original.length }, newText: block.join(lines.eol) },
  ];
  const title = replaced
    ? `Guard this include by kernel version: \`<${facts.successor}>\` from ${label}, \`<${facts.name}>\` before`
    : `Guard this include by kernel version: only before ${label}, where \`<${facts.name}>\` is gone`;
  return [{ title, kind: 'guard', preferred: true, edits }];
}
