// Rule `missing-function`: a call to a function or macro that a targeted kernel's headers do
// not declare, where the driver does not define it either. gcc stops there ("implicit
// declaration of function"). Judged only on kernels whose headers were read (the Debian ones),
// only on certainly compiled lines, and only for names some kernel's headers do declare, or
// that older kernels had as functions (do_gettimeofday): another name no kernel declares is
// the driver's own, or a builtin, and is left alone.
import type { KernelDatabase } from '../kernels/database';
import { describeImages } from '../kernels/history';
import { lineRange, type Finding } from '../check/findings';
import type { QuickFix } from '../edits/textEdits';
import type { RuleContext, RuleInfo } from './rule';
import type { CallSite, PointerDestination } from '../c/calls';
import { prototypeParameters } from '../c/prototypes';
import { isCompilerProvidedName } from '../c/compilerMacros';

export const missingFunctionRule = {
  code: 'missing-function',
  name: 'MissingFunction',
  severity: 'warning',
  description: "A call to a function or macro that some targeted kernels' headers do not declare (implicit declaration): the build stops there.",
} as const satisfies RuleInfo;

export function missingFunctionFindings(context: RuleContext, input: Omit<MissingFunctionInput, 'db' | 'targets'>): Finding[] {
  return findMissingFunctions({ ...input, db: context.db, targets: context.targets }).map(({ site, message, targets, successor }) => ({
    code: missingFunctionRule.code,
    severity: context.severities[missingFunctionRule.code],
    message,
    range: lineRange(site.line, site.startColumn, site.endColumn),
    targets,
    ...(successor ? { successor } : {}),
  }));
}

/** The fix of a missing function with a successor every target has: call the successor. */
export function missingFunctionFixes(finding: Pick<Finding, 'range' | 'successor'>): QuickFix[] {
  if (!finding.successor?.renamable) return [];
  const { range } = finding;
  return [
    {
      title: `Call \`${finding.successor.name}\`, which took the place of \`${finding.successor.replaces}\``,
      kind: 'rename',
      preferred: true,
      edits: [{ range: { startLine: range.startLine, startColumn: range.startColumn, endLine: range.endLine, endColumn: range.endColumn }, newText: finding.successor.name }],
    },
  ];
}

export interface MissingFunction {
  site: CallSite;
  targets: number[];
  message: string;
  /** The function that took its place, where the data shows one. */
  successor?: FunctionSuccessor;
}

/** What a `missing-function` finding carries for its fix. */
export interface FunctionSuccessor {
  /** The removed function the call names. */
  replaces: string;
  name: string;
  /** Every targeted kernel that compiles the call declares it: renaming the call is a fix. */
  renamable: boolean;
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
  /**
   * Whether the target in `slot` may compile the line: a call there that is not certainly
   * compiled may be the one gcc meets first, so no later call of the name is reported there.
   */
  mayCompile?: (slot: number, line: number) => boolean;
  /** Told of each name whose call on such a line hid the later calls' reports (see CheckResult.unsureCalls). */
  onUnsureCall?: (name: string) => void;
  /** Whether the call sits in an argument a macro leaves out on the target in `slot` (`I915_SELFTEST_ONLY(should_fail(…))`): not compiled there. */
  leftOut?: (slot: number, site: CallSite) => boolean;
  /** Whether the driver defines or declares the name (the file, its macros, its other files). */
  definedByDriver: (name: string) => boolean;
  /**
   * Whether the driver may make the name by token pasting (pastedCallNames.ts). Names only the
   * kernel's generator macros make are judged only where this is given and says no.
   */
  driverMayPaste?: (name: string) => boolean;
  /** The kernel headers the file's build may read on the target in `slot`; undefined when not known. */
  includeClosure?: (slot: number) => ReadonlySet<string> | undefined;
  /**
   * Calls in the bodies of the file's own macros (macroBodyCalls.ts): reported at the body, in
   * the order of the macro's first expansion a target compiles, where `compiled` holds.
   */
  macroSites?: readonly { site: CallSite; macro: string; expandedAt: (slot: number) => { line: number; column: number } | undefined; expandedIn?: string }[];
  /** The lines of the block right after a call of the file, where the call heads a loop (see blockAfterCall). */
  blockAfter?: (site: CallSite) => { startLine: number; endLine: number } | undefined;
  /** Where a call's value goes into a pointer the file types plainly (`p = f(…);`, `struct t *p = f(…);`, `g(f(…))` for a pointer parameter of `g`). */
  storedInPointer?: (site: CallSite) => PointerDestination | undefined;
  /** Whether the kernel's compiler refuses an `int` stored in a pointer (gcc 14 and later: -Wint-conversion is an error). */
  refusesIntInPointer?: (image: number) => boolean;
  /** How the text reads a call's result right after it, where only a pointer, struct or array can be read so (see resultReadAs). */
  resultRead?: (site: CallSite) => '->' | '.' | '[' | undefined;
  /**
   * For a call that is a whole element of an initializer outside every function: whether the
   * target in a slot refuses it as a later call (see InitializerElements: not where one of
   * its arguments is a name gcc already reported). Undefined for other calls.
   */
  initializerElement?: (site: CallSite) => ((slot: number) => boolean) | undefined;
}

