// Rule `incomplete-struct`: a kernel struct used as a complete type (a member read or set, an
// initializer, offsetof or container_of) on a kernel whose headers define it only in headers
// the file's build never reads there. gcc then knows the struct only by name ("invalid use of
// undefined type", "dereferencing pointer to incomplete type"): `struct file_lock` moved from
// linux/fs.h to linux/filelock.h in 6.9, and fs.h does not include it.
//
// Judged only on kernels with header data (the Debian ones), only where every include the
// build may follow is known (`check/includeRoots.ts`, `HeaderIndex.includeClosure`), and only
// for structs some header of that kernel defines: the workspace's own structs never reach
// here (the type oracle answers no for them). The include graph counts every `#include` a
// kernel does not certainly leave out, so a header outside the closure is certainly not read.
import { aggregateKey, type AggregateRef, type KernelDatabase } from '../kernels/database';
import type { Finding } from '../check/findings';
import type { SourceRange } from '../c/usages';
import { TextLines, type QuickFix, type TextEdit } from '../edits/textEdits';
import type { AngleInclude } from './missingHeader';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';

export const incompleteStructRule = {
  code: 'incomplete-struct',
  name: 'IncompleteStruct',
  severity: 'warning',
  description: "A kernel struct used as a complete type where, on some targeted kernels, no header the file's build reads defines it: gcc knows only its name there.",
} as const satisfies RuleInfo;

/** A use of a struct that needs its definition, with the targets that certainly compile it. */
export interface WholeUse {
  aggregate: AggregateRef;
  range: SourceRange;
  /** The member read or set, for member uses. */
  member?: string;
  /** Image indices. */
  targets: readonly number[];
  /**
   * Member uses: the lines of the file's declarations that typed the expression (the variable,
   * the field of its own struct). Not set for the designators of an initializer, which gcc
   * reports one by one even where the object's declaration failed.
   */
  typedAt?: readonly number[];
  /**
   * A designator in a nested brace list (`.ops = { .add = f }`): the aggregate of the member it
   * is within. Where that aggregate is incomplete itself, gcc stops at its designator and says
   * nothing of the inner ones.
   */
  within?: AggregateRef;
  /**
   * A designator in a nested brace list for a member of the driver's own struct. Where the
   * member's type is incomplete, gcc refuses the struct's definition at the member ("field has
   * incomplete type") and says nothing of the initializers.
   */
  withinOwn?: true;
}

export interface IncompleteStructInput {
  uses: readonly WholeUse[];
  /** Per target slot: the kernel headers the file's build may read, or undefined when not all are known. */
  includeClosure: (slot: number) => ReadonlySet<string> | undefined;
  /** The file's `#include <…>` lines. */
  includes: readonly AngleInclude[];
  /** Whether the line is certainly compiled for the target in `slot`. */
  compiled: (slot: number, line: number) => boolean;
}

/** What an `incomplete-struct` finding carries for its fix. */
export interface IncompleteStructFacts {
  /** The header that defines the struct on every kernel the finding is about. */
  header: string;
  /** Where the include goes: after this line (the last `#include <…>` every target compiles), or at the top (-1). */
  afterLine: number;
  /** Some targeted kernels lack the header: the include is guarded by `__has_include`. */
  guarded: boolean;
}

