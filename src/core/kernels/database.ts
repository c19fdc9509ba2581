// Read access to the kernel struct database: which aggregates and members each kernel
// image has, with their C types. Loading is lazy: the image list is small and read first;
// the type tables are decompressed and parsed on the first question about a type.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { isNameMasks } from './nameMasks';
import { HeaderIndex, type DeclarationTables } from './headerIndex';
import { LazyMembers, recordLookup, scanObject } from './lazyMembers';
import { ShardLines } from './shardLines';
import { detached } from '../detached';
import { cacheSize } from '../cacheBudget';
import {
  SCHEMA_VERSION,
  shardFileName,
  shardNamesFileName,
  shardOf,
  type AggregateKind,
  type Carriers,
  type ConfigsFile,
  type HeaderNamesFile,
  type HeadersFile,
  type TypedefsFile,
  type SpelledWordsFile,
  type KernelImage,
  type KernelsFile,
  type MemberAliasesFile,
  type ShardNamesLine,
  type ShardRecord,
} from './schema';

export type { AggregateKind, Carriers, KernelImage } from './schema';

export interface AggregateRef {
  kind: AggregateKind;
  name: string;
}

export interface Member {
  name: string;
  /** The member as declared: `int (*open)(void *)`. */
  declaration: string;
  /** Its type without the name: `int (*)(void *)`. */
  type: string;
}

export interface Definition {
  members: readonly Member[];
  byName: ReadonlyMap<string, Member>;
  /** True when an unnamed, unflattened anonymous member hides some members: absence proves nothing. */
  incomplete: boolean;
}

/**
 * A member on one image:
 * - present: declared there, with its type;
 * - absent: the aggregate is there, complete, and has no such member;
 * - unknown: the aggregate is there but incomplete, and the member is not among the visible ones;
 * - no-aggregate: the aggregate itself is not in that image's vmlinux BTF.
 */
export type MemberState =
  | { state: 'present'; member: Member }
  | { state: 'absent' }
  | { state: 'unknown' }
  | { state: 'no-aggregate' };

// A history holds a state per image, and thousands of histories are kept: the states without a
// member are shared, and a member's present state is made once per member.
const ABSENT: MemberState = Object.freeze({ state: 'absent' });
const UNKNOWN: MemberState = Object.freeze({ state: 'unknown' });
const NO_AGGREGATE: MemberState = Object.freeze({ state: 'no-aggregate' });
const presentStates = new WeakMap<Member, MemberState>();

function presentState(member: Member): MemberState {
  let state = presentStates.get(member);
  if (!state) presentStates.set(member, (state = Object.freeze({ state: 'present', member })));
  return state;
}

/** An image added at run time (a kernel imported from BTF). */
export interface ImportedImage {
  image: KernelImage;
  definitions: Map<string, { members: Member[]; incomplete: boolean }>;
  /** CONFIG_ values, or undefined when the kernel's config is not known. */
  config?: Map<string, string>;
}

/** Reads a file of the database folder by name ('kernels.json', 'types.json.gz', …). */
export type DataReader = (name: string) => Uint8Array;

export class DatabaseError extends Error {}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isSpelledWordsFile(file: SpelledWordsFile): boolean {
  const pieces = (list: unknown) => Array.isArray(list) && list.every((piece) => typeof piece === 'string');
  return isObject(file.filter) && typeof file.filter.bits === 'string' && file.filter.bits.length > 0 && Number.isInteger(file.filter.hashes) && file.filter.hashes > 0 && pieces(file.pastedPrefixes) && pieces(file.pastedSuffixes);
}

/** The part of headers.json.gz every check with kernel includes reads: the include graph and the structs' headers. */
type HeaderGraphTables = Pick<HeadersFile, 'schema' | 'images' | 'structs' | 'includes' | 'dropping'>;

/** Which members of a data file are wanted, and the key written after them. */
interface LeadingMembers {
  before: string;
  keys: readonly string[];
}

