// Merges the header facts of the kernels with header data into data/headers.json.gz (one
// table, each fact with a bit mask of the kernels that have it) and data/member-aliases.json
// (the member names headers define as macros, per kernel), and data/typedefs.json.gz (typedefs
// of function types, from BTF).
import { gzipSync } from 'node:zlib';
import { SCHEMA_VERSION, TYPEDEF_KEY, type HeaderNamesFile, type HeadersFile, type IncludeGraph, type MemberAliasesFile, type SpelledWordsFile, type TypedefsFile } from '../../src/core/kernels/schema';
import type { FunctionPrototype, HeaderFacts } from './headerFacts';
import { packNameMasks } from '../../src/core/kernels/nameMasks';
import { isMacroStyleName } from '../../src/core/c/kernelMacros';
import { WordFilter } from '../../src/core/kernels/wordFilter';

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const key of [...map.keys()].sort()) record[key] = map.get(key)!;
  return record;
}

export function prototypeText(name: string, prototype: FunctionPrototype): string {
  const parameters = prototype.parameters.length === 0 && !prototype.variadic ? 'void' : [...prototype.parameters, ...(prototype.variadic ? ['...'] : [])].join(', ');
  return `${prototype.returnType} ${name}(${parameters})`.replace(/\* /g, '*').replace(/ \*/g, ' *');
}

/** Adds `bit` to the mask of each distinct `fact` (by `key`) under `name`. */
function addFact<T extends unknown[]>(table: Map<string, T[]>, name: string, fact: T, key: (fact: T) => string, maskAt: number, bit: number): void {
  let list = table.get(name);
  if (!list) table.set(name, (list = []));
  const found = list.find((existing) => key(existing) === key(fact));
  if (found) (found[maskAt] as number) |= bit;
  else {
    (fact[maskAt] as number) = bit;
    list.push(fact);
  }
}

/**
 * Only the names some kernels declare and others do not: a name every kernel declares (or
 * none) can never be missing on one of them, and leaving those out keeps the file small.
 */
function changingCallables(callables: Map<string, number>, kernels: number): Map<string, number> {
  const all = (1 << kernels) - 1;
  return new Map([...callables].filter(([, mask]) => mask !== all));
}

/**
 * The ways each name can be called, for the names whose ways differ between the kernels that
 * declare them (`class_create` a 2-parameter macro on 6.1, a 1-parameter function on 6.12):
 * what `call-arguments` asks per call, without reading the large declarations file. On a kernel
 * with function-like macros of the name only those count (the preprocessor sees them first),
 * but a macro of only `...` that passes every argument to one function (`kmalloc` from 6.10,
 * `forwarding`, per kernel) is called with that function's parameters.
 */
