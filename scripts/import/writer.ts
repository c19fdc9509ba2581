// Writes the bundled database (data/) from what the importers read: the image list, the type
// shards, the configs. Every table is built in a fixed order and written with fixed
// compression, so the same inputs give the same bytes (a test compares a rebuild with data/).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import {
  SCHEMA_VERSION,
  shardFileName,
  shardNamesFileName,
  shardOf,
  type AggregateKind,
  type Carriers,
  type ConfigsFile,
  type KernelImage,
  type KernelsFile,
  type ShardNamesLine,
  type ShardRecord,
  RECORD_SEPARATOR,
} from '../../src/core/kernels/schema';

/** A definition as importers hand it over: members in declaration order. */
export interface LayoutInput {
  members: readonly { name: string; declaration: string; type: string }[];
  incomplete: boolean;
}

/** Strings, members and layouts of one shard, each stored once (a name's record then lists the layouts it uses). */
class Interner {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  readonly members: number[] = [];
  private readonly memberIds = new Map<string, number>();
  readonly layouts: number[][] = [];
  private readonly layoutIds = new Map<string, number>();
  readonly incompleteLayouts = new Set<number>();

  private string(text: string): number {
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIds.set(text, id);
    }
    return id;
  }

  private member(m: LayoutInput['members'][number]): number {
    const key = `${m.name}\u0000${m.declaration}\u0000${m.type}`;
    let id = this.memberIds.get(key);
    if (id === undefined) {
      id = this.members.length / 3;
      this.members.push(this.string(m.name), this.string(m.declaration), this.string(m.type));
      this.memberIds.set(key, id);
    }
    return id;
  }

  /** A layout's members as stored in a record: [name, declaration, type] each. */
  membersOf(layout: number): [string, string, string][] {
    return this.layouts[layout].map((m) => [this.strings[this.members[m * 3]], this.strings[this.members[m * 3 + 1]], this.strings[this.members[m * 3 + 2]]]);
  }

  layout(definition: LayoutInput): number {
    const memberIds = definition.members.map((m) => this.member(m));
    const key = `${definition.incomplete ? 'i' : 'c'}${memberIds.join(',')}`;
    let id = this.layoutIds.get(key);
    if (id === undefined) {
      id = this.layouts.length;
      this.layouts.push(memberIds);
      this.layoutIds.set(key, id);
      if (definition.incomplete) this.incompleteLayouts.add(id);
    }
    return id;
  }
}

interface Shard {
  interner: Interner;
  aggregates: Record<AggregateKind, Map<string, number[]>>;
  carriers: Map<string, Map<number, Carriers>>;
  private: Map<string, Set<number>>;
  alternatives: Map<string, Map<number, { layout: number; carriers: Carriers }[]>>;
  unheadered: Set<string>;
}

function sortedRecord<T, U = T>(map: Map<string, T>, convert: (value: T) => U = (v) => v as unknown as U): Record<string, U> {
  const record: Record<string, U> = {};
  for (const key of [...map.keys()].sort()) record[key] = convert(map.get(key)!);
  return record;
}

function byImage<T>(map: Map<number, T>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const image of [...map.keys()].sort((a, b) => a - b)) record[String(image)] = map.get(image)!;
  return record;
}

/**
 * A shard's two files, as lines (see ShardNamesLine): its names with each image's layout (an
 * index into the name's own layouts), and its tables, one record per name.
 */
function shardFiles(shard: Shard): { names: string; tables: string } {
  const names = new Map<string, ShardNamesLine>();
  const records = new Map<string, ShardRecord>();
  for (const kind of ['struct', 'union', 'enum'] as const) {
    for (const [name, perImage] of shard.aggregates[kind]) {
      const key = `${kind} ${name}`;
      const record: ShardRecord = { layouts: [] };
      const local = new Map<number, number>();
      const localOf = (layout: number): number => {
        if (layout < 0) return -1;
        let id = local.get(layout);
        if (id === undefined) {
          id = record.layouts.length;
          local.set(layout, id);
          record.layouts.push(shard.interner.membersOf(layout));
          if (shard.interner.incompleteLayouts.has(layout)) (record.incomplete ??= []).push(id);
        }
        return id;
      };
      names.set(key, perImage.map(localOf));
      const carriers = shard.carriers.get(key);
      if (carriers) record.carriers = byImage(carriers);
      const privateOn = shard.private.get(key);
      if (privateOn) record.private = [...privateOn].sort((a, b) => a - b);
      const alternatives = shard.alternatives.get(key);
      if (alternatives) record.alternatives = byImage(new Map([...alternatives].map(([image, list]) => [image, list.map((other) => ({ layout: localOf(other.layout), carriers: other.carriers }))])));
      if (shard.unheadered.has(key)) record.unheadered = true;
      records.set(key, record);
    }
  }
  return { names: lineFile(names), tables: lineFile(records) };
}

/** A schema line, then a line per key in sorted order: the key as JSON, the separator, the value as JSON. */
function lineFile(values: Map<string, unknown>): string {
  const lines = [JSON.stringify({ schema: SCHEMA_VERSION })];
  for (const key of [...values.keys()].sort()) lines.push(`${JSON.stringify(key)}${RECORD_SEPARATOR}${JSON.stringify(values.get(key))}`);
  return lines.join('\n');
}

/** Brotli at its densest: the shards are written once and read at every first use of a name. */
function brotli(text: string): Buffer {
  const bytes = Buffer.from(text);
  return brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
}