/**
 * Output buffer for the gzipped tables, larger than any of them (8.8 MB the largest) and than
 * glibc's 32 MB ceiling for its dynamic mmap threshold. Decompressed into one buffer of its own
 * size, a table was an 8.8 MB mmap whose release raised that threshold to 8.8 MB: glibc then
 * kept what later allocations below it freed, 25-30 MB more RSS after an editor's first two
 * checks. A buffer above the ceiling leaves the threshold alone, and only the pages written
 * are resident.
 */
const GZIP_OUTPUT_BUFFER = 64 << 20;

/** A data file's bytes decompressed as its name says: `.gz` gzip, `.br` brotli, else as they are. */
function decompressed(name: string, bytes: Uint8Array): Uint8Array {
  if (name.endsWith('.gz')) return gunzipSync(bytes, { chunkSize: GZIP_OUTPUT_BUFFER });
  if (name.endsWith('.br')) return brotliDecompressSync(bytes);
  return bytes;
}

/** A data file's text, decompressed as its name says. */
function decompressedText(name: string, bytes: Uint8Array): string {
  try {
    // Read in place: a copy would be another large buffer to allocate and free.
    const plain = decompressed(name, bytes);
    return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8');
  } catch (error) {
    throw new DatabaseError(`the kernel database file ${name} is corrupt (${(error as Error).message}); reinstall, or run 'npm run build:data'`);
  }
}

/**
 * A data file's JSON. With `leading`, only the members written before its key (`,"functions":`)
 * are parsed when they hold every key wanted, the whole file otherwise: the build writes the
 * tables every check needs first, so the first check does not pay for the large ones behind.
 */
function parseJson<T>(name: string, bytes: Uint8Array, leading?: LeadingMembers): T {
  return parseJsonText(name, decompressedText(name, bytes), leading);
}

/** parseJson on a data file's text already decompressed. */
function parseJsonText<T>(name: string, text: string, leading?: LeadingMembers): T {
  let value: { schema?: unknown } | undefined;
  const cut = leading === undefined ? -1 : text.indexOf(leading.before);
  if (leading !== undefined && cut > 0) {
    try {
      const members = someMembers(text, cut);
      if (leading.keys.every((key) => Object.prototype.hasOwnProperty.call(members, key))) value = members;
    } catch {
      value = undefined;
    }
  }
  try {
    value ??= JSON.parse(text);
  } catch (error) {
    throw new DatabaseError(`the kernel database file ${name} is not valid JSON (${(error as Error).message}); reinstall, or run 'npm run build:data'`);
  }
  if (value?.schema !== SCHEMA_VERSION) {
    throw new DatabaseError(`the kernel database file ${name} has schema ${String(value?.schema)}, this version reads schema ${SCHEMA_VERSION}`);
  }
  return value as T;
}

/** The members before `cut`. */
function someMembers(text: string, cut: number): { schema?: unknown } {
  return JSON.parse(`${text.slice(0, cut)}}`) as { schema?: unknown };
}

/**
 * headers.json.gz's declarations as the build lays the file out: `{"schema":…,"images":…,`
 * then the graph's tables from `"structs"` on, then `"functions":{…},"macros":{…}`.
 * Undefined where the text is laid out otherwise, or its schema is another.
 */
function lazyDeclarations(text: string): { images: unknown; tables: DeclarationTables } | undefined {
  const functionsKey = ',"functions":';
  const cut = text.indexOf(functionsKey);
  const firstEnd = text.indexOf(',"structs":');
  if (cut <= 0 || firstEnd <= 0 || firstEnd >= cut) return undefined;
  let leading: { schema?: unknown; images?: unknown };
  try {
    leading = JSON.parse(`${text.slice(0, firstEnd)}}`) as typeof leading;
  } catch {
    return undefined;
  }
  if (leading.schema !== SCHEMA_VERSION) return undefined;
  const functions = scanObject(text, cut + functionsKey.length);
  const macrosKey = ',"macros":';
  if (!functions || !text.startsWith(macrosKey, functions.end)) return undefined;
  const macros = scanObject(text, functions.end + macrosKey.length);
  if (!macros) return undefined;
  const corrupt = (name: string) => new DatabaseError(`the kernel database file headers.json.gz is corrupt (the declarations of ${name}); reinstall, or run 'npm run build:data'`);
  return {
    images: leading.images,
    tables: { functions: new LazyMembers(text, functions.valueStarts, corrupt), macros: new LazyMembers(text, macros.valueStarts, corrupt) },
  };
}