export function reshapedCalls(
  functions: Map<string, [string, number, number][]>,
  macros: Map<string, [number, number, number, ...number[]][]>,
  kernels: number,
  forwarding: readonly ReadonlyMap<string, string>[] = [],
): Map<string, [string, number][]> {
  const reshaped = new Map<string, [string, number][]>();
  const prototypesOn = (name: string, bit: number) => (functions.get(name) ?? []).filter(([, mask]) => mask & bit).map(([prototype]) => prototype);
  for (const name of new Set([...functions.keys(), ...macros.keys()])) {
    const shapes = new Map<string, number>();
    const perKernel: string[] = [];
    // As declared, before forwarding: a name whose declaration changed stays, even where its
    // forwarded shapes agree (`__vmalloc`, a function of two parameters on every kernel, is
    // still judged: the three-argument call of before 5.8 fails on all of them).
    const declaredPerKernel: string[] = [];
    for (let i = 0; i < kernels; i++) {
      const bit = 1 << i;
      const macroShapes = (macros.get(name) ?? []).filter(([, , mask]) => mask & bit).map(([parameters, variadic]) => `#define ${name}(${parameters}${variadic ? ', ...' : ''})`);
      // A macro passing every argument to one function is called with that function's parameters.
      const target = forwarding[i]?.get(name);
      const forwarded = target !== undefined && macroShapes.length === 1 && !(macros.get(target) ?? []).some(([, , mask]) => mask & bit) ? prototypesOn(target, bit).map((prototype) => prototype.replace(`${target}(`, `${name}(`)) : [];
      const declared = macroShapes.length > 0 ? macroShapes : prototypesOn(name, bit);
      const distinct = [...new Set(forwarded.length > 0 ? forwarded : declared)].sort();
      perKernel.push(distinct.join('\n'));
      declaredPerKernel.push([...new Set(declared)].sort().join('\n'));
      for (const shape of distinct) shapes.set(shape, (shapes.get(shape) ?? 0) | bit);
    }
    const differ = (keys: string[]) => new Set(keys.filter((key) => key !== '')).size > 1;
    if (differ(perKernel) || differ(declaredPerKernel)) reshaped.set(name, [...shapes].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }
  return reshaped;
}

/**
 * The kernels' constants that some of them do not spell at all: each name in capitals some
 * kernel defines as an object-like macro or an enumerator -> mask of the kernels whose headers spell it. Where
 * no header spells it, nothing declares it (no macro, enumerator or variable), which is what
 * `undeclared-constant` asks. Names every kernel spells are left out, and so are config symbols.
 */
export function vanishingConstants(facts: readonly HeaderFacts[]): Map<string, number> {
  const all = (1 << facts.length) - 1;
  const constants = new Map<string, number>();
  for (const fact of facts) {
    for (const name of [...fact.objectMacros, ...fact.enumConstants]) {
      // Config symbols are tested (`IS_ENABLED(CONFIG_X)` pastes them), not used as values.
      if (constants.has(name) || !isMacroStyleName(name) || name.startsWith('CONFIG_')) continue;
      const mask = facts.reduce((spelled, other, i) => (other.spelledConstants.has(name) ? spelled | (1 << i) : spelled), 0);
      if (mask !== all) constants.set(name, mask);
    }
  }
  return constants;
}

/**
 * The functions only generator macros make (no prototype or macro of any kernel names them:
 * `SetPageError`, from `PAGEFLAG(Error, …)` up to 6.1), with the kernels that make them, where
 * some do not. A kernel whose headers still pass a generator call one of the words that made
 * the name counts as making it: the generator may be one the reader does not follow.
 */
export function pastedCallables(facts: readonly HeaderFacts[], callables: ReadonlyMap<string, number>): Map<string, number> {
  const all = (1 << facts.length) - 1;
  const masks = new Map<string, number>();
  facts.forEach((fact, i) => {
    for (const name of fact.pastedFunctions) if (!callables.has(name)) masks.set(name, (masks.get(name) ?? 0) | (1 << i));
  });
  for (const [name, mask] of masks) {
    const words = new Set(facts.flatMap((fact) => fact.pastedFrom[name] ?? []));
    let widened = mask;
    facts.forEach((fact, i) => {
      if ((mask & (1 << i)) === 0 && (words.size === 0 || [...words].some((word) => fact.generatorWords.has(word)))) widened |= 1 << i;
    });
    if (widened === all) masks.delete(name);
    else masks.set(name, widened);
  }
  return masks;
}

/**
 * The watched older functions (see olderFunctions.ts) that no kernel's headers spell or make
 * by token pasting: undeclared on every one of them.
 */
function retiredFunctions(facts: readonly HeaderFacts[], olderFunctions: ReadonlySet<string>): string[] {
  const pasted = new Set(facts.flatMap((fact) => fact.pastedFunctions));
  return spelledByNone(facts, olderFunctions).filter((name) => !pasted.has(name));
}

/** Of the watched names, those no kernel's headers spell anywhere, sorted. */
function spelledByNone(facts: readonly HeaderFacts[], watched: ReadonlySet<string>): string[] {
  return [...watched].filter((name) => !facts.some((fact) => fact.spelledWatched.has(name))).sort();
}

/**
 * Per kernel (in `facts`' order), the typedef names other kernels' headers define and its own
 * define nowhere: a declaration of that type would not compile there, unless the headers make
 * the name some other way (a macro that pastes it), which `spelledWords` looks for.
 */
export function typedefsLacking(facts: readonly HeaderFacts[]): Set<string>[] {
  const typedefsOf = (fact: HeaderFacts) => new Set(Object.keys(fact.definitions).filter((key) => key.startsWith(TYPEDEF_KEY)).map((key) => key.slice(TYPEDEF_KEY.length)));
  const defined = facts.map(typedefsOf);
  const anywhere = new Set(defined.flatMap((names) => [...names]));
  return defined.map((names) => new Set([...anywhere].filter((name) => !names.has(name))));
}

/** What the importer knows beyond the kernels' header facts. */
export interface OlderNames {
  /** Functions of older kernels (olderFunctions.ts), watched for by every scan. */
  olderFunctions?: ReadonlySet<string>;
  /** Typedefs of older kernels (olderTypedefs.ts), watched for by every scan. */
  olderTypedefs?: ReadonlySet<string>;
  /** Struct tags of older kernels' global functions (olderTypedefs.ts olderStructTags), watched for by every scan. */
  olderStructs?: ReadonlySet<string>;
  /** Typedefs some kernel lacking their definition spells anyway (see typedefsLacking): their definitions are left out. */
  unsureTypedefs?: ReadonlySet<string>;
}

/** `facts[i]` belongs to the kernel at database index `images[i]`. */
export function headersFile(
  images: number[],
  facts: HeaderFacts[],
  { olderFunctions = new Set(), olderTypedefs = new Set(), olderStructs = new Set(), unsureTypedefs = new Set() }: OlderNames = {},
): { file: HeadersFile; names: HeaderNamesFile; aliases: MemberAliasesFile; words: SpelledWordsFile } {
  if (images.length > 30) throw new Error('header masks hold 30 kernels at most');
  const headers = new Map<string, number>();
  const definitions = new Map<string, [string, number][]>();
  const includes = new Map<string, [string, number][]>();
  const openHeaders = new Map<string, number>();
  const functions = new Map<string, [string, number, number][]>();
  const macros = new Map<string, [number, number, number, number][]>();
  const dropping = new Map<string, [number, number][]>();
  const aliases = new Map<string, [string, number][]>();
  const callables = new Map<string, number>();
  const pasted = new Map<string, number>();
  facts.forEach((fact, i) => {
    const bit = 1 << i;
    for (const header of fact.headers) headers.set(header, (headers.get(header) ?? 0) | bit);
    for (const [key, files] of Object.entries(fact.definitions)) {
      // Enums are left out: no rule asks where one is defined.
      const typedef = key.startsWith(TYPEDEF_KEY);
      if (!key.startsWith('struct ') && !key.startsWith('union ') && !typedef) continue;
      if (typedef && unsureTypedefs.has(key.slice(TYPEDEF_KEY.length))) continue;
      for (const file of files) addFact<[string, number]>(definitions, key, [file, 0], (f) => f[0], 1, bit);
    }
    for (const [header, included] of Object.entries(fact.includes)) {
      for (const name of included) addFact<[string, number]>(includes, header, [name, 0], (f) => f[0], 1, bit);
    }
    for (const header of fact.openHeaders) openHeaders.set(header, (openHeaders.get(header) ?? 0) | bit);
    for (const [name, prototypes] of Object.entries(fact.functions)) {
      for (const prototype of prototypes) addFact(functions, name, [prototypeText(name, prototype), 0, prototype.inline ? 1 : 0], (f) => `${f[0]}\u0000${f[2]}`, 1, bit);
    }
    for (const [name, variants] of Object.entries(fact.macros)) {
      for (const variant of variants) addFact(macros, name, [variant.parameters, variant.variadic ? 1 : 0, 0, variant.values ?? 0], (f) => `${f[0]}/${f[1]}/${f[3]}`, 2, bit);
    }
    for (const [name, mask] of Object.entries(fact.droppingMacros)) addFact<[number, number]>(dropping, name, [mask, 0], (f) => String(f[0]), 1, bit);
    for (const name of [...Object.keys(fact.functions), ...Object.keys(fact.macros), ...fact.objectMacros]) callables.set(name, (callables.get(name) ?? 0) | bit);
    for (const name of fact.pastedFunctions) pasted.set(name, (pasted.get(name) ?? 0) | bit);
    for (const [name, paths] of Object.entries(fact.memberAliases)) {
      for (const path of paths) addFact<[string, number]>(aliases, name, [path, 0], (f) => f[0], 1, bit);
    }
  });
  // A name a generator macro makes counts as declared where it makes it (PageSlab, pasted on
  // 6.1, a plain function on 6.12), but never makes a name the kernel's by itself: a driver's
  // own generator may make the same names (bcache's SET_KEY_PTRS, pasted by the uapi header of
  // 5.10 and by bcache_ondisk.h itself later), and a check cannot see what a driver pastes.
  for (const [name, mask] of pasted) if (callables.has(name)) callables.set(name, callables.get(name)! | mask);
  const sortFacts = <T extends unknown[]>(table: Map<string, T[]>) => {
    for (const list of table.values()) list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return sortedRecord(table);
  };
  const names = sortedRecord(headers);
  const ids = new Map(Object.keys(names).map((name, id) => [name, id]));
  const isCallable = (name: string) => functions.has(name) || macros.has(name);
  const declaredIn = movedCallables(facts, isCallable, ids);
  const headerIds = unmovedDeclaringHeaders(facts, (name) => isCallable(name) && !Object.prototype.hasOwnProperty.call(declaredIn, name), ids);
  return {
    file: {
      schema: SCHEMA_VERSION,
      images,
      structs: byIds(sortFacts(definitions), ids),
      includes: includeGraph(includes, openHeaders, ids),
      // Before the functions: read with the include graph, which checks read without the large tables behind.
      dropping: sortFacts(dropping),
      functions: withHeaderIds(sortFacts(functions), headerIds),
      macros: withHeaderIds(sortFacts(macros), headerIds),
    },
    names: {
      schema: SCHEMA_VERSION,
      images,
      headers: names,
      callables: packNameMasks(changingCallables(callables, facts.length)),
      calls: sortedRecord(reshapedCalls(functions, macros, facts.length, facts.map((fact) => new Map(Object.entries(fact.forwardingMacros))))),
      objectLikeCalls: objectLikeCalls(facts, isCallable),
      declaredIn,
      constants: packNameMasks(vanishingConstants(facts)),
      pastedCallables: packNameMasks(pastedCallables(facts, callables)),
      retiredFunctions: retiredFunctions(facts, olderFunctions),
      retiredTypedefs: [...olderTypedefs].filter((name) => !facts.some((fact) => fact.typedefWatched.has(name))).sort(),
      retiredStructs: [...olderStructs].filter((tag) => !facts.some((fact) => fact.tagWatched.has(tag) || Object.prototype.hasOwnProperty.call(fact.definitions, `struct ${tag}`))).sort(),
    },
    aliases: { schema: SCHEMA_VERSION, images, aliases: sortFacts(aliases) },
    words: spelledWordsFile(images, facts),
  };
}

/**
 * How often the filter holds a name no kernel spells: such a name is then left alone. One in
 * 200 keeps the file near 600 KB for the 450 k names.
 */
const SPELLED_WORDS_FALSE_RATE = 0.005;

/** Every kernel's spelled names in capitals, as a filter, and the pieces their macros paste names from. */
export function spelledWordsFile(images: number[], facts: readonly HeaderFacts[]): SpelledWordsFile {
  const words = new Set<string>();
  const prefixes = new Set<string>();
  const suffixes = new Set<string>();
  for (const fact of facts) {
    for (const word of fact.spelledConstants) words.add(word);
    for (const piece of fact.pastingFragments.prefixes) prefixes.add(piece);
    for (const piece of fact.pastingFragments.suffixes) suffixes.add(piece);
  }
  return {
    schema: SCHEMA_VERSION,
    images,
    filter: WordFilter.of([...words].sort(), SPELLED_WORDS_FALSE_RATE).pack(),
    pastedPrefixes: [...prefixes].sort(),
    pastedSuffixes: [...suffixes].sort(),
  };
}

/**
 * For the functions and function-like macros whose headers did not move (see movedCallables):
 * the ids of every header that makes one callable on some kernel. A call compiles only where
 * the file's build reads one of them (6.12's `<linux/gpio.h>` no longer reads
 * `<linux/gpio/driver.h>`, which declares `gpiochip_add_data` on every kernel). All kernels'
 * headers together: a header that declares it on one kernel only makes the answer cautious.
 */
function unmovedDeclaringHeaders(facts: readonly HeaderFacts[], isJudged: (name: string) => boolean, ids: ReadonlyMap<string, number>): Map<string, number[]> {
  const found = new Map<string, Set<number>>();
  for (const fact of facts) {
    for (const [name, headers] of Object.entries(fact.callableHeaders)) {
      if (!isJudged(name)) continue;
      let set = found.get(name);
      if (!set) found.set(name, (set = new Set()));
      for (const header of headers) {
        const id = ids.get(header);
        if (id !== undefined) set.add(id);
      }
    }
  }
  return new Map([...found].map(([name, set]) => [name, [...set].sort((a, b) => a - b)]));
}

/** Each declaration of a name with its declaring headers' ids last (see unmovedDeclaringHeaders): read with the declaration, no table of its own. */
function withHeaderIds<T extends unknown[]>(table: Record<string, T[]>, headerIds: ReadonlyMap<string, number[]>): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const [name, entries] of Object.entries(table)) {
    const declaring = headerIds.get(name);
    out[name] = declaring && declaring.length > 0 ? entries.map((entry) => [...entry, declaring] as unknown as T) : entries;
  }
  return out;
}

