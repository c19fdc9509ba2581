// Which words in capitals of a file are worth a look as undeclared names, and what a macro
// around one may do to it. Two kinds of name are: a constant some kernels' headers never spell,
// or that none spells at all (`undeclared-constant`), and a macro only the module's EXTRA_CFLAGS `-D` flags define, which
// Kbuild ignores from 6.15 (`extra-cflags`). Neither counts where something else of the
// driver's may define or declare it (its macros, other `-D` flags, the workspace headers it
// reads, its own #define bodies), where the build may read what the check did not see (an
// include it could not follow, flags it could not read), or in a file other than a `.c` one (a
// header is compiled only inside its includers, after what they include first: a .c file's
// check judges the uses in the headers it reads, at their lines).
import type { CheckOptions } from './checker';
import type { HeaderIndex, MacroArity } from '../kernels/headerIndex';
import type { CommandLineMacro, IncludedHeader } from '../c/preprocessor';
import type { PreprocessedFile } from './variants';
import { constantOccurrences, type ConstantOccurrence, type ConstantUse } from '../c/constantUses';
import { includesFollowedBySlot } from './followedIncludes';
import { isCompilerOrKbuildName } from './kernelNameDecisions';
import { macroTexts } from './incremental';
import { holdsWord } from '../c/words';
import { isSourceFile } from '../c/workspaceTypes';
import { addPastingFragments, mayBePasted, noPastingFragments, type PastingFragments } from '../c/pastingFragments';

export interface ConstantCandidates {
  /** The file's occurrences of candidate names, in text order. */
  occurrences: ConstantOccurrence[];
  /**
   * The uses of kernel constants in the workspace headers the file reads, per header, where no
   * other text of the driver's spells the name: gcc reports them at the header's lines.
   */
  headerUses: { header: IncludedHeader; uses: readonly ConstantUse[] }[];
  /** Of their names, those only EXTRA_CFLAGS defines (see extraCflagsOnlyMacros); the others are kernel constants. */
  extraCflagsNames: ReadonlySet<string>;
  /** Whether every include the target in `slot` compiles was followed: only there is a name no header spells undeclared. */
  judgedOn: (slot: number) => boolean;
}

const NONE: ConstantCandidates = { occurrences: [], headerUses: [], extraCflagsNames: new Set(), judgedOn: () => false };

/** The file's occurrences of candidate names; `masked` is its text with comments and strings blanked. */
export function constantCandidates(
  headers: HeaderIndex,
  text: string,
  code: { masked: string; isDirectiveLine: (line: number) => boolean },
  file: PreprocessedFile,
  options: Pick<CheckOptions, 'fileName' | 'defines' | 'unreadFlags' | 'resolveInclude' | 'forcedIncludes'>,
  /** What the workspace headers are read for, kept per header text (HeaderReadings). */
  fromHeaders: {
    /** The pieces a header's macros paste names from (HeaderReadings.pastingFragmentsOf). */
    pastesOf: (header: IncludedHeader) => PastingFragments;
    /** A header's uses of the names given (HeaderReadings.constantUsesOf); none where the headers are not judged (a re-check's slice keeps the whole check's). */
    usesOf?: (header: IncludedHeader, isCandidate: (name: string) => boolean) => readonly ConstantUse[];
  },
): ConstantCandidates {
  if (!isSourceFile(options.fileName) || options.unreadFlags) return NONE;
  const extraOnly = extraCflagsOnlyMacros(options.defines ?? []);
  const commandLine = new Set((options.defines ?? []).map((macro) => macro.name));
  const known = new Map<string, boolean>();
  let defines: string | undefined;
  let driverPastes: PastingFragments | undefined;
  // A name no kernel spells is undeclared unless the driver may make it: a macro of its own
  // that pastes names, from pieces it or the macro's callers spell.
  const driverMayPaste = (name: string) => {
    driverPastes ??= driversPastingFragments(text, file.pre.headers.map(fromHeaders.pastesOf));
    return driverPastes.joinsParameters || mayBePasted(name, driverPastes);
  };
  const isCandidate = (name: string) => {
    let candidate = known.get(name);
    if (candidate === undefined) {
      // The kernel's side first, from the data: most names a file spells are constants every kernel has.
      const spelledByNone = () => !name.startsWith('CONFIG_') && headers.isSpelledByNoKernel(name);
      // The preprocessor defines an EXTRA_CFLAGS macro only below 6.15 (CommandLineMacro.untilVersion): the rule asks it where.
      const ownKind = extraOnly.has(name)
        ? !headers.isVanishingConstant(name) && !headers.isKernelCallable(name)
        : !file.pre.definedMacros.has(name) && !commandLine.has(name) && (headers.isVanishingConstant(name) || (spelledByNone() && !driverMayPaste(name)));
      candidate =
        ownKind &&
        !isCompilerOrKbuildName(name) &&
        // An enumerator or a variable of the driver's own headers (i915's INTEL_HASWELL): any spelling there counts.
        !file.pre.headers.some((header) => holdsWord(header.text, name)) &&
        // A name the file's own macros spell may be one they declare (`X(HCI_AMP)` in an X-macro list of enumerators).
        !holdsWord((defines ??= [...macroTexts(text, file.pre.directiveLines).values()].flat().join('\n')), name);
      known.set(name, candidate);
    }
    return candidate;
  };
  const found = constantOccurrences(code.masked, code.isDirectiveLine, file.lineStartIndices, isCandidate);
  const inHeaders = fromHeaders.usesOf ? headerConstantUses(headers, text, file, commandLine, fromHeaders.usesOf) : [];
  if (found.length === 0 && inHeaders.length === 0) return NONE;
  const sight = { fileName: options.fileName, text, lineStates: file.pre.lineStates, headers: file.pre.headers, resolveInclude: options.resolveInclude, isKernelHeader: (name: string) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes };
  const followed = includesFollowedBySlot(sight, 'if-found');
  if (!followed.some(Boolean)) return NONE;
  return { occurrences: found, headerUses: inHeaders, extraCflagsNames: new Set(found.map((occurrence) => occurrence.name).filter((name) => extraOnly.has(name))), judgedOn: (slot) => followed[slot] };
}

