// The checker: judges a C file against exactly the target kernels for which each of its lines
// is compiled. It runs in phases: preprocess once per target (versions, configs, the build's
// flags), read the file once for every group of targets that compiles the same lines
// (variants.ts), keep each usage for the targets that certainly compile it (evidence.ts), then
// let the rules (../rules, one module per finding kind) judge what was found.
import type { Parser } from 'web-tree-sitter';
import { type AggregateRef, type KernelDatabase, type MemberState } from '../kernels/database';
import { describeImages } from '../kernels/history';
import { parserText } from '../c/parser';
import { LineState, preprocess, type CommandLineMacro, type IncludedHeader, type IncludeResolver, type KernelEnvironment, type PreprocessResult } from '../c/preprocessor';
import { lineStarts } from '../c/lineIndex';
import { hostedLibraryIncludes } from '../c/userspace';
import { GCC_ARCHITECTURE, GCC_LINUX_TARGET } from '../c/compilerMacros';
import { isMacroStyleName } from '../c/kernelMacros';
import { mayStandForSeveral } from '../c/driverMacros';
import type { WorkspaceTypes } from '../c/workspaceTypes';
import { IncludedSourceFunctions } from '../c/includedSources';
import { macroBodyCalls } from '../c/macroBodyCalls';
import { uncompiledShims } from './uncompiledShims';
import { decidableKernelNames, preprocessDecidingKernelNames } from './kernelNameDecisions';
import { typedefCandidates } from './typedefCandidates';
import { driverMayPaste } from '../c/pastedCallNames';
import { unknownTypeFindings } from '../rules/unknownType';
import { forLoopDeclarationFindings } from '../rules/forLoopDeclaration';
import { dateTimeFindings } from '../rules/dateTime';
import { errorDirectiveFindings } from '../rules/errorDirective';
import { undefinedMacroFindings } from '../rules/undefinedMacro';
import { headerFindingsOf } from './headerFindings';
import { conflictingFunctionFindings } from '../rules/conflictingFunction';
import { driverFunctionDeclarations } from './driverFunctionDeclarations';
import { driverMacroCalls } from './driverMacroCalls';
import { passOverBodies, undefinedTypeWords, type UndefinedTypeWord } from './undefinedTypeWords';
import { dateTimeUses } from '../c/dateTimeUses';
import { extraCflagsFindings, extraCflagsMacroFindings } from '../rules/extraCflags';
import { symbolNamespaceFindings } from '../rules/symbolNamespace';
import { bareNamespaceImports } from '../c/namespaceImports';
import { loopDeclarations, type LoopDeclaration } from '../c/loopDeclarations';
import type { BuildFlags, ExtraCflagsFolder } from '../c/includes';
import type { ExpandingSource } from '../c/macroBodyCalls';
import { constantCandidates, swallowedByKernelMacro, type ConstantCandidates } from './constantCandidates';
import { constantUses, type ConstantUse, type EnclosingCall } from '../c/constantUses';
import { undeclaredConstantFindings } from '../rules/undeclaredConstant';
import type { AggregateMention, FileUsages, TypeOracle } from '../c/usages';
import { DEFAULT_SEVERITIES, type Code } from '../rules';
import { judgeAccessOperator } from '../rules/accessOperator';
import { CallbackSignatureJudge } from '../rules/callbackSignature';
import { deadGuardFindings } from '../rules/deadGuard';
import { missingFunctionFindings } from '../rules/missingFunction';
import { assignedFunctionSites, blockAfterCall, callSites, pointerStoringCall, functionPointerNames, resultReadAs, withArguments, type ArgumentLine, type CallSite } from '../c/calls';
import { droppedArgumentSpans, forwardedTo, macroDefinitions } from '../c/droppedArguments';
import { callArgumentsFindings } from '../rules/callArguments';
import { incompleteStructFindings, type WholeUse } from '../rules/incompleteStruct';
import { byValueInDefinition, needsDefinition } from '../c/sizedMentions';
import { sizeofDereferences } from '../c/sizeofDereferences';
import { ArgumentTypes, structPointerOf, type ReturnTypes, type StructPointer } from '../c/argumentTypes';
import { lineIndexAt } from '../c/lineIndex';
import { headerOnlyStructUses } from './headerOnlyStructs';
import { angleIncludes, includedHeaderMissingHeaders, missingHeaderFindings, type AngleInclude } from '../rules/missingHeader';
import { judgeMissingMember } from '../rules/missingMember';
import { preprocessorFindings } from '../rules/preprocessorProblem';
import { judgeReadOnlyMember } from '../rules/readOnlyMember';
import type { MemberUse, RuleContext } from '../rules/rule';
import { StructsNotInImages } from '../rules/structNotInImage';
import { maskCode } from '../c/statements';
import { certainFileFunction, certainKernelTypedParameter, UsageEvidence, type CollectedUsage } from './evidence';
import { firstWordOffsets } from '../c/words';
import { InitializerElements } from '../c/initializerElements';
import { SpanSet } from '../c/spanSet';
import type { Finding, JudgedUsage, Severity } from './findings';
import { HeaderReadings, typedefsDeclared } from './headerReadings';
import { includeRoots } from './includeRoots';
import { IncrementalChecks, type SliceCheck } from './incremental';
import { DocumentTrees } from './trees';
import { typeOracle, type CheckTypeOracle } from './typeOracle';
import { readCodeless, readVariants, variantCount, type PreprocessedFile, type VariantReading } from './variants';
import { holdsOnlyDirectives } from '../c/directivesOnly';
import { stopAtMissingHeaders } from './fatalIncludes';
import { withLoneCarriageReturnsAsLineFeeds } from '../c/lineBreaks';

export interface CheckResult {
  findings: Finding[];
  usages: JudgedUsage[];
  mentions: AggregateMention[];
  /** How many distinct compiled-line sets the targets produced (each parsed once). */
  variants: number;
  /** Targets (image indices) the file refuses with an #error it certainly reaches, by that line (the #error of a header: the #include's line). */
  stops: { line: number; targets: number[] }[];
  /** Set when the file is not kernel code (it includes this C library header): nothing in it is judged. */
  userspace?: string;
  /**
   * Functions the headers lack whose call on a line a target may or may not compile was left
   * unjudged, and kept the later calls unjudged too: gcc reports only the first it meets. A
   * re-check of an edit that calls one of them is a whole check (see incremental.ts).
   */
  unsureCalls?: string[];
  /** The file's `#include <…>` lines, for hovers. */
  includes?: AngleInclude[];
  /**
   * Findings at lines of the workspace headers the file reads, which gcc reports there for
   * every file that includes them (see headerFindings.ts): the CLI and the editor merge them by header.
   */
  headerFindings?: { path: string; findings: Finding[] }[];
}

/** The flags a driver's build adds to a file (see kbuildFlags), as the CLI and the extension find them. */
export type BuildContext = Required<Pick<CheckOptions, 'resolveInclude' | 'forcedIncludes' | 'defines' | 'unreadFlags' | 'namesCStandard'>> &
  Pick<CheckOptions, 'extraCflagsFolder' | 'computedIncludeFolderHas' | 'angleIncludesKnown' | 'dateTimeAllowed' | 'unreadFlagsUntil'>;

/** The line the extension's log gives for kernels a file refuses with #error. */
export function describeStop(db: KernelDatabase, stopped: readonly number[], targets: readonly number[]): string {
  return `the build fails at an #error on ${describeImages(db.images, stopped, targets)}`;
}