export function incompleteStructFindings(context: RuleContext, input: IncompleteStructInput): Finding[] {
  const headers = context.db.headers();
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const incompleteOn = incompleteTargets(context, input);
  // Where a declaration of an object of the struct already failed, by struct, line and target:
  // gcc gives that object an erroneous type, and says nothing more where the code uses it.
  const failedObjects = new Map<string, Set<number>>();
  for (const usage of input.uses) {
    if (usage.withinOwn) continue;
    const { targets } = usage;
    const key = aggregateKey(usage.aggregate);
    // One finding per struct and line: gcc repeats itself for every use on it, one include fixes them all.
    const place = `${key}\u0000${usage.range.startLine}`;
    if (reported.has(place)) continue;
    const incomplete = incompleteOn(key);
    const followsFailed = (image: number) => usage.typedAt?.some((line) => failedObjects.get(`${key}\u0000${line}`)?.has(image)) === true;
    const outerIncomplete = usage.within ? incompleteOn(aggregateKey(usage.within)) : undefined;
    const failing = targets.filter((image) => incomplete.has(image) && !followsFailed(image) && !outerIncomplete?.has(image));
    if (failing.length === 0) continue;
    reported.add(place);
    if (usage.member === undefined) failedObjects.set(place, new Set(failing));
    const defining = [...new Set(failing.flatMap((image) => headers.definingHeaders(key, image) ?? []))].sort();
    const where = imagesOf(context, failing);
    const fix = fixFacts(context, defining, input);
    findings.push({
      code: incompleteStructRule.code,
      severity: context.severities[incompleteStructRule.code],
      message: `\`${key}\` is an incomplete type here with the kernel headers of ${where}: ${whyIncomplete(context, usage.aggregate, defining)}`,
      range: usage.range,
      aggregate: usage.aggregate,
      ...(usage.member !== undefined ? { member: usage.member } : {}),
      targets: failing,
      ...(fix ? { incomplete: fix } : {}),
    });
  }
  return findings;
}

/**
 * Per struct, the targets on which some header defines it and none of those is in the file's
 * include closure there, or on which no header defines it where another kernel's headers do;
 * worked out once per struct (a file uses a few structs many times).
 */
function incompleteTargets(context: RuleContext, input: IncompleteStructInput): (key: string) => ReadonlySet<number> {
  const headers = context.db.headers();
  const byKey = new Map<string, Set<number>>();
  return (key) => {
    let incomplete = byKey.get(key);
    if (incomplete) return incomplete;
    incomplete = new Set();
    context.targets.forEach((image, slot) => {
      const defining = headers.definingHeaders(key, image);
      if (!defining) return;
      // Where the closure is not known, nor is what the build reads: a header checked alone
      // (read after whatever its includer included), a computed include. Nothing is judged there.
      const closure = input.includeClosure(slot);
      if (closure === undefined) return;
      if (defining.length === 0 ? isGoneFromHeaders(context.db, key, image) : !defining.some((header) => closure.has(header))) incomplete.add(image);
    });
    byKey.set(key, incomplete);
    return incomplete;
  };
}

/**
 * Whether no header of `image` defines the struct or #defines its name, where a header of
 * another kernel with header data does: the struct is new (`struct platform_profile_ops`,
 * 6.14), gone, or its name was only a `#define` for another struct (`#define spi_master
 * spi_controller`, up to 6.11). gcc knows it only by name there, whatever the file includes.
 * So is an older kernels' struct that no kernel with header data defines or could make
 * (`struct timespec`, gone in 5.6; HeaderIndex.isRetiredStruct). Another struct that no header
 * of any kernel defines (`struct mnt_idmap`, in a .c file) is not
 * judged: the data cannot tell it from one its headers make in a way they do not read.
 */
function isGoneFromHeaders(db: KernelDatabase, key: string, image: number): boolean {
  const { kind, name } = refOf(key);
  if (db.renames(name, image)) return false;
  if (kind === 'struct' && db.headers().isRetiredStruct(name)) return true;
  return db.images.some((_, other) => other !== image && headerDefinition(db, kind, name, other) !== undefined);
}

/**
 * How the headers of `image` give the struct: a header that defines it, or a #define of its
 * name as a struct tag some header there defines. Undefined where they do not, or where the
 * image has no header data.
 */
function headerDefinition(db: KernelDatabase, kind: string, name: string, image: number): { header: string } | { renamedTo: string } | undefined {
  const headers = db.headers();
  if (!headers.covers(image)) return undefined;
  const target = db.renamedTo(name, image);
  if (target !== undefined) return (headers.definingHeaders(`${kind} ${target}`, image)?.length ?? 0) > 0 ? { renamedTo: target } : undefined;
  const defining = headers.definingHeaders(`${kind} ${name}`, image) ?? [];
  return defining.length > 0 ? { header: defining[0] } : undefined;
}

/** 'struct file_lock' → its kind and name (the inverse of aggregateKey). */
function refOf(key: string): { kind: string; name: string } {
  const space = key.indexOf(' ');
  return { kind: key.slice(0, space), name: key.slice(space + 1) };
}

