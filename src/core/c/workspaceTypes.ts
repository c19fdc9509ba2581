// The structs, unions and typedefs a driver's workspace defines, in any .c or .h file,
// reachable by an #include or not. A name the driver defines is the driver's, never the
// kernel's (a driver's own `struct packet` or `struct channel`), and its members type the
// accesses through it: `d->bdev->bd_part` where the driver's `struct hdev` (in its own
// header) holds a `struct block_device *bdev` is judged as block_device's `bd_part`.
//
// This file reads what one file defines; the index of them all is workspaceTypeIndex.ts (built
// once per workspace, updated per file as files change) or, in the CLI's threads,
// packedWorkspaceTypes.ts. A header is parsed with the checker's tree-sitter parser and only
// its type definitions are kept. A .c file is only scanned for the names of the structs and
// unions and the macros it defines: no other file sees its members (a .c file is nobody's
// header; one that another includes is read there as text by the preprocessor), so parsing it
// bought nothing but time (indexing i915, ext4, ipv4 and sound/core: 2.3-2.8 s with .c files
// parsed, 1.0 s scanned).
import type { Node, Parser } from 'web-tree-sitter';
import { parseDeclarations } from './declarationsTree';
import { typeWithoutName } from './ctype';
import type { AggregateRef } from '../kernels/database';
import type { KernelEnvironment } from './preprocessor';
import { parserText } from './parser';
import { blankCommentsAndLiterals } from './typeText';
import { holdsOnlyDirectives } from './directivesOnly';
import { detached } from '../detached';

/** What one file defines. */
export interface FileTypes {
  /** 'struct hdev' → member name → member type text ('struct block_device *'). */
  readonly aggregates: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Typedef name → the type it names ('struct hdev *', 'int'). */
  readonly typedefs: ReadonlyMap<string, string>;
  /** Keys of `aggregates` and typedef names whose definition sits inside an #if/#ifdef block. */
  readonly conditional: ReadonlySet<string>;
  /** For conditional aggregates: the 0-based line the definition starts on, where its conditions are judged per kernel. */
  readonly rows: ReadonlyMap<string, number>;
  /** With conditional aggregates: the file's directives on their lines, every other line empty (what decides those lines). */
  readonly directives?: string;
  /**
   * Functions the file defines or declares, and macros it defines: names a call may reach in
   * the driver, each once. An array: as a Set per file they were 40 MB of each checking
   * thread's heap over drivers/ (364,000 names in 28,000 files); the index asks the union.
   */
  readonly callables: readonly string[];
  /**
   * Structs and unions a .c file defines ('struct board'), by name only: they are the
   * driver's, but no other file sees their members. A definition with members wins over them.
   */
  readonly namedOnly?: ReadonlySet<string>;
}

/** FileTypes while a file is read. */
interface FoundTypes {
  aggregates: Map<string, Map<string, string>>;
  typedefs: Map<string, string>;
  conditional: Set<string>;
  rows: Map<string, number>;
  directives?: string;
  callables: Set<string>;
  namedOnly?: Set<string>;
}

/** Files larger than this are not indexed: no driver header is, and a generated blob may be. */
const MAX_INDEXED_BYTES = 2 * 1024 * 1024;

const MACRO_DEFINITION = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(.*)$/gm;
/**
 * The body of `#define mmGRBM_STATUS 0x2004`: a number cannot be called, so the name is no
 * callable. Register headers define tens of thousands of these each; kept, they made the
 * index of drivers/gpu 160 MB of names.
 */
