// The workspace's type index packed into SharedArrayBuffers, read in place by every checking
// thread of a CLI run. Each thread used to hold its own copy: 88 MB of its heap over drivers/
// (325,000 function and macro names, 38,000 structs with 319,000 members), which V8 then grew
// its heap around. Now each thread packs the share of files it read into a shard, and every
// thread reads all shards: one copy of the index in all, which no garbage collector walks.
//
// A shard: a header of section offsets, then 32-bit sections (string starts, three hash tables
// by name, entries, definitions, paths), then the characters of every distinct string, one
// byte each where all fit in Latin-1, two otherwise. A string is named by its number.
import { countedCache } from '../countedCache';
import { detached } from '../detached';
import { TablesByName } from './workspaceTypeIndex';
import { WorkspaceTypeLookup, isDriverFile, type Definition, type DefinitionTables } from './workspaceTypeLookup';
import type { FileTypes } from './workspaceTypes';

/** Sections of 32-bit words, in the buffer's order; the header holds each one's start and length. */
const SECTIONS = ['stringStarts', 'aggregateSlots', 'aggregateEntries', 'aggregateDefinitions', 'members', 'typedefSlots', 'typedefEntries', 'typedefDefinitions', 'callableSlots', 'paths'] as const;
type Section = (typeof SECTIONS)[number];
/** Header: a format mark, whether characters take two bytes, then start and length per section. */
const HEADER_WORDS = 2 + 2 * SECTIONS.length;
const FORMAT_MARK = 0x4b435732; // 'KCW2'
/** Words per entry of a name: its string, its first definition, how many. */
const ENTRY_WORDS = 3;
/** Words per aggregate definition: path, flags, row (-1: none), directives (-1: none), first member, member count. */
const AGGREGATE_WORDS = 6;
/** A definition's flags: under an #if; a name a .c file defines (no members seen). */
const CONDITIONAL = 1;
const FROM_SOURCE = 2;
/** Words per typedef definition: path, flags, type. */
const TYPEDEF_WORDS = 3;
/** Words per indexed path: its place among the workspace's files, its string. */
const PATH_WORDS = 2;
/** Names whose decoded definitions a thread keeps: a file asks about tens of names, a folder's files mostly the same ones. */
const DECODED_KEPT = 4096;

/** A file the index reads, with its place in the workspace's order (the order `pathsEndingWith` answers in). */
export type PlacedFile = readonly [position: number, path: string, types: FileTypes | undefined];

/**
 * Packs the definitions of some of the workspace's files into a shard. Files in a kernel tree's
 * own headers and unreadable files are left out, as the editable index leaves them out.
 */
export function packWorkspaceTypes(files: Iterable<PlacedFile>, kernelTrees: readonly string[]): SharedArrayBuffer {
  const kept = new Map<string, FileTypes>();
  const positions: number[] = [];
  for (const [position, path, types] of files) {
    if (!types || !isDriverFile(path, kernelTrees)) continue;
    kept.set(path, types);
    positions.push(position);
  }
  const tables = new TablesByName(kept);
  const shard = new ShardWriter();
  for (const [key, definitions] of tables.allAggregates()) shard.addAggregate(key, definitions);
  for (const [name, definitions] of tables.allTypedefs()) shard.addTypedef(name, definitions);
  for (const name of tables.allCallables()) shard.addCallable(name);
  [...kept.keys()].forEach((path, i) => shard.addPath(positions[i], path));
  return shard.packed();
}

/** A shard as it is written: sections as growing arrays, strings numbered as they come. */
class ShardWriter {
  private readonly texts: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly words = new Map<Section, number[]>(SECTIONS.map((section) => [section, []]));
  private readonly aggregateKeys: number[] = [];
  private readonly typedefKeys: number[] = [];
  private readonly callables: number[] = [];

