// What every form of the workspace's type index answers, whatever holds its definitions: the
// editable index of the editor and of a single-threaded run (workspaceTypeIndex.ts), or the
// packed one the CLI's checking threads share (packedWorkspaceTypes.ts). The rules of which
// definition speaks live here once.
import type { AggregateRef } from '../kernels/database';
import { inKernelHeaders } from './kernelTree';
import { LineState, preprocess, type CommandLineMacro, type KernelEnvironment } from './preprocessor';
import type { WorkspaceTypes } from './workspaceTypes';

/** One file's definition of a name. */
export interface Definition<T> {
  readonly path: string;
  readonly value: T;
  readonly conditional: boolean;
  /** For a conditional aggregate: its line, and the directives that decide it. */
  readonly row?: number;
  readonly directives?: string;
  /** A struct or union a .c file defines: the driver's, with no members other files see. */
  readonly fromSource?: boolean;
}

/**
 * The index's definitions by name. Of one name, headers' definitions come in path order, and
 * after them the names .c files define (with no members seen).
 */
export interface DefinitionTables {
  aggregates(key: string): readonly Definition<ReadonlyMap<string, string>>[] | undefined;
  typedefs(name: string): readonly Definition<string>[] | undefined;
  definesCallable(name: string): boolean;
}

/** What Kbuild defines for a module's every file: the definitions' conditions are read with them. */
const KBUILD_DEFINES: readonly CommandLineMacro[] = [
  { name: '__KERNEL__', value: '1', certain: true },
  { name: 'MODULE', value: '1', certain: true },
];

/** Whether a file's definitions are the driver's: false for a kernel tree's own headers (include/, arch/<arch>/include/). */
export function isDriverFile(path: string, kernelTrees: readonly string[]): boolean {
  return !kernelTrees.some((root) => inKernelHeaders(path, root));
}

/**
 * The workspace's definitions, as the checker asks them. The file being checked is left out of
 * every answer: its own definitions are read, per kernel, from its own text. Of several files
 * that define a name, the first in path order that defines it unconditionally speaks. Where the
 * workspace is a kernel tree (`kernelTrees`), its include/ and arch/<arch>/include/ are the
 * kernel's headers and are not read: their structs are the kernel's own.
 */
export abstract class WorkspaceTypeLookup implements WorkspaceTypes {
  private byBaseName?: Map<string, string[]>;
  /** Line states of files with conditional definitions, by path and environments key. */
  private readonly lineStates = new Map<string, Uint8Array[]>();
  abstract readonly generation: number;

  constructor(
    /** Workspace roots that are kernel source trees. */
    readonly kernelTrees: readonly string[] = [],
  ) {}

  /** The definitions by name, as they stand now. */
  protected abstract tables(): DefinitionTables;
  /** Every indexed file, in the order files were added. */
  protected abstract indexedPaths(): Iterable<string>;

  /** Whether a file lies in one of the kernel trees. */
  inKernelTree(path: string): boolean {
    return this.kernelTreeOf(path) !== undefined;
  }

  /** The root of the kernel tree a file lies in, if any. */
  kernelTreeOf(path: string): string | undefined {
    return this.kernelTrees.find((root) => path.startsWith(`${root}/`));
  }

  /** Whether a file's definitions are the driver's (false for a kernel tree's own headers). */
  covers(path: string): boolean {
    return isDriverFile(path, this.kernelTrees);
  }

  /** Indexed files whose path ends with `/spec`: where an include the build's flags do not explain may be. */
  pathsEndingWith(spec: string): string[] {
    if (!this.byBaseName) {
      this.byBaseName = new Map();
      for (const path of this.indexedPaths()) {
        const base = path.slice(path.lastIndexOf('/') + 1);
        const list = this.byBaseName.get(base);
        if (list) list.push(path);
        else this.byBaseName.set(base, [path]);
      }
    }
    const suffix = `/${spec.replace(/^\.\//, '')}`;
    return (this.byBaseName.get(suffix.slice(suffix.lastIndexOf('/') + 1)) ?? []).filter((path) => path.endsWith(suffix));
  }

  aggregate(ref: AggregateRef, except: string, preferred?: ReadonlySet<string>): ReadonlyMap<string, string> | 'conditional' | undefined {
    const definitions = this.tables().aggregates(`${ref.kind} ${ref.name}`);
    const read = preferred && definitions?.filter((d) => preferred.has(d.path));
    return pick(read && read.length > 0 ? read : definitions, except);
  }

  typedef(name: string, except: string): string | 'conditional' | undefined {
    return pick(this.tables().typedefs(name), except);
  }

  conditionalAggregateOn(ref: AggregateRef, except: string, environments: readonly KernelEnvironment[], environmentsKey: string): readonly boolean[] | undefined {
    const others = (this.tables().aggregates(`${ref.kind} ${ref.name}`) ?? []).filter((d) => d.path !== except);
    if (others.length === 0 || others.some((d) => !d.conditional)) return undefined;
    const mayBeCompiled = environments.map(() => false);
    for (const definition of others) {
      const states = this.statesOf(definition, environments, environmentsKey);
      states.forEach((lines, slot) => {
        if (definition.row === undefined || lines[definition.row] !== LineState.Inactive) mayBeCompiled[slot] = true;
      });
    }
    return mayBeCompiled;
  }

  definesCallable(name: string): boolean {
    return this.tables().definesCallable(name);
  }

  /** After the set of indexed files changed: the lookup by base name is rebuilt when next asked. */
  protected pathsChanged(): void {
    this.byBaseName = undefined;
  }

  /** After a file's definitions changed: its conditions are judged again. */
  protected definitionsChanged(path: string): void {
    for (const key of this.lineStates.keys()) if (key.startsWith(`${path}\0`)) this.lineStates.delete(key);
  }

  /** The line states of a definition's file per environment, its directives read as Kbuild compiles a module (no includes followed). */
  private statesOf(definition: Definition<unknown>, environments: readonly KernelEnvironment[], environmentsKey: string): Uint8Array[] {
    const key = `${definition.path}\0${environmentsKey}`;
    let states = this.lineStates.get(key);
    if (!states) {
      states = definition.directives === undefined ? environments.map(() => new Uint8Array(0)) : preprocess(definition.directives, definition.path, [...environments], undefined, [], KBUILD_DEFINES).lineStates;
      this.lineStates.set(key, states);
    }
    return states;
  }
}

function pick<T>(definitions: readonly Definition<T>[] | undefined, except: string): T | 'conditional' | undefined {
  if (!definitions) return undefined;
  const others = definitions.filter((d) => d.path !== except);
  if (others.length === 0) return undefined;
  return others.find((d) => !d.conditional)?.value ?? 'conditional';
}
