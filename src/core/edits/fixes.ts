// Quick fixes for a missing struct member, computed as plain text edits: rename to the
// member that replaced it, wrap the line in a LINUX_VERSION_CODE guard whose boundary comes
// from the data, or silence the finding. Pure: text, finding, usages and database in, edits
// out; the editor only converts them.
import type { Finding, JudgedUsage } from '../check/findings';
import type { AggregateRef, KernelDatabase, MemberState } from '../kernels/database';
import { compareAll, findSuccessor, successorAt } from '../kernels/history';
import { enclosingStatement, maskCode } from '../c/statements';
import { functionPointerShape, signatureMismatch } from '../c/signatures';
import { TextLines, type QuickFix } from './textEdits';
import { balancedDirectives, versionGuardEdit, versionIncludeEdit } from './versionGuard';
import type { MemberUsage } from '../c/usages';

/** What the checker looks for on a line, or the line before, to leave it alone. */
export const IGNORE_COMMENT = '/* kernel-compat-ignore */';

export interface MissingMemberFixInput {
  text: string;
  finding: Finding;
  /** The checker's usages of the same text (the finding's own among them). */
  usages: readonly JudgedUsage[];
  db: KernelDatabase;
}

/**
 * How one version guard splits the targets: images from `boundary` on (by LINUX_VERSION_CODE)
 * compile the code with `newer`, older ones with `older`. An undefined name leaves the code out.
 */
export interface GuardPlan {
  /** The first image (a version image) on the newer side. */
  boundary: number;
  /** `KERNEL_VERSION(major, minor, 0)` of the boundary image's upstream release, as a number. */
  versionCode: number;
  major: number;
  minor: number;
  newer?: string;
  older?: string;
}

function versionImages(db: KernelDatabase): number[] {
  return db.images.flatMap((image, index) => (image.group === 'version' ? [index] : []));
}

function boundaryAt(db: KernelDatabase, image: number): Pick<GuardPlan, 'boundary' | 'versionCode' | 'major' | 'minor'> | undefined {
  const match = /^(\d+)\.(\d+)/.exec(db.images[image].release);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return { boundary: image, versionCode: (major << 16) + (minor << 8), major, minor };
}

/** The member `member` replaced at `image` (the reverse of a successor), if the data shows one. */
export function findPredecessor(db: KernelDatabase, ref: AggregateRef, member: string, image: number): string | undefined {
  const comparison = compareAll(db, ref).find((c) => c.pair.group === 'version' && c.pair.to === image);
  if (!comparison) return undefined;
  return comparison.removed.find((gone) => successorAt(comparison, gone.name)?.name === member)?.name;
}

/**
 * The version boundary the data shows for a member: where its successor took over, where it
 * disappeared, or where it first appeared (with the member it replaced, when there is one).
 */
export function planGuard(db: KernelDatabase, ref: AggregateRef, member: string): GuardPlan | undefined {
  const successor = findSuccessor(db, ref, member);
  if (successor) {
    const at = boundaryAt(db, successor.image);
    return at && { ...at, newer: successor.member.name, older: member };
  }
  const history = db.memberHistory(ref, member);
  const versions = versionImages(db);
  const present = versions.filter((image) => history[image].state === 'present');
  if (present.length === 0) return undefined;
  const lastPresent = present[present.length - 1];
  const goneAt = versions.find((image) => image > lastPresent && history[image].state === 'absent');
  if (goneAt !== undefined) {
    const at = boundaryAt(db, goneAt);
    return at && { ...at, older: member };
  }
  const firstPresent = present[0];
  if (versions.some((image) => image < firstPresent && history[image].state === 'absent')) {
    const at = boundaryAt(db, firstPresent);
    return at && { ...at, newer: member, older: findPredecessor(db, ref, member, firstPresent) };
  }
  return undefined;
}

/** True when the named member is usable on the image as far as the checker can tell (it would not warn). */
function fits(state: MemberState): boolean {
  return state.state !== 'absent';
}

/**
 * Does the guard leave every active target with a member it has, and is it live on both
 * sides? A guard that only one side of the targets reaches would itself be a dead guard.
 */
function guardIsClean(db: KernelDatabase, ref: AggregateRef, plan: GuardPlan, active: readonly number[]): boolean {
  let newerSide = 0;
  let olderSide = 0;
  for (const image of active) {
    const isNewer = db.images[image].versionCode >= plan.versionCode;
    if (isNewer) newerSide++;
    else olderSide++;
    const name = isNewer ? plan.newer : plan.older;
    if (name !== undefined && !fits(db.memberHistory(ref, name)[image])) return false;
  }
  return newerSide > 0 && olderSide > 0;
}

