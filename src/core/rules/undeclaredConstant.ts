// Rule `undeclared-constant`: a kernel constant used as a value (`BIO_MAX_PAGES`, gone in 5.12;
// `QUEUE_FLAG_NONROT`, gone in 6.11) on a targeted kernel whose headers do not spell the name
// anywhere: no macro, enumerator or variable declares it there, and gcc stops ("undeclared").
// Judged only on kernels whose headers were read (the Debian ones), on certainly compiled
// lines, for names in capitals that some kernel's headers define as a macro, and for those no
// kernel's headers spell at all (`RX_FLAG_HT`, gone in 4.12; `CORE2_MEROM` where
// `X86_MATCH_INTEL_FAM6_MODEL`, which pasted it, is gone) unless a macro may have made them; where the driver
// declares or defines the name itself (also through a macro: one its #define bodies spell, one
// a macro outside every function is given), where the build may read what the check did not
// see (an include it could not follow, flags it could not read), and in an argument of a macro
// that may paste, stringify or leave it out (the driver's; the kernel's unless the header data
// says it compiles that argument as a plain value, as `min` and `BIT` do), nothing is judged.
import { describeImages } from '../kernels/history';
import { lineRange, type Finding } from '../check/findings';
import type { KernelDatabase } from '../kernels/database';
import type { RuleContext, RuleInfo } from './rule';
import type { ConstantUse, EnclosingCall } from '../c/constantUses';

export const undeclaredConstantRule = {
  code: 'undeclared-constant',
  name: 'UndeclaredConstant',
  severity: 'warning',
  description: "A kernel constant that some targeted kernels' headers do not declare at all (no macro, enumerator or variable of the name): the build stops there.",
} as const satisfies RuleInfo;

const FILE_SCOPE_USE = 'the use outside a function';

/** A finding at a use outside every function: after it gcc takes the name as declared, so what the file reports later depends on it. */
export function isFileScopeConstantFinding(finding: Pick<Finding, 'code' | 'message'>): boolean {
  return finding.code === undeclaredConstantRule.code && finding.message.includes(FILE_SCOPE_USE);
}

export interface UndeclaredConstantInput {
  db: KernelDatabase;
  targets: readonly number[];
  /** The file's uses of candidate names, in file order (constantUses.ts). */
  uses: readonly ConstantUse[];
  /** Whether the target in `slot` certainly compiles the line. */
  compiled: (slot: number, line: number) => boolean;
  /** Whether it may (the line is not certainly left out). */
  mayCompile: (slot: number, line: number) => boolean;
  /** Whether the call may make something else of the argument on the target in `slot`: a macro of the driver's, or of the kernel's that does not compile it as a plain value. */
  swallows: (call: EnclosingCall, slot: number) => boolean;
  /**
   * Whether the name is declared on the target in `slot`: false where nothing declares it,
   * undefined where that is not known (nothing is judged there). By default, whether the
   * kernel's headers spell it, on the kernels with header data.
   */
  declared?: (name: string, slot: number) => boolean | undefined;
}

export function undeclaredConstantFindings(context: RuleContext, input: Omit<UndeclaredConstantInput, 'db' | 'targets'>): Finding[] {
  return findUndeclaredConstants({ ...input, db: context.db, targets: context.targets }).map(({ use, targets }) => ({
    code: undeclaredConstantRule.code,
    severity: context.severities[undeclaredConstantRule.code],
    message: messageOf(context, use, targets),
    range: lineRange(use.line, use.startColumn, use.endColumn),
    targets,
  }));
}

function messageOf(context: RuleContext, use: ConstantUse, targets: number[]): string {
  const where = describeImages(context.db.images, targets, context.targets);
  const message = `\`${use.name}\` is declared by no kernel header of ${where} (no macro, enumerator or variable of that name), so ${use.functionStart === undefined ? FILE_SCOPE_USE : 'the use'} does not compile there`;
  // A macro those kernels lack that is given the name (`X86_MATCH_INTEL_FAM6_MODEL(CORE2_MEROM, …)`), which made something else of it elsewhere.
  const headers = context.db.headers();
  const gone = use.within.find((call) => targets.every((image) => headers.declares(call.name, image) === false));
  return gone ? `${message}; it is an argument of \`${gone.name}\`, which those kernels do not define` : message;
}

/**
 * The uses gcc reports, each with the kernels it reports it on. gcc reports an undeclared name
 * once per function, at its first use there; a use outside every function is reported once,
 * and declares the name for the rest of the file, so nothing after it is reported. A use the
 * check does not judge (on a line the target may compile, in a macro's argument, opaque) may be
 * the one gcc meets first: it is not reported, and nothing after it in its function is either.
 */
export function findUndeclaredConstants(input: UndeclaredConstantInput): { use: ConstantUse; targets: number[] }[] {
  const headers = input.db.headers();
  const reported = new Map<ConstantUse, number[]>();
  const spelledByNoKernel = (name: string) => headers.isSpelledByNoKernel(name);
  const swallowedOn = (use: ConstantUse, slot: number) => use.within.some((call) => input.swallows(call, slot));
  // A macro outside every function may declare what it is given (`static DEFINE_SPINLOCK(NAME);`).
  const declaredByMacros = new Set(
    input.uses.filter((use) => use.functionStart === undefined && !spelledByNoKernel(use.name) && input.targets.some((_, slot) => swallowedOn(use, slot))).map((use) => use.name),
  );
  const declared = input.declared ?? ((name: string, slot: number) => headers.spellsConstant(name, input.targets[slot]));
  input.targets.forEach((image, slot) => {
    // A name no kernel spells is the driver's own wherever a macro is given it (`DEFINE_WAIT(WAIT)`
    // declares WAIT), on the kernels whose macro that is: where the macro is gone
    // (`X86_MATCH_INTEL_FAM6_MODEL(CORE2_MEROM, …)` from 6.12), the name is a value of its own.
    const declaredByMacrosHere = new Set(input.uses.filter((use) => spelledByNoKernel(use.name) && swallowedOn(use, slot)).map((use) => use.name));
    const declaredAtFileScope = new Set<string>();
    const metInFunction = new Set<string>();
    for (const use of input.uses) {
      if (declaredByMacros.has(use.name) || declaredByMacrosHere.has(use.name) || declaredAtFileScope.has(use.name) || !input.mayCompile(slot, use.line)) continue;
      if (declared(use.name, slot) !== false) continue;
      if (use.functionStart === undefined) declaredAtFileScope.add(use.name);
      else {
        const key = `${use.functionStart} ${use.name}`;
        if (metInFunction.has(key)) continue;
        metInFunction.add(key);
      }
      if (use.opaque || !input.compiled(slot, use.line) || use.within.some((call) => input.swallows(call, slot))) continue;
      const images = reported.get(use) ?? [];
      images.push(image);
      reported.set(use, images);
    }
  });
  return [...reported].map(([use, targets]) => ({ use, targets }));
}
