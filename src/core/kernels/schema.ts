// The on-disk shape of the bundled kernel database (data/). Written by scripts/build-data.ts,
// read by src/core/database.ts. Bump SCHEMA_VERSION on any incompatible change to the type
// shards (every file carries it, so a bump rewrites them all); a table whose stored shape
// changed in one file is told apart by its shape (an old header-names.json.gz is refused as
// missing tables).
import type { NameMasks } from './nameMasks';
import type { PackedWordFilter } from './wordFilter';

export const SCHEMA_VERSION = 3;

export type ImageGroup = 'version' | 'arch' | 'flavor' | 'imported';
/** Who built the kernel: histories compare consecutive images of one distribution only. */
export type Distribution = 'ubuntu' | 'debian' | 'imported';
export type AggregateKind = 'struct' | 'union' | 'enum';

export interface KernelImage {
  /** Short label users type and read: '5.15', 'arm64', 'aws'. */
  label: string;
  /** Full image name: '5.15.0-25-generic-amd64'. */
  image: string;
  group: ImageGroup;
  arch: string;
  flavor: string;
  /** Upstream release the image is based on, from CONFIG_VERSION_SIGNATURE: '5.15.30'. */
  release: string;
  /** LINUX_VERSION_CODE of that release. */
  versionCode: number;
  /** Absent in files written before distributions were told apart: Ubuntu then. */
  distribution?: Distribution;
  /**
   * What the image's types come from: 'vmlinux' (the DepSurf images: absent means "not in
   * the vmlinux BTF") or 'vmlinux+modules' (the Debian kernels: absent means "in neither
   * vmlinux nor any module").
   */
  btf?: 'vmlinux' | 'vmlinux+modules';
  /** The distribution's package the image was read from: 'linux-image-6.1.0-57-amd64 6.1.192-3'. */
  package?: string;
  /** True when the kernel's headers were read too (header facts in headers.json.gz). */
  headers?: boolean;
}

/** data/kernels.json: small, readable, loaded first. */
export interface KernelsFile {
  schema: number;
  source: string;
  images: KernelImage[];
  /** Aggregates are split into this many shards, by `shardOf`: types/NNNN.names.json.br and types/NNNN.json.br each. */
  shards: number;
}

/** The shard that holds an aggregate: FNV-1a of 'struct name' modulo the shard count. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash % shards;
}

/** The shard's tables: what its names' members are. */
export function shardFileName(shard: number): string {
  return `types/${String(shard).padStart(4, '0')}.json.br`;
}

/** The shard's names: which images have each, in which layout. */
export function shardNamesFileName(shard: number): string {
  return `types/${String(shard).padStart(4, '0')}.names.json.br`;
}

/**
 * Where a definition comes from on a kernel whose modules were read: how many modules carry
 * that layout (a module struct is copied into every module that uses it) and the first few
 * of them, shallowest path first ('vfio' before 'vfio-pci-core').
 */
export type Carriers = [count: number, ...names: string[]];

/**
 * A shard's two files are lines: `{"schema":N}` first, then one line per name, sorted: the key
 * as a JSON string (`"struct foo"`), RECORD_SEPARATOR, and the name's value as JSON. A check
 * finds the lines of the few names it asks about in the decompressed text and parses those
 * alone: parsing a shard whole cost more than decompressing it. Brotli-compressed: 30% smaller
 * than gzip at the same decompression speed.
 *
 * data/types/NNNN.names.json.br, the names of one shard: per name, its layout per image (an
 * index into the name's record's `layouts`; -1: absent). On a kernel with modules this is the
 * kernel's own definition of the name: the one vmlinux carries, else the layout the most
 * modules carry. Read apart from the tables: every tag a file mentions asks whether it is a
 * kernel's at all, while members are asked of fewer names.
 */
export type ShardNamesLine = number[];

/** The separator between a name and its value on a line of a shard's files. */
export const RECORD_SEPARATOR = '\t';