interface Replacement {
  start: number;
  end: number;
}

/** text[start, end) with each replacement range (inside it) turned into `name`. */
function rewritten(text: string, start: number, end: number, replacements: readonly Replacement[], name: string): string {
  let result = '';
  let position = start;
  for (const r of replacements) {
    if (r.start < position || r.end > end) continue;
    result += text.slice(position, r.start) + name;
    position = r.end;
  }
  return result + text.slice(position, end);
}

// ---------------------------------------------------------------------------------------------
// The fixes

/** Is offset `end` of the text inside a block comment? Scans from the start, skipping literals and line comments. */
function insideBlockComment(text: string, end: number): boolean {
  let i = 0;
  while (i < end) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > end) return true;
      i = close + 2;
    } else if (c === '/' && text[i + 1] === '/') {
      const lineEnd = text.indexOf('\n', i);
      if (lineEnd < 0 || lineEnd >= end) return false;
      i = lineEnd;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < end && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else i++;
  }
  return false;
}

/**
 * Silences the findings of one line. The checker honours the mark on a line and on the line
 * after it, so a comment line of its own above the line silences exactly that line (one
 * appended to it would silence the next line too). Where a line cannot go above (inside a
 * macro continuation, or where the line starts inside a comment) the mark is appended.
 */
export function ignoreFix(text: string, line: number): QuickFix {
  const lines = new TextLines(text);
  const content = lines.content(line);
  const fix = (column: number, newText: string): QuickFix => ({
    title: `Ignore on this line: add ${IGNORE_COMMENT}`,
    kind: 'ignore',
    preferred: false,
    edits: [{ range: { startLine: line, startColumn: column, endLine: line, endColumn: column }, newText }],
  });
  const continuesMacro = line > 0 && lines.content(line - 1).trimEnd().endsWith('\\');
  const startsInComment = insideBlockComment(text, lines.offset(line, 0));
  if (!continuesMacro && !startsInComment) return fix(0, `${lines.indentation(line)}${IGNORE_COMMENT}${lines.eol}`);
  const trimmed = content.trimEnd();
  // A comment still open at the end of the line: the mark goes inside it, as plain words.
  if (insideBlockComment(text, lines.offset(line, content.length))) return fix(trimmed.length, ' kernel-compat-ignore');
  // Inside a macro body the backslash must stay last.
  if (trimmed.endsWith('\\')) return fix(trimmed.slice(0, -1).trimEnd().length, ` ${IGNORE_COMMENT}`);
  return fix(trimmed.length, ` ${IGNORE_COMMENT}`);
}

function sameUsage(usage: MemberUsage, finding: Finding): boolean {
  return (
    usage.range.startIndex === finding.range.startIndex &&
    usage.member === finding.member &&
    usage.aggregate.kind === finding.aggregate?.kind &&
    usage.aggregate.name === finding.aggregate?.name
  );
}

const NOT_TYPES = /^(?:return|goto|case|else|do|sizeof|typeof|if|while|for|switch)$/;

