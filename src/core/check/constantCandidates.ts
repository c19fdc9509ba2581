// Which words in capitals of a file are worth the `undeclared-constant` rule's look, and what a
// macro around one may do to it. A candidate is a constant some kernels' headers never spell,
// that nothing of the driver's may define or declare (its macros, `-D` flags, the workspace
// headers it reads, its own #define bodies); none are where the build may read what the check
// did not see (an include it could not follow, flags it could not read) or in a file other than
// a `.c` one (a header is compiled only inside its includers, after what they include first).
import type { CheckOptions } from './checker';
import type { HeaderIndex, MacroArity } from '../kernels/headerIndex';
import type { PreprocessedFile } from './variants';
import { constantOccurrences, type ConstantOccurrence } from '../c/constantUses';
import { everyIncludeFollowed } from './followedIncludes';
import { isCompilerOrKbuildName } from './kernelNameDecisions';
import { macroTexts } from './incremental';
import { holdsWord } from '../c/words';
import { isSourceFile } from '../c/workspaceTypes';

/** The file's occurrences of candidate names, in text order; `masked` is its text with comments and strings blanked. */
export function constantCandidates(
  headers: HeaderIndex,
  text: string,
  code: { masked: string; isDirectiveLine: (line: number) => boolean },
  file: PreprocessedFile,
  options: Pick<CheckOptions, 'fileName' | 'defines' | 'unreadFlags' | 'resolveInclude' | 'forcedIncludes'>,
): ConstantOccurrence[] {
  if (!isSourceFile(options.fileName) || options.unreadFlags) return [];
  const commandLine = new Set((options.defines ?? []).map((macro) => macro.name));
  const known = new Map<string, boolean>();
  let defines: string | undefined;
  const isCandidate = (name: string) => {
    let candidate = known.get(name);
    if (candidate === undefined) {
      candidate =
        headers.isVanishingConstant(name) &&
        !isCompilerOrKbuildName(name) &&
        !file.pre.definedMacros.has(name) &&
        !commandLine.has(name) &&
        // An enumerator or a variable of the driver's own headers (i915's INTEL_HASWELL): any spelling there counts.
        !file.pre.headers.some((header) => holdsWord(header.text, name)) &&
        // A name the file's own macros spell may be one they declare (`X(HCI_AMP)` in an X-macro list of enumerators).
        !holdsWord((defines ??= [...macroTexts(text, file.pre.directiveLines).values()].flat().join('\n')), name);
      known.set(name, candidate);
    }
    return candidate;
  };
  const found = constantOccurrences(code.masked, code.isDirectiveLine, file.lineStartIndices, isCandidate);
  if (found.length === 0) return [];
  const sight = { fileName: options.fileName, text, lineStates: file.pre.lineStates, headers: file.pre.headers, resolveInclude: options.resolveInclude, isKernelHeader: (name: string) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes };
  return everyIncludeFollowed(sight, 'if-found') ? found : [];
}

/**
 * Whether a call of a kernel name with these macro definitions (none: a function) may make
 * something else of the argument than a plain value; so may one the data knows nothing of.
 */
export function swallowedByKernelMacro(macros: readonly MacroArity[] | undefined, argument: number): boolean {
  if (macros === undefined) return true;
  return macros.some(({ parameters, variadic, values }) => {
    const named = variadic ? parameters + 1 : parameters;
    if (values === undefined || argument < 0 || (!variadic && argument >= parameters)) return true;
    return (values & (1 << Math.min(argument, named - 1))) === 0;
  });
}
