// Rule `undefined-macro`: a macro of the driver's own used on a targeted kernel where none of its
// #defines is compiled: every one stands under a condition that kernel does not meet
// (`#ifdef ESP_USE_SDIO`, set by an EXTRA_CFLAGS flag that Kbuild ignores from 6.15;
// `#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)`).
// - A call of it: gcc reads one of an undeclared function and stops ("implicit declaration of
//   function"), at the first call a kernel compiles, once per file. Judged for the calls
//   driverMacroCalls.ts picks (names nothing else may give, every include followed, the
//   target's flags all read); where the first call a target may compile is not certainly
//   compiled, nothing is reported for that name there.
// - It named as a type in a function definition (undefinedTypeWords.ts): "unknown type name",
//   at every such place.
// Both only on certainly compiled lines.
import { basename } from 'node:path';
import { imagesOf, type RuleContext, type RuleInfo } from './rule';
import { lineRange, type Finding } from '../check/findings';
import type { CallSite } from '../c/calls';
import type { MacroDefinition } from '../check/driverMacroCalls';
import type { UndefinedTypeWord, UndefinedTypeWords } from '../check/undefinedTypeWords';

export const undefinedMacroRule = {
  code: 'undefined-macro',
  name: 'UndefinedDriverMacro',
  severity: 'warning',
  description: "A call of one of the driver's own function-like macros, or one of its macros named as a type in a function definition, on targets where none of its #defines is compiled (each stands under a condition they do not meet): gcc takes it for an undeclared function or an unknown type name and the build stops.",
} as const satisfies RuleInfo;

export interface UndefinedMacroInput {
  /** The file's calls of the macros judged, in file order (driverMacroCalls). */
  sites: readonly CallSite[];
  definitions: ReadonlyMap<string, MacroDefinition>;
  /** Whether the preprocessor saw every header the target in `slot` reads: the calls are judged only there. */
  judgedOn: (slot: number) => boolean;
  /** Whether some #define of the name may be compiled on the target in `slot`. */
  definedOn: (name: string, slot: number) => boolean;
  /** Whether every flag the build passes is known on the target in `slot`: calls are judged only there. */
  flagsKnown?: (slot: number) => boolean;
  compiled: (slot: number, line: number) => boolean;
  mayCompile: (slot: number, line: number) => boolean;
  /** Whether the call sits in an argument a macro leaves out on the target in `slot`: gcc never sees it there. */
  leftOut: (slot: number, site: CallSite) => boolean;
  /** Its macros read as types, each reported where a target certainly compiles the line. */
  typeWords?: readonly UndefinedTypeWord[];
}

export function undefinedMacroFindings(context: RuleContext, input: UndefinedMacroInput): Finding[] {
  return [...callFindings(context, input), ...typeWordFindings(context, input)];
}

function typeWordFindings(context: RuleContext, input: UndefinedMacroInput): Finding[] {
  return (input.typeWords ?? []).flatMap((word) => {
    const targets = word.slots.filter((slot) => input.compiled(slot, word.line)).map((slot) => context.targets[slot]);
    return targets.length > 0 ? [typeWordFinding(context, word, targets)] : [];
  });
}

/**
 * The findings in the workspace headers a file reads (UndefinedTypeWords.headerWords): gcc
 * reports them at the header's line in every file that includes it, so they are the header's.
 */
export function headerTypeWordFindings(context: RuleContext, headers: UndefinedTypeWords['headerWords']): { path: string; findings: Finding[] }[] {
  return headers.map(({ path, words }) => ({ path, findings: words.map((word) => typeWordFinding(context, word, word.slots.map((slot) => context.targets[slot]))) }));
}

function typeWordFinding(context: RuleContext, word: UndefinedTypeWord, targets: number[]): Finding {
  const skipped = word.inParameters ? " and passes over the function's body there" : '';
  return {
    code: undefinedMacroRule.code,
    severity: context.severities[undefinedMacroRule.code],
    message: `\`${word.name}\` is a macro of the driver's (${where(word.definition)}) that no #define compiled on ${imagesOf(context, targets)} defines: each stands under a condition those kernels do not meet, so gcc reads an unknown type name here${skipped}, and the build stops`,
    range: lineRange(word.line, word.column, word.column + word.name.length),
    targets,
  };
}

function where(definition: MacroDefinition): string {
  return `${basename(definition.path)}:${definition.line + 1}`;
}

function callFindings(context: RuleContext, input: UndefinedMacroInput): Finding[] {
  if (input.sites.length === 0) return [];
  const reported = new Map<CallSite, number[]>();
  context.targets.forEach((image, slot) => {
    if (!input.judgedOn(slot) || (input.flagsKnown && !input.flagsKnown(slot))) return;
    const met = new Set<string>();
    for (const site of input.sites) {
      if (met.has(site.name) || !input.mayCompile(slot, site.line) || input.leftOut(slot, site)) continue;
      // gcc meets this call first: reported here or nowhere on this target.
      met.add(site.name);
      if (!input.compiled(slot, site.line) || input.definedOn(site.name, slot)) continue;
      reported.set(site, [...(reported.get(site) ?? []), image]);
    }
  });
  return [...reported].map(([site, targets]) => {
    const definition = input.definitions.get(site.name)!;
    return {
      code: undefinedMacroRule.code,
      severity: context.severities[undefinedMacroRule.code],
      message: `\`${site.name}\` is a macro of the driver's (${where(definition)}) that no #define compiled on ${imagesOf(context, targets)} defines: each stands under a condition those kernels do not meet, so gcc takes ${site.fileScope ? 'the line for a declaration with no type' : 'the call for one of an undeclared function'} and the build stops there`,
      range: lineRange(site.line, site.startColumn, site.endColumn),
      targets,
    };
  });
}
