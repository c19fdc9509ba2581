// Rule `extra-cflags`: what the module's make files give only in EXTRA_CFLAGS, which Kbuild
// folded into every compile until 6.14 and ignores from 6.15. Two things then stop the build on
// those kernels:
// - an `#include` found only through an EXTRA_CFLAGS `-I` folder ("No such file or directory").
//   The folder counts only where nothing else gcc searches there has the header (the including
//   file's folder for a quoted include, another `-I`, the kernel's own headers: see
//   extraCflagsFolder), and not at all where a flag variable folds EXTRA_CFLAGS in
//   (`ccflags-y += $(EXTRA_CFLAGS)`) or flags outside it went unread (see kbuildFlags);
// - a macro only an EXTRA_CFLAGS `-D` flag defines, used as a value (`-DDRIVERVERSION=\"1.2\"`,
//   then `MODULE_VERSION(DRIVERVERSION)`): undeclared there. The preprocessor drops those flags on
//   those kernels (CommandLineMacro.untilVersion), so every rule reads the file as gcc does;
//   uses are judged as `undeclared-constant` judges a kernel constant's, once per function.
// Both are judged on certainly compiled lines only.
import { dirname, relative } from 'node:path';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import { includeDirectives } from '../check/followedIncludes';
import { kernelHas } from '../check/fatalIncludes';
import { EXTRA_CFLAGS_IGNORED_FROM, type ExtraCflagsFolder } from '../c/includes';
import { findUndeclaredConstants, type UndeclaredConstantInput } from './undeclaredConstant';

export const extraCflagsRule = {
  code: 'extra-cflags',
  name: 'ExtraCflagsIgnored',
  severity: 'warning',
  description: "An #include found only through an -I folder the module's make files give in EXTRA_CFLAGS, or a macro only its -D flags define used as a value: Kbuild ignores EXTRA_CFLAGS from 6.15, so the build stops there on those kernels.",
} as const satisfies RuleInfo;

export interface ExtraCflagsInput {
  fileName: string;
  text: string;
  folderOf: ExtraCflagsFolder;
  /** Whether the target in `slot` certainly compiles the line (and builds the file). */
  compiled: (slot: number, line: number) => boolean;
}

export function extraCflagsFindings(context: RuleContext, input: ExtraCflagsInput): Finding[] {
  const ignoring = context.targets.map((image) => context.db.images[image].versionCode >= EXTRA_CFLAGS_IGNORED_FROM);
  if (!ignoring.some(Boolean)) return [];
  const lines = input.text.split('\n');
  const findings: Finding[] = [];
  for (const { line, spec, quoted, next } of includeDirectives(input.text)) {
    if (spec === undefined || next) continue;
    const targets = context.targets.filter((image, slot) => ignoring[slot] && input.compiled(slot, line) && !kernelHas(context.db, spec, image));
    if (targets.length === 0) continue;
    const folder = input.folderOf(spec, quoted, input.fileName);
    if (folder === undefined) continue;
    const start = lines[line].indexOf(spec);
    findings.push({
      code: extraCflagsRule.code,
      severity: context.severities[extraCflagsRule.code],
      message: `\`${spec}\` is found only through \`-I${relative(dirname(input.fileName), folder) || '.'}\` of EXTRA_CFLAGS, which Kbuild ignores from 6.15: the build stops here on ${imagesOf(context, targets)} (No such file or directory); give the folder in ccflags-y`,
      range: lineRange(line, start, start + spec.length),
      targets,
    });
  }
  return findings;
}

export interface ExtraCflagsMacroInput extends Pick<UndeclaredConstantInput, 'compiled' | 'mayCompile' | 'swallows'> {
  /** Uses as values of the macros only EXTRA_CFLAGS defines (constantCandidates), in file order. */
  uses: UndeclaredConstantInput['uses'];
  /** Whether some definition of the name may be compiled on the target in `slot` (the flag below 6.15, a #define of the file's or of a header it reads). */
  definedOn: (name: string, slot: number) => boolean;
}

export function extraCflagsMacroFindings(context: RuleContext, input: ExtraCflagsMacroInput): Finding[] {
  if (input.uses.length === 0) return [];
  const found = findUndeclaredConstants({ ...input, db: context.db, targets: context.targets, declared: (name, slot) => input.definedOn(name, slot) });
  return found.map(({ use, targets }) => ({
    code: extraCflagsRule.code,
    severity: context.severities[extraCflagsRule.code],
    message: `\`${use.name}\` is defined only by \`-D${use.name}\` of EXTRA_CFLAGS, which Kbuild ignores from 6.15: ${use.functionStart === undefined ? 'the use outside a function' : 'the use'} is undeclared on ${imagesOf(context, targets)} and the build stops here; give the flag in ccflags-y`,
    range: lineRange(use.line, use.startColumn, use.endColumn),
    targets,
  }));
}