/** Why the struct is incomplete on the failing kernels: the headers that define it and the file does not read, or that no header there gives it. */
function whyIncomplete(context: RuleContext, aggregate: AggregateRef, defining: readonly string[]): string {
  if (defining.length > 0) {
    const named = defining.map((header) => `\`<${header}>\``).join(' or ');
    return `only ${named} defines it there, and this file does not include it, directly or through the headers it includes`;
  }
  // What the newest kernel whose headers give it has.
  let elsewhere: string | undefined;
  context.db.images.forEach((image, index) => {
    const given = headerDefinition(context.db, aggregate.kind, aggregate.name, index);
    if (given) elsewhere = 'renamedTo' in given ? `${image.label}'s headers have \`#define ${aggregate.name} ${given.renamedTo}\`` : `${image.label}'s headers define it in \`<${given.header}>\``;
  });
  if (!elsewhere && aggregate.kind === 'struct' && context.db.headers().isRetiredStruct(aggregate.name)) elsewhere = "older kernels' functions were declared with it, and no kernel with header data defines it";
  return `no header there defines it or #defines its name${elsewhere ? ` (${elsewhere})` : ''}`;
}

/** The fix's facts, where one header defines the struct on every failing kernel: guarded unless every target surely has it. */
function fixFacts(context: RuleContext, defining: readonly string[], input: IncompleteStructInput): IncompleteStructFacts | undefined {
  if (defining.length !== 1) return undefined;
  const [header] = defining;
  const headers = context.db.headers();
  const everywhere = context.targets.every((image) => headers.hasHeader(header, image) === true);
  return { header, afterLine: lastIncludeEverywhere(input, context.targets.length), guarded: !everywhere };
}

function lastIncludeEverywhere(input: IncompleteStructInput, slots: number): number {
  let last = -1;
  for (const include of input.includes) {
    let everywhere = true;
    for (let slot = 0; slot < slots; slot++) if (!input.compiled(slot, include.line)) everywhere = false;
    if (everywhere) last = include.line;
  }
  return last;
}

/**
 * The fix: `#include <header>` after the file's last include that every target compiles,
 * under `#if __has_include(<header>)` when some targeted kernels lack the header. A version
 * guard would need the release that added the header, which the data (jumping from 6.1 to
 * 6.12) does not show: `struct file_lock` moved in 6.9.
 */
export function incompleteStructFixes(text: string, facts: IncompleteStructFacts): QuickFix[] {
  const lines = new TextLines(text);
  const include = `#include <${facts.header}>`;
  const block = facts.guarded ? [`#if __has_include(<${facts.header}>)`, include, '#endif'] : [include];
  const at = facts.afterLine + 1;
  const edit: TextEdit = { range: { startLine: at, startColumn: 0, endLine: at, endColumn: 0 }, newText: block.join(lines.eol) + lines.eol };
  const title = facts.guarded ? `Include \`<${facts.header}>\` where the kernel has it` : `Include \`<${facts.header}>\``;
  return [{ title, kind: 'include', preferred: true, edits: [edit] }];
}

/** Hover lines for a struct: where the kernels with header data define it, and where that is not known. */
export function definingHeadersHover(db: KernelDatabase, key: string, targets: readonly number[]): string[] {
  const headers = db.headers();
  const byHeaders = new Map<string, number[]>();
  const unknown: number[] = [];
  for (const image of targets) {
    const defining = headers.definingHeaders(key, image);
    if (defining === undefined) unknown.push(image);
    else if (defining.length > 0) {
      const text = defining.map((header) => `\`<${header}>\``).join(', ');
      byHeaders.set(text, [...(byHeaders.get(text) ?? []), image]);
    }
  }
  const lines = [...byHeaders].map(([text, images]) => `Defined in ${text} on ${describe(db, images, targets)}.`);
  if (lines.length > 0 && unknown.length > 0) lines.push(`Its header is not known on ${describe(db, unknown, targets)}: the data has no headers of those kernels.`);
  return lines;
}

function describe(db: KernelDatabase, images: readonly number[], targets: readonly number[]): string {
  return imagesOf({ db, targets, severities: {} }, images);
}