/** The pieces the driver's own macros paste names from, in the file and the headers it reads (each header's read once per text). */
function driversPastingFragments(text: string, inHeaders: readonly PastingFragments[]): PastingFragments {
  const fragments = noPastingFragments();
  addPastingFragments(text, fragments);
  for (const header of inHeaders) {
    for (const piece of header.prefixes) fragments.prefixes.add(piece);
    for (const piece of header.suffixes) fragments.suffixes.add(piece);
    fragments.joinsParameters ||= header.joinsParameters;
  }
  return fragments;
}

/**
 * Per workspace header the file reads, its uses of kernel constants that nothing else of the
 * driver's may define or declare: no macro the preprocessor saw, no `-D` flag, no spelling in
 * the file, in another header, or in the header's own `#define` bodies (an X-macro list).
 */
function headerConstantUses(
  headers: HeaderIndex,
  text: string,
  file: PreprocessedFile,
  commandLine: ReadonlySet<string>,
  headerUsesOf: (header: IncludedHeader, isCandidate: (name: string) => boolean) => readonly ConstantUse[],
): ConstantCandidates['headerUses'] {
  const kernelConstant = (name: string) => headers.isVanishingConstant(name) && !isCompilerOrKbuildName(name);
  const found: ConstantCandidates['headerUses'] = [];
  for (const header of file.pre.headers) {
    const read = headerUsesOf(header, kernelConstant);
    if (read.length === 0) continue;
    let defines: string | undefined;
    const driversOwn = new Map<string, boolean>();
    const isDriversOwn = (name: string) => {
      let own = driversOwn.get(name);
      if (own === undefined) {
        own =
          file.pre.definedMacros.has(name) ||
          commandLine.has(name) ||
          holdsWord(text, name) ||
          file.pre.headers.some((other) => other !== header && holdsWord(other.text, name)) ||
          holdsWord((defines ??= [...macroTexts(header.text, header.directiveLines).values()].flat().join('\n')), name);
        driversOwn.set(name, own);
      }
      return own;
    };
    const uses = read.filter((use) => !isDriversOwn(use.name));
    if (uses.length > 0) found.push({ header, uses });
  }
  return found;
}

/**
 * The macros that only EXTRA_CFLAGS' `-D` flags define (`-DDRIVERVERSION=\"1.2\"`): no other
 * flag defines or undefines them. A `CONFIG_` name is left out: the kernel's own config may
 * define it too.
 */
export function extraCflagsOnlyMacros(defines: readonly CommandLineMacro[]): Set<string> {
  const names = new Set(defines.filter((macro) => macro.untilVersion !== undefined && macro.value !== null && !macro.name.startsWith('CONFIG_')).map((macro) => macro.name));
  for (const macro of defines) if (macro.untilVersion === undefined) names.delete(macro.name);
  return names;
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
