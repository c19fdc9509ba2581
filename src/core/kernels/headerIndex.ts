// Questions about what a kernel's headers declare, answered from data/header-names.json.gz
// and data/headers.json.gz for the kernels whose headers packages were read (the Debian ones).
// Every answer is undefined for a kernel without header data: "not known" must never read as
// "not there". Each file is read on its first question.
import { TYPEDEF_KEY, type HeaderNamesFile, type HeadersFile, type SpelledWordsFile } from './schema';
import type { MemberLookup } from './lazyMembers';
import { prototypeParameters } from '../c/prototypes';
import { NameMaskTable } from './nameMasks';
import { detached } from '../detached';
import { WordFilter } from './wordFilter';
import { mayBePasted } from '../c/pastingFragments';

/** Names whose declaration masks are kept (see declarationMask); past it the cache starts over. */
const MAX_KEPT_DECLARATION_MASKS = 50_000;

/**
 * The tracepoint machinery's headers, whose only computed include is `#include
 * TRACE_INCLUDE(TRACE_INCLUDE_FILE)`: it reads again the trace header that included
 * `<trace/define_trace.h>` (the driver's own, or a kernel `trace/events/` one), whose includes
 * the closure already holds. Counted as open, they left every file with tracepoints without a
 * closure (applespi's `struct efivar_entry` went unjudged on 6.1). Included by a `.c` file
 * itself, what they read again is not known (see includeRoots.ts).
 */
const TRACE_REREADERS: ReadonlySet<string> = new Set(['trace/define_trace.h', 'trace/trace_events.h', 'trace/perf.h', 'trace/bpf_probe.h', 'trace/define_custom_trace.h', 'trace/trace_custom_events.h']);

/** Whether the header's computed includes read again the trace header that included it (TRACE_REREADERS). */
export function rereadsItsIncluder(name: string): boolean {
  return TRACE_REREADERS.has(name);
}

export interface FunctionDeclaration {
  /** `struct class *class_create(const char *)`. */
  prototype: string;
  /** A `static inline` definition rather than an extern declaration. */
  inline: boolean;
}

export interface MacroArity {
  parameters: number;
  variadic: boolean;
  /**
   * The parameters it compiles as plain values (bit i: parameter i, the variadic one last); every
   * one where a module build never compiles the definition (it hides nothing); undefined in older data.
   */
  values?: number;
}

/** How a call of a name may be written on one kernel: one entry per declaration of it there. */
export interface CallShape {
  /** Arguments a call passes; with `variadic`, at least that many. */
  parameters: number;
  variadic: boolean;
  /** A function-like macro rather than a function. */
  macro: boolean;
  /** The function's prototype (functions only). */
  prototype?: string;
  /** The function's parameter types (functions only). */
  types?: string[];
}

/** headers.json.gz's declarations, asked for by name (see lazyMembers.ts). */
export interface DeclarationTables {
  functions: MemberLookup<HeadersFile['functions'][string]>;
  macros: MemberLookup<HeadersFile['macros'][string]>;
}

/**
 * Include folders of every architecture or build rather than of the kernel's API (see
 * inKernelNamespace). `asm/` is not among them: every kernel with header data is an amd64 one,
 * whose package holds x86's asm headers, the generated ones too, so an `<asm/gpio.h>` none of
 * them has is another architecture's, which their builds do not find.
 */
const NOT_NAMESPACES = new Set(['asm-generic', 'uapi', 'generated']);

export class HeaderIndex {
  /** Database image index → bit in the file's masks. */
  private readonly bits = new Map<number, number>();
  private byBaseName?: Map<string, string[]>;
  /** Call shapes by their text in the `calls` table, read once: checks ask on every keystroke. */
  private readonly shapesByText = new Map<string, CallShape | undefined>();
  /** Include closures by image and roots: a file's includes rarely change between keystrokes. */
  private readonly closures = new Map<string, ReadonlySet<string> | undefined>();
  private namesById?: readonly string[];
  private idsByName?: ReadonlyMap<string, number>;

