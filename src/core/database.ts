// Read access to the kernel struct database: which aggregates and members each kernel
// image has, with their C types. Loading is lazy: the image list is small and read first;
// the type tables are decompressed and parsed on the first question about a type.
import { gunzipSync } from 'node:zlib';
import {
  SCHEMA_VERSION,
  type AggregateKind,
  type ConfigsFile,
  type KernelImage,
  type KernelsFile,
  type MemberAliasesFile,
  type TypesFile,
} from './schema';

export type { AggregateKind, KernelImage } from './schema';

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

function parseJson<T>(name: string, bytes: Uint8Array, gzipped: boolean): T {
  let text: string;
  try {
    text = Buffer.from(gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new DatabaseError(`the kernel database file ${name} is corrupt (${(error as Error).message}); reinstall, or run 'npm run build:data'`);
  }
  let value: { schema?: unknown };
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DatabaseError(`the kernel database file ${name} is not valid JSON (${(error as Error).message}); reinstall, or run 'npm run build:data'`);
  }
  if (value?.schema !== SCHEMA_VERSION) {
    throw new DatabaseError(`the kernel database file ${name} has schema ${String(value?.schema)}, this version reads schema ${SCHEMA_VERSION}`);
  }
  return value as T;
}

export function aggregateKey(ref: AggregateRef): string {
  return `${ref.kind} ${ref.name}`;
}

export class KernelDatabase {
  readonly images: KernelImage[];
  readonly source: string;
  private readonly bundledCount: number;
  private readonly imported: ImportedImage[] = [];
  private readonly labelIndex = new Map<string, number>();
  private typesFile?: TypesFile;
  private incompleteLayouts = new Set<number>();
  private configsFile?: ConfigsFile;
  private readonly layoutCache = new Map<number, Definition>();
  private readonly definitionsCache = new Map<string, (Definition | null)[]>();
  private readonly historyCache = new Map<string, MemberState[]>();
  private memberAliases?: Record<string, string[]>;

  private constructor(
    private readonly read: DataReader,
    kernels: KernelsFile,
  ) {
    this.images = [...kernels.images];
    this.source = kernels.source;
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
    return new KernelDatabase(read, parseJson<KernelsFile>('kernels.json', bytes, false));
  }

  private types(): TypesFile {
    if (!this.typesFile) {
      let bytes: Uint8Array;
      try {
        bytes = this.read('types.json.gz');
      } catch (error) {
        throw new DatabaseError(`cannot read the kernel database (types.json.gz): ${(error as Error).message}`);
      }
      const types = parseJson<TypesFile>('types.json.gz', bytes, true);
      if (!Array.isArray(types.strings) || !Array.isArray(types.members) || !Array.isArray(types.layouts) || !types.aggregates?.struct) {
        throw new DatabaseError('the kernel database file types.json.gz is missing tables; reinstall, or run \'npm run build:data\'');
      }
      this.typesFile = types;
      this.incompleteLayouts = new Set(types.incompleteLayouts);
    }
    return this.typesFile;
  }

  /** Forces the lazy load now (for benchmarks and for failing early in the CLI). */
  warm(): void {
    this.types();
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
    this.definitionsCache.clear();
    this.historyCache.clear();
    return index;
  }

  /** Aggregate names of one kind, sorted. */
  names(kind: AggregateKind): string[] {
    const names = new Set(Object.keys(this.types().aggregates[kind] ?? {}));
    const prefix = `${kind} `;
    for (const imported of this.imported) {
      for (const key of imported.definitions.keys()) if (key.startsWith(prefix)) names.add(key.slice(prefix.length));
    }
    return [...names].sort();
  }

  /** Is the aggregate in at least one image? */
  knows(ref: AggregateRef): boolean {
    return this.definitions(ref).some((d) => d !== null);
  }

  private layout(id: number): Definition {
    let definition = this.layoutCache.get(id);
    if (!definition) {
      const types = this.types();
      const memberIds = types.layouts[id] ?? [];
      const members = memberIds.map((m) => ({
        name: types.strings[types.members[m * 3]],
        declaration: types.strings[types.members[m * 3 + 1]],
        type: types.strings[types.members[m * 3 + 2]],
      }));
      definition = { members, byName: new Map(members.map((m) => [m.name, m])), incomplete: this.incompleteLayouts.has(id) };
      this.layoutCache.set(id, definition);
    }
    return definition;
  }