  addAggregate(key: string, definitions: readonly Definition<ReadonlyMap<string, string>>[]): void {
    const keyNumber = this.numberOf(key);
    this.aggregateKeys.push(keyNumber);
    this.push('aggregateEntries', keyNumber, this.count('aggregateDefinitions', AGGREGATE_WORDS), definitions.length);
    for (const { path, conditional, row, directives, fromSource, value } of definitions) {
      const flags = (conditional ? CONDITIONAL : 0) | (fromSource ? FROM_SOURCE : 0);
      this.push('aggregateDefinitions', this.numberOf(path), flags, row ?? -1, directives === undefined ? -1 : this.numberOf(directives), this.count('members', 2), value.size);
      for (const [member, type] of value) this.push('members', this.numberOf(member), this.numberOf(type));
    }
  }

  addTypedef(name: string, definitions: readonly Definition<string>[]): void {
    const nameNumber = this.numberOf(name);
    this.typedefKeys.push(nameNumber);
    this.push('typedefEntries', nameNumber, this.count('typedefDefinitions', TYPEDEF_WORDS), definitions.length);
    for (const { path, conditional, value } of definitions) this.push('typedefDefinitions', this.numberOf(path), conditional ? CONDITIONAL : 0, this.numberOf(value));
  }

  addCallable(name: string): void {
    this.callables.push(this.numberOf(name));
  }

  addPath(position: number, path: string): void {
    this.push('paths', position, this.numberOf(path));
  }

  /** The shard in a buffer of its own size. */
  packed(): SharedArrayBuffer {
    const starts = [0];
    for (const text of this.texts) starts.push(starts[starts.length - 1] + text.length);
    this.words.set('stringStarts', starts);
    this.words.set('aggregateSlots', this.hashSlots(this.aggregateKeys));
    this.words.set('typedefSlots', this.hashSlots(this.typedefKeys));
    this.words.set('callableSlots', this.hashSlots(this.callables, this.callables));

    const wordCount = HEADER_WORDS + SECTIONS.reduce((sum, section) => sum + this.words.get(section)!.length, 0);
    const charBytes = this.texts.some((text) => /[^\u0000-\u00ff]/.test(text)) ? 2 : 1;
    const buffer = new SharedArrayBuffer(wordCount * 4 + starts[starts.length - 1] * charBytes);
    const view = new Int32Array(buffer, 0, wordCount);
    view.set([FORMAT_MARK, charBytes]);
    let at = HEADER_WORDS;
    SECTIONS.forEach((section, i) => {
      const values = this.words.get(section)!;
      view.set([at, values.length], 2 + 2 * i);
      view.set(values, at);
      at += values.length;
    });
    const chars = charBytes === 2 ? new Uint16Array(buffer, wordCount * 4) : new Uint8Array(buffer, wordCount * 4);
    let next = 0;
    for (const text of this.texts) for (let i = 0; i < text.length; i++) chars[next++] = text.charCodeAt(i);
    return buffer;
  }

  private numberOf(text: string): number {
    let number = this.numbers.get(text);
    if (number === undefined) {
      number = this.texts.length;
      this.texts.push(text);
      this.numbers.set(text, number);
    }
    return number;
  }

  private push(section: Section, ...values: number[]): void {
    this.words.get(section)!.push(...values);
  }

  /** How many records of `size` words a section holds: the number of the next one. */
  private count(section: Section, size: number): number {
    return this.words.get(section)!.length / size;
  }

  /**
   * An open-addressing table by the hash of each key string, at most half full; a slot holds
   * the entry's number + 1 (or the given value's), 0 when empty.
   */
  private hashSlots(keys: readonly number[], values?: readonly number[]): number[] {
    let size = 1;
    while (size < keys.length * 2) size *= 2;
    const slots = new Array<number>(size).fill(0);
    keys.forEach((key, entry) => {
      let slot = hashOf(this.texts[key]) & (size - 1);
      while (slots[slot] !== 0) slot = (slot + 1) & (size - 1);
      slots[slot] = (values ? values[entry] : entry) + 1;
    });
    return slots;
  }
}

/** FNV-1a over UTF-16 code units: the same for a JS string and for its packed characters. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The shards of a workspace read in place. Frozen: a CLI run's workspace does not change under it. */
export class PackedWorkspaceTypes extends WorkspaceTypeLookup {
  readonly generation = 0;
  private readonly shards: readonly Shard[];
  private readonly tablesOfShards: DefinitionTables;

