// Rule `extra-cflags`: an `#include` the build finds only through an `-I` folder that the
// module's make files give in EXTRA_CFLAGS. Kbuild folded EXTRA_CFLAGS into every compile until
// 6.14 and ignores it from 6.15, so on those kernels gcc stops there ("No such file or
// directory"). Judged on certainly compiled lines; the folder counts only where nothing else
// gcc searches there has the header (the including file's folder for a quoted include, another
// `-I`, the kernel's own headers: see extraCflagsFolder), and not at all where a flag variable
// folds EXTRA_CFLAGS in (`ccflags-y += $(EXTRA_CFLAGS)`) or flags outside it went unread (see
// kbuildFlags). Its `-D` flags are dropped on those kernels by the preprocessor
// (CommandLineMacro.untilVersion), which every rule then reads.
import { dirname, relative } from 'node:path';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import { includeDirectives } from '../check/followedIncludes';
import { kernelHas } from '../check/fatalIncludes';
import { EXTRA_CFLAGS_IGNORED_FROM, type ExtraCflagsFolder } from '../c/includes';

export const extraCflagsRule = {
  code: 'extra-cflags',
  name: 'ExtraCflagsIgnored',
  severity: 'warning',
  description: "An #include found only through an -I folder the module's make files give in EXTRA_CFLAGS, which Kbuild ignores from 6.15: the build stops there on those kernels.",
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
