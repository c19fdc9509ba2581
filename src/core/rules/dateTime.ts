// Rule `date-time`: `__DATE__`, `__TIME__` or `__TIMESTAMP__` in a module. Kbuild compiles with
// -Werror=date-time (in the top Makefile up to 6.1, scripts/Makefile.extrawarn or
// Makefile.warn later), since they make the build unreproducible, so gcc stops there: "macro
// '__DATE__' might prevent reproducible builds". A make file that passes -Wno-date-time (or
// turns warnings or errors off) lets them through; one that does so only in EXTRA_CFLAGS no
// longer does from 6.15, which ignores it. Judged on the kernels with header data (their Kbuild
// was read for the flag), on certainly compiled lines of `.c` files an object list names, where
// the module's make files were read in full. Where gcc reports a use inside the file's own
// macro is in c/dateTimeUses.ts.
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import { EXTRA_CFLAGS_IGNORED_FROM, type BuildFlags } from '../c/includes';
import type { DateTimeUse } from '../c/dateTimeUses';

export const dateTimeRule = {
  code: 'date-time',
  name: 'DateTimeMacro',
  severity: 'warning',
  description: "__DATE__, __TIME__ or __TIMESTAMP__ in a module, which Kbuild compiles with -Werror=date-time: the build stops there.",
} as const satisfies RuleInfo;

export interface DateTimeInput {
  uses: readonly DateTimeUse[];
  /** Whether the target in `slot` certainly compiles the line (and builds the file). */
  compiled: (slot: number, line: number) => boolean;
  /**
   * Whether it may compile the line: the `#define` of a macro expanded on a certainly compiled
   * line counts unless the target certainly leaves it out (`#ifndef NAT46_VERSION` is undecided
   * where kernel headers might define the name, which they never do).
   */
  mayCompile: (slot: number, line: number) => boolean;
  allowed: BuildFlags['dateTimeAllowed'];
}

export function dateTimeFindings(context: RuleContext, input: DateTimeInput): Finding[] {
  if (input.allowed === 'always') return [];
  const headers = context.db.headers();
  const refuses = context.targets.map((image) => headers.covers(image) && (input.allowed === undefined || context.db.images[image].versionCode >= EXTRA_CFLAGS_IGNORED_FROM));
  const findings: Finding[] = [];
  for (const use of input.uses) {
    const refusing = context.targets.filter((_, slot) => refuses[slot] && input.compiled(slot, use.compiledAt) && (use.definedAt === undefined || input.mayCompile(slot, use.definedAt)));
    if (refusing.length === 0) continue;
    const why = input.allowed === 'extra-cflags' ? " (the make files' -Wno-date-time is in EXTRA_CFLAGS, which Kbuild ignores from 6.15)" : '';
    const what = use.through !== undefined && use.compiledAt === use.line ? `\`${use.through}\` expands to \`${use.name}\`, which` : `\`${use.name}\``;
    findings.push({
      code: dateTimeRule.code,
      severity: context.severities[dateTimeRule.code],
      message: `${what} differs from build to build, and Kbuild compiles modules with -Werror=date-time${why}: the build stops here on ${imagesOf(context, refusing)}; use a version string of your own`,
      range: lineRange(use.line, use.startColumn, use.endColumn),
      targets: refusing,
    });
  }
  return findings;
}