export interface CheckOptions {
  fileName: string;
  /** Image indices to judge against. */
  targets: readonly number[];
  resolveInclude?: IncludeResolver;
  /** Headers the build includes before the file (see kbuildFlags), resolved through resolveInclude. */
  forcedIncludes?: readonly string[];
  /** Macros the build defines on the command line (see kbuildFlags). */
  defines?: readonly CommandLineMacro[];
  /** The build may pass flags its files do not show (BuildFlags.unread): then any macro may be defined. */
  unreadFlags?: boolean;
  /** With `unreadFlags`: the flags not read reach only the kernels below this version code (BuildFlags.unreadUntil). */
  unreadFlagsUntil?: number;
  /**
   * Whether an `-I` folder the build computes in a way its files do not show may give an
   * `#include <…>` (includes.ts computedIncludeFolderHas): then a kernel lacking the header is no proof the build stops.
   */
  computedIncludeFolderHas?: (spec: string) => boolean;
  /**
   * Every folder the build searches for `#include <…>` besides the kernel's was searched (see
   * buildContext.ts everyIncludeFolderKnown): a header of the kernel's namespace that no kernel
   * with header data has and none of them holds then stops the build.
   */
  angleIncludesKnown?: boolean;
  /** Whether the module's make files turn off Kbuild's -Werror=date-time, and where (see BuildFlags.dateTimeAllowed). */
  dateTimeAllowed?: BuildFlags['dateTimeAllowed'];
  /** The module's make files name a C standard of their own (see kbuildFlags): not the kernel's default one. */
  namesCStandard?: boolean;
  /** Where an include is found only through EXTRA_CFLAGS' -I folders (see kbuildFlags), which Kbuild ignores from 6.15. */
  extraCflagsFolder?: ExtraCflagsFolder;
  /** For a header: where a .c file that includes it expands one of its macros (see macroUsesElsewhere.ts). */
  macroExpandingSource?: ExpandingSource;
  severities?: Partial<Record<Code, Severity>>;
  /** A key under which parse trees are kept for incremental re-parsing (an editor's document URI). */
  documentKey?: string;
  /**
   * The structs, unions and typedefs the driver's other files define: those names are the
   * driver's, not the kernel's, and their members type what is reached through them.
   */
  workspaceTypes?: WorkspaceTypes;
  /** The module's Kbuild names the file's object: the file is a whole translation unit, not a part another file includes. */
  namedByKbuild?: boolean;
}

const IGNORE_MARK = 'kernel-compat-ignore';
/** CONFIG_GCC_VERSION from which gcc makes -Wint-conversion an error (gcc 14). */
const GCC_REFUSING_INT_IN_POINTER = 140000;
/** What Kbuild (and gcc, for a Linux target) defines for every file of an out-of-tree module (obj-m), before its own flags. */
const KBUILD_MODULE_DEFINES: readonly CommandLineMacro[] = [{ name: '__KERNEL__', value: '1', certain: true }, { name: 'MODULE', value: '1', certain: true }, ...GCC_LINUX_TARGET, ...GCC_ARCHITECTURE];
const UNKNOWN: MemberState = { state: 'unknown' };

interface CodeText {
  masked: string;
  isDirectiveLine: (line: number) => boolean;
  sites: CallSite[];
  /**
   * The lines on which the text declares or defines each function, read from the text: where
   * the parse of a broken file nests the definitions in an error, the parse tree does not give
   * them (i915_cmd_parser.c).
   */
  declared: ReadonlyMap<string, readonly number[]>;
  /** The types the text states plainly (argumentTypes.ts), read on the first question. */
  argumentTypes: () => ArgumentTypes;
}

export class Checker {
  private readonly trees: DocumentTrees;
  private readonly headerReadings: HeaderReadings;
  private readonly callbacks: CallbackSignatureJudge;
  private readonly incremental = new IncrementalChecks();
  private readonly includedSourceFunctions: IncludedSourceFunctions;

  constructor(
    private readonly db: KernelDatabase,
    readonly parser: Parser,
  ) {
    this.trees = new DocumentTrees(parser);
    this.headerReadings = new HeaderReadings(parser, (name) => this.isKernelCallable(name));
    this.callbacks = new CallbackSignatureJudge(db);
    this.includedSourceFunctions = new IncludedSourceFunctions(parser);
    // Now, not inside the first check: read while a check's garbage is live, the tables'
    // decompressed texts raised a first check's peak, and the memory kept after it, by 15-25 MB.
    db.headers().loadTables();
  }

  check(given: string, givenOptions: CheckOptions): CheckResult {
    // The editor's texts come with their line breaks normalized, a file read from disk may not.
    const text = withLoneCarriageReturnsAsLineFeeds(given);
    const options = withoutForcedSelf(givenOptions);
    // A userspace program (it includes the C library) is never built against a kernel's headers.
    const userspace = this.compiledHostedInclude(text, options);
    if (userspace !== undefined) {
      if (options.documentKey) this.incremental.forget(options.documentKey);
      return { findings: [], usages: [], mentions: [], variants: 0, stops: [], userspace };
    }
    const { documentKey } = options;
    if (!documentKey) return this.checkWhole(text, options).result;
    const context = this.contextOf(options);
    const optionsKey = optionsKeyOf(options);
    const quick = this.incremental.recheck(documentKey, {
      text,
      optionsKey,
      // The slice's trees are kept apart from the document's: the next keystroke's slice is mostly the same text.
      checkSlice: (slice, declarationStart) => this.checkWhole(slice, { ...options, documentKey: sliceKey(documentKey) }, { at: declarationStart }),
      noteFor: (usages) => this.notInImagesNote(context, usages),
      ordered: unsuppressedInOrder,
      refusesIntInPointer: (image) => this.refusesIntInPointer(image),
    });
    if (quick) return quick;
    const whole = this.checkWhole(text, options, 'all');
    if (whole.inseparable) this.incremental.forget(documentKey);
    // Not the whole SliceCheck: its closures hold the file's preprocessing, which no re-check reads.
    else this.incremental.remember(documentKey, { text, optionsKey, result: whole.result, layout: whole.layout, directiveLines: whole.directiveLines, headers: whole.headers, bodyTags: whole.bodyTags });
    return whole.result;
  }