/** data/types/NNNN.json.br, the tables of one shard: per name, its record. */
export interface ShardRecord {
  /** The name's distinct layouts, each its members as [name, declaration, type]: most images share one. */
  layouts: [name: string, declaration: string, type: string][][];
  /** Layouts that hide members inside an unnamed, unflattened anonymous struct/union. */
  incomplete?: number[];
  /** Image index -> the modules that carry the name (absent: vmlinux carries it). */
  carriers?: Record<string, Carriers>;
  /**
   * The images (with header data) on which no public header defines the name: a struct
   * private to a module or a .c file, which out-of-tree code never includes.
   */
  private?: number[];
  /** Image index -> other same-named layouts of that kernel, with their carriers. */
  alternatives?: Record<string, { layout: number; carriers: Carriers }[]>;
  /**
   * No header of any kernel with header data defines the name: never a struct a driver can
   * mean. Here rather than in headers.json.gz so that checks never read the header facts.
   */
  unheadered?: true;
}

/** data/configs.json.gz: kernel config values per image, deduplicated per symbol. */
export interface ConfigsFile {
  schema: number;
  /** Distinct values ('y', 'm', '"string"', '64'). */
  values: string[];
  /** symbol -> value index per image (-1: not set in that image's config). */
  symbols: Record<string, number[]>;
}

/** How `HeadersFile.structs` names a typedef's definition: 'typedef blk_opf_t'. */
export const TYPEDEF_KEY = 'typedef ';

/**
 * data/headers.json.gz: what the headers packages of the kernels with header data declare.
 * Every fact carries a bit mask over `images` (bit i: images[i] has it).
 */
export interface HeadersFile {
  schema: number;
  /** Image indices (into kernels.json) of the kernels whose headers were read. */
  images: number[];
  /**
   * 'struct file_lock' / 'union sigval' / 'typedef blk_opf_t' -> the headers that define it
   * (a body; for a typedef, its declaration), as flat
   * [header id, mask, …]: a header id is the index of its name among the keys of
   * header-names.json.gz's `headers`.
   */
  structs: Record<string, number[]>;
  /** Which headers each header may include, on which kernels: what `incomplete-struct` follows. */
  includes: IncludeGraph;
  /**
   * Function name -> [prototype as C text, mask, inline (1) or extern (0), the ids of the
   * headers that make the name callable on any kernel (for names whose headers did not move,
   * see header-names.json.gz's `declaredIn`; absent in older data)][].
   */
  functions: Record<string, [string, number, number, number[]?][]>;
  /**
   * Function-like macro name -> [parameter count, variadic (1/0), mask, the parameters every
   * definition a module build compiles passes as a plain value (bit i: parameter i, the variadic
   * one last; every bit for a shape only definitions it never compiles have; absent in older
   * data), the declaring headers' ids as for functions][].
   */
  macros: Record<string, [number, number, number, number?, number[]?][]>;
  /**
   * Function-like macro name -> [bit mask of the parameters its expansion leaves out (bit i:
   * parameter i), mask of the kernels][], for the macros that leave some out with a kernel's
   * config (`mutex_acquire(&m->dep_map, …)` without CONFIG_LOCKDEP). Optional: older data has none.
   */
  dropping?: Record<string, [number, number][]>;
}

/**
 * The include graph of the kernels with header data, over header ids. An edge is every
 * `#include` a kernel's config and version do not certainly leave out, so a header outside a
 * file's closure is certainly not read by its build; an alias name (`linux/fs.h` for the uapi
 * file when nothing shadows it) has an edge to the file it reaches.
 */
export interface IncludeGraph {
  /** How many header names the ids count (the keys of header-names.json.gz's `headers`): files of one build agree. */
  headers: number;
  /** Per header id: flat [included header id, mask, …]. */
  edges: number[][];
  /** Flat [header id, mask, …] of headers whose includes are not all known (computed includes, names the tree lacks). */
  open: number[];
}

/**
 * data/header-names.json.gz: every name an `#include <…>` finds in those kernels' headers, in
 * a file of its own because checks ask it for every include while the declarations above are
 * large and asked for rarely.
 */