  /** The include graph and structs' headers, asked by every check with kernel includes; read apart from the larger prototypes and macros, asked for hovers and successors. */
  private graphTables?: Pick<HeadersFile, 'structs' | 'includes' | 'dropping'>;
  private callTables?: DeclarationTables;
  private namesFile?: HeaderNamesFile;
  private callableMasks?: NameMaskTable;
  private constantMasks?: NameMaskTable;
  private pastedMasks?: NameMaskTable;
  private objectLikeNames?: ReadonlySet<string>;
  private retiredNames?: ReadonlySet<string>;
  private typedefMasks?: ReadonlyMap<string, number>;
  private retiredTypedefNames?: ReadonlySet<string>;
  private retiredStructTags?: ReadonlySet<string>;
  private typedefWordPattern?: RegExp;
  private readonly declarationMasks = new Map<string, number | null>();
  private spelledWords?: { filter: WordFilter; prefixes: ReadonlySet<string>; suffixes: ReadonlySet<string> } | null;

  /** `images`: the kernels with header data, in the files' bit order; the loaders read each file. */
  constructor(
    images: readonly number[],
    private readonly loadNames: () => HeaderNamesFile,
    private readonly loadGraph: () => Pick<HeadersFile, 'structs' | 'includes' | 'dropping'>,
    private readonly loadDeclarations: () => DeclarationTables,
    /** data/spelled-words.json.gz, undefined in older data. */
    private readonly loadSpelledWords: () => SpelledWordsFile | undefined = () => undefined,
  ) {
    images.forEach((image, i) => this.bits.set(image, 1 << i));
  }

  private get names(): HeaderNamesFile {
    return (this.namesFile ??= this.loadNames());
  }

  private get callables(): NameMaskTable {
    return (this.callableMasks ??= new NameMaskTable(this.names.callables));
  }

  private get pasted(): NameMaskTable {
    return (this.pastedMasks ??= new NameMaskTable(this.names.pastedCallables ?? { names: '', masks: [] }));
  }

  private get constants(): NameMaskTable {
    return (this.constantMasks ??= new NameMaskTable(this.names.constants ?? { names: '', masks: [] }));
  }

  private get graph(): Pick<HeadersFile, 'structs' | 'includes' | 'dropping'> {
    return (this.graphTables ??= this.loadGraph());
  }

  private get declarations(): DeclarationTables {
    return (this.callTables ??= this.loadDeclarations());
  }

  /**
   * Reads every table now: a `check` run over many files needs them all, and the first file
   * should not be timed with them.
   */
  loadTables(): void {
    void this.callables;
    void this.constants;
    void this.pasted;
    void this.graph;
    void this.declarations;
  }

  /** Whether the image's headers were read. */
  covers(image: number): boolean {
    return this.bits.has(image);
  }

  /** Include names whose file name is `base` ('unaligned.h' → 'asm/unaligned.h', 'linux/unaligned.h'), on any kernel. */
  headersNamed(base: string): string[] {
    if (!this.byBaseName) {
      this.byBaseName = new Map();
      for (const name of Object.keys(this.names.headers)) {
        const key = name.slice(name.lastIndexOf('/') + 1);
        const list = this.byBaseName.get(key);
        if (list) list.push(name);
        else this.byBaseName.set(key, [name]);
      }
    }
    return this.byBaseName.get(base) ?? [];
  }

