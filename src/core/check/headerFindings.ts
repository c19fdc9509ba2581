// Findings at the lines of the workspace headers a file reads, found by the file's check: gcc
// compiles a header inside each file that includes it and reports its errors at the header's
// lines. A header checked alone cannot know what its includers define first; the file that
// includes it does.
import type { Finding } from './findings';
import type { CheckResult } from './checker';
import type { RuleContext } from '../rules/rule';
import type { TypedefCandidates } from './typedefCandidates';
import type { UndefinedTypeWords } from './undefinedTypeWords';
import { headerTypeWordFindings } from '../rules/undefinedMacro';
import { unknownTypeFindings } from '../rules/unknownType';
import { LineState, type IncludedHeader } from '../c/preprocessor';
import { includedHeaderErrorFindings } from '../rules/errorDirective';
import { includedHeaderMissingHeaders } from '../rules/missingHeader';
import type { FatalStop } from './fatalIncludes';

/**
 * What the file's check finds at the lines of the workspace headers it reads (CheckResult.headerFindings):
 * the driver's macros and the kernel's typedefs a target lacks, named as types there, only on
 * targets whose build of the file goes on to the end (an include gcc cannot find may keep it
 * from ever reading them), and the kernel constants a target lacks, used there, and the kernel
 * structs used whole there that no header the build reads defines; such an include itself,
 * where it lies in a header; and the headers' `#error`s the build certainly reaches.
 */
export interface HeaderFindingInputs {
  typeWords: UndefinedTypeWords['headerWords'];
  typedefUses: TypedefCandidates['headerUses'];
  missingHeaders: ReturnType<typeof includedHeaderMissingHeaders>;
  fatalStops: readonly FatalStop[];
  /** The headers whose `#error`s are judged (a .c file's, none for a header's check). */
  headers: readonly IncludedHeader[];
  /** undeclared-constant's findings at the headers' lines, on the targets `goesOn` takes. */
  constantsIn: (goesOn: (slot: number) => boolean) => { path: string; findings: Finding[] }[];
  /** incomplete-struct's findings at the headers' lines (a field of a struct no header the build reads defines), on the targets `goesOn` takes. */
  incompleteStructsIn: (goesOn: (slot: number) => boolean) => { path: string; findings: Finding[] }[];
}

export function headerFindingsOf(context: RuleContext, stops: CheckResult['stops'], inputs: HeaderFindingInputs): Required<Pick<CheckResult, 'headerFindings'>> {
  const { typeWords, typedefUses, missingHeaders, fatalStops, headers } = inputs;
  const stopped = new Set(stops.flatMap((stop) => stop.targets));
  const stoppedByInclude = new Set(fatalStops.map((stop) => stop.slot));
  const goesOn = (slot: number) => !stopped.has(context.targets[slot]) && !stoppedByInclude.has(slot);
  const byPath = new Map<string, Finding[]>();
  const add = (path: string, findings: Finding[]) => {
    if (findings.length > 0) byPath.set(path, [...(byPath.get(path) ?? []), ...findings]);
  };
  const reachedWords = typeWords.map(({ path, words }) => ({ path, words: words.map((word) => ({ ...word, slots: word.slots.filter(goesOn) })).filter((word) => word.slots.length > 0) }));
  for (const { path, findings } of headerTypeWordFindings(context, reachedWords)) add(path, findings);
  for (const { path, findings } of missingHeaders) add(path, findings);
  const reached = (slot: number) => !stoppedByInclude.has(slot);
  for (const header of headers) add(header.path, includedHeaderErrorFindings(context, header, reached));
  for (const { path, findings } of inputs.constantsIn(goesOn)) add(path, findings);
  for (const { path, findings } of inputs.incompleteStructsIn(goesOn)) add(path, findings);
  for (const { header, uses } of typedefUses) add(header.path, unknownTypeFindings(context, { uses, compiled: (slot, line) => goesOn(slot) && header.lineStates[slot]?.[line] === LineState.Active }));
  return { headerFindings: [...byPath].map(([path, findings]) => ({ path, findings: findings.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn) })) };
}