  /** The aggregate's definition on every image (null: not in that image's vmlinux BTF). */
  definitions(ref: AggregateRef): (Definition | null)[] {
    const key = aggregateKey(ref);
    let cached = this.definitionsCache.get(key);
    if (!cached) {
      const perImage = this.types().aggregates[ref.kind]?.[ref.name];
      cached = this.images.map((_, index) => {
        if (index < this.bundledCount) {
          const layout = perImage && Object.prototype.hasOwnProperty.call(this.types().aggregates[ref.kind], ref.name) ? perImage[index] : -1;
          return layout >= 0 ? this.layout(layout) : null;
        }
        const found = this.imported[index - this.bundledCount].definitions.get(key);
        return found ? { members: found.members, byName: new Map(found.members.map((m) => [m.name, m])), incomplete: found.incomplete } : null;
      });
      this.definitionsCache.set(key, cached);
    }
    return cached;
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
        if (!definition) return { state: 'no-aggregate' };
        const found = definition.byName.get(member) ?? this.aliasMember(definition, image, member);
        if (found) return { state: 'present', member: found };
        return definition.incomplete ? { state: 'unknown' } : { state: 'absent' };
      });
      this.historyCache.set(key, history);
    }
    return history;
  }

  /**
   * `member` as a kernel header macro for a path into a member the definition has
   * (`dentry->d_lock` is `dentry->d_lockref.lock`), typed through the path where the data
   * allows; undefined when the name is no such alias there.
   */
  private aliasMember(definition: Definition, image: number, member: string): Member | undefined {
    const paths = this.aliasesOf(member);
    for (const path of paths) {
      const steps = path.match(/[A-Za-z_]\w*|\[\d+\]/g) ?? [];
      const base = definition.byName.get(steps[0] ?? '');
      if (!base) continue;
      let type: string | undefined = base.type;
      for (const step of steps.slice(1)) {
        if (type === undefined) break;
        if (step.startsWith('[')) {
          type = /\[\d*\]$/.test(type) ? type.replace(/\s*\[\d*\]$/, '') : undefined;
          continue;
        }
        const tag = /^(?:const\s+|volatile\s+)*(struct|union)\s+([A-Za-z_]\w*)$/.exec(type);
        type = tag ? this.definition({ kind: tag[1] as AggregateKind, name: tag[2] }, image)?.byName.get(step)?.type : undefined;
      }
      return { name: member, declaration: `#define ${member} ${path}`, type: type ?? '' };
    }
    return undefined;
  }

  private aliasesOf(member: string): readonly string[] {
    if (!this.memberAliases) {
      let bytes: Uint8Array;
      try {
        bytes = this.read('member-aliases.json');
      } catch {
        // A folder written by build:data alone has no list: then no member is an alias.
        this.memberAliases = {};
        return [];
      }
      const file = parseJson<MemberAliasesFile>('member-aliases.json', bytes, false);
      if (typeof file.aliases !== 'object' || file.aliases === null) throw new DatabaseError('the kernel database file member-aliases.json has no alias table');
      this.memberAliases = file.aliases;
    }
    const paths = Object.prototype.hasOwnProperty.call(this.memberAliases, member) ? this.memberAliases[member] : undefined;
    return Array.isArray(paths) ? paths : [];
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
    if (!this.configsFile) {
      let bytes: Uint8Array;
      try {
        bytes = this.read('configs.json.gz');
      } catch (error) {
        throw new DatabaseError(`cannot read the kernel database (configs.json.gz): ${(error as Error).message}`);
      }
      this.configsFile = parseJson<ConfigsFile>('configs.json.gz', bytes, true);
    }
    const perImage = Object.prototype.hasOwnProperty.call(this.configsFile.symbols, symbol) ? this.configsFile.symbols[symbol] : undefined;
    const valueId = perImage?.[image] ?? -1;
    return valueId >= 0 ? this.configsFile.values[valueId] : undefined;
  }
}