  /**
   * Whether the image's headers declare `name` as a function or a macro, for the names whose
   * declaration changes between the kernels with header data, and for older kernels' functions
   * none of them declares (see isRetiredFunction), and for the functions only generator macros
   * make (see isPastedCallable); true for others (every one of them declares
   * it, or none does); undefined without header data.
   */
  declares(name: string, image: number): boolean | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const mask = this.declarationMask(name);
    if (mask === null) return !this.isRetiredFunction(name);
    return (mask & bit) !== 0;
  }

  /**
   * What an `#if` may take of `name` on the image (see check/kernelNameDecisions.ts): whether
   * its headers declare it, for a name whose declaration changes between the kernels with
   * header data (see declares); false for a name in capitals none of them spells (see
   * isSpelledByNoKernel), on those kernels; undefined otherwise.
   */
  declaresInCondition(name: string, image: number): boolean | undefined {
    if (this.isKernelCallable(name)) return this.declares(name, image);
    return this.bits.has(image) && isConstantShaped(name) && this.isSpelledByNoKernel(name) ? false : undefined;
  }

  /**
   * The kernels that declare a changing name (callables, else pasted), null for none: asked for
   * every call a check judges, on every kernel, so each name is searched for once.
   */
  private declarationMask(name: string): number | null {
    let mask = this.declarationMasks.get(name);
    if (mask === undefined) {
      if (this.declarationMasks.size >= MAX_KEPT_DECLARATION_MASKS) this.declarationMasks.clear();
      this.declarationMasks.set(detached(name), (mask = this.callables.get(name) ?? this.pasted.get(name) ?? null));
    }
    return mask;
  }

  /**
   * Whether `name` is a function older kernels had (a global of some Ubuntu image's vmlinux)
   * that no header of any kernel with header data spells: `do_gettimeofday`, `blk_init_queue`.
   */
  isRetiredFunction(name: string): boolean {
    this.retiredNames ??= new Set(this.names.retiredFunctions ?? []);
    return this.retiredNames.has(name);
  }

  /**
   * Whether the image's headers spell the constant `name` anywhere (a macro, an enumerator, a
   * mention under any condition), for the constants some kernels with header data do not
   * spell at all; undefined for other names and without header data. False means nothing in
   * those headers declares it.
   */
  spellsConstant(name: string, image: number): boolean | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const mask = this.constants.get(name);
    if (mask === undefined) return this.isSpelledByNoKernel(name) ? false : undefined;
    return (mask & bit) !== 0;
  }

  /**
   * Whether no kernel with header data spells `name` on a line a module build may compile, and
   * none of their macros could have pasted it (see SpelledWordsFile): nothing there declares it
   * (`RX_FLAG_HT`, gone in 4.12; `CORE2_MEROM`, which only `X86_MATCH_INTEL_FAM6_MODEL`'s
   * pasting made a name of). False where that is not known.
   */
  isSpelledByNoKernel(name: string): boolean {
    if (this.bits.size === 0 || this.constants.get(name) !== undefined) return false;
    if (this.spelledWords === undefined) {
      const file = this.loadSpelledWords();
      this.spelledWords = file ? { filter: WordFilter.unpack(file.filter), prefixes: new Set(file.pastedPrefixes), suffixes: new Set(file.pastedSuffixes) } : null;
    }
    const words = this.spelledWords;
    // What a kernel macro pastes, its caller in some header spells: the filter holds it.
    return words !== null && !words.filter.mayHold(name) && !mayBePasted(name, words, (piece) => words.filter.mayHold(piece));
  }

  /** Whether `name` is a constant of some kernel's headers that others do not spell (see spellsConstant). */
  isVanishingConstant(name: string): boolean {
    return this.constants.get(name) !== undefined;
  }

  /**
   * Whether some kernels with header data define the typedef `name` and the headers of others
   * define it nowhere (`blk_opf_t`, new in 6.0; `mm_segment_t`, gone in 5.18): a
   * declaration naming it as a type does not compile on those ("unknown type name").
   */
  isChangingTypedef(name: string): boolean {
    return this.changingTypedefs.has(name) || this.isRetiredTypedef(name);
  }

  /**
   * A pattern for the typedefs `isChangingTypedef` takes, each as a whole word: one search of a
   * file's text finds them (a pattern per identifier took ten times as long). Use it with
   * `matchAll`, which leaves the shared pattern's position alone.
   */
  typedefWords(): RegExp {
    this.typedefWordPattern ??= new RegExp(`\\b(?:${[...this.changingTypedefs.keys(), ...(this.names.retiredTypedefs ?? [])].join('|') || '(?!)'})\\b`, 'g');
    return this.typedefWordPattern;
  }

  /**
   * Whether `name` is a typedef older kernels declared their functions with that no header of
   * any kernel with header data spells: `make_request_fn`, gone in 5.9.
   */
  isRetiredTypedef(name: string): boolean {
    this.retiredTypedefNames ??= new Set(this.names.retiredTypedefs ?? []);
    return this.retiredTypedefNames.has(name);
  }

  /**
   * Whether `tag` is a struct older kernels' functions were declared with that no kernel with
   * header data defines or could make: `timespec`, `timeval`, gone from the headers in 5.6.
   */
  isRetiredStruct(tag: string): boolean {
    this.retiredStructTags ??= new Set(this.names.retiredStructs ?? []);
    return this.retiredStructTags.has(tag);
  }

  /** The headers that define the typedef `name` on the image; [] when none does. */
  typedefHeaders(name: string, image: number): string[] | undefined {
    return this.definingHeaders(`${TYPEDEF_KEY}${name}`, image);
  }

  /** Whether some header of the image defines the typedef, for the changing and the retired ones (see isChangingTypedef); undefined for others and without header data. */
  definesTypedef(name: string, image: number): boolean | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const mask = this.changingTypedefs.get(name) ?? (this.isRetiredTypedef(name) ? 0 : undefined);
    return mask === undefined ? undefined : (mask & bit) !== 0;
  }

  /** The typedefs not every kernel with header data defines, with the mask of those that do: read once from the definitions' headers. */
  private get changingTypedefs(): ReadonlyMap<string, number> {
    if (!this.typedefMasks) {
      const every = [...this.bits.values()].reduce((all, bit) => all | bit, 0);
      const masks = new Map<string, number>();
      for (const [key, flat] of Object.entries(this.graph.structs)) {
        if (!key.startsWith(TYPEDEF_KEY)) continue;
        let mask = 0;
        for (let i = 1; i < flat.length; i += 2) mask |= flat[i];
        if ((mask & every) !== every) masks.set(key.slice(TYPEDEF_KEY.length), mask);
      }
      this.typedefMasks = masks;
    }
    return this.typedefMasks;
  }

  /**
   * Whether `name` is a function only the kernels' generator macros make, some kernels and not
   * others (see HeaderNamesFile.pastedCallables): the kernel's where the driver pastes nothing
   * that could make it.
   */
  isPastedCallable(name: string): boolean {
    return this.pasted.get(name) !== undefined;
  }

  /** Whether some kernels with header data declare `name` and others do not: a kernel API that came or went. */
  isKernelCallable(name: string): boolean {
    return (this.callables.get(name) ?? 0) !== 0;
  }

  /**
   * Whether `name` may be called as the kernel's on some kernel with header data: a function or
   * function-like macro its headers declare, an object-like macro it calls through, one a
   * generator macro makes, or an older kernel's function. A name none of them has is a driver's.
   */
  mayBeKernelCallable(name: string): boolean {
    return (
      this.isKernelCallable(name) ||
      this.isPastedCallable(name) ||
      this.isRetiredFunction(name) ||
      this.objectLikeCalls?.has(name) === true ||
      this.declarations.functions.get(name) !== undefined ||
      this.declarations.macros.get(name) !== undefined
    );
  }

  /** Whether some kernel with header data has `name`: a kernel header, not a driver's own. */
  isKernelHeader(name: string): boolean {
    return (own(this.names.headers, name) ?? 0) !== 0;
  }

  /**
   * Whether `name` lies in a folder of the kernel's own include namespace (`drm/drmP.h`,
   * `linux/pci-aspm.h`), though no kernel with header data may have it: an older kernel's
   * header, or another architecture's (`asm/gpio.h`). The uapi and generated folders are left out.
   */
  inKernelNamespace(name: string): boolean {
    const slash = name.indexOf('/');
    if (slash <= 0) return false;
    this.namespaces ??= new Set(this.headerNames().map((header) => header.slice(0, Math.max(0, header.indexOf('/')))).filter((folder) => folder !== '' && !NOT_NAMESPACES.has(folder)));
    return this.namespaces.has(name.slice(0, slash));
  }

  /** Whether `#include <name>` finds a header on the image. */
  hasHeader(name: string, image: number): boolean | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    return ((own(this.names.headers, name) ?? 0) & bit) !== 0;
  }

  /** The headers that define 'struct file_lock' (or 'union sigval') on the image; [] when none does. */
  definingHeaders(key: string, image: number): string[] | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const names = this.headerNames();
    return idsOn(own(this.graph.structs, key) ?? [], bit).map((id) => names[id]);
  }

  /**
   * Every header a build that includes `roots` may read on the image (the roots too, as
   * include names reach them), or undefined when that is not known: no header data for the
   * image, a root its headers lack, or a header on the way whose includes are not all known.
   */
  includeClosure(roots: readonly string[], image: number): ReadonlySet<string> | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const key = `${image}\u0000${[...roots].sort().join('\u0000')}`;
    if (this.closures.has(key)) return this.closures.get(key);
    const closure = this.closureOf(roots, bit);
    if (this.closures.size >= MAX_KEPT_CLOSURES) this.closures.delete(this.closures.keys().next().value!);
    this.closures.set(detached(key), closure);
    return closure;
  }

  private closureOf(roots: readonly string[], bit: number): ReadonlySet<string> | undefined {
    const names = this.headerNames();
    const { edges, open } = this.graph.includes;
    const openIds = new Set(idsOn(open, bit));
    const seen = new Set<number>();
    const pending: number[] = [];
    for (const root of roots) {
      const id = this.headerIds().get(root);
      if (id === undefined || !((own(this.names.headers, root) ?? 0) & bit)) return undefined;
      if (!seen.has(id)) seen.add(id), pending.push(id);
    }
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (openIds.has(id) && !TRACE_REREADERS.has(names[id])) return undefined;
      for (const next of idsOn(edges[id] ?? [], bit)) if (!seen.has(next)) seen.add(next), pending.push(next);
    }
    return new Set([...seen].map((id) => names[id]));
  }

  private namespaces?: Set<string>;

  /** Include names by header id (the order of header-names.json.gz's `headers`). */
  private headerNames(): readonly string[] {
    return (this.namesById ??= Object.keys(this.names.headers));
  }

  private headerIds(): ReadonlyMap<string, number> {
    return (this.idsByName ??= new Map(this.headerNames().map((name, id) => [name, id])));
  }

  /** The declarations of a function on the image; [] when no header declares it. */
  functions(name: string, image: number): FunctionDeclaration[] | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    return (this.declarations.functions.get(name) ?? []).filter(([, mask]) => mask & bit).map(([prototype, , inline]) => ({ prototype, inline: inline === 1 }));
  }

  /** Whether some kernel with header data declares a function `name` (a prototype or an inline definition; a macro or a variable is not one). */
  isFunction(name: string): boolean {
    return this.declarations.functions.get(name) !== undefined;
  }

  /** Whether the headers that make `name` callable differ between the kernels with header data. */
  isMovedCallable(name: string): boolean {
    return own(this.names.declaredIn ?? {}, name) !== undefined;
  }

  /**
   * The headers that make `name` callable on the image: for a name whose headers moved
   * between the kernels with header data, that kernel's; for another function or macro, every
   * header that declares it on some kernel (a superset: cautious). Undefined for other names,
   * with older data and without header data; [] where no header declares it.
   */
  declaringHeaders(name: string, image: number): string[] | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const names = this.headerNames();
    const flat = own(this.names.declaredIn ?? {}, name);
    if (flat !== undefined) return idsOn(flat, bit).map((id) => names[id]);
    // A name whose headers did not move: the headers that declare it on any kernel, where this one declares it.
    const entries = [...(this.declarations.functions.get(name) ?? []).filter(([, mask]) => mask & bit), ...(this.declarations.macros.get(name) ?? []).filter(([, , mask]) => mask & bit)];
    const ids = declaringIds(entries);
    return ids === undefined ? (entries.length > 0 ? undefined : []) : ids.map((id) => names[id]);
  }

  /** Whether the data name the headers that declare `name` (see declaringHeaders): whether a call of it can be found unreached. */
  knowsDeclaringHeaders(name: string): boolean {
    if (this.isMovedCallable(name)) return true;
    return declaringIds([...(this.declarations.functions.get(name) ?? []), ...(this.declarations.macros.get(name) ?? [])]) !== undefined;
  }

  /** Whether the ways `name` can be called differ between the kernels with header data. */
  isReshapedCall(name: string): boolean {
    return own(this.names.calls ?? {}, name) !== undefined;
  }

  /**
   * Whether calls of `name` can be judged: its ways differ between the kernels with header data
   * (`calls`), or it is a function or function-like macro of their headers that no kernel
   * redirects with an object-like macro, whose declarations say how each kernel takes it.
   */
  isJudgedCall(name: string): boolean {
    if (this.isReshapedCall(name)) return true;
    const redirected = this.objectLikeCalls;
    return redirected !== undefined && !redirected.has(name) && (this.declarations.functions.get(name) !== undefined || this.declarations.macros.get(name) !== undefined);
  }

  /** Names some kernel defines as an object-like macro; undefined with older data, which judges only reshaped calls. */
  private get objectLikeCalls(): ReadonlySet<string> | undefined {
    if (this.objectLikeNames === undefined && this.names.objectLikeCalls) this.objectLikeNames = new Set(this.names.objectLikeCalls);
    return this.objectLikeNames;
  }

  /**
   * The ways `name` can be called on the image, for a name whose calls are judged (undefined for
   * any other name, and without header data): for a reshaped name its function-like macros where
   * it has some, else its function prototypes (as the data recorded them); for another, both.
   * [] where no header declares it; undefined too when one of its prototypes cannot be read with
   * confidence.
   */
  callShapes(name: string, image: number): CallShape[] | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    const reshaped = own(this.names.calls ?? {}, name);
    if (reshaped !== undefined) return this.shapesOf(reshaped.filter(([, mask]) => mask & bit).map(([text]) => text), name);
    if (!this.isJudgedCall(name)) return undefined;
    // The same on every kernel that declares it: read from the declarations themselves. A
    // macro and a function both (`amd_nb_num`, an inline with CONFIG_AMD_NB and a macro of one
    // parameter without) are two ways a build may take it: which one, the kernel's config says.
    const macros = [...new Set((this.macros(name, image) ?? []).map((macro) => `#define ${name}(${macro.parameters}${macro.variadic ? ', ...' : ''})`))];
    return this.shapesOf([...macros, ...new Set((this.functions(name, image) ?? []).map((declaration) => declaration.prototype))], name);
  }

  /** Call shapes of `#define name(2)` or prototype texts; undefined when one cannot be read with confidence. */
  private shapesOf(texts: readonly string[], name: string): CallShape[] | undefined {
    const found: CallShape[] = [];
    for (const text of texts) {
      if (!this.shapesByText.has(text)) this.shapesByText.set(text, callShapeOf(text, name));
      const shape = this.shapesByText.get(text);
      if (!shape) return undefined;
      found.push(shape);
    }
    return found;
  }

  /**
   * The names (functions and macros) that come and go between kernels with header data and
   * that every kernel of `on` declares while `notOn` does not: the candidates for a successor.
   */
  callablesDeclared(on: readonly number[], notOn: number): string[] {
    const required = on.reduce((mask, image) => mask | (this.bits.get(image) ?? 0), 0);
    const excluded = this.bits.get(notOn) ?? 0;
    const found: string[] = [];
    for (const [name, mask] of this.callables.entries()) if ((mask & required) === required && (mask & excluded) === 0) found.push(name);
    return found;
  }

  /** Whether some kernel's headers define the name as a macro that drops a parameter: asked of every call before droppedParameters. */
  dropsSomeParameter(name: string): boolean {
    return own(this.graph.dropping ?? {}, name) !== undefined;
  }

  /**
   * The parameters (bit i: parameter i) the image's function-like macro `name` leaves out of
   * its expansion with that kernel's config; 0 when it leaves none out, or it is not known.
   */
  droppedParameters(name: string, image: number): number {
    const bit = this.bits.get(image);
    if (bit === undefined) return 0;
    const on = (own(this.graph.dropping ?? {}, name) ?? []).filter(([, mask]) => mask & bit);
    return on.length === 1 ? on[0][0] : 0;
  }

  /** The function-like macro definitions of a name on the image; [] when no header defines one. */
  macros(name: string, image: number): MacroArity[] | undefined {
    const bit = this.bits.get(image);
    if (bit === undefined) return undefined;
    return (this.declarations.macros.get(name) ?? []).filter(([, , mask]) => mask & bit).map(([parameters, variadic, , values]) => ({ parameters, variadic: variadic === 1, ...(values !== undefined ? { values } : {}) }));
  }
}

const MAX_KEPT_CLOSURES = 64;

/** The header ids of a flat [id, mask, …] list whose mask has `bit`. */
function idsOn(flat: readonly number[], bit: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i + 1] & bit) ids.push(flat[i]);
  return ids;
}

/** The declaring headers' ids a function's or macro's declarations carry last (headers.json.gz); undefined in older data or for moved names. */
function declaringIds(entries: readonly (readonly unknown[])[]): number[] | undefined {
  return entries.map((entry) => entry[entry.length - 1]).find((last): last is number[] => Array.isArray(last));
}

const MACRO_SHAPE = /^#define \S+\((\d+)(, \.\.\.)?\)$/;

function callShapeOf(text: string, name: string): CallShape | undefined {
  const macro = MACRO_SHAPE.exec(text);
  if (macro) return { parameters: Number(macro[1]), variadic: macro[2] !== undefined, macro: true };
  const parameters = prototypeParameters(text, name);
  return parameters && { parameters: parameters.types.length, variadic: parameters.variadic, macro: false, prototype: text, types: parameters.types };
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A name in capitals, as SpelledWordsFile holds them: `UDIG`, `RX_FLAG_HT`. */
export function isConstantShaped(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*[A-Z][A-Z0-9_]*$/.test(name);
}
