// Where a file uses a kernel constant as a value (`bio_alloc(bdev, BIO_MAX_PAGES, …)`,
// `case FMODE_EXCL:`), for `undeclared-constant`. The masked text finds the few names worth a
// look (the caller's `isCandidate`: constants some kernels' headers never spell); the parse
// tree then tells a value from a declaration of the same name (an enumerator or a variable the
// driver declares), and gives the function around each use and the calls it sits in, since gcc
// reports an undeclared name once per function and a macro may paste or drop its arguments.
import type { Node } from 'web-tree-sitter';
import { lineIndexAt } from './lineIndex';

/** A name in capitals, as kernel constants are spelled. */
const CONSTANT_WORD = /\b[A-Z_][A-Z0-9_]*[A-Z][A-Z0-9_]*\b/g;

/** A place in the text where a candidate name stands, not yet known to be a value. */
export interface ConstantOccurrence {
  name: string;
  line: number;
  startColumn: number;
  /** Offset in the file's text. */
  offset: number;
}

export interface EnclosingCall {
  name: string;
  /** Which argument (from 0) holds the use. */
  argument: number;
}

export interface ConstantUse extends ConstantOccurrence {
  endColumn: number;
  /** Where the function holding the use starts; undefined outside every function (an initializer at file scope). */
  functionStart?: number;
  /** The calls the use is an argument of, innermost first, each with the argument it is in: a macro among them may paste or drop it. */
  within: EnclosingCall[];
  /** Where the check cannot tell what the name is (a parse error, text the shared parse leaves out): never reported, though gcc may meet it first. */
  opaque?: true;
}

/**
 * Occurrences of the names `isCandidate` takes in `masked` (comments and strings blanked),
 * outside directive lines, not called (`NAME(`) and not reached through a member (`.NAME`,
 * `->NAME`).
 */
export function constantOccurrences(masked: string, isDirectiveLine: (line: number) => boolean, lineStartIndices: readonly number[], isCandidate: (name: string) => boolean): ConstantOccurrence[] {
  const found: ConstantOccurrence[] = [];
  // One pass over the whole text: a re-check's slice is mostly blank lines, which a pass per line pays for.
  for (const match of masked.matchAll(CONSTANT_WORD)) {
    const name = match[0];
    if (!isCandidate(name)) continue;
    const offset = match.index!;
    const line = lineIndexAt(lineStartIndices, offset);
    if (isDirectiveLine(line)) continue;
    const lineEnd = (lineStartIndices[line + 1] ?? masked.length + 1) - 1;
    if (/^\s*\(/.test(masked.slice(offset + name.length, lineEnd))) continue;
    const before = masked.slice(lineStartIndices[line], offset).trimEnd();
    if (before.endsWith('.') || before.endsWith('->')) continue;
    found.push({ name, line, startColumn: offset - lineStartIndices[line], offset });
  }
  return found;
}

/** Declarators around a declared name, each holding it in its `declarator` field (a parenthesized one has no fields). */
const DECLARATORS = new Set(['init_declarator', 'pointer_declarator', 'array_declarator', 'function_declarator', 'parenthesized_declarator']);
/** What declares the names of its declarators. */
const DECLARATIONS = new Set(['declaration', 'parameter_declaration', 'type_definition']);

/**
 * Whether the identifier is a name being declared (`int NAME = 1;`, `int f(int NAME)`, and
 * `static DEFINE_SPINLOCK(NAME);`, which the parser reads as a declaration of NAME), not a
 * value inside a declarator (`int x[NAME]`, `int y = NAME`).
 */
function isDeclaredName(node: Node): boolean {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    const holds = (declarators: (Node | null)[]) => declarators.some((declarator) => declarator?.id === child.id);
    if (DECLARATIONS.has(parent.type)) return holds(parent.childrenForFieldName('declarator'));
    if (!DECLARATORS.has(parent.type)) return false;
    if (parent.type !== 'parenthesized_declarator' && !holds(parent.childrenForFieldName('declarator'))) return false;
  }
  return false;
}