  /** The check of the whole text; with `layout`, also what a re-check of an edit in one of its declarations needs (incremental.ts). */
  private checkWhole(text: string, options: CheckOptions, layout?: 'all' | { at: number }): SliceCheck {
    const context = this.contextOf(options);
    // A re-check's slice keeps what the whole check found at the headers' lines (incremental.ts): it reads no header for that.
    const judgesHeaders = typeof layout !== 'object';
    const environments = this.environments(context.targets);
    const file = this.preprocessFile(text, options, environments);
    const oracle = typeOracle(this.db, context.targets, environments, options.workspaceTypes, options.fileName, new Set(file.pre.headers.map((header) => header.path)), this.definedInReadHeaders(file));
    // A register header (only directives, comments and blank lines) has no code to mask, parse or judge: only its directives are.
    const codeless = holdsOnlyDirectives(text);
    const code = codeless ? codelessCode(file) : this.codeOf(text, file);
    // Before anything reads the line states: gcc compiles no body whose parameter list it cannot read.
    const flagsKnown = (slot: number) => !options.unreadFlags || (options.unreadFlagsUntil !== undefined && this.db.images[context.targets[slot]].versionCode >= options.unreadFlagsUntil);
    const typeWords = codeless ? undefined : undefinedTypeWords(this.db.headers(), text, code, file, options, { headerWords: (header) => this.headerReadings.definitionWordsOf(header), headerTypedefs: (header) => this.headerReadings.typedefsOf(header), flagsKnown, judgesHeaders });
    if (typeWords) passOverBodies(file.pre, typeWords);
    const dropped = this.droppedArguments(text, code, file, context.targets);
    const evidence = new UsageEvidence(file.pre, context.targets, this.headerReadings, oracle, dropped);
    if (codeless && options.documentKey) this.trees.forget(options.documentKey);
    const candidates = codeless
      ? undefined
      : constantCandidates(this.db.headers(), text, code, file, options, {
          pastesOf: (header) => this.headerReadings.pastingFragmentsOf(header),
          ...(judgesHeaders ? { usesOf: (header: IncludedHeader, isCandidate: (name: string) => boolean) => this.headerReadings.constantUsesOf(header, isCandidate) } : {}),
        });
    let constants: ConstantUse[] = [];
    let loops: LoopDeclaration[] = [];
    // Only where Kbuild's own rule compiles the file with the kernel's flags: a header may also
    // be read by a compile of another recipe (falco's BPF probe: clang, KBUILD_CPPFLAGS only).
    const judgesLoops = options.namedByKbuild === true && !options.namesCStandard && !options.unreadFlags && !codeless && /\bfor\s*\(/.test(code.masked);
    const reading = codeless
      ? readCodeless(file, context.targets.length, layout)
      : readVariants(
          this.trees,
          file,
          {
            targets: context.targets,
            oracle,
            documentKey: options.documentKey,
            workspaceGeneration: options.workspaceTypes?.generation,
            layout,
            readUnion: (tree) => {
              if (candidates && candidates.occurrences.length > 0) constants = constantUses(tree.rootNode, candidates.occurrences);
              if (judgesLoops) loops = loopDeclarations(tree.rootNode, code.masked);
            },
          },
          (read) => evidence.record(read),
        );
    const certainlyCompiled = (slot: number, line: number) => file.pre.lineStates[slot][line] === LineState.Active;
    const typedefs = codeless ? undefined : typedefCandidates(this.db.headers(), code, file, options, text, judgesHeaders);
    const judged = this.judgeUsages(context, evidence.usages());
    const unsureCalls = new Set<string>();
    const includes = angleIncludes(file.lines);
    const closures = this.includeClosures(context.targets, text, file, options);
    const findings = [
      ...judged.findings,
      ...this.incompleteStructFindings(context, { code, file, includes, usages: judged.usages, mentions: reading.mentions, oracle, localAggregates: reading.union.localAggregates }, closures),
      ...preprocessorFindings(context, file.pre, file.lines),
      ...deadGuardFindings(context, text, file.pre),
      ...(typedefs ? unknownTypeFindings(context, { uses: typedefs.uses, compiled: certainlyCompiled }) : []),
      ...forLoopDeclarationFindings(context, { loops, compiled: certainlyCompiled }),
      ...conflictingFunctionFindings(context, { declarations: driverFunctionDeclarations(text, file.lines, reading.union, (name, line) => code.declared.get(name)?.includes(line) === true), compiled: certainlyCompiled, definedAsMacro: (name, slot) => (file.pre.definedMacros.get(name)?.[slot] ?? 0) !== 0, includeClosure: closures }),
      ...(options.namedByKbuild === true && !options.unreadFlags
        ? dateTimeFindings(context, {
            uses: dateTimeUses(text, code.masked),
            compiled: certainlyCompiled,
            mayCompile: (slot, line) => file.pre.lineStates[slot][line] !== LineState.Inactive,
            allowed: options.dateTimeAllowed,
          })
        : []),
      ...(options.extraCflagsFolder ? extraCflagsFindings(context, { fileName: options.fileName, text, folderOf: options.extraCflagsFolder, compiled: certainlyCompiled }) : []),
      ...this.headerAndCallFindings(context, text, code, file, includes, reading, options, closures, dropped, { memberType: this.memberTypes(context, oracle, reading.union), returnType: this.driverReturnTypes(file, oracle, reading.union) }, { uses: constants, extraCflagsNames: candidates?.extraCflagsNames ?? new Set(), judgedOn: candidates?.judgedOn ?? (() => false) }, this.declaredInReadHeaders(file, oracle), typeWords?.words ?? [], unsureCalls, flagsKnown),
    ];
    const stops = stopsOf(file, context.targets);
    // A header checked alone does not know what its includers define before it (`#ifndef
    // CONFIG_H_READ` / `#error "include config.h first"`): only a .c file's #error is reported.
    if (options.fileName.endsWith('.c')) findings.push(...errorDirectiveFindings(context, file.lines, stops));
    const result = {
      findings: unsuppressedInOrder(findings, (line) => file.lines[line]),
      usages: judged.usages,
      mentions: reading.mentions,
      variants: reading.variants,
      stops,
      includes,
      ...(unsureCalls.size > 0 ? { unsureCalls: [...unsureCalls] } : {}),
      ...(judgesHeaders
        ? headerFindingsOf(context, stops, {
          typeWords: typeWords?.headerWords ?? [],
          typedefUses: typedefs?.headerUses ?? [],
          missingHeaders: this.includedHeaderMissingHeaders(context, file, options),
          fatalStops: file.fatalStops,
          headers: options.fileName.endsWith('.c') ? file.pre.headers : [],
          constantsIn: (goesOn) => this.includedHeaderConstantFindings(context, file, candidates, goesOn),
          incompleteStructsIn: (goesOn) => (options.fileName.endsWith('.c') ? this.includedHeaderIncompleteStructs(context, file, reading.union.localAggregates, closures, goesOn) : []),
          })
        : {}),
    };
    return {
      result,
      layout: reading.layout ?? [],
      directiveLines: file.pre.directiveLines,
      headers: file.pre.headers.map(({ path, text: headerText }) => ({ path, text: headerText })),
      inseparable: reading.union.bodiesInseparable === true,
      bodyTags: reading.union.bodyTags ?? [],
      variantsOf: (wholeText) => variantCount({ ...file, lines: parserText(wholeText).split('\n') }, context.targets.length),
      everyTargetCompiles: (line) => file.pre.lineStates.every((states) => states[line] === LineState.Active),
    };
  }

  /**
   * The C library header the file includes where a kernel build would read it: one outside
   * every conditional, or one inside that some target's preprocessing may take. Shared
   * code's userspace branch (falco's `#ifndef UDIG` … `#else` `#include <inttypes.h>`) hangs on a
   * macro the preprocessor cannot see, so it is undecided; but where the module's Kbuild names
   * the file, Kbuild compiles it with -nostdinc, and reaching that include would stop the build:
   * its branch is not the one taken.
   */
  private compiledHostedInclude(text: string, options: CheckOptions): string | undefined {
    const hosted = hostedLibraryIncludes(text);
    if (hosted.length === 0) return undefined;
    const unconditional = hosted.find((include) => !include.conditional);
    if (unconditional) return unconditional.name;
    const file = this.preprocessFile(text, options, this.environments(options.targets));
    const mayRead = (state: number) => state === LineState.Active || (state === LineState.Maybe && options.namedByKbuild !== true);
    const compiled = (line: number) => file.pre.lineStates.some((states) => mayRead(states[line]));
    return hosted.find((include) => compiled(include.line))?.name;
  }

  private contextOf(options: CheckOptions): RuleContext {
    return { db: this.db, targets: [...options.targets], severities: { ...DEFAULT_SEVERITIES, ...options.severities } };
  }

  /** The file's one `struct-not-in-image` note, from its judged usages. */
  private notInImagesNote(context: RuleContext, usages: readonly JudgedUsage[]): Finding | undefined {
    const notInImages = new StructsNotInImages();
    const histories = new JudgedHistories((ref, member) => this.judgedHistory(ref, member));
    for (const { usage, targets } of usages) notInImages.add({ usage, images: targets, history: histories.of(usage.aggregate, usage.member), signatures: new Map() });
    return notInImages.note(context);
  }

  /**
   * A struct member's type on a targeted image, as `call-arguments` reads `ptr->member`: the
   * kernel's struct's where the code means the kernel's there and that kernel makes it public
   * (judgedHistory), else the driver's own definition in another of its files. A struct this
   * file defines is left to the rule, which reads it in the file's text.
   */
  private memberTypes(context: RuleContext, oracle: CheckTypeOracle, union: FileUsages): (tag: string, member: string, image: number) => string | undefined {
    return (tag, member, image) => {
      const ref = { kind: 'struct' as const, name: tag };
      const slot = context.targets.indexOf(image);
      if (slot < 0 || union.localAggregates.has(tag)) return undefined;
      if (!oracle.isKernelAggregate(ref)) return oracle.driverMemberType(ref, member);
      if (!oracle.kernelsOn(ref, slot)) return undefined;
      const state = this.judgedHistory(ref, member)[image];
      return state?.state === 'present' ? state.member.type : undefined;
    };
  }

  /**
   * The struct pointer a function of the driver's returns (`static inline struct apfs_nxsb_info
   * *APFS_NXI(struct super_block *sb)` in its header), where every declaration of it in the file
   * and the headers it reads says the same and no macro of the name exists; undefined otherwise.
   */
  private driverReturnTypes(file: PreprocessedFile, oracle: TypeOracle, union: FileUsages): ReturnTypes {
    const known = new Map<string, StructPointer | undefined>();
    return (name) => {
      if (!known.has(name)) {
        const declarations = file.pre.definedMacros.has(name)
          ? []
          : [
              ...(union.functionVersions.get(name) ?? []),
              ...file.pre.headers.flatMap((header) => (this.headerReadings.mayDeclareFunction(header, name) ? (this.headerReadings.functionsOf(header, oracle).get(name) ?? []) : [])),
            ];
        const types = declarations.map((declaration) => structPointerOf(declaration.returnType));
        const first = types[0];
        const agreed = first && types.every((type) => type && type.tag === first.tag && type.depth === first.depth);
        known.set(name, agreed && first.depth === 1 ? first : undefined);
      }
      return known.get(name);
    };
  }

  /** Whether a driver header the file's build reads defines the struct: all of them are scanned once, on the first question. */
  private definedInReadHeaders(file: PreprocessedFile): (ref: AggregateRef) => boolean {
    let tags: Set<string> | undefined;
    return (ref) => {
      if (!tags) {
        tags = new Set();
        for (const header of file.pre.headers) for (const tag of this.headerReadings.tagsDefinedIn(header)) tags.add(tag);
      }
      return tags.has(`${ref.kind} ${ref.name}`);
    };
  }

  /**
   * Whether a workspace header the file reads declares or defines the function where some target
   * may compile it (`ssam_controller_put` in a driver's own copy of
   * linux/surface_aggregator/controller.h, read through `"../include/…"` from outside the
   * workspace root, so no index has it). Asked per name; a header is parsed for its prototypes
   * only where it spells the name before a `(`.
   */
  private declaredInReadHeaders(file: PreprocessedFile, oracle: TypeOracle): (name: string) => boolean {
    return (name) =>
      file.pre.headers.some((header) => {
        if (!this.headerReadings.mayDeclareFunction(header, name)) return false;
        const versions = this.headerReadings.functionsOf(header, oracle).get(name);
        return versions?.some((signature) => header.lineStates.some((states) => states[signature.range.startLine] !== LineState.Inactive)) === true;
      });
  }

  /** The names `missing-function` judges: kernel functions and macros whose declaration differs between the kernels with header data, or whose declaring headers the data name, and older kernels' functions none of them declares. */
  private isKernelCallable(name: string): boolean {
    const headers = this.db.headers();
    return headers.isKernelCallable(name) || headers.knowsDeclaringHeaders(name) || headers.isRetiredFunction(name);
  }

  /** Drops the trees kept for a document (on close). */
  forget(documentKey: string): void {
    this.trees.forget(documentKey);
    this.trees.forget(sliceKey(documentKey));
    this.incremental.forget(documentKey);
  }

  /** What the preprocessor knows of each target: its version and config. */
  private environments(targets: readonly number[]): KernelEnvironment[] {
    return targets.map((image) => ({
      versionCode: this.db.images[image].versionCode,
      config: (symbol: string) => this.db.configValue(image, symbol),
      declares: (name: string) => this.db.headers().declaresInCondition(name, image),
      hasHeader: (name: string) => (this.db.headers().isKernelHeader(name) ? this.db.headers().hasHeader(name, image) : undefined),
    }));
  }

  /** undeclared-constant at the uses in the workspace headers the file reads, on the targets whose build goes on to them (`goesOn`). */
  private includedHeaderConstantFindings(context: RuleContext, file: PreprocessedFile, candidates: ConstantCandidates | undefined, goesOn: (slot: number) => boolean): { path: string; findings: Finding[] }[] {
    const { pre } = file;
    return (candidates?.headerUses ?? []).map(({ header, uses }) => ({
      path: header.path,
      findings: undeclaredConstantFindings(context, {
        uses,
        compiled: (slot, line) => candidates!.judgedOn(slot) && goesOn(slot) && header.lineStates[slot]?.[line] === LineState.Active,
        mayCompile: (slot, line) => (header.lineStates[slot]?.[line] ?? LineState.Inactive) !== LineState.Inactive,
        swallows: this.swallowsArgument(context, pre),
      }),
    }));
  }

  /**
   * incomplete-struct at the workspace headers' mentions of a kernel struct that need its
   * definition (a field `struct timeval start;`, an array of one), on the targets whose build of
   * the file goes on to them (`goesOn`) and compiles the line, where the file's include closure
   * has no header that defines the struct. A tag the driver defines anywhere it reads, or
   * #defines, is its own.
   */
  private includedHeaderIncompleteStructs(
    context: RuleContext,
    file: PreprocessedFile,
    fileTags: ReadonlySet<string>,
    includeClosure: (slot: number) => ReadonlySet<string> | undefined,
    goesOn: (slot: number) => boolean,
  ): { path: string; findings: Finding[] }[] {
    const { headers } = file.pre;
    let driversTags: ReadonlySet<string> | undefined;
    // Or a name it #defines as another tag (r8125.h's `#define ethtool_keee ethtool_eee` below 6.9).
    const isDriversOwn = (tag: string) =>
      file.pre.definedMacros.has(tag) || (driversTags ??= new Set([...fileTags, ...headers.flatMap((header) => [...this.headerReadings.tagsDefinedIn(header)].map((key) => key.slice(key.indexOf(' ') + 1)))])).has(tag);
    return headers.flatMap((header) => {
      const compiled = (slot: number, line: number) => goesOn(slot) && header.lineStates[slot]?.[line] === LineState.Active;
      const uses: WholeUse[] = this.headerReadings
        .wholeStructMentionsOf(header)
        .filter((mention) => !isDriversOwn(mention.tag))
        .map(({ tag, line, startColumn, endColumn }) => ({
          aggregate: { kind: 'struct' as const, name: tag },
          range: { startLine: line, startColumn, endLine: line, endColumn, startIndex: 0, endIndex: 0 },
          targets: context.targets.filter((_, slot) => compiled(slot, line)),
        }))
        .filter((use) => use.targets.length > 0);
      if (uses.length === 0) return [];
      // The fix would add an include to the .c file, which the header's reader may not see first: none is offered.
      const findings = incompleteStructFindings(context, { uses, includeClosure, includes: [], compiled }).map(({ incomplete: _fix, ...finding }) => finding);
      return findings.length > 0 ? [{ path: header.path, findings }] : [];
    });
  }

  /** Whether a call may make something else of its argument than a value: a macro of the driver's, or of the kernel's that does not compile it as a plain value there. */
  private swallowsArgument(context: RuleContext, pre: PreprocessResult): (call: EnclosingCall, slot: number) => boolean {
    return (call, slot) => pre.definedMacros.has(call.name) || swallowedByKernelMacro(this.db.headers().macros(call.name, context.targets[slot]), call.argument);
  }

  /** Whether every way the kernel's headers declare `callee` is a function whose parameter at `position` is a pointer. */
  private takesPointerAt(callee: string, position: number, image: number): boolean {
    const shapes = this.db.headers().callShapes(callee, image);
    return shapes !== undefined && shapes.length > 0 && shapes.every((shape) => !shape.macro && shape.types !== undefined && position < shape.types.length && shape.types[position].includes('*'));
  }

  /** Whether the kernel was built with gcc 14 or later, which refuses an `int` stored in a pointer (-Wint-conversion). */
  private refusesIntInPointer(image: number): boolean {
    return Number(this.db.configValue(image, 'CONFIG_GCC_VERSION') ?? 0) >= GCC_REFUSING_INT_IN_POINTER;
  }

  /** missing-header at the includes inside the workspace headers the file reads where a target's build stops. */
  private includedHeaderMissingHeaders(context: RuleContext, file: PreprocessedFile, options: CheckOptions): ReturnType<typeof includedHeaderMissingHeaders> {
    if (file.fatalStops.length === 0) return [];
    const texts = new Map(file.pre.headers.map((header) => [header.path, header.text]));
    return includedHeaderMissingHeaders(context, file.fatalStops, options.fileName, (path) => texts.get(path)?.split('\n'));
  }

  /** Runs the preprocessor for every target, from what Kbuild passes a module plus the driver's own flags. */
  private preprocessFile(text: string, options: CheckOptions, environments: KernelEnvironment[]): PreprocessedFile {
    const commandLine = [...KBUILD_MODULE_DEFINES, ...(options.defines ?? [])];
    const headers = this.db.headers();
    const pre = preprocessDecidingKernelNames(
      (kernelNames) => preprocess(text, options.fileName, environments, options.resolveInclude, options.forcedIncludes, commandLine, kernelNames),
      decidableKernelNames(headers, options.namedByKbuild === true && options.unreadFlags !== true),
      { fileName: options.fileName, text, resolveInclude: options.resolveInclude, isKernelHeader: (name) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes },
      options.unreadFlags === true,
    );
    // The lines the parser reads; same lengths as the text's, so every offset holds.
    const lines = parserText(text).split('\n');
    const fatalStops = stopAtMissingHeaders(pre, {
      db: this.db,
      text,
      fileName: options.fileName,
      targets: options.targets,
      resolveInclude: options.resolveInclude,
      extraCflagsFolder: options.extraCflagsFolder,
      includeFoldersKnown: includeFoldersKnown(options),
    });
    return { lines, lineStartIndices: lineStarts(text), pre, fatalStops };
  }

  /** The member rules, on every usage for the targets it counts for. */
  private judgeUsages(context: RuleContext, collected: readonly CollectedUsage[]): { findings: Finding[]; usages: JudgedUsage[] } {
    const findings: Finding[] = [];
    const usages: JudgedUsage[] = [];
    const notInImages = new StructsNotInImages();
    const add = (finding: Finding | undefined) => finding && findings.push(finding);
    const histories = new JudgedHistories((ref, member) => this.judgedHistory(ref, member));
    for (const entry of collected) {
      const use = this.memberUse(entry, context.targets, histories);
      usages.push(judgedUsage(use));
      notInImages.add(use);
      add(judgeMissingMember(context, use));
      findings.push(...this.callbacks.judge(context, use));
      add(judgeAccessOperator(context, use));
      add(judgeReadOnlyMember(context, use));
    }
    add(notInImages.note(context));
    return { findings, usages };
  }

  private memberUse(entry: CollectedUsage, targets: readonly number[], histories: JudgedHistories): MemberUse {
    const images: number[] = [];
    entry.targets.forEach((counts, slot) => counts && images.push(targets[slot]));
    return { usage: entry.usage, images, history: histories.of(entry.usage.aggregate, entry.usage.member), signatures: entry.signatures };
  }

  /**
   * A member's history as the judge sees it. A struct that no public header defines (ppp's
   * `struct channel`, a module's own `struct packet`) is never what a driver's code means:
   * where a kernel's headers show that, nothing is known about the driver's struct there, and
   * a name no header of any kernel with header data defines is not judged at all (on the
   * Ubuntu images and imported kernels, which have no headers, those kernels' names stand in).
   */
  private judgedHistory(ref: AggregateRef, member: string): MemberState[] {
    const history = this.db.memberHistory(ref, member);
    if (this.db.definedInSomeHeader(ref) === false) return history.map(() => UNKNOWN);
    // A name in capitals that no kernel's struct has is a macro for a member (`flow->
    // FLOW_KEYS_HASH_START_FIELD`, `#define`d as `basic` in a kernel header); the header data
    // keep only lower-case member macros.
    if (isMacroStyleName(member) && history.every((state) => state.state !== 'present')) return history.map(() => UNKNOWN);
    const privateOn = this.db.privateImages(ref);
    if (privateOn.length === 0) return history;
    return history.map((state, image) => (privateOn.includes(image) ? UNKNOWN : state));
  }

  /**
   * Per target slot, the kernel headers the file's build may read (undefined where not all
   * are known), worked out on the first question: most files need it for no rule.
   */
  private includeClosures(targets: readonly number[], text: string, file: PreprocessedFile, options: CheckOptions): (slot: number) => ReadonlySet<string> | undefined {
    const headers = this.db.headers();
    let roots: (string[] | undefined)[] | undefined;
    // Rules ask once per use and target: each slot's answer is looked up once.
    const bySlot = new Map<number, ReadonlySet<string> | undefined>();
    return (slot) => {
      if (bySlot.has(slot)) return bySlot.get(slot);
      roots ??= includeRoots({ fileName: options.fileName, text, pre: file.pre, targets, headers, resolveInclude: options.resolveInclude, forcedIncludes: options.forcedIncludes, includesOf: (header) => this.headerReadings.includesOf(header) });
      const slotRoots = roots[slot];
      const closure = slotRoots && headers.includeClosure(slotRoots, targets[slot]);
      bySlot.set(slot, closure);
      return closure;
    };
  }

  /** Kernel structs used whole (members, sizeof, objects of them) where the file's build reads no header defining them. */
  private incompleteStructFindings(context: RuleContext, read: WholeUseReading, includeClosure: (slot: number) => ReadonlySet<string> | undefined): Finding[] {
    const { file } = read;
    // A struct a driver header defines is never among them: the type oracle knows it as the driver's.
    const uses = [
      ...wholeUses(context.targets, read),
      ...headerOnlyStructUses(this.db, read.code.masked, read.file.lineStartIndices, {
        isDirectiveLine: read.code.isDirectiveLine,
        isDriversOwn: (tag) => read.localAggregates.has(tag),
        targetsAt: (ref, line) => mentionTargets(context.targets, read, ref, line),
        compiledAt: (image, line) => read.file.pre.lineStates[context.targets.indexOf(image)][line] === LineState.Active,
      }),
    ];
    if (uses.length === 0) return [];
    const compiled = (slot: number, line: number) => file.pre.lineStates[slot][line] === LineState.Active;
    return incompleteStructFindings(context, { uses, includeClosure, includes: read.includes, compiled });
  }

  /** The text with comments and strings blanked, and the calls in it, read once for the rules that read calls. */
  private codeOf(text: string, file: PreprocessedFile): CodeText {
    const masked = maskCode(text);
    const isDirectiveLine = (line: number) => file.pre.directiveLines[line] === 1;
    const declared = new Map<string, number[]>();
    const sites = callSites(masked, isDirectiveLine, (name, line) => declared.set(name, [...(declared.get(name) ?? []), line]));
    let types: ArgumentTypes | undefined;
    return { masked, isDirectiveLine, sites, declared, argumentTypes: () => (types ??= new ArgumentTypes(text, masked)) };
  }

  /**
   * Per target slot, the arguments the file passes to macros that leave them out of what is
   * compiled: the driver's own and the kernel's.
   */
  private droppedArguments(text: string, code: CodeText, file: PreprocessedFile, targets: readonly number[]): SpanSet[] {
    if (code.sites.length === 0) return []; // no call passes anything
    const own = this.ownMacroDroppedArguments(text, code, file);
    const kernel = this.kernelMacroDroppedArguments(code, file, targets);
    return targets.map((_, slot) => new SpanSet([...(own[slot] ?? []), ...(kernel[slot] ?? [])]));
  }

  /**
   * Per target slot, the arguments the file passes to a kernel macro that leaves them out with
   * that kernel's config (`mutex_acquire(&m->dep_map, …)` without CONFIG_LOCKDEP, which is why
   * `dep_map` is not in its struct mutex either), where the driver does not define the macro itself.
   */
  private kernelMacroDroppedArguments(code: CodeText, file: PreprocessedFile, targets: readonly number[]): { start: number; end: number }[][] {
    const headers = this.db.headers();
    const sites = code.sites.filter((site) => headers.dropsSomeParameter(site.name) && targets.some((image) => headers.droppedParameters(site.name, image) !== 0));
    if (sites.length === 0) return [];
    const calls = withArguments(code.masked, sites, file.lineStartIndices, code.isDirectiveLine);
    return targets.map((image, slot) =>
      calls.flatMap(({ site, arguments: args }) => {
        if (file.pre.definedMacros.get(site.name)?.[slot]) return [];
        const dropped = headers.droppedParameters(site.name, image);
        return args.spans.filter((_, index) => index < 30 && (dropped & (1 << index)) !== 0);
      }),
    );
  }

  /**
   * Per target slot, the arguments the file passes to its own macros that drop, stringify or
   * paste them, by the definitions that target compiles (in the file or its workspace headers).
   */
  private ownMacroDroppedArguments(text: string, code: CodeText, file: PreprocessedFile): { start: number; end: number }[][] {
    const { pre } = file;
    // Only the macros the file calls matter, and those they hand arguments on to; a driver's
    // headers define thousands (i915's).
    const all = [
      { definitions: macroDefinitions(text), states: pre.lineStates },
      ...pre.headers.map((header) => ({ definitions: this.headerReadings.macrosOf(header), states: header.lineStates })),
    ];
    const called = new Set(code.sites.map((site) => site.name));
    for (let size = 0; size !== called.size; ) {
      size = called.size;
      for (const name of forwardedTo(all.flatMap(({ definitions }) => definitions.filter((definition) => called.has(definition.name))))) called.add(name);
    }
    const sources = all
      .map(({ definitions, states }) => ({ definitions: definitions.filter((definition) => called.has(definition.name)), states }))
      .filter((source) => source.definitions.length > 0);
    if (sources.length === 0) return [];
    const bySet = new Map<string, { start: number; end: number }[]>();
    return pre.lineStates.map((_, slot) => {
      const active = sources.flatMap(({ definitions, states }) => definitions.filter((d) => states[slot]?.[d.line] !== LineState.Inactive));
      const key = active.map((d) => `${d.name}:${d.line}`).join(',');
      let spans = bySet.get(key);
      if (!spans) bySet.set(key, (spans = droppedArgumentSpans(code.masked, code.sites, file.lineStartIndices, active, code.isDirectiveLine)));
      return spans;
    });
  }

  /** The rules read from the text's lines rather than its tree: headers it includes, functions it calls and functions it passes to them. */
  private headerAndCallFindings(
    context: RuleContext,
    text: string,
    code: CodeText,
    file: PreprocessedFile,
    includes: readonly AngleInclude[],
    { union, initializers }: VariantReading,
    options: CheckOptions,
    includeClosure: (slot: number) => ReadonlySet<string> | undefined,
    dropped: readonly SpanSet[],
    { memberType, returnType }: { memberType: (tag: string, member: string, image: number) => string | undefined; returnType: ReturnTypes },
    constants: { uses: readonly ConstantUse[]; extraCflagsNames: ReadonlySet<string>; judgedOn: (slot: number) => boolean },
    declaredInHeaders: (name: string) => boolean,
    typeWords: readonly UndefinedTypeWord[],
    unsureCalls: Set<string>,
    flagsKnown: (slot: number) => boolean,
  ): Finding[] {
    const { pre } = file;
    const leftOut = (slot: number, site: CallSite) => {
      const offset = file.lineStartIndices[site.line] + site.startColumn;
      return dropped[slot]?.holds(offset) === true;
    };
    const compiled = (slot: number, line: number) => pre.lineStates[slot][line] === LineState.Active;
    // A line inside a call's arguments, between `#if` lines: read where certainly compiled, skipped where certainly not.
    const lineOnTarget = (slot: number, line: number): ArgumentLine => {
      const state = pre.lineStates[slot][line];
      return state === LineState.Active ? 'read' : state === LineState.Inactive ? 'skip' : 'stop';
    };
    let includedSources: ReadonlySet<string> | undefined;
    const inIncludedSource = (name: string) => (includedSources ??= this.includedSourceFunctions.namesFor(options.fileName, text, options.resolveInclude)).has(name);
    const onlyUncompiled = uncompiledShims({
      fileName: options.fileName,
      text,
      lineStates: pre.lineStates,
      headers: pre.headers,
      resolveInclude: options.resolveInclude,
      isKernelHeader: (name) => this.db.headers().isKernelHeader(name),
      forcedIncludes: options.forcedIncludes,
      wholeUnit: options.namedByKbuild === true,
      codeWordLines: (header) => this.headerReadings.codeWordLines(header),
    });
    const unitNames = new Map<string, boolean>();
    let pointerNames: Set<string> | undefined;
    // Declared by the translation unit otherwise than as a macro: the file, the headers it reads, a source it includes.
    const declaredInUnit = (name: string) => {
      let own = unitNames.get(name);
      if (own === undefined) {
        own =
          union.functions.has(name) ||
          // Not a compat definition no target compiles (`#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)`).
          (code.declared.get(name)?.some((line) => pre.lineStates.some((states) => states[line] !== LineState.Inactive)) ?? false) ||
          declaredInHeaders(name) ||
          (pointerNames ??= functionPointerNames(code.masked)).has(name) ||
          inIncludedSource(name);
        unitNames.set(name, own);
      }
      return own;
    };
    // Or by the driver's other files, which a header the check could not follow may bring in.
    const declaredByDriver = (name: string) => declaredInUnit(name) || (options.workspaceTypes?.definesCallable(name) === true && !onlyUncompiled(name));
    const definedByDriver = (name: string) => pre.definedMacros.has(name) || declaredByDriver(name);
    const { masked, isDirectiveLine, sites } = code;
    const headerWords = (header: IncludedHeader) => this.headerReadings.definitionWordsOf(header);
    const mayCompile = (slot: number, line: number) => pre.lineStates[slot][line] !== LineState.Inactive;
    // Constant uses are judged only where every include was followed (constantCandidates), so a
    // macro would be one the file or its headers define, or one of the kernel's.
    const swallows = this.swallowsArgument(context, pre);
    let mayPaste: ((name: string) => boolean) | undefined;
    // The typedefs the file writes: a parameter's type named there (or in a header it reads) is the driver's own.
    let fileTypedefs: Set<string> | undefined;
    const definesType = (name: string) => (fileTypedefs ??= typedefsDeclared(masked)).has(name) || pre.headers.some((header) => this.headerReadings.typedefsOf(header).has(name));
    // Asked for every row of a table that calls a missing function: each is read once.
    let elements: InitializerElements | undefined;
    let firstSpellings: Map<string, number> | undefined;
    // Asked for every call that passes one of the driver's macros: each is looked up once.
    const listMacros = new Map<string, boolean>();
    const standsForSeveral = (macro: string) => {
      let several = listMacros.get(macro);
      if (several === undefined) listMacros.set(macro, (several = mayStandForSeveral(macro, [text, ...pre.headers.map((header) => header.text)])));
      return several;
    };
    return [
      ...symbolNamespaceFindings(context, { imports: bareNamespaceImports(masked, isDirectiveLine), compiled, definedByDriver }),
      ...missingHeaderFindings(context, {
        includes,
        compiled,
        providedByWorkspace: (include) => options.resolveInclude?.(include.name, false, options.fileName) !== undefined || options.computedIncludeFolderHas?.(include.name) === true,
        includeFoldersKnown: includeFoldersKnown(options),
      }),
      ...missingFunctionFindings(context, {
        sites: inFileOrder([...sites, ...assignedFunctionSites(union.usages, masked, (name) => this.isKernelCallable(name) && !definedByDriver(name))]),
        headerSites: pre.headers.flatMap((header) =>
          this.headerReadings.kernelCallSitesOf(header).map((site) => ({ site, compiled: (slot: number) => header.lineStates[slot]?.[site.line] === LineState.Active })),
        ),
        compiled,
        mayCompile,
        onUnsureCall: (name) => unsureCalls.add(name),
        leftOut,
        definedByDriver,
        // Read only when a call names a function only generators make: most files have none.
        driverMayPaste: (name: string) => (mayPaste ??= driverMayPaste([text, ...pre.headers.map((header) => header.text)]))(name),
        includeClosure,
        blockAfter: (site: CallSite) => blockAfterCall(masked, file.lineStartIndices, site),
        storedInPointer: (site: CallSite) =>
          pointerStoringCall(masked, file.lineStartIndices, site, code.argumentTypes(), (callee, position, image) => !definedByDriver(callee) && this.takesPointerAt(callee, position, image)),
        refusesIntInPointer: (image: number) => this.refusesIntInPointer(image),
        resultRead: (site: CallSite) => resultReadAs(masked, file.lineStartIndices[site.line] + site.startColumn, site.name),
        initializerElement: (site: CallSite) => {
          const names = (elements ??= new InitializerElements(masked, file.lineStartIndices, initializers)).namesOf(site);
          if (!names) return undefined;
          const offset = file.lineStartIndices[site.line] + site.startColumn;
          // A name spelled before may be one gcc reported already, after which it says nothing of the call: only the driver's macros and earlier declarations are sure.
          firstSpellings ??= firstWordOffsets(masked);
          const earlier = names.filter((name) => (firstSpellings!.get(name) ?? Infinity) < offset);
          const declaredBefore = (name: string) => union.functionVersions.get(name)?.some((version) => version.range.startIndex < offset) === true;
          return (slot: number) => earlier.every((name) => pre.definedMacros.get(name)?.[slot] === 1 || declaredBefore(name));
        },
        macroSites: macroBodyCalls(text, masked, isDirectiveLine, (name) => this.isKernelCallable(name) && !definedByDriver(name), options.macroExpandingSource).map(({ site, macro, defineLine, expansions, redefinitions, expandedIn }) => ({
          site,
          macro,
          ...(expandedIn !== undefined ? { expandedIn } : {}),
          // Where a target compiles both the #define and an expansion after it, one no kernel macro
          // may leave out: none the data says drops it, and none inside a kernel macro taking
          // `...`, whose forwarding the data does not follow (`list_for_each_entry_rcu(…, cond...)`).
          expandedAt: (slot: number) =>
            expandedIn !== undefined
              ? // Expanded after the whole header: the definition in force is the last one the target may compile.
                compiled(slot, defineLine) && !redefinitions.some((other) => other > defineLine && pre.lineStates[slot][other] !== LineState.Inactive)
                ? { line: defineLine, column: site.startColumn }
                : undefined
              : compiled(slot, defineLine)
              ? expansions.find(
                  (use) =>
                    compiled(slot, use.line) &&
                    // No other #define or #undef of it that the target may compile comes between (gcc expands the body in force).
                    !redefinitions.some((other) => other > defineLine && other < use.line && pre.lineStates[slot][other] !== LineState.Inactive) &&
                    !leftOut(slot, { line: use.line, name: macro, startColumn: use.column, endColumn: use.column + macro.length }) &&
                    !use.within.some((name) => this.db.headers().macros(name, context.targets[slot])?.some((shape) => shape.variadic) !== false),
                )
              : undefined,
        })),
      }),
      ...callArgumentsFindings(context, {
        text,
        masked,
        argumentTypes: code.argumentTypes(),
        sites,
        lineStartIndices: file.lineStartIndices,
        isDirectiveLine,
        compiled,
        lineOnTarget,
        leftOut,
        definedByDriver,
        isMacro: (name) => pre.definedMacros.has(name),
        mayStandForSeveral: (argument) => /^[A-Za-z_]\w*$/.test(argument) && pre.definedMacros.has(argument) && standsForSeveral(argument),
        memberType,
        returnType,
        fileFunction: (name, slot) => certainFileFunction(union, pre, name, slot),
      }),
      ...undeclaredConstantFindings(context, {
        uses: constants.uses.filter((use) => !constants.extraCflagsNames.has(use.name) && !definedByDriver(use.name)),
        compiled: (slot, line) => constants.judgedOn(slot) && compiled(slot, line),
        mayCompile,
        swallows,
      }),
      ...undefinedMacroFindings(context, {
        ...driverMacroCalls(this.db.headers(), text, code, file, options, { declaredInUnit, headerWords }),
        definedOn: (name, slot) => (pre.definedMacros.get(name)?.[slot] ?? 0) !== 0,
        flagsKnown,
        compiled,
        mayCompile,
        leftOut,
        typeWords,
      }),
      ...extraCflagsMacroFindings(context, {
        uses: constants.uses.filter((use) => constants.extraCflagsNames.has(use.name) && !declaredByDriver(use.name)),
        compiled: (slot, line) => constants.judgedOn(slot) && compiled(slot, line),
        mayCompile,
        swallows,
        definedOn: (name, slot) => (pre.definedMacros.get(name)?.[slot] ?? 0) !== 0,
      }),
      ...this.callbacks.judgeArguments(context, {
        masked,
        sites,
        lineStartIndices: file.lineStartIndices,
        isDirectiveLine,
        compiled: (slot, site) => compiled(slot, site.line) && !leftOut(slot, site),
        lineOnTarget,
        definedByDriver,
        fileFunction: (name, slot) => certainFileFunction(union, pre, name, slot),
        ownParameters: (name) => (pre.definedMacros.has(name) ? undefined : union.functionVersions.get(name)?.[0]?.parameterTypes),
        ownParameter: (name, index, slot) => certainKernelTypedParameter(union, pre, name, index, slot, definesType),
      }),
    ];
  }
}

/**
 * The options without a forced include (`-include $(src)/compat.h`) that is the file checked:
 * gcc forces it on the files it compiles, never into itself.
 */
function withoutForcedSelf(options: CheckOptions): CheckOptions {
  const forced = options.forcedIncludes;
  if (!forced?.length || !options.resolveInclude) return options;
  const kept = forced.filter((spec) => options.resolveInclude!(spec, true, options.fileName)?.path !== options.fileName);
  return kept.length === forced.length ? options : { ...options, forcedIncludes: kept };
}

/** Members' judged histories, worked out once per check: a file uses the same members many times. */
class JudgedHistories {
  private readonly byAggregate = new Map<string, Map<string, MemberState[]>>();