  /** Throws when a buffer is not a shard `packWorkspaceTypes` made. */
  constructor(shards: readonly SharedArrayBuffer[], kernelTrees: readonly string[] = []) {
    super(kernelTrees);
    this.shards = shards.map((buffer) => new Shard(buffer));
    this.tablesOfShards = new ShardedTables(this.shards);
  }

  protected tables(): DefinitionTables {
    return this.tablesOfShards;
  }

  protected indexedPaths(): Iterable<string> {
    const placed = this.shards.flatMap((shard) => shard.placedPaths());
    return placed.sort((a, b) => a[0] - b[0]).map(([, path]) => path);
  }
}

/** Nothing defined of that name: one array for every such answer. */
const NOT_DEFINED: readonly never[] = Object.freeze([]);

/**
 * Definitions gathered from every shard in the order one index of all files would give them:
 * headers' definitions by path, then the names .c files define, by path. Each thread keeps the
 * names it decoded last, under keys of their own (detached.ts: a name cut from a file keeps the
 * file's text).
 */
class ShardedTables implements DefinitionTables {
  private readonly aggregatesKept = countedCache<string, readonly Definition<ReadonlyMap<string, string>>[]>(DECODED_KEPT);
  private readonly typedefsKept = countedCache<string, readonly Definition<string>[]>(DECODED_KEPT);

  constructor(private readonly shards: readonly Shard[]) {}

  aggregates(key: string): readonly Definition<ReadonlyMap<string, string>>[] {
    let kept = this.aggregatesKept.get(key);
    if (!kept) this.aggregatesKept.set(detached(key), (kept = inIndexOrder(this.shards.flatMap((shard) => shard.aggregates(key)))));
    return kept;
  }

  typedefs(name: string): readonly Definition<string>[] {
    let kept = this.typedefsKept.get(name);
    if (!kept) this.typedefsKept.set(detached(name), (kept = inIndexOrder(this.shards.flatMap((shard) => shard.typedefs(name)))));
    return kept;
  }

  definesCallable(name: string): boolean {
    return this.shards.some((shard) => shard.definesCallable(name));
  }
}