/**
 * The occurrences that `root` (the parse of the same text) reads as values. A name the file
 * itself declares anywhere (an enumerator, a variable, a parameter, a type) is the driver's,
 * whatever the kernel has: none of its occurrences is one. An occurrence the tree does not hold
 * as an identifier (a type name, text the shared parse leaves out) or holds under a parse error
 * comes back `opaque`: never reported, but gcc may meet it first.
 */
export function constantUses(root: Node, occurrences: readonly ConstantOccurrence[]): ConstantUse[] {
  const uses: ConstantUse[] = [];
  const declared = new Set<string>();
  for (const occurrence of occurrences) {
    const end = occurrence.offset + occurrence.name.length;
    const node = root.descendantForIndex(occurrence.offset, end);
    if (!node) continue;
    const use = { ...occurrence, endColumn: occurrence.startColumn + occurrence.name.length };
    const parent = node.parent;
    // `typedef u32 NAME;`: a type of the driver's.
    if (node.type === 'type_identifier' && parent?.type === 'type_definition') declared.add(occurrence.name);
    const macroArgument = node.type === 'type_identifier' ? macroTypeArgument(node) : undefined;
    if (macroArgument) uses.push({ ...use, ...macroArgument });
    else if (node.type !== 'identifier' || node.startIndex !== occurrence.offset || node.endIndex !== end || !parent) uses.push({ ...use, ...opaqueAt(node) });
    else if ((parent.type === 'enumerator' && parent.childForFieldName('name')?.id === node.id) || isDeclaredName(node)) declared.add(occurrence.name);
    else uses.push({ ...use, ...enclosing(node) });
  }
  return uses.filter((use) => !declared.has(use.name));
}

/**
 * A name the parser took for the type in `MACRO(NAME)` (`u8 buf[16] __aligned(IIO_DMA_MINALIGN);`
 * reads as a field of type `__aligned(IIO_DMA_MINALIGN)`): gcc expands the macro, so the name is
 * its argument, which the caller judges as any call's (a macro that may drop or paste it
 * leaves it alone).
 */
function macroTypeArgument(node: Node): { functionStart?: number; within: EnclosingCall[]; opaque?: true } | undefined {
  const descriptor = node.parent;
  const specifier = descriptor?.parent;
  if (descriptor?.type !== 'type_descriptor' || specifier?.type !== 'macro_type_specifier' || descriptor.namedChildCount !== 1) return undefined;
  const macro = specifier.childForFieldName('name');
  if (macro?.type !== 'identifier') return undefined;
  const around = enclosing(specifier);
  return around.opaque ? around : { ...around, within: [{ name: macro.text, argument: 0 }, ...around.within] };
}

/** An occurrence the check cannot read, with the function around it, if one is. */
function opaqueAt(node: Node): { functionStart?: number; within: EnclosingCall[]; opaque: true } {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type === 'function_definition') return { functionStart: current.startIndex, within: [], opaque: true };
  }
  return { within: [], opaque: true };
}

/** The calls around `node` and the function holding it; opaque inside what the parser could not read. */
function enclosing(node: Node): { functionStart?: number; within: EnclosingCall[]; opaque?: true } {
  const within: EnclosingCall[] = [];
  let argument = -1;
  for (let child = node, current = node.parent; current; child = current, current = current.parent) {
    if (current.type === 'ERROR') return opaqueAt(current);
    if (current.type === 'function_definition') return { functionStart: current.startIndex, within };
    if (current.type === 'argument_list') argument = current.namedChildren.filter((arg) => arg !== null && arg.type !== 'comment').findIndex((arg) => arg!.id === child.id);
    if (current.type === 'call_expression') {
      const callee = current.childForFieldName('function');
      // Called through a pointer or a member: a function, which neither pastes nor drops.
      if (callee?.type === 'identifier' && child.type === 'argument_list') within.push({ name: callee.text, argument });
    }
  }
  return { within };
}