/** A call as the loop below reads it: where gcc meets it first on each target, if it does. */
interface OrderedSite {
  site: CallSite;
  /** Where the translation unit reaches the call on the target in `slot` (a macro's: its expansion), or undefined where it does not. */
  reachedAt: (slot: number) => { line: number; column: number } | undefined;
  /** The earliest such place, for file order. */
  order: { line: number; column: number };
  /** For a call in a macro's body: the macro, which the message names with where it is expanded. */
  macro?: string;
  /**
   * For a header's macro that a .c file including it expands: that file. Its include closure is
   * not the header's, so only kernels that declare the name nowhere are judged.
   */
  expandedIn?: string;
}

export function findMissingFunctions(input: MissingFunctionInput): MissingFunction[] {
  const headers = input.db.headers();
  // Only kernels with header data say what their headers declare: the others are never asked.
  const judged = input.targets.map((image) => headers.covers(image));
  if (!judged.some(Boolean)) return [];
  const found: MissingFunction[] = [];
  const known = new Map<string, boolean>();
  const isCandidate = (name: string) => {
    let candidate = known.get(name);
    if (candidate === undefined) {
      const kernels = headers.isKernelCallable(name) || headers.knowsDeclaringHeaders(name) || headers.isRetiredFunction(name);
      const pasted = !kernels && headers.isPastedCallable(name) && input.driverMayPaste !== undefined && !input.driverMayPaste(name);
      known.set(name, (candidate = (kernels || pasted) && !isCompilerProvidedName(name) && !input.definedByDriver(name)));
    }
    return candidate;
  };
  // A kernel that declares the name only in headers the file's build never reads: gcc sees no declaration either.
  const unreached = (name: string, image: number, slot: number): string[] | undefined => {
    const closure = input.includeClosure?.(slot);
    if (!closure) return undefined;
    const declaring = headers.declaringHeaders(name, image);
    return declaring && declaring.length > 0 && !declaring.some((header) => closure.has(header)) ? declaring : undefined;
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
  // A name used as a value may be a variable (`jiffies`, which some kernels also #define):
  // judged only where some kernel declares it a function.
  const functions = new Map<string, boolean>();
  const isFunction = (name: string) => {
    let answer = functions.get(name);
    if (answer === undefined) functions.set(name, (answer = headers.isFunction(name)));
    return answer;
  };
  // Per target, the blocks after undeclared loop headers, which gcc passes over.
  const passedOver = new Map<number, { startLine: number; endLine: number }[]>();
  const inPassedOver = (image: number, line: number) => passedOver.get(image)?.some((block) => line >= block.startLine && line <= block.endLine) === true;
  for (const { site, reachedAt, order, macro, expandedIn } of orderedSites(input)) {
    if (!isCandidate(site.name) || (site.reference && !isFunction(site.name))) continue;
    const already = reported.get(site.name) ?? new Set<number>();
    reported.set(site.name, already);
    const compiledOn = input.targets.filter((image, slot) => judged[slot] && !already.has(image) && reachedAt(slot) !== undefined && (macro !== undefined || !inPassedOver(image, site.line)));
    if (macro === undefined && input.mayCompile) {
      input.targets.forEach((image, slot) => {
        if (!judged[slot] || already.has(image) || reachedAt(slot) !== undefined || !input.mayCompile!(slot, site.line) || input.leftOut?.(slot, site)) return;
        already.add(image);
        input.onUnsureCall?.(site.name);
      });
    }
    const undeclared = compiledOn.filter((image) => headers.declares(site.name, image) === false);
    const elsewhere = new Map<number, string[]>();
    for (const image of expandedIn === undefined ? compiledOn : []) {
      const declaring = headers.declares(site.name, image) === true ? unreached(site.name, image, input.targets.indexOf(image)) : undefined;
      if (declaring) elsewhere.set(image, declaring);
    }
    const missing = compiledOn.filter((image) => undeclared.includes(image) || elsewhere.has(image));
    // Where no header the build reads declares it: none at all, or only headers it does not read.
    const lacking = (image: number, slot: number) => headers.declares(site.name, image) === false || (expandedIn === undefined && unreached(site.name, image, slot) !== undefined);
    const later = macro === undefined ? laterCallRefused(input, site, (image, slot) => judged[slot] && already.has(image) && reachedAt(slot) !== undefined && !inPassedOver(image, site.line) && !missing.includes(image) && lacking(image, slot)) : undefined;
    if (later) found.push(later);
    if (missing.length === 0) continue;
    for (const image of missing) already.add(image);
    const block = macro === undefined && !site.reference ? input.blockAfter?.(site) : undefined;
    if (block) for (const image of missing) passedOver.set(image, [...(passedOver.get(image) ?? []), block]);
    const where = describeImages(input.db.images, undeclared, input.targets);
    const successor = undeclared.length > 0 ? functionSuccessor(input.db, site.name, undeclared) : undefined;
    const took =
      (macro ? ` (in the body of the driver's macro \`${macro}\`, expanded ${expandedIn !== undefined ? `in ${expandedIn}` : `at line ${order.line + 1}`})` : '') +
      (successor ? `: \`${successor.name}\` took its place (the same parameters, declared from ${input.db.images[successor.since].label})` : '');
    // Renaming is a fix only where every target that compiles the call declares the successor.
    const renamable = successor && input.targets.every((image, slot) => reachedAt(slot) === undefined || headers.declares(successor.name, image) === true);
    found.push({
      site,
      targets: missing,
      message: [
        ...(undeclared.length > 0 ? [`\`${site.name}\` is not declared by the kernel headers of ${where}, so ${useWords(site)} does not compile there${fileScopeReading(site)}${took}`] : []),
        ...(elsewhere.size > 0 ? [unreachedMessage(input, site, elsewhere)] : []),
      ].join('; '),
      ...(successor ? { successor: { replaces: site.name, name: successor.name, renamable: renamable === true } } : {}),
    });
  }
  return found;
}

/**
 * A later call of a name the kernel lacks, on the kernels where an earlier call was reported:
 * gcc reports the implicit declaration once, and the calls after it return `int`. Where the
 * code reads a member or an element of that `int`, or the call is an element of an
 * initializer outside a function, every gcc refuses the call's line; where it is stored in a
 * pointer, gcc 14 and later refuse it ("makes pointer from integer without a cast",
 * -Wint-conversion); older ones only warn. `reachedAgain(image, slot)`:
 * the target compiles this call after reporting an earlier one, and its build reads no
 * declaration of the name.
 */
function laterCallRefused(input: MissingFunctionInput, site: CallSite, reachedAgain: (image: number, slot: number) => boolean): MissingFunction | undefined {
  if (site.reference) return undefined;
  const again = input.targets.filter((image, slot) => reachedAgain(image, slot));
  if (again.length === 0) return undefined;
  const headers = input.db.headers();
  const undeclared = (images: readonly number[]) => {
    const where = describeImages(input.db.images, images, input.targets);
    return images.every((image) => headers.declares(site.name, image) === false) ? `is not declared by the kernel headers of ${where}` : `is not declared by the headers this file reads on ${where}`;
  };
  // A member or an element of the `int`: every gcc refuses that ("invalid type argument of '->'").
  const read = input.resultRead?.(site);
  if (read !== undefined) {
    const what = read === '[' ? 'which cannot be subscripted' : `which has no members to read with \`${read}\``;
    return { site, targets: again, message: `\`${site.name}\` ${undeclared(again)}: after its first call there it returns \`int\`, ${what}` };
  }
  // No call is a constant: every gcc refuses one in a static object's initializer.
  const refusedThere = input.initializerElement?.(site);
  if (refusedThere) {
    const refused = again.filter((image) => refusedThere(input.targets.indexOf(image)));
    if (refused.length > 0) return { site, targets: refused, message: `\`${site.name}\` ${undeclared(refused)}: after its first call there it is taken for a function returning \`int\`, and outside a function a call is no constant, so gcc refuses this element of the initializer ("initializer element is not constant", or first an undeclared name among its arguments)` };
  }
  if (!input.refusesIntInPointer) return undefined;
  // The text first: most later calls store nothing, and no kernel need be asked for them.
  const destination = input.storedInPointer?.(site);
  if (destination === undefined) return undefined;
  const refused = again.filter((image) => input.refusesIntInPointer!(image) && (destination.on?.(image) ?? true));
  if (refused.length === 0) return undefined;
  return {
    site,
    targets: refused,
    message: `\`${site.name}\` ${undeclared(refused)}: after its first call there it returns \`int\`, and their gcc (14 and later) refuses an \`int\` ${destination.phrase}`,
  };
}

/**
 * The file's calls and its macros' calls, in the order gcc meets them: a macro's call where the
 * macro is first expanded. gcc reports an undeclared function once, at the first it meets.
 */
function orderedSites(input: MissingFunctionInput): OrderedSite[] {
  const direct: OrderedSite[] = input.sites.map((site) => ({
    site,
    reachedAt: (slot) => (input.compiled(slot, site.line) && !input.leftOut?.(slot, site) ? { line: site.line, column: site.startColumn } : undefined),
    order: { line: site.line, column: site.startColumn },
  }));
  if (!input.macroSites?.length) return direct;
  const viaMacros: OrderedSite[] = [];
  for (const { site, macro, expandedAt, expandedIn } of input.macroSites) {
    const places = input.targets.map((_, slot) => expandedAt(slot)).filter((place) => place !== undefined);
    if (places.length === 0) continue;
    // A file that includes the header expands the macro after all of the header: last.
    const order = expandedIn !== undefined ? AFTER_THE_FILE : places.reduce((first, place) => (place.line < first.line || (place.line === first.line && place.column < first.column) ? place : first));
    viaMacros.push({ site, reachedAt: expandedAt, order, macro, ...(expandedIn !== undefined ? { expandedIn } : {}) });
  }
  return [...direct, ...viaMacros].sort((a, b) => a.order.line - b.order.line || a.order.column - b.order.column);
}

const AFTER_THE_FILE = { line: Number.MAX_SAFE_INTEGER, column: 0 };

function unreachedMessage(input: MissingFunctionInput, site: CallSite, elsewhere: ReadonlyMap<number, string[]>): string {
  const images = [...elsewhere.keys()];
  const headers = [...new Set([...elsewhere.values()].flat())].sort().map((header) => `\`<${header}>\``);
  const where = describeImages(input.db.images, images, input.targets);
  return `\`${site.name}\` is declared by the kernel headers of ${where} only in ${headers.join(' or ')}, which this file does not include there, directly or through the headers it includes, so ${useWords(site)} does not compile there`;
}

function useWords(site: CallSite): string {
  return site.reference ? 'the reference to it' : site.fileScope ? 'the line' : 'the call';
}

/** Outside a function gcc takes an unknown `NAME("…");` for a declaration, and stops at its argument. */
function fileScopeReading(site: CallSite): string {
  return site.fileScope && !site.reference ? ' (outside a function, gcc reads it as a declaration with no type)' : '';
}

/**
 * The function that took a removed one's place (`del_timer` → `timer_delete`, `PDE_DATA` →
 * `pde_data`): declared on every kernel that lacks the old one, absent from the first kernel
 * that declared the old one (it came later), taking exactly the old one's parameters, and
 * named with the old name's words in any order (one of them may be spelled out: `del` as
 * `delete`). Only a single such candidate counts.
 */
export function functionSuccessor(db: KernelDatabase, name: string, missing: readonly number[]): { name: string; since: number } | undefined {
  // Asked again on every check of the file (every keystroke): the answer is kept per database.
  let known = successors.get(db);
  if (!known) successors.set(db, (known = new Map()));
  const key = `${name}\u0000${missing.join(',')}`;
  if (!known.has(key)) known.set(key, findSuccessor(db, name, missing));
  return known.get(key);
}

const successors = new WeakMap<KernelDatabase, Map<string, { name: string; since: number } | undefined>>();

function findSuccessor(db: KernelDatabase, name: string, missing: readonly number[]): { name: string; since: number } | undefined {
  const headers = db.headers();
  const byVersion = db.images.map((image, index) => ({ image, index })).filter((x) => headers.covers(x.index)).sort((a, b) => a.image.versionCode - b.image.versionCode);
  const declaring = byVersion.filter((x) => headers.declares(name, x.index) === true);
  const last = declaring[declaring.length - 1];
  // A successor follows the old name: only for kernels newer than every kernel that has it.
  if (!last || missing.length === 0 || missing.some((image) => db.images[image].versionCode <= last.image.versionCode)) return undefined;
  const old = (headers.functions(name, last.index) ?? []).map((f) => prototypeParameters(f.prototype, name)).find((p) => p !== undefined);
  if (!old) return undefined;
  const oldWords = nameWords(name);
  const sameParameters = (candidate: string) =>
    (headers.functions(candidate, missing[0]) ?? []).some((f) => {
      const parameters = prototypeParameters(f.prototype, candidate);
      return parameters !== undefined && parameters.variadic === old.variadic && parameters.types.join('\u0000') === old.types.join('\u0000');
    });
  const ranked = headers
    .callablesDeclared(missing, declaring[0].index)
    .filter((candidate) => candidate !== name && sameWords(oldWords, nameWords(candidate)) && sameParameters(candidate));
  if (ranked.length !== 1) return undefined;
  const since = byVersion.find((x) => headers.declares(ranked[0], x.index) === true)!;
  return { name: ranked[0], since: since.index };
}

/** `del_timer_sync` → del, timer, sync; case does not count (`PDE_DATA`, `pde_data`). */
function nameWords(name: string): string[] {
  return name.toLowerCase().split('_').filter((word) => word !== '');
}

/**
 * Whether the candidate's words are the old name's, in any order, a word of the old name
 * possibly spelled out in full (`del` → `delete`).
 */
function sameWords(oldWords: readonly string[], candidateWords: readonly string[]): boolean {
  if (oldWords.length !== candidateWords.length) return false;
  const used = new Set<number>();
  let spelledOut = 0;
  for (const word of oldWords) {
    let at = candidateWords.findIndex((candidate, i) => !used.has(i) && candidate === word);
    if (at < 0) {
      at = candidateWords.findIndex((candidate, i) => !used.has(i) && word.length >= 3 && candidate.startsWith(word));
      spelledOut++;
    }
    if (at < 0) return false;
    used.add(at);
  }
  // One word spelled out at most, beside words kept as they were.
  return spelledOut <= 1 && spelledOut < oldWords.length;
}