function inIndexOrder<T>(definitions: Definition<T>[]): readonly Definition<T>[] {
  if (definitions.length === 0) return NOT_DEFINED;
  const rank = (d: Definition<T>) => (d.fromSource ? 1 : 0);
  return definitions.sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One shard's sections, answering by name. */
class Shard {
  private readonly words: Int32Array;
  private readonly chars: Uint8Array | Uint16Array;
  private readonly starts = new Map<Section, number>();
  private readonly lengths = new Map<Section, number>();
  /** Where the string starts section begins: asked for every string read or compared. */
  private readonly stringStarts: number;
  /**
   * Paths decoded, one string per file: a file's path is in every definition it makes, and
   * `u8` or `BOOL` has hundreds of definitions over drivers/ (16 MB of a thread's decoded
   * typedefs were copies of paths).
   */
  private readonly pathTexts = new Map<number, string>();

  constructor(buffer: SharedArrayBuffer) {
    const header = buffer.byteLength >= HEADER_WORDS * 4 ? new Int32Array(buffer, 0, HEADER_WORDS) : undefined;
    if (header?.[0] !== FORMAT_MARK) throw new Error('not a packed workspace index');
    let wordCount = HEADER_WORDS;
    SECTIONS.forEach((section, i) => {
      this.starts.set(section, header[2 + 2 * i]);
      this.lengths.set(section, header[3 + 2 * i]);
      wordCount += header[3 + 2 * i];
    });
    this.words = new Int32Array(buffer, 0, wordCount);
    this.chars = header[1] === 2 ? new Uint16Array(buffer, wordCount * 4) : new Uint8Array(buffer, wordCount * 4);
    this.stringStarts = this.starts.get('stringStarts')!;
  }

  /** The shard's files with their places in the workspace's order. */
  placedPaths(): [position: number, path: string][] {
    const paths = this.section('paths');
    return Array.from({ length: paths.length / PATH_WORDS }, (_, i) => [paths[i * PATH_WORDS], this.pathText(paths[i * PATH_WORDS + 1])]);
  }

  aggregates(key: string): Definition<ReadonlyMap<string, string>>[] {
    return this.definitionsOf('aggregate', key, (at) => this.aggregateAt(at));
  }

  typedefs(name: string): Definition<string>[] {
    return this.definitionsOf('typedef', name, (at) => this.typedefAt(at));
  }

  definesCallable(name: string): boolean {
    return this.find('callableSlots', name, (number) => number) >= 0;
  }

  private definitionsOf<T>(kind: 'aggregate' | 'typedef', key: string, definitionAt: (at: number) => Definition<T>): Definition<T>[] {
    const entries = this.starts.get(`${kind}Entries`)!;
    const entry = this.find(`${kind}Slots`, key, (entry) => this.words[entries + entry * ENTRY_WORDS]);
    if (entry < 0) return [];
    const first = this.words[entries + entry * ENTRY_WORDS + 1];
    const count = this.words[entries + entry * ENTRY_WORDS + 2];
    return Array.from({ length: count }, (_, i) => definitionAt(first + i));
  }

  private aggregateAt(definition: number): Definition<ReadonlyMap<string, string>> {
    const at = this.starts.get('aggregateDefinitions')! + definition * AGGREGATE_WORDS;
    const [path, flags, row, directives, firstMember, memberCount] = this.words.subarray(at, at + AGGREGATE_WORDS);
    let members: ReadonlyMap<string, string> | undefined;
    let directivesText: string | undefined;
    const shard = this;
    return {
      path: this.pathText(path),
      conditional: (flags & CONDITIONAL) !== 0,
      ...(row >= 0 ? { row } : {}),
      ...((flags & FROM_SOURCE) !== 0 ? { fromSource: true } : {}),
      // Decoded when asked: of a name's definitions one speaks, and a file's directives (as
      // long as the file, in lines) are read once per file and targets, not per name.
      get value() {
        return (members ??= shard.membersAt(firstMember, memberCount));
      },
      get directives() {
        return directives < 0 ? undefined : (directivesText ??= shard.text(directives));
      },
    };
  }

  private membersAt(first: number, count: number): ReadonlyMap<string, string> {
    const at = this.starts.get('members')! + first * 2;
    const members = new Map<string, string>();
    for (let i = 0; i < count; i++) members.set(this.text(this.words[at + 2 * i]), this.text(this.words[at + 2 * i + 1]));
    return members;
  }

  private typedefAt(definition: number): Definition<string> {
    const at = this.starts.get('typedefDefinitions')! + definition * TYPEDEF_WORDS;
    return { path: this.pathText(this.words[at]), conditional: (this.words[at + 1] & CONDITIONAL) !== 0, value: this.text(this.words[at + 2]) };
  }

  /** The value (entry or string number) in a hash table whose key string is `text`, or -1. */
  private find(slots: Section, text: string, keyOf: (value: number) => number): number {
    const start = this.starts.get(slots)!;
    const mask = this.lengths.get(slots)! - 1;
    for (let slot = hashOf(text) & mask; this.words[start + slot] !== 0; slot = (slot + 1) & mask) {
      const value = this.words[start + slot] - 1;
      if (this.textIs(keyOf(value), text)) return value;
    }
    return -1;
  }

  private section(section: Section): Int32Array {
    const start = this.starts.get(section)!;
    return this.words.subarray(start, start + this.lengths.get(section)!);
  }

  private textIs(number: number, text: string): boolean {
    const begin = this.words[this.stringStarts + number];
    if (this.words[this.stringStarts + number + 1] - begin !== text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.chars[begin + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  private pathText(number: number): string {
    let path = this.pathTexts.get(number);
    if (path === undefined) this.pathTexts.set(number, (path = this.text(number)));
    return path;
  }

  private text(number: number): string {
    const begin = this.words[this.stringStarts + number];
    const end = this.words[this.stringStarts + number + 1];
    let text = '';
    // In pieces: a file's directives run to hundreds of thousands of characters, too many arguments for one call.
    for (let at = begin; at < end; at += 8192) text += String.fromCharCode(...this.chars.subarray(at, Math.min(end, at + 8192)));
    return text;
  }
}