export function aggregateKey(ref: AggregateRef): string {
  return `${ref.kind} ${ref.name}`;
}

/** A name's record as read from its shard's tables, its layouts made definitions on first use. */
interface NameRecord {
  record: ShardRecord;
  incomplete: Set<number>;
  definitions: Definition[];
  /** The members its layouts have made so far, by declaration. */
  members: Map<string, Member>;
}

/** Database image index → its bit in a file's masks, for the images the file lists. */
function maskBits(images: readonly number[]): Map<number, number> {
  return new Map(images.map((index, i) => [index, 1 << i]));
}

function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

interface NameFacts {
  definitions: (Definition | null)[];
  /** Images on which no public header defines it. */
  privateImages: readonly number[];
  /** Some header of a kernel with header data defines it. */
  headered: boolean;
}

/** Shards whose tables are kept decompressed at once (of 1024): about 75 KB of text each. */
const MAX_SHARD_TABLES = 128;
/** Shards whose names are kept decompressed at once: about 10 KB of text each. */
const MAX_SHARD_NAMES = 512;
/** Names whose answers are kept (definitions, private images, header presence); members get four times as many. */
const MAX_KEPT_NAMES = 8192;
const MAX_KEPT_RECORDS = 1024;

export class KernelDatabase {
  readonly images: KernelImage[];
  readonly source: string;
  private readonly bundledCount: number;
  private readonly imported: ImportedImage[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly shardCount: number;
  /**
   * Decompressed shard tables, the most recently used kept, from which names' records are
   * parsed one by one. The answers per name are kept below: holding every shard a big tree
   * touched cost a checking thread 150 MB (i915 read 203 of 256 shards for 408 names).
   */
  private readonly shardTables = new LRUCache<number, ShardLines>({ max: cacheSize(MAX_SHARD_TABLES) });
  private readonly shardNames = new LRUCache<number, ShardLines>({ max: cacheSize(MAX_SHARD_NAMES) });
  /** Records are read for a name's facts (kept below) and for reports and hovers: few are asked again. */
  private readonly records = new LRUCache<string, NameRecord>({ max: cacheSize(MAX_KEPT_RECORDS) });
  /**
   * Each name's layout per image, false where no bundled image lists it: every tag a file
   * mentions asks. (Caches are sized for what is asked again: an LRU allocates its `max` up
   * front, and four times as many entries cost a cold start 40 ms of collection. Allocated as
   * they fill instead (countedCache), these caches grew a cold start's memory by 15-20 MB in
   * half the runs, for no faster first diagnostics.)
   */
  private readonly layoutsByName = new LRUCache<string, ShardNamesLine | false>({ max: cacheSize(MAX_KEPT_NAMES) });
  private configsFile?: ConfigsFile;
  /** What checks ask about a name, read from its shard at once: a later question needs no shard. */
  private readonly nameFacts = new LRUCache<string, NameFacts>({ max: cacheSize(MAX_KEPT_NAMES) });
  private readonly historyCache = new LRUCache<string, MemberState[]>({ max: cacheSize(MAX_KEPT_NAMES * 4) });
  private memberAliases?: { file: MemberAliasesFile; bits: Map<number, number> };
  private headerIndex?: HeaderIndex;
  private typedefs?: { file: TypedefsFile; bits: Map<number, number> };

  private constructor(
    private readonly read: DataReader,
    kernels: KernelsFile,
  ) {
    this.images = kernels.images.map((image) => ({ distribution: 'ubuntu', btf: 'vmlinux', ...image }));
    this.source = kernels.source;
    this.shardCount = kernels.shards;
    this.bundledCount = kernels.images.length;
    this.images.forEach((image, index) => this.labelIndex.set(image.label, index));
  }

  /** Opens a database folder through `read`. Only the small image list is read now. */
  static open(read: DataReader): KernelDatabase {
    let bytes: Uint8Array;
    try {
      bytes = read('kernels.json');
    } catch (error) {
      throw new DatabaseError(`cannot read the kernel database (kernels.json): ${(error as Error).message}`);
    }
    const kernels = parseJson<KernelsFile>('kernels.json', bytes);
    if (!Array.isArray(kernels.images) || !Number.isInteger(kernels.shards) || kernels.shards < 1) {
      throw new DatabaseError("the kernel database file kernels.json is missing its image list or shard count; reinstall, or run 'npm run build:data'");
    }
    return new KernelDatabase(read, kernels);
  }

  /** A file of the database folder; a missing or unreadable one is a DatabaseError. */
  private required(name: string): Uint8Array {
    try {
      return this.read(name);
    } catch (error) {
      throw new DatabaseError(`cannot read the kernel database (${name}): ${(error as Error).message}`);
    }
  }

  /** A file the folder may lack (written by hand, or by an older build): undefined then. */
  private optional(name: string): Uint8Array | undefined {
    try {
      return this.read(name);
    } catch {
      return undefined;
    }
  }

  /** One of a shard's two files, decompressed, read on first use and kept in `cache`. */
  private shardFile(cache: LRUCache<number, ShardLines>, index: number, name: string): ShardLines {
    let lines = cache.get(index);
    if (!lines) {
      lines = new ShardLines(name, decompressedText(name, this.required(name)), (message) => new DatabaseError(`${message}; reinstall, or run 'npm run build:data'`));
      cache.set(index, lines);
    }
    return lines;
  }

  private namesAt(index: number): ShardLines {
    return this.shardFile(this.shardNames, index, shardNamesFileName(index));
  }

  /** Each bundled image's layout of the name (an index into its record's layouts, -1 where absent); undefined where no bundled image lists it. */
  private layoutsPerImage(key: string): ShardNamesLine | undefined {
    let perImage = this.layoutsByName.get(key);
    if (perImage === undefined) {
      const names = this.namesAt(shardOf(key, this.shardCount));
      perImage = names.value<ShardNamesLine>(key) ?? false;
      if (perImage !== false && !Array.isArray(perImage)) throw new DatabaseError(`the kernel database file ${names.name} is missing tables at ${key}; reinstall, or run 'npm run build:data'`);
      this.layoutsByName.set(detached(key), perImage);
    }
    return perImage || undefined;
  }

  /** The record of a name its shard's names list: its line of the shard's tables. */
  private recordOf(key: string): NameRecord {
    let found = this.records.get(key);
    if (!found) {
      const index = shardOf(key, this.shardCount);
      const tables = this.shardFile(this.shardTables, index, shardFileName(index));
      const record = tables.value<ShardRecord>(key);
      if (record === undefined) throw new DatabaseError(`the kernel database file ${tables.name} has no record of ${key}; reinstall, or run 'npm run build:data'`);
      if (!Array.isArray(record?.layouts)) throw new DatabaseError(`the kernel database file ${tables.name} is missing tables at ${key}; reinstall, or run 'npm run build:data'`);
      found = { record, incomplete: new Set(record.incomplete), definitions: [], members: new Map() };
      this.records.set(detached(key), found);
    }
    return found;
  }

  imageIndex(label: string): number | undefined {
    return this.labelIndex.get(label);
  }

  /** Adds a kernel imported from BTF; it takes part in every question like a bundled image. */
  addImage(imported: ImportedImage): number {
    if (this.labelIndex.has(imported.image.label)) throw new DatabaseError(`a kernel labelled '${imported.image.label}' is already in the database`);
    const index = this.images.length;
    this.images.push(imported.image);
    this.imported.push(imported);
    this.labelIndex.set(imported.image.label, index);
    this.nameFacts.clear();
    this.historyCache.clear();
    return index;
  }

  /** Aggregate names of one kind, sorted. Reads every shard: for pickers and suggestions, not checks. */
  names(kind: AggregateKind): string[] {
    const names = new Set<string>();
    const prefix = `${kind} `;
    for (let index = 0; index < this.shardCount; index++) {
      for (const key of this.namesAt(index).keys()) if (key.startsWith(prefix)) names.add(key.slice(prefix.length));
    }
    for (const imported of this.imported) {
      for (const key of imported.definitions.keys()) if (key.startsWith(prefix)) names.add(key.slice(prefix.length));
    }
    return [...names].sort();
  }

  /** Is the aggregate in at least one image? */
  knows(ref: AggregateRef): boolean {
    const key = aggregateKey(ref);
    if (this.imported.some((image) => image.definitions.has(key))) return true;
    return this.layoutsPerImage(key)?.some((layout) => layout >= 0) ?? false;
  }

  private layout(named: NameRecord, id: number): Definition {
    let definition = named.definitions[id];
    if (!definition) {
      // A struct's layouts across kernels mostly repeat each other's members: one Member each,
      // shared, rather than a copy per layout (JSON.parse does not share long strings).
      const members = (named.record.layouts[id] ?? []).map(([name, declaration, type]) => {
        const known = named.members.get(declaration);
        if (known?.name === name && known.type === type) return known;
        const member = { name, declaration, type };
        named.members.set(declaration, member);
        return member;
      });
      definition = { members, byName: new Map(members.map((m) => [m.name, m])), incomplete: named.incomplete.has(id) };
      named.definitions[id] = definition;
    }
    return definition;
  }

  /**
   * The modules that carry the aggregate's definition on `image` (count, then the first few
   * names); undefined when vmlinux carries it, it is absent, or the image's modules were not read.
   */
  carriers(ref: AggregateRef, image: number): Carriers | undefined {
    if (image >= this.bundledCount) return undefined;
    const key = aggregateKey(ref);
    if (!this.lists(ref)) return undefined;
    const perImage = this.recordOf(key).record.carriers;
    return perImage ? ownValue(perImage, String(image)) : undefined;
  }

  /**
   * True when the kernel's headers were read and none of them defines the aggregate: it is
   * private to a module or a .c file there. Undefined when the image has no header data.
   */
  isPrivate(ref: AggregateRef, image: number): boolean | undefined {
    if (image >= this.bundledCount || !this.images[image].headers) return undefined;
    return this.privateImages(ref).includes(image);
  }

  /**
   * Whether some header of some kernel with header data defines the aggregate; undefined
   * when no bundled kernel has header data. A name no header defines is never the kernel's.
   */
  definedInSomeHeader(ref: AggregateRef): boolean | undefined {
    if (!this.images.some((image) => image.headers)) return undefined;
    return this.factsOf(ref).headered;
  }

  /** The images on which no public header defines the aggregate (cached: checks ask per usage). */
  privateImages(ref: AggregateRef): readonly number[] {
    return this.factsOf(ref).privateImages;
  }

  /**
   * Whether another same-named definition on the image has the member. Which of them a driver's
   * code means is the headers' to say, not BTF's: vmlinux's `struct map_info` is uprobes' private
   * one, while drivers mean mtd's, carried by 22 modules.
   */
  private someAlternativeHas(ref: AggregateRef, image: number, member: string): boolean {
    return this.alternatives(ref, image).some(({ definition }) => definition.byName.has(member));
  }

  /** Other same-named definitions on `image` (a kernel with several `struct channel`s), with their carriers. */
  alternatives(ref: AggregateRef, image: number): { definition: Definition; carriers: Carriers }[] {
    if (image >= this.bundledCount) return [];
    if (!this.lists(ref)) return [];
    const named = this.recordOf(aggregateKey(ref));
    const perImage = named.record.alternatives;
    const found = perImage ? ownValue(perImage, String(image)) : undefined;
    return (found ?? []).map((alternative) => ({ definition: this.layout(named, alternative.layout), carriers: alternative.carriers }));
  }

  /** The aggregate's definition on every image (null: not in that image's vmlinux BTF). */
  definitions(ref: AggregateRef): (Definition | null)[] {
    return this.factsOf(ref).definitions;
  }

  /** Whether the shard's names list the name, so that its tables hold a record of it. */
  private lists(ref: AggregateRef): boolean {
    return this.layoutsPerImage(aggregateKey(ref)) !== undefined;
  }

  private factsOf(ref: AggregateRef): NameFacts {
    const key = aggregateKey(ref);
    let facts = this.nameFacts.get(key);
    if (!facts) {
      const perImage = this.layoutsPerImage(key);
      // A name the shard does not list has no record: no layout, never private, not unheadered.
      const named = perImage ? this.recordOf(key) : undefined;
      const definitions = this.images.map((_, index) => {
        if (index < this.bundledCount) {
          const layout = perImage?.[index] ?? -1;
          return named && layout >= 0 ? this.layout(named, layout) : null;
        }
        const found = this.imported[index - this.bundledCount].definitions.get(key);
        return found ? { members: found.members, byName: new Map(found.members.map((m) => [m.name, m])), incomplete: found.incomplete } : null;
      });
      facts = { definitions, privateImages: named?.record.private ?? [], headered: !named?.record.unheadered };
      this.nameFacts.set(detached(key), facts);
    }
    return facts;
  }

  definition(ref: AggregateRef, image: number): Definition | null {
    return this.definitions(ref)[image] ?? null;
  }

  /** One member's state on every image. Cached: hovers and checks ask the same questions often. */
  memberHistory(ref: AggregateRef, member: string): MemberState[] {
    const key = `${aggregateKey(ref)}.${member}`;
    let history = this.historyCache.get(key);
    if (!history) {
      history = this.definitions(ref).map((definition, image): MemberState => {
        if (!definition) return NO_AGGREGATE;
        const found = definition.byName.get(member) ?? this.aliasMember(definition, image, member);
        if (found) return presentState(found);
        if (definition.incomplete || this.someAlternativeHas(ref, image, member)) return UNKNOWN;
        return ABSENT;
      });
      this.historyCache.set(detached(key), history);
    }
    return history;
  }

  /**
   * `member` as a kernel header macro for a path into a member the definition has
   * (`dentry->d_lock` is `dentry->d_lockref.lock`), typed through the path where the data
   * allows; undefined when the name is no such alias there.
   */
  private aliasMember(definition: Definition, image: number, member: string, depth = 0): Member | undefined {
    const paths = this.aliasesOf(member, image);
    for (const path of paths) {
      const steps = path.match(/[A-Za-z_]\w*|\[[^\]]*\]/g) ?? [];
      // The path may start at another alias (`#define gm_hold gm_sustain`, itself `control[MIDI_CTL_SUSTAIN]`).
      const base = definition.byName.get(steps[0] ?? '') ?? (depth < 4 ? this.aliasMember(definition, image, steps[0] ?? '', depth + 1) : undefined);
      if (!base) continue;
      let type: string | undefined = base.type;
      for (const step of steps.slice(1)) {
        if (type === undefined) break;
        if (step.startsWith('[')) {
          type = /\[\d*\]$/.test(type) ? type.replace(/\s*\[\d*\]$/, '') : undefined;
          continue;
        }
        // `fib_metrics->metrics`: through the pointer to the struct.
        const tag = /^(?:const\s+|volatile\s+)*(struct|union)\s+([A-Za-z_]\w*)(?:\s*\*)?$/.exec(type);
        type = tag ? this.definition({ kind: tag[1] as AggregateKind, name: tag[2] }, image)?.byName.get(step)?.type : undefined;
      }
      return { name: member, declaration: `#define ${member} ${path}`, type: type ?? '' };
    }
    return undefined;
  }