/**
 * The functions and function-like macros that some kernel defines as an object-like macro
 * (`#define strlcpy strscpy`): a call of one compiles as whatever it names there, so the name's
 * own prototype does not say how it is called.
 */
function objectLikeCalls(facts: readonly HeaderFacts[], isCallable: (name: string) => boolean): string[] {
  const names = new Set<string>();
  for (const fact of facts) for (const name of fact.objectMacros) if (isCallable(name)) names.add(name);
  return [...names].sort();
}

/**
 * The headers that make each name callable, for the functions and function-like macros that
 * moved: two kernels declare it in no header in common (`crypto_cipher_setkey` in
 * linux/crypto.h on 5.10, in crypto/internal/cipher.h from 5.12). A call of one compiles only
 * where the file's build reads one of those headers. Other names (constants, include guards,
 * a declaration added to one more header) are left out: they cost room and break no call.
 */
function movedCallables(facts: readonly HeaderFacts[], isCallable: (name: string) => boolean, ids: ReadonlyMap<string, number>): Record<string, number[]> {
  const perKernel = new Map<string, (readonly string[] | undefined)[]>();
  facts.forEach((fact, i) => {
    for (const [name, headers] of Object.entries(fact.callableHeaders)) {
      let list = perKernel.get(name);
      if (!list) perKernel.set(name, (list = new Array<readonly string[] | undefined>(facts.length).fill(undefined)));
      list[i] = headers;
    }
  });
  const found = new Map<string, [string, number][]>();
  for (const [name, list] of perKernel) {
    if (!isCallable(name)) continue;
    const declaring = list.filter((headers): headers is readonly string[] => headers !== undefined);
    const moved = declaring.some((a) => declaring.some((b) => !a.some((header) => b.includes(header))));
    if (!moved) continue;
    const table = new Map<string, [string, number][]>();
    list.forEach((headers, i) => {
      for (const header of headers ?? []) addFact<[string, number]>(table, name, [header, 0], (f) => f[0], 1, 1 << i);
    });
    found.set(name, table.get(name)!);
  }
  return byIds(sortedRecord(found), ids);
}