  constructor(private readonly history: (ref: AggregateRef, member: string) => MemberState[]) {}

  of(ref: AggregateRef, member: string): MemberState[] {
    const key = ref.kind === 'struct' ? ref.name : `union ${ref.name}`;
    let members = this.byAggregate.get(key);
    if (!members) this.byAggregate.set(key, (members = new Map()));
    let history = members.get(member);
    if (!history) members.set(member, (history = this.history(ref, member)));
    return history;
  }
}

interface WholeUseReading {
  code: CodeText;
  file: PreprocessedFile;
  includes: readonly AngleInclude[];
  usages: readonly JudgedUsage[];
  mentions: readonly AggregateMention[];
  oracle: CheckTypeOracle;
  /** The structs and unions the file itself defines. */
  localAggregates: ReadonlySet<string>;
}

/**
 * The uses that need a struct's definition: every member use (on the targets its evidence
 * holds for), and the mentions that need its size (`sizeof`, an object of it) on the targets
 * that certainly compile their line, where the name is no macro and is the kernel's.
 */
function wholeUses(targets: readonly number[], read: WholeUseReading): WholeUse[] {
  // `ts.tv_sec`, `par->update_time.tv_sec`: an object of the struct declared by the driver (a
  // variable, a parameter, a field of its own struct). Where the struct is incomplete gcc
  // refuses that declaration and says nothing at the object's uses. A field of a kernel struct
  // (`bd->props.power`) is reported where it is used.
  const kernelMemberEnds = new Set(read.usages.map(({ usage }) => usage.range.endIndex));
  const objects = read.usages.filter(({ usage }) => !(usage.kind === 'access' && onDriversObject(read.code.masked, usage.range.startIndex, kernelMemberEnds)));
  const uses: WholeUse[] = objects.map(({ usage, targets: images }) => ({
    aggregate: usage.aggregate,
    range: usage.range,
    member: usage.member,
    targets: images,
    ...(usage.evidence && usage.kind !== 'initializer' ? { typedAt: usage.evidence.map((place) => place.startLine) } : {}),
    ...(usage.within ? (usage.within.aggregate ? { within: usage.within.aggregate } : { withinOwn: true as const }) : {}),
  }));
  const { pre } = read.file;
  let codeLines: string[] | undefined;
  for (const mention of read.mentions) {
    const { startLine, startColumn, endColumn } = mention.range;
    if (read.code.isDirectiveLine(startLine)) continue;
    codeLines ??= read.code.masked.split('\n');
    const line = codeLines[startLine] ?? '';
    if (!needsDefinition(line, startColumn, endColumn) && !byValueInDefinition(read.code.masked, mention.range.startIndex, mention.range.endIndex, line.slice(0, startColumn))) continue;
    const images = mentionTargets(targets, read, mention.aggregate, startLine);
    if (images.length > 0) uses.push({ aggregate: mention.aggregate, range: mention.range, targets: images });
  }
  uses.push(...dereferencedSizeUses(targets, read));
  return uses.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
}

/**
 * Whether the member at `memberStart` follows a `.` on an object the driver declares: a name or
 * an element of one, or a field that is no kernel struct's member (`kernelMemberEnds`: where the
 * judged kernel members end). `->` and `(*p).` dereference a pointer instead.
 */
function onDriversObject(masked: string, memberStart: number, kernelMemberEnds: ReadonlySet<number>): boolean {
  let at = memberStart - 1;
  while (at >= 0 && /\s/.test(masked[at])) at--;
  if (masked[at] !== '.' || masked[at - 1] === '.') return false;
  at--;
  while (at >= 0 && /\s/.test(masked[at])) at--;
  // A parenthesis may hold a dereference (`(*p).m`): not known to be an object.
  if (masked[at] === ')') return false;
  return !kernelMemberEnds.has(at + 1);
}

/** `sizeof(*p)` of a kernel struct pointer the enclosing function declares: a use of the struct's size. */
function dereferencedSizeUses(targets: readonly number[], read: WholeUseReading): WholeUse[] {
  const { masked } = read.code;
  if (!/\bsizeof\s*\(?\s*\*/.test(masked)) return [];
  const { lineStartIndices } = read.file;
  const uses: WholeUse[] = [];
  for (const { tag, start, end } of sizeofDereferences(masked, read.code.argumentTypes())) {
    const line = lineIndexAt(lineStartIndices, start);
    if (read.code.isDirectiveLine(line) || lineIndexAt(lineStartIndices, end) !== line) continue;
    if (read.localAggregates.has(tag)) continue;
    const aggregate: AggregateRef = { kind: 'struct', name: tag };
    const images = mentionTargets(targets, read, aggregate, line);
    const columns = { startColumn: start - lineStartIndices[line], endColumn: end - lineStartIndices[line] };
    if (images.length > 0) uses.push({ aggregate, range: { startLine: line, endLine: line, ...columns, startIndex: start, endIndex: end }, targets: images });
  }
  return uses;
}

/** The targets that certainly compile a mention of the struct on `line`, where its name is no macro of the driver's and means the kernel's struct. */
function mentionTargets(targets: readonly number[], read: Pick<WholeUseReading, 'file' | 'oracle'>, ref: AggregateRef, line: number): number[] {
  const { pre } = read.file;
  const macro = pre.definedMacros.get(ref.name);
  return targets.filter((_, slot) => pre.lineStates[slot][line] === LineState.Active && !macro?.[slot] && read.oracle.kernelsOn(ref, slot));
}

/** A use as hovers and fixes see it: with the function assigned as the newest judged target compiles it. */
function judgedUsage(use: MemberUse): JudgedUsage {
  let newestImage = -1;
  let assigned: JudgedUsage['assigned'];
  for (const [image, signature] of use.signatures) if (image > newestImage) [newestImage, assigned] = [image, signature];
  return { usage: use.usage, targets: use.images, ...(assigned ? { assigned } : {}) };
}

/** Call and reference sites in file order: gcc reports an undeclared name at its first use, whichever kind. */
function inFileOrder(sites: CallSite[]): CallSite[] {
  return sites.sort((a, b) => a.line - b.line || a.startColumn - b.startColumn);
}

/** The code of a text that holds only directives, comments and blank lines: no call. The mask is read only around calls, usages and mentions, which it has none of. */
function codelessCode(file: PreprocessedFile): CodeText {
  return { masked: '', isDirectiveLine: (line) => file.pre.directiveLines[line] === 1, sites: [], declared: new Map(), argumentTypes: () => new ArgumentTypes('', '') };
}

/**
 * Whether every folder the build searches for `#include <…>` is known: only in a file an object
 * list names, whose make files were read, so its flags are known.
 */
function includeFoldersKnown(options: CheckOptions): boolean {
  return options.angleIncludesKnown === true && options.namedByKbuild === true;
}

/** The key the trees of a document's re-check slices are kept under. */
function sliceKey(documentKey: string): string {
  return `${documentKey}\u0000slice`;
}

/** What a re-check may reuse a check under: the options but for the document and its text. */
function optionsKeyOf(options: CheckOptions): string {
  const { fileName, targets, forcedIncludes, defines, unreadFlags, namesCStandard, dateTimeAllowed, angleIncludesKnown, severities, workspaceTypes } = options;
  const flags = [unreadFlags ?? false, namesCStandard ?? false, dateTimeAllowed ?? null, angleIncludesKnown ?? false];
  return JSON.stringify([fileName, targets, forcedIncludes ?? [], defines ?? [], flags, severities ?? {}, workspaceTypes?.generation ?? -1]);
}

/** Findings in file order, without those on or under a line marked `kernel-compat-ignore`. */
function unsuppressedInOrder(findings: Finding[], lineAt: (line: number) => string | undefined): Finding[] {
  const ignored = (line: number) => (lineAt(line) ?? '').includes(IGNORE_MARK) || (line > 0 && (lineAt(line - 1) ?? '').includes(IGNORE_MARK));
  return findings
    .filter((finding) => !ignored(finding.range.startLine))
    .sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn || a.code.localeCompare(b.code));
}

/** The #error lines that stop targets' builds, each with the targets it stops. */
function stopsOf(file: PreprocessedFile, targets: readonly number[]): CheckResult['stops'] {
  const stops = new Map<number, number[]>();
  targets.forEach((image, slot) => {
    const line = file.pre.stoppedAt[slot];
    if (line < 0) return;
    stops.set(line, [...(stops.get(line) ?? []), image]);
  });
  return [...stops].sort((a, b) => a[0] - b[0]).map(([line, images]) => ({ line, targets: images.sort((a, b) => a - b) }));
}