const NUMBER_BODY = /^[ \t]+\(?[ \t]*(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*[ \t]*\)?[ \t]*(?:\/\*.*\*\/[ \t]*|\/\/.*)?\r?$/;

/** Whether the index reads the file as a source (.c): names only, see the top of this file. */
export function isSourceFile(path: string): boolean {
  return /\.c$/i.test(path);
}

/** What the index keeps of a workspace file: a header's definitions, a source's names. */
export function readWorkspaceFile(parser: Parser, path: string, text: string): FileTypes {
  return isSourceFile(path) ? readSourceNames(text) : readFileTypes(parser, text);
}

/** `struct board {`, `union __packed regs {`: a tag defined with a body (annotations between keyword and tag allowed). */
const TAG_WITH_BODY = /\b(struct|union)\s+(?:(?:__attribute__\s*\(\([^;{]*?\)\)|__packed|__aligned\s*\([^)]*\)|__randomize_layout)\s+)*([A-Za-z_]\w*)\s*\{/g;

/** The names of the structs and unions a .c file defines and the macros a call may reach, read from its text without parsing it. */
export function readSourceNames(text: string): FileTypes {
  const found = noTypes();
  if (!isIndexable(text)) return detachedTypes(found);
  const namedOnly = new Set<string>();
  for (const match of blankCommentsAndLiterals(text).matchAll(TAG_WITH_BODY)) namedOnly.add(`${match[1]} ${match[2]}`);
  readCallableMacros(text, found);
  return detachedTypes({ ...found, namedOnly });
}

function noTypes(): FoundTypes {
  return { aggregates: new Map(), typedefs: new Map(), conditional: new Set(), rows: new Map(), callables: new Set() };
}

function isIndexable(text: string): boolean {
  return text.length <= MAX_INDEXED_BYTES && !text.includes('\0');
}

/** The macros a call may reach (not register numbers), into `found.callables`. */
function readCallableMacros(text: string, found: FoundTypes): void {
  for (const match of text.matchAll(MACRO_DEFINITION)) if (!NUMBER_BODY.test(match[2])) found.callables.add(match[1]);
}

/** Reads the type definitions of one file. */
export function readFileTypes(parser: Parser, text: string): FileTypes {
  const found = noTypes();
  if (!isIndexable(text)) return detachedTypes(found);
  readCallableMacros(text, found);
  // A register header defines macros only: nothing to parse.
  if (holdsOnlyDirectives(text)) return detachedTypes(found);
  const tree = parseDeclarations(parser, parserText(text));
  if (!tree) return detachedTypes(found);
  try {
    visit(tree.rootNode, found, false);
  } finally {
    tree.delete();
  }
  if (found.rows.size > 0) found.directives = directivesOnly(text);
  return detachedTypes(found);
}

function detachedTypes(found: FoundTypes): FileTypes {
  const aggregates = new Map<string, Map<string, string>>();
  for (const [name, members] of found.aggregates) {
    aggregates.set(detached(name), new Map([...members].map(([member, type]) => [detached(member), detached(type)])));
  }
  return {
    aggregates,
    typedefs: new Map([...found.typedefs].map(([name, type]) => [detached(name), detached(type)])),
    conditional: new Set([...found.conditional].map(detached)),
    rows: new Map([...found.rows].map(([name, row]) => [detached(name), row])),
    directives: found.directives,
    callables: [...found.callables].map(detached),
    ...(found.namedOnly ? { namedOnly: new Set([...found.namedOnly].map(detached)) } : {}),
  };
}

/** The text with every line but preprocessor directives (and their continuations) emptied, so line numbers hold. */
function directivesOnly(text: string): string {
  let continued = false;
  return text
    .split('\n')
    .map((line) => {
      const kept = continued || /^\s*#/.test(line);
      continued = kept && /\\\r?$/.test(line);
      return kept ? line : '';
    })
    .join('\n');
}

const CONDITIONAL_BLOCKS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

function visit(node: Node, found: FoundTypes, conditional: boolean): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const inside = conditional || (CONDITIONAL_BLOCKS.has(child.type) && !isIncludeGuard(child) && !isKernelBuildTest(child));
    if (child.type === 'struct_specifier' || child.type === 'union_specifier') readAggregate(child, found, inside);
    else if (child.type === 'type_definition') readTypedef(child, found, inside);
    else if (child.type === 'function_definition' || child.type === 'declaration') readFunctionName(child, found);
    // Definitions sit at top level, in declarations and inside preprocessor blocks; function
    // bodies hold none that code elsewhere can name.
    if (child.type !== 'function_definition' && child.type !== 'field_declaration_list') visit(child, found, inside);
  }
}