export interface HeaderNamesFile {
  schema: number;
  images: number[];
  /** Include name ('linux/fs.h') -> mask of the kernels that have it. */
  headers: Record<string, number>;
  /**
   * The names a call can reach in those headers (functions, function-like and object-like
   * macros) that some of those kernels declare and others do not -> mask of the kernels that
   * declare it: what `missing-function` asks per call. Names every kernel declares are left out.
   * Stored packed (see nameMasks.ts): 130 k names parse far faster as one string.
   */
  callables: NameMasks;
  /**
   * The functions only generator macros make (`SetPageError`, pasted by `PAGEFLAG(Error, …)` up
   * to 6.1) -> mask of the kernels that make them, where some do not. Kept apart from
   * `callables`: a driver may paste the same name itself, which a check asks of the driver's
   * files first. Optional: older data has none.
   */
  pastedCallables?: NameMasks;
  /**
   * The ways a name can be called (`#define class_create(2)` for a function-like macro of 2
   * parameters, `, ...` when variadic; else a function's prototype) -> mask of the kernels
   * where it can be called so, for the names whose ways differ between the kernels that declare
   * them: what `call-arguments` asks per call. Optional: older data has none.
   */
  calls?: Record<string, [string, number][]>;
  /**
   * The functions and function-like macros some of those kernels define as object-like macros
   * (`#define strlcpy strscpy`), sorted: a call compiles as what the macro names, so the name's
   * own declarations do not judge it. Optional: older data has none, and then only the names
   * in `calls` are judged.
   */
  objectLikeCalls?: string[];
  /**
   * The headers that make a name callable (a prototype, an inline definition, a macro), as flat
   * [header id, mask, …] over the keys of `headers`, for the functions and function-like macros
   * two kernels declare in no header in common (they moved): what `missing-function` follows
   * through a file's include closure. Optional: older data has none.
   */
  declaredIn?: Record<string, number[]>;
  /**
   * The constants (names in capitals some of those kernels define as object-like macros) that
   * some kernels' headers do not spell on any line a module build may compile -> mask of the kernels whose
   * headers spell them: what `undeclared-constant` asks per use. Optional: older data has none.
   */
  constants?: NameMasks;
  /**
   * Functions of older kernels (global in some Ubuntu image's vmlinux BTF) that none of those
   * kernels' headers spell at all, sorted: `do_gettimeofday`, `blk_init_queue`. A call of one
   * does not compile on any of them. Optional: older data has none.
   */
  retiredFunctions?: string[];
  /**
   * Typedefs older kernels declared their functions with (a type's word in a prototype of some
   * Ubuntu image's BTF) that none of those kernels' headers make a type of for a module, sorted:
   * `make_request_fn`, `request_fn_proc`, `time_t`. A declaration of that type does not compile
   * on any of them. Optional: older data has none.
   */
  retiredTypedefs?: string[];
  /**
   * Struct tags older kernels' global functions named in their prototypes that none of those
   * kernels' headers define, nor could make some other way (a macro's argument, a directive),
   * sorted: `timespec`, `timeval`. A use of one as a complete type does not compile on any of
   * them. Optional: older data has none.
   */
  retiredStructs?: string[];
}

/**
 * data/spelled-words.json.gz: the names in capitals that the kernels with header data spell on
 * some line a module build may compile, all kernels together, as a Bloom filter (wordFilter.ts):
 * a name it does not hold is declared by none of them (no macro, enumerator, variable or type),
 * which `undeclared-constant` asks of names no kernel defines (`RX_FLAG_HT`, gone in 4.12). Read
 * only when a check meets such a name. Optional: older data has none.
 */
export interface SpelledWordsFile {
  schema: number;
  images: number[];
  filter: PackedWordFilter;
  /** Pieces in capitals those headers' macros paste names from (pastingFragments.ts), sorted: a name one may have made is left alone. */
  pastedPrefixes: string[];
  pastedSuffixes: string[];
}

/**
 * data/typedefs.json.gz: typedefs of function types on the kernels whose BTF was read here
 * (the Debian ones): a member declared `proc_handler *proc_handler` or `irq_handler_t handler`
 * holds the function-pointer type given here, which a callback must fit.
 */
export interface TypedefsFile {
  schema: number;
  /** Image indices (bit i of a mask: images[i]). */
  images: number[];
  /** Typedef name -> [function-pointer type ('int (*)(const struct ctl_table *, …)'), the typedef is itself a pointer (1/0), mask][]. */
  functions: Record<string, [string, number, number][]>;
}

/**
 * data/member-aliases.json: member names kernel headers define as macros for a path into
 * another member (`#define d_lock d_lockref.lock`), per kernel with header data; BTF has no
 * trace of them. Written by build:data from the Debian headers packages.
 */
export interface MemberAliasesFile {
  schema: number;
  /** Image indices of the kernels whose headers were read (bit i of a mask: images[i]). */
  images: number[];
  /**
   * alias -> [the path it expands to (`d_lockref.lock`), mask of the kernels that define it so][].
   * A kernel without header data takes every path: the struct must still have the member the
   * path starts with for the alias to count.
   */
  aliases: Record<string, [string, number][]>;
}
