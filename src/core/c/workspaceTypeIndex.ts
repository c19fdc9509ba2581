// The workspace's type index as the editor keeps it: file by file, each re-read as it changes,
// with its tables by name rebuilt when next asked. A single-threaded CLI run uses it too; the
// CLI's checking threads share a packed, frozen copy instead (packedWorkspaceTypes.ts).
import type { Parser } from 'web-tree-sitter';
import { readWorkspaceFile, type FileTypes } from './workspaceTypes';
import { WorkspaceTypeLookup, type Definition, type DefinitionTables } from './workspaceTypeLookup';

/** The members of a struct a .c file defines, as other files see them: none. */
const MEMBERS_UNSEEN: ReadonlyMap<string, string> = new Map();

/**
 * Shared by every file that defines nothing of a kind. Over drivers/ the index held 124,000
 * Maps and Sets, most of them empty, each with its own storage.
 */
const NO_ENTRIES: ReadonlyMap<string, never> = new Map<string, never>();
const NO_NAMES: ReadonlySet<string> = new Set<string>();
const NO_CALLABLES: readonly string[] = Object.freeze([]);

/**
 * A file's types as the index keeps them: empty collections shared, and each type text one
 * string for the whole index (`u32` was 38,294 strings over drivers/, 14 MB of repeats in all).
 * The index owns what it stores, so the member maps are interned in place.
 */
function compacted(types: FileTypes, typeTexts: Map<string, string>): FileTypes {
  const intern = (text: string) => {
    const known = typeTexts.get(text);
    if (known !== undefined) return known;
    typeTexts.set(text, text);
    return text;
  };
  for (const members of types.aggregates.values()) {
    for (const [member, type] of members) (members as Map<string, string>).set(member, intern(type));
  }
  for (const [name, type] of types.typedefs) (types.typedefs as Map<string, string>).set(name, intern(type));
  return {
    aggregates: types.aggregates.size > 0 ? types.aggregates : NO_ENTRIES,
    typedefs: types.typedefs.size > 0 ? types.typedefs : NO_ENTRIES,
    conditional: types.conditional.size > 0 ? types.conditional : NO_NAMES,
    rows: types.rows.size > 0 ? types.rows : NO_ENTRIES,
    ...(types.directives !== undefined ? { directives: types.directives } : {}),
    callables: types.callables.length > 0 ? types.callables : NO_CALLABLES,
    ...(types.namedOnly && types.namedOnly.size > 0 ? { namedOnly: types.namedOnly } : {}),
  };
}

/** The workspace's definitions, file by file (see WorkspaceTypeLookup for which one speaks). */
export class WorkspaceTypeIndex extends WorkspaceTypeLookup {
  private readonly files = new Map<string, FileTypes>();
  /** Every type text the index holds, once (see compacted). */
  private readonly typeTexts = new Map<string, string>();
  private byName?: TablesByName;
  generation = 0;

  constructor(
    private readonly parser: Parser,
    kernelTrees: readonly string[] = [],
  ) {
    super(kernelTrees);
  }

  /**
   * Reads (or re-reads) one file; `undefined` text forgets it. Returns whether the file's
   * definitions changed: an edit inside a function body changes none, and then what was read
   * with the index before stays valid.
   */
  update(path: string, text: string | undefined): boolean {
    if (!this.covers(path)) return false;
    return this.store(path, text === undefined ? undefined : readWorkspaceFile(this.parser, path, text));
  }

  /** Keeps definitions already read for a file (by `readWorkspaceFile`), like `update`. */
  store(path: string, after: FileTypes | undefined): boolean {
    if (!this.covers(path)) return false;
    const before = this.files.get(path);
    if ((before === undefined) !== (after === undefined)) this.pathsChanged();
    if (sameTypes(before, after)) return false;
    if (after) this.files.set(path, compacted(after, this.typeTexts));
    else this.files.delete(path);
    this.byName = undefined;
    this.definitionsChanged(path);
    this.generation++;
    return true;
  }

  get size(): number {
    return this.files.size;
  }

  protected tables(): DefinitionTables {
    return (this.byName ??= new TablesByName(this.files));
  }

  protected indexedPaths(): Iterable<string> {
    return this.files.keys();
  }
}

/**
 * Files' definitions gathered by name, each kind when first asked: the union of callables
 * alone was 20 MB over drivers/, and many checks never ask it.
 */
export class TablesByName implements DefinitionTables {
  private byName?: { aggregates: Map<string, Definition<ReadonlyMap<string, string>>[]>; typedefs: Map<string, Definition<string>[]> };
  private callables?: Set<string>;

  constructor(private readonly files: ReadonlyMap<string, FileTypes>) {}

  aggregates(key: string): readonly Definition<ReadonlyMap<string, string>>[] | undefined {
    return this.definitions().aggregates.get(key);
  }

  typedefs(name: string): readonly Definition<string>[] | undefined {
    return this.definitions().typedefs.get(name);
  }

  definesCallable(name: string): boolean {
    return this.allCallables().has(name);
  }

  /** Every aggregate's definitions, by key ('struct hdev'), for packing. */
  allAggregates(): ReadonlyMap<string, readonly Definition<ReadonlyMap<string, string>>[]> {
    return this.definitions().aggregates;
  }

  allTypedefs(): ReadonlyMap<string, readonly Definition<string>[]> {
    return this.definitions().typedefs;
  }

  allCallables(): ReadonlySet<string> {
    if (!this.callables) {
      this.callables = new Set();
      for (const file of this.files.values()) for (const callable of file.callables) this.callables.add(callable);
    }
    return this.callables;
  }

  private definitions(): NonNullable<TablesByName['byName']> {
    if (!this.byName) {
      const aggregates = new Map<string, Definition<ReadonlyMap<string, string>>[]>();
      const typedefs = new Map<string, Definition<string>[]>();
      const paths = [...this.files.keys()].sort();
      for (const path of paths) {
        const file = this.files.get(path)!;
        for (const [key, members] of file.aggregates) {
          append(aggregates, key, { path, value: members, conditional: file.conditional.has(key), row: file.rows.get(key), directives: file.directives });
        }
        for (const [name, type] of file.typedefs) append(typedefs, name, { path, value: type, conditional: file.conditional.has(name) });
      }
      // After every definition with members: a source's name speaks only where no header defines it.
      for (const path of paths) {
        for (const key of this.files.get(path)!.namedOnly ?? []) append(aggregates, key, { path, value: MEMBERS_UNSEEN, conditional: false, fromSource: true });
      }
      this.byName = { aggregates, typedefs };
    }
    return this.byName;
  }
}

function sameTypes(a: FileTypes | undefined, b: FileTypes | undefined): boolean {
  if (!a || !b) return a === b;
  const text = (types: FileTypes) =>
    JSON.stringify([[...types.aggregates].map(([key, members]) => [key, [...members]]), [...types.typedefs], [...types.conditional], [...types.rows], types.directives ?? '', [...types.callables], [...(types.namedOnly ?? [])]]);
  return text(a) === text(b);
}

function append<T>(map: Map<string, Definition<T>[]>, key: string, definition: Definition<T>): void {
  const list = map.get(key);
  if (list) list.push(definition);
  else map.set(key, [definition]);
}