/** `#ifdef __KERNEL__`, `#if defined(__KERNEL__)`: always true where Kbuild compiles a module, so no condition on the code. */
function isKernelBuildTest(block: Node): boolean {
  const firstLine = block.text.slice(0, block.text.indexOf('\n') >>> 0);
  return /^#\s*(?:ifdef\s+(?:__KERNEL__|MODULE)\b|if\s+defined\s*\(?\s*(?:__KERNEL__|MODULE)\s*\)?\s*(?:\/[*/].*)?$)/.test(firstLine.trim());
}

/** `#ifndef FOO_H` / `#define FOO_H` … `#endif` wraps a whole header: it is not a condition on the code. */
function isIncludeGuard(block: Node): boolean {
  if (block.type !== 'preproc_ifdef' || !block.text.startsWith('#ifndef')) return false;
  const name = block.childForFieldName('name')?.text;
  const first = block.namedChildren.find((c) => c && c.type !== 'identifier' && c.type !== 'comment');
  return first?.type === 'preproc_def' && first.childForFieldName('name')?.text === name;
}

/**
 * The name a function definition or prototype declares (`static int f(void) { … }`, `int
 * g(int);`), or a pointer to function (`static u64 (*bpf_get_current_task)(void) = …;`, as BPF
 * programs declare their helpers): a call of that name calls it.
 */
function readFunctionName(node: Node, found: FoundTypes): void {
  for (const declarator of node.childrenForFieldName('declarator')) {
    let current: Node | null = declarator;
    for (let depth = 0; current && depth < 8 && current.type !== 'function_declarator'; depth++) current = current.childForFieldName('declarator');
    let name = current?.childForFieldName('declarator') ?? null;
    for (let depth = 0; name && depth < 4 && (name.type === 'parenthesized_declarator' || name.type === 'pointer_declarator'); depth++) {
      name = name.type === 'parenthesized_declarator' ? name.namedChildren.find((child) => child?.type !== 'comment') ?? null : name.childForFieldName('declarator');
    }
    if (name?.type === 'identifier') found.callables.add(name.text);
  }
}

function readAggregate(specifier: Node, found: FoundTypes, conditional: boolean): void {
  const name = specifier.childForFieldName('name')?.text;
  const body = specifier.childForFieldName('body');
  if (!name || !body) return;
  const key = `${specifier.type === 'struct_specifier' ? 'struct' : 'union'} ${name}`;
  const members = found.aggregates.get(key) ?? new Map<string, string>();
  readMembers(body, members);
  found.aggregates.set(key, members);
  if (conditional) {
    found.conditional.add(key);
    if (!found.rows.has(key)) found.rows.set(key, specifier.startPosition.row);
  }
}

/** Members of a `{ … }` body; those of unnamed inner structs and unions are reachable directly, as C allows. */
function readMembers(body: Node, members: Map<string, string>): void {
  for (const field of body.namedChildren) {
    if (!field) continue;
    if (CONDITIONAL_BLOCKS.has(field.type)) {
      readMembers(field, members);
      continue;
    }
    if (field.type !== 'field_declaration') continue;
    const type = field.childForFieldName('type');
    const declarators = field.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
    if (!type) continue;
    if (declarators.length === 0) {
      const inner = type.childForFieldName('body');
      if (inner && (type.type === 'struct_specifier' || type.type === 'union_specifier')) readMembers(inner, members);
      continue;
    }
    const prefix = textBefore(field, type);
    for (const declarator of declarators) {
      const nameNode = declaredName(declarator);
      if (!nameNode) continue;
      const declaration = `${prefix}${type.text} ${declarator.text}`;
      const at = prefix.length + type.text.length + 1 + (nameNode.startIndex - declarator.startIndex);
      members.set(nameNode.text, normalizeSpaces(typeWithoutName(declaration, at, at + nameNode.text.length)));
    }
  }
}