  /**
   * Whether the kernel headers of `image` #define `name` as another word (`#define
   * sockaddr_storage __kernel_sockaddr_storage`): a struct tag so named is another struct's.
   */
  renames(name: string, image: number): boolean {
    return this.renamedTo(name, image) !== undefined;
  }

  /** The word the image's headers #define `name` as (`#define spi_master spi_controller`), if they do. */
  renamedTo(name: string, image: number): string | undefined {
    return this.aliasesOf(name, image).find((path) => /^[A-Za-z_]\w*$/.test(path));
  }

  /** The paths `member` expands to on `image` (every known path on a kernel without header data). */
  private aliasesOf(member: string, image: number): string[] {
    if (!this.memberAliases) {
      // A folder without the list: then no member is an alias.
      const bytes = this.optional('member-aliases.json');
      const file = bytes ? parseJson<MemberAliasesFile>('member-aliases.json', bytes) : { schema: SCHEMA_VERSION, images: [], aliases: {} };
      if (typeof file.aliases !== 'object' || file.aliases === null || !Array.isArray(file.images)) {
        throw new DatabaseError('the kernel database file member-aliases.json has no alias table');
      }
      this.memberAliases = { file, bits: maskBits(file.images) };
    }
    const { file, bits } = this.memberAliases;
    const paths = ownValue(file.aliases, member);
    if (!Array.isArray(paths)) return [];
    const bit = bits.get(image);
    return paths.filter(([, mask]) => bit === undefined || (mask & bit) !== 0).map(([path]) => path);
  }