/** The variable a declaration statement declares (`struct vm_area_struct *vma = vmf->vma;`), or undefined for other statements. */
export function declaredNameOf(statement: string): string | undefined {
  const match = /^\s*(?:(?:const|static|volatile|register|unsigned|signed|struct|union|enum)\s+)*([A-Za-z_]\w*)(?:\s*\*+\s*|\s+)(?:const\s+)?([A-Za-z_]\w*)\s*(?:=|;|\[|,)/.exec(statement);
  if (!match || NOT_TYPES.test(match[1])) return undefined;
  return match[2];
}

/**
 * When the member stores a function, what a rename also asks of that function: `.open` →
 * `.open_device` moves `mtty_open(void *)` to a member that takes `struct vfio_device *`.
 */
function signatureNote(judged: JudgedUsage, history: readonly MemberState[], active: readonly number[]): string {
  const assigned = judged.assigned;
  if (!assigned) return '';
  for (const image of [...active].reverse()) {
    const state = history[image];
    const expected = state.state === 'present' ? functionPointerShape(state.member.type) : undefined;
    const mismatch = expected ? signatureMismatch(assigned, expected) : undefined;
    if (mismatch) return `; then \`${assigned.name}\` must change too: ${mismatch}`;
  }
  return '';
}

/** The span a guard must cover: the initializer pair with its comma, or the whole statement. */
function guardedRegion(text: string, masked: string, usage: MemberUsage): { start: number; end: number } | undefined {
  if (usage.statementRange) {
    let end = usage.statementRange.endIndex;
    let next = end;
    while (next < masked.length && (masked[next] === ' ' || masked[next] === '\t')) next++;
    if (masked[next] === ',') end = next + 1;
    return { start: usage.statementRange.startIndex, end };
  }
  if (usage.kind === 'initializer') return undefined;
  return enclosingStatement(text, usage.range.startIndex, masked);
}

/**
 * Quick fixes for one missing-member finding, best first: rename to the member every active
 * target has; a version guard with the member on each side of the boundary the data shows;
 * the ignore comment. Only fixes after which the checker has nothing left to say about the
 * member on the active targets are offered (the ignore comment aside).
 */
export function missingMemberFixes(input: MissingMemberFixInput): QuickFix[] {
  const { text, finding, db } = input;
  const fixes: QuickFix[] = [];
  const judged = input.usages.find((u) => sameUsage(u.usage, finding));
  const ref = finding.aggregate;
  const member = finding.member;
  if (judged && ref && member) {
    const active = judged.targets;
    const lines = new TextLines(text);
    const plan = planGuard(db, ref, member);

    // Rename: to the successor, or (for a member that is newer than the targets) to the one it replaced.
    const alternatives = new Set<string>();
    const successor = findSuccessor(db, ref, member);
    if (successor) alternatives.add(successor.member.name);
    if (plan?.newer === member && plan.older !== undefined) alternatives.add(plan.older);
    for (const name of alternatives) {
      const history = db.memberHistory(ref, name);
      if (!active.every((image) => fits(history[image]) && history[image].state !== 'unknown')) continue;
      if (!active.some((image) => history[image].state === 'present')) continue;
      const why = name === successor?.member.name ? `it replaced \`${member}\` in ${db.images[successor.image].label}` : `\`${member}\` replaced it in ${db.images[plan!.boundary].label}`;
      fixes.push({
        title: `Rename \`${member}\` to \`${name}\` (${why})${signatureNote(judged, history, active)}`,
        kind: 'rename',
        preferred: false,
        edits: [{ range: { startLine: finding.range.startLine, startColumn: finding.range.startColumn, endLine: finding.range.endLine, endColumn: finding.range.endColumn }, newText: name }],
      });
    }

    if (plan && guardIsClean(db, ref, plan, active)) {
      const masked = maskCode(text);
      const region = guardedRegion(text, masked, judged.usage);
      const oneSided = plan.newer === undefined || plan.older === undefined;
      const declared = region && judged.usage.kind !== 'initializer' ? declaredNameOf(masked.slice(region.start, region.end)) : undefined;
      if (region && oneSided && declared !== undefined) {
        // Leaving a declaration out on some kernels leaves its name undeclared where it is used.
        fixes.push({
          title: 'Guard this statement by kernel version',
          kind: 'guard',
          preferred: false,
          edits: [],
          disabled: `it declares \`${declared}\`: guarded away on some kernels, its later uses would not compile there; guard the code that uses it too, by hand`,
        });
      } else if (region && balancedDirectives(lines, lines.position(region.start).line, lines.position(region.end).line)) {
        const replacements = input.usages
          .filter((u) => u.usage.member === member && u.usage.aggregate.kind === ref.kind && u.usage.aggregate.name === ref.name)
          .map((u) => ({ start: u.usage.range.startIndex, end: u.usage.range.endIndex }))
          .filter((r) => r.start >= region.start && r.end <= region.end && text.slice(r.start, r.end) === member)
          .sort((a, b) => a.start - b.start);
        const side = (name: string | undefined) =>
          name === undefined ? undefined : (start: number, end: number) => (name === member ? text.slice(start, end) : rewritten(text, start, end, replacements, name));
        const edits = [versionGuardEdit(lines, region.start, region.end, { newer: side(plan.newer), older: side(plan.older) }, plan)];
        const include = versionIncludeEdit(lines);
        if (include) edits.unshift(include);
        const label = db.images[plan.boundary].label;
        const what = judged.usage.kind === 'initializer' ? 'this initializer' : 'this statement';
        let title: string;
        if (plan.newer !== undefined && plan.older !== undefined) title = `Guard ${what} by kernel version: \`${plan.newer}\` from ${label}, \`${plan.older}\` before`;
        else if (plan.newer !== undefined) title = `Guard ${what} by kernel version: only from ${label}, where \`${plan.newer}\` exists`;
        else title = `Guard ${what} by kernel version: only before ${label}, where \`${plan.older}\` was removed`;
        fixes.push({ title, kind: 'guard', preferred: false, edits });
      }
    }
  }
  // The one to apply without thinking: a rename when every target takes it, else the guard.
  const best = fixes.find((f) => f.kind === 'rename') ?? fixes.find((f) => f.kind === 'guard' && f.disabled === undefined);
  if (best) best.preferred = true;
  fixes.push(ignoreFix(text, finding.range.startLine));
  return fixes;
}
