// The usage finder's model of types: aggregates (the kernel's, known through the oracle, or
// the file's own, read from their bodies) and the values that hold them, with the
// declarations each type was read from.
import type { Node } from 'web-tree-sitter';
import type { AggregateKind, AggregateRef } from './usages';

/** A kernel aggregate: its members are known only through the oracle. */
export interface KernelAggregate {
  isLocal: false;
  ref: AggregateRef;
  /** Whether the database knows it: asked once per aggregate and file. */
  known?: boolean;
}

/** An aggregate the file defines itself; its members come from its body (or bodies). */
export interface LocalAggregate {
  isLocal: true;
  /** Tree indices of the tag name in each `struct NAME {` (empty for untagged ones). */
  definitionStarts: number[];
  /** The `{ ... }` bodies, looked up when the members are first needed. */
  bodies?: Node[];
  members?: Map<string, ValueType | undefined>;
}

export type Aggregate = KernelAggregate | LocalAggregate;

/**
 * The type of a value whose innermost type is an aggregate. `layers` lists what wraps the
 * aggregate, outermost first: '*' pointer, '[' array ('struct device *[4]' is '[*').
 * Function types never reach a ValueType: nothing can be accessed through them.
 */
export interface ValueType {
  aggregate: Aggregate;
  layers: string;
  /** Tree indices of the file's declarations this type was read from (see MemberUsage.evidence). */
  from?: readonly number[];
}

/** `type` also read from the declarations in `from`. */
export function alsoFrom(type: ValueType | undefined, from: readonly number[] | number | undefined): ValueType | undefined {
  if (!type || from === undefined) return type;
  const extra = typeof from === 'number' ? [from] : from;
  if (extra.length === 0) return type;
  if (!type.from || type.from.length === 0) return { aggregate: type.aggregate, layers: type.layers, from: extra };
  if (extra.every((index) => type.from!.includes(index))) return type;
  const merged = [...type.from];
  for (const index of extra) if (!merged.includes(index)) merged.push(index);
  return { aggregate: type.aggregate, layers: type.layers, from: merged };
}

/** What a declarator says about the entity it declares. */
export interface DeclaratorInfo {
  /** The token naming the entity (absent for abstract declarators). */
  nameNode?: Node;
  name?: string;
  /** Tokens that tree-sitter took for the name but that belong to it as attributes. */
  nameAttributeNodes: Node[];
  /** Type layers added by the declarator, outermost first; 'f' marks a function. */
  layers: string;
  /** Set when the declarator declares a function itself (not a pointer to one). */
  functionDeclarator?: Node;
  /** The layers wrapped around the function's return type (pointer stars). */
  returnLayers?: string;
}

/** A parameter of a function: its type as text, and its name and type for the body's scope. */
export interface ParameterInfo {
  text: string;
  name?: string;
  type?: ValueType;
}

/** A member name in a designator, offsetof or container_of chain. */
export interface MemberStep {
  nameStart: number;
  /** How many array subscripts follow the name before the next member. */
  subscripts: number;
}

export interface Scope {
  end: number;
  variables: Map<string, ValueType | undefined>;
}

/** One argument of a macro call, as text (comments blanked) with the tree index it starts at. */
export interface MacroArgument {
  start: number;
  text: string;
}

/** A type read from text: its aggregate tag or typedef name, and its layers. */
export interface TextualType {
  tag?: { kind: AggregateKind; name: string };
  typedefName?: string;
  layers: string;
}

export function wrap(base: ValueType | undefined, outerLayers: string): ValueType | undefined {
  if (!base || outerLayers.includes('f')) return undefined;
  return outerLayers ? { ...base, layers: outerLayers + base.layers } : base;
}

/** Strips one pointer or array layer (for `*p`, `p[i]`, and `->` checks). */
export function dereference(type: ValueType | undefined): ValueType | undefined {
  if (!type || type.layers.length === 0) return undefined;
  return { ...type, layers: type.layers.slice(1) };
}