  /**
   * The function-pointer type a member of type `memberType` holds on `image`, when that type
   * is a typedef of a function type there (`proc_handler *`, `irq_handler_t`); undefined
   * otherwise, or when the image's typedefs are not known (the Ubuntu images).
   */
  functionTypedef(memberType: string, image: number): string | undefined {
    const match = /^([A-Za-z_]\w*)\s*(\*?)$/.exec(memberType.replace(/^const\s+/, '').trim());
    if (!match) return undefined;
    const typedefs = this.typedefTable();
    const bit = typedefs.bits.get(image);
    if (bit === undefined) return undefined;
    const variant = (ownValue(typedefs.file.functions, match[1]) ?? []).find(([, , mask]) => (mask & bit) !== 0);
    if (!variant) return undefined;
    const [pointer, isPointer] = variant;
    // `irq_handler_t handler` holds the pointer; `proc_handler *proc_handler` points to the function.
    return (isPointer === 1) === (match[2] === '') ? pointer : undefined;
  }

  private typedefTable(): { file: TypedefsFile; bits: Map<number, number> } {
    if (!this.typedefs) {
      const bytes = this.optional('typedefs.json.gz');
      const file = bytes ? parseJson<TypedefsFile>('typedefs.json.gz', bytes) : { schema: SCHEMA_VERSION, images: [], functions: {} };
      if (!Array.isArray(file.images) || typeof file.functions !== 'object' || file.functions === null) {
        throw new DatabaseError("the kernel database file typedefs.json.gz is missing tables; reinstall, or run 'npm run build:data'");
      }
      this.typedefs = { file, bits: maskBits(file.images) };
    }
    return this.typedefs;
  }

