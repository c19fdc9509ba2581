// Which calls of a file name a function-like macro of the driver's own that `undefined-macro`
// may judge: the preprocessor then tells, per target, whether any #define of it may be compiled
// (PreprocessResult.definedMacros). Where none is, gcc reads the call as one of an undeclared
// function and stops. Only names nothing else may give count: no kernel's headers have the
// name, the driver declares it no other way, no condition tests it (`#ifndef NAME` expects
// someone else to define it), and besides its own #defines and the file's calls nothing spells
// it (a call in another macro's body or in a header comes first where it is expanded). Only in
// a `.c` file a Kbuild object list names, with every flag read and every include followed, so
// that what the preprocessor saw is what gcc sees.
import type { CheckOptions } from './checker';
import type { HeaderIndex } from '../kernels/headerIndex';
import type { CallSite } from '../c/calls';
import type { PreprocessedFile } from './variants';
import { includesFollowedBySlot } from './followedIncludes';
import { isCompilerOrKbuildName } from './kernelNameDecisions';
import { isCompilerProvidedName } from '../c/compilerMacros';
import { isSourceFile } from '../c/workspaceTypes';
import { definitionWords, type DefinitionWords } from './headerReadings';
import type { IncludedHeader } from '../c/preprocessor';

/** Where a macro's first #define stands: the file checked or a workspace header it reads. */
export interface MacroDefinition {
  path: string;
  /** 0-based. */
  line: number;
}

export interface DriverMacroCalls {
  /** The file's calls of the names judged, in file order. */
  sites: CallSite[];
  /** The first #define of each name judged. */
  definitions: ReadonlyMap<string, MacroDefinition>;
  /** Whether the preprocessor saw every header the target in `slot` reads: the calls are judged only there. */
  judgedOn: (slot: number) => boolean;
}

const NONE: DriverMacroCalls = { sites: [], definitions: new Map(), judgedOn: () => false };

export function driverMacroCalls(
  headers: HeaderIndex,
  text: string,
  code: { sites: readonly CallSite[]; isDirectiveLine: (line: number) => boolean },
  file: PreprocessedFile,
  options: Pick<CheckOptions, 'fileName' | 'unreadFlags' | 'unreadFlagsUntil' | 'namedByKbuild' | 'resolveInclude' | 'forcedIncludes'>,
  reads: { declaredInUnit: (name: string) => boolean; headerWords: (header: IncludedHeader) => DefinitionWords },
): DriverMacroCalls {
  // Flags not read that reach every target may define anything anywhere (see flagsKnown for the others).
  if (!isSourceFile(options.fileName) || options.namedByKbuild !== true || (options.unreadFlags && options.unreadFlagsUntil === undefined)) return NONE;
  const { pre } = file;
  let directives: DefinitionWords | undefined;
  const definitions = new Map<string, MacroDefinition | undefined>();
  const judged = (name: string) => {
    if (!definitions.has(name)) {
      const mayBeOwn = pre.definedMacros.has(name) && !isCompilerOrKbuildName(name) && !isCompilerProvidedName(name) && !reads.declaredInUnit(name) && !headers.mayBeKernelCallable(name);
      // The file's directive lines alone: its code spells the calls.
      if (mayBeOwn) directives ??= directiveWords(text, code.isDirectiveLine);
      definitions.set(name, mayBeOwn ? onlyDefinedAndCalled(name, options.fileName, directives!, pre.headers, reads.headerWords) : undefined);
    }
    return definitions.get(name) !== undefined;
  };
  const sites = code.sites.filter((site) => judged(site.name));
  if (sites.length === 0) return NONE;
  const sight = { fileName: options.fileName, text, lineStates: pre.lineStates, headers: pre.headers, resolveInclude: options.resolveInclude, isKernelHeader: (name: string) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes };
  const followed = includesFollowedBySlot(sight, 'if-found');
  if (!followed.some(Boolean)) return NONE;
  const found = new Map<string, MacroDefinition>();
  for (const site of sites) found.set(site.name, definitions.get(site.name)!);
  return { sites, definitions: found, judgedOn: (slot) => followed[slot] };
}

/**
 * The macro's first #define, where the file's directives spell `name` only as the name they
 * define (its code may: those are the calls) and the workspace headers it reads likewise spell
 * it nowhere else; else undefined.
 */
function onlyDefinedAndCalled(
  name: string,
  fileName: string,
  directives: DefinitionWords,
  included: readonly IncludedHeader[],
  headerWords: (header: IncludedHeader) => DefinitionWords,
): MacroDefinition | undefined {
  if (directives.spelledElsewhere.has(name) || included.some((header) => headerWords(header).spelledElsewhere.has(name))) return undefined;
  return firstDefinition(name, fileName, directives, included, headerWords);
}

/** The first #define of `name` in the file (`directives`: directiveWords of it) or the workspace headers it reads, for messages. */
export function firstDefinition(
  name: string,
  fileName: string,
  directives: DefinitionWords,
  included: readonly IncludedHeader[],
  headerWords: (header: IncludedHeader) => DefinitionWords,
): MacroDefinition | undefined {
  const inFile = directives.definedAt.get(name)?.[0];
  if (inFile !== undefined) return { path: fileName, line: inFile };
  for (const header of included) {
    const line = headerWords(header).definedAt.get(name)?.[0];
    if (line !== undefined) return { path: header.path, line };
  }
  return undefined;
}

/** definitionWords of the file's directive lines alone: its code spells calls and types, not definitions. */
export function directiveWords(text: string, isDirectiveLine: (line: number) => boolean): DefinitionWords {
  return definitionWords(text.split('\n').map((line, index) => (isDirectiveLine(index) ? line : '')).join('\n'));
}