function readTypedef(definition: Node, found: FoundTypes, conditional: boolean): void {
  const type = definition.childForFieldName('type');
  if (!type) return;
  if ((type.type === 'struct_specifier' || type.type === 'union_specifier') && type.childForFieldName('body')) {
    readAggregate(type, found, conditional);
  }
  // `typedef struct { … } name;` has no tag: the typedef stands for the body itself.
  const untagged = (type.type === 'struct_specifier' || type.type === 'union_specifier') && !type.childForFieldName('name') && type.childForFieldName('body');
  for (const declarator of definition.childrenForFieldName('declarator')) {
    if (!declarator) continue;
    const nameNode = declaredName(declarator);
    if (!nameNode) continue;
    if (untagged) {
      // Indexed under a key of its own, so the typedef can name it as a struct.
      const key = `${type.type === 'struct_specifier' ? 'struct' : 'union'} ${nameNode.text}`;
      const members = new Map<string, string>();
      readMembers(type.childForFieldName('body')!, members);
      found.aggregates.set(key, members);
      if (conditional && !found.rows.has(key)) found.rows.set(key, definition.startPosition.row);
      found.typedefs.set(nameNode.text, `${key}${declarator.text.slice(0, nameNode.startIndex - declarator.startIndex).replace(/[^*]/g, '')}`);
    } else {
      const typeText = type.type === 'struct_specifier' || type.type === 'union_specifier' ? `${type.type === 'struct_specifier' ? 'struct' : 'union'} ${type.childForFieldName('name')?.text ?? ''}` : type.text;
      const declaration = `${typeText} ${declarator.text}`;
      const at = typeText.length + 1 + (nameNode.startIndex - declarator.startIndex);
      found.typedefs.set(nameNode.text, normalizeSpaces(typeWithoutName(declaration, at, at + nameNode.text.length)));
    }
    if (conditional) found.conditional.add(nameNode.text);
  }
}

function declaredName(declarator: Node): Node | null {
  let current: Node | null = declarator;
  for (let depth = 0; current && depth < 16; depth++) {
    if (current.type === 'field_identifier' || current.type === 'type_identifier' || current.type === 'identifier') return current;
    if (current.type === 'parenthesized_declarator') current = current.namedChildren.find((c) => c !== null) ?? null;
    else current = current.childForFieldName('declarator');
  }
  return null;
}

/** Qualifiers written before the type (`const struct x *p;`). */
function textBefore(field: Node, type: Node): string {
  const before = field.text.slice(0, type.startIndex - field.startIndex).trim();
  return before ? `${before} ` : '';
}

function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** What the checker asks of the workspace's definitions, for one file being checked. */
export interface WorkspaceTypes {
  /** Changes whenever a file's definitions change, so readings made before are not reused. */
  readonly generation: number;
  /**
   * Members of an aggregate some other workspace file defines unconditionally; 'conditional'
   * when only inside #if blocks. Where several files define it, those among `preferred` (the
   * headers the file being checked reads) speak first: two drivers of one tree may each have a
   * `struct uvc_device`, and the one a file includes is its own.
   */
  aggregate(ref: AggregateRef, except: string, preferred?: ReadonlySet<string>): ReadonlyMap<string, string> | 'conditional' | undefined;
  /** The type a typedef of some other workspace file names; 'conditional' when only inside #if blocks. */
  typedef(name: string, except: string): string | 'conditional' | undefined;
  /**
   * For an aggregate other workspace files define only inside #if blocks (a compat backport
   * under `#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)`): per kernel environment, whether
   * one of those definitions may be compiled there. Where none is, the kernel's struct is the one
   * the code means. Undefined when no other file defines it, or one defines it unconditionally.
   * `environmentsKey` names the environments (the targets) for caching.
   */
  conditionalAggregateOn(ref: AggregateRef, except: string, environments: readonly KernelEnvironment[], environmentsKey: string): readonly boolean[] | undefined;
  /** Whether some workspace file defines or declares a function, or defines a macro, of that name. */
  definesCallable(name: string): boolean;
}