  /**
   * What the headers of the kernels with header data declare (data/headers.json.gz, read on
   * first use). A folder without the file has header data for no kernel.
   */
  headers(): HeaderIndex {
    if (!this.headerIndex) {
      const images = this.images.flatMap((image, index) => (index < this.bundledCount && image.headers ? [index] : []));
      const empty = { schema: SCHEMA_VERSION, images: [] };
      // The graph and the declarations are two reads of headers.json.gz, usually in the same
      // check: its text (7.9 MB) is decompressed once (40 ms) and held weakly in between.
      let headersText: WeakRef<{ text: string }> | undefined;
      const textOf = (name: string): string => {
        if (name !== 'headers.json.gz') return decompressedText(name, this.required(name));
        let held = headersText?.deref();
        if (!held) headersText = new WeakRef((held = { text: decompressedText(name, this.required(name)) }));
        return held.text;
      };
      // Masks are over the kernels with header data in database order; a file from another build would misread them.
      const checkImages = (name: string, fileImages: unknown) => {
        if (JSON.stringify(fileImages) !== JSON.stringify(images)) {
          throw new DatabaseError(`the kernel database file ${name} does not match kernels.json; reinstall, or run 'npm run build:data'`);
        }
      };
      const load = <T>(name: string, fallback: T, valid: (file: T) => boolean, leading?: LeadingMembers): T => {
        if (images.length === 0) return fallback;
        const file = parseJsonText<T>(name, textOf(name), leading);
        checkImages(name, (file as { images?: unknown }).images);
        if (!valid(file)) throw new DatabaseError(`the kernel database file ${name} is missing tables; reinstall, or run 'npm run build:data'`);
        return file;
      };
      let names: HeaderNamesFile | undefined;
      const loadNames = () =>
        (names ??= load<HeaderNamesFile>('header-names.json.gz', { ...empty, headers: {}, callables: { names: '', masks: [] } }, (f) => isObject(f.headers) && isNameMasks(f.callables) && (f.constants === undefined || isNameMasks(f.constants))));
      const emptyGraph = { headers: 0, edges: [], open: [] };
      const validGraph = (f: HeaderGraphTables) => Boolean(isObject(f.structs) && isObject(f.includes) && Array.isArray(f.includes.edges) && Array.isArray(f.includes.open));
      // Header ids index header-names.json.gz's names: files of two builds would misname every header.
      const sameBuild = <T extends HeaderGraphTables>(file: T): T => {
        if (images.length > 0 && file.includes.headers !== Object.keys(loadNames().headers).length) {
          throw new DatabaseError("the kernel database files headers.json.gz and header-names.json.gz are of different builds; reinstall, or run 'npm run build:data'");
        }
        return file;
      };
      // The graph and the declarations are read apart (every check needs the graph; the
      // declarations, five times its size, only checks with certain calls): each parse skips
      // the other's members, and the declarations are parsed a name at a time.
      const loadDeclarations = (): DeclarationTables => {
        if (images.length === 0) return { functions: recordLookup({}), macros: recordLookup({}) };
        const lazy = lazyDeclarations(textOf('headers.json.gz'));
        if (lazy) {
          checkImages('headers.json.gz', lazy.images);
          return lazy.tables;
        }
        // Not laid out as the build writes it: read whole, with every check that implies.
        const file = load<Pick<HeadersFile, 'functions' | 'macros'>>('headers.json.gz', { ...empty, functions: {}, macros: {} }, (f) => isObject(f.functions) && isObject(f.macros));
        return { functions: recordLookup(file.functions), macros: recordLookup(file.macros) };
      };
      const loadGraph = () => sameBuild(load<HeaderGraphTables>('headers.json.gz', { ...empty, structs: {}, includes: emptyGraph }, validGraph, { before: ',"functions":', keys: ['schema', 'images', 'structs', 'includes', 'dropping'] }));
      // Older data has no such file: then no name counts as spelled by no kernel.
      const loadSpelledWords = (): SpelledWordsFile | undefined => {
        const name = 'spelled-words.json.gz';
        const bytes = images.length > 0 ? this.optional(name) : undefined;
        if (!bytes) return undefined;
        const file = parseJsonText<SpelledWordsFile>(name, decompressedText(name, bytes));
        checkImages(name, file.images);
        if (!isSpelledWordsFile(file)) throw new DatabaseError(`the kernel database file ${name} is missing tables; reinstall, or run 'npm run build:data'`);
        return file;
      };
      this.headerIndex = new HeaderIndex(images, loadNames, loadGraph, loadDeclarations, loadSpelledWords);
    }
    return this.headerIndex;
  }

  /**
   * A CONFIG_ symbol's value on an image: 'y', 'm', a string or number text; undefined when
   * not set (off); null when the image's config is unknown (an imported kernel without one).
   */
  configValue(image: number, symbol: string): string | undefined | null {
    if (image >= this.bundledCount) {
      const config = this.imported[image - this.bundledCount]?.config;
      return config ? config.get(symbol) : null;
    }
    if (!this.configsFile) this.configsFile = parseJson<ConfigsFile>('configs.json.gz', this.required('configs.json.gz'));
    const perImage = Object.prototype.hasOwnProperty.call(this.configsFile.symbols, symbol) ? this.configsFile.symbols[symbol] : undefined;
    const valueId = perImage?.[image] ?? -1;
    return valueId >= 0 ? this.configsFile.values[valueId] : undefined;
  }
}