export class DatabaseWriter {
  private readonly shards: Shard[];
  private readonly configs: (Map<string, string> | undefined)[];

  constructor(
    readonly images: readonly KernelImage[],
    readonly shardCount: number,
  ) {
    this.shards = Array.from({ length: shardCount }, () => ({
      interner: new Interner(),
      aggregates: { struct: new Map(), union: new Map(), enum: new Map() },
      carriers: new Map(),
      private: new Map(),
      alternatives: new Map(),
      unheadered: new Set(),
    }));
    this.configs = images.map(() => undefined);
  }

  private shard(kind: AggregateKind, name: string): Shard {
    return this.shards[shardOf(`${kind} ${name}`, this.shardCount)];
  }

  /** The aggregate's definition on `image` (the kernel's own, when it has several). */
  define(kind: AggregateKind, name: string, image: number, definition: LayoutInput): void {
    const shard = this.shard(kind, name);
    let perImage = shard.aggregates[kind].get(name);
    if (!perImage) shard.aggregates[kind].set(name, (perImage = this.images.map(() => -1)));
    perImage[image] = shard.interner.layout(definition);
  }

  /** The modules that carry the definition given to `define` on `image`. */
  carriedBy(kind: AggregateKind, name: string, image: number, carriers: Carriers): void {
    const shard = this.shard(kind, name);
    const key = `${kind} ${name}`;
    let perImage = shard.carriers.get(key);
    if (!perImage) shard.carriers.set(key, (perImage = new Map()));
    perImage.set(image, carriers);
  }

  /** Another same-named definition on `image`, not the kernel's own. */
  alternative(kind: AggregateKind, name: string, image: number, definition: LayoutInput, carriers: Carriers): void {
    const shard = this.shard(kind, name);
    const key = `${kind} ${name}`;
    let perImage = shard.alternatives.get(key);
    if (!perImage) shard.alternatives.set(key, (perImage = new Map()));
    let list = perImage.get(image);
    if (!list) perImage.set(image, (list = []));
    list.push({ layout: shard.interner.layout(definition), carriers });
  }

  /** No public header of `image` defines the name. */
  markPrivate(kind: AggregateKind, name: string, image: number): void {
    const shard = this.shard(kind, name);
    const key = `${kind} ${name}`;
    let images = shard.private.get(key);
    if (!images) shard.private.set(key, (images = new Set()));
    images.add(image);
  }

  /** Marks every aggregate whose 'kind name' key `isDefined` rejects: no header of any kernel defines it. */
  markUnheadered(isDefined: (key: string) => boolean): void {
    for (const shard of this.shards) {
      for (const kind of ['struct', 'union', 'enum'] as const) {
        for (const name of shard.aggregates[kind].keys()) if (!isDefined(`${kind} ${name}`)) shard.unheadered.add(`${kind} ${name}`);
      }
    }
  }

  config(image: number, values: Map<string, string>): void {
    this.configs[image] = values;
  }

  /** Writes kernels.json, the type shards and configs.json.gz (plus `extra` files) into `out`; returns sizes. */
  write(out: string, source: string, extra: Record<string, Buffer> = {}): Record<string, number> {
    const kernels: KernelsFile = { schema: SCHEMA_VERSION, source, images: [...this.images], shards: this.shardCount };
    const outputs: Record<string, Buffer> = {
      'kernels.json': Buffer.from(JSON.stringify(kernels, null, 2) + '\n'),
      'configs.json.gz': gzipSync(JSON.stringify(this.configsFile()), { level: 9 }),
      ...extra,
    };
    this.shards.forEach((shard, index) => {
      const { names, tables } = shardFiles(shard);
      outputs[shardNamesFileName(index)] = brotli(names);
      outputs[shardFileName(index)] = brotli(tables);
    });
    rmSync(join(out, 'types'), { recursive: true, force: true });
    rmSync(join(out, 'types.json.gz'), { force: true });
    mkdirSync(join(out, 'types'), { recursive: true });
    const bytes: Record<string, number> = {};
    for (const [name, content] of Object.entries(outputs)) {
      writeFileSync(join(out, name), content);
      bytes[name] = content.length;
    }
    return bytes;
  }

  private configsFile(): ConfigsFile {
    const values: string[] = [];
    const valueIds = new Map<string, number>();
    const symbols = new Map<string, number[]>();
    this.configs.forEach((config, index) => {
      for (const [symbol, value] of config ?? []) {
        let valueId = valueIds.get(value);
        if (valueId === undefined) {
          valueId = values.length;
          values.push(value);
          valueIds.set(value, valueId);
        }
        let perImage = symbols.get(symbol);
        if (!perImage) symbols.set(symbol, (perImage = this.images.map(() => -1)));
        perImage[index] = valueId;
      }
    });
    return { schema: SCHEMA_VERSION, values, symbols: sortedRecord(symbols) };
  }

  /** Counts for the build summary. */
  counts(): { structs: number; unions: number; enums: number; layouts: number; members: number } {
    const sum = (pick: (shard: Shard) => number) => this.shards.reduce((total, shard) => total + pick(shard), 0);
    return {
      structs: sum((s) => s.aggregates.struct.size),
      unions: sum((s) => s.aggregates.union.size),
      enums: sum((s) => s.aggregates.enum.size),
      layouts: sum((s) => s.interner.layouts.length),
      members: sum((s) => s.interner.members.length / 3),
    };
  }
}