/** [header name, mask][] lists as flat [header id, mask, …] lists. */
function byIds(table: Record<string, [string, number][]>, ids: ReadonlyMap<string, number>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [key, list] of Object.entries(table)) out[key] = flatIds(list, ids);
  return out;
}

function flatIds(list: readonly [string, number][], ids: ReadonlyMap<string, number>): number[] {
  return list
    .map(([name, mask]): [number, number] => [idOf(name, ids), mask])
    .sort((a, b) => a[0] - b[0])
    .flat();
}

function idOf(name: string, ids: ReadonlyMap<string, number>): number {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`header facts name ${name}, which is no include name`);
  return id;
}

/** The include graph over header ids: per id the headers it may include, and the headers with unknown includes. */
function includeGraph(includes: Map<string, [string, number][]>, openHeaders: Map<string, number>, ids: ReadonlyMap<string, number>): IncludeGraph {
  const edges: number[][] = [...ids.keys()].map((name) => flatIds(includes.get(name) ?? [], ids));
  const open = flatIds([...openHeaders], ids);
  return { headers: ids.size, edges, open };
}

/** `typedefs[i]` belongs to the kernel at database index `images[i]`. */
export function typedefsFile(images: number[], typedefs: Map<string, { pointer: string; isPointer: boolean }>[]): TypedefsFile {
  const functions = new Map<string, [string, number, number][]>();
  typedefs.forEach((kernel, i) => {
    for (const [name, type] of kernel) addFact<[string, number, number]>(functions, name, [type.pointer, type.isPointer ? 1 : 0, 0], (f) => `${f[0]}\u0000${f[1]}`, 2, 1 << i);
  });
  for (const list of functions.values()) list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { schema: SCHEMA_VERSION, images, functions: sortedRecord(functions) };
}

export function headersFileBytes(file: HeadersFile | HeaderNamesFile | TypedefsFile | SpelledWordsFile): Buffer {
  return gzipSync(JSON.stringify(file), { level: 9 });
}
