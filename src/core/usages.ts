// Finds where a parsed C file touches members of kernel structs and unions (designated
// initializers, `->`/`.` accesses, offsetof, container_of and friends), which kernel
// aggregates it names, and the signatures of the functions it declares.
//
// Speed matters (this runs on every keystroke), and with web-tree-sitter every node property
// read is a call into WebAssembly. So the tree is walked once, on the C side, by
// `descendantsOfType`, which hands back only the node kinds that matter, in document order;
// everything else is reached from those few nodes on demand. Document order lets a stack of
// block scopes stand in for a real symbol table.
//
// Types are never guessed: when the type of an expression cannot be worked out from the file
// and the oracle, nothing is reported for it.
import type { Node, Tree } from 'web-tree-sitter';

export type AggregateKind = 'struct' | 'union';

export interface AggregateRef {
  kind: AggregateKind;
  name: string;
}

/** 0-based, as tree-sitter reports them (columns in UTF-16 code units). */
export interface SourceRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  startIndex: number;
  endIndex: number;
}

export type UsageKind = 'initializer' | 'access' | 'offsetof' | 'container_of';

export interface MemberUsage {
  kind: UsageKind;
  aggregate: AggregateRef;
  member: string;
  /** The member name token only. */
  range: SourceRange;
  /** initializer only: the function the member is set to, when the value is a plain identifier `f` or `&f` */
  assignedFunction?: string;
  /** initializer only: range of the whole `.member = value` pair (for quick fixes) */
  statementRange?: SourceRange;
}

/** A `struct NAME` / `union NAME` reference to a kernel aggregate (the range covers NAME). */
export interface AggregateMention {
  aggregate: AggregateRef;
  range: SourceRange;
}

export interface FunctionSignature {
  name: string;
  returnType: string;
  parameterTypes: string[];
  /** The function name. */
  range: SourceRange;
}

/** What the finder may ask about kernel types (backed by the kernel struct database). */
export interface TypeOracle {
  /** Does the database know this kernel struct/union (in any image)? */
  isKernelAggregate(ref: AggregateRef): boolean;
  /** The C type text of a member of a kernel aggregate (e.g. 'const struct vfio_device_ops *', 'struct list_head', 'int (*)(void *)', 'union (anon)', 'struct device *[4]'), or undefined when unknown. */
  memberType(ref: AggregateRef, member: string): string | undefined;
}

export interface FileUsages {
  usages: MemberUsage[];
  mentions: AggregateMention[];
  /** functions defined or declared (prototype) in the file, by name */
  functions: Map<string, FunctionSignature>;
  /** names of structs/unions the file itself defines (with a body): these are NOT kernel structs */
  localAggregates: Set<string>;
}

export function findUsages(tree: Tree, oracle: TypeOracle): FileUsages {
  return new UsageFinder(tree, oracle).run();
}

// ---------------------------------------------------------------------------------------------
// Internal type model

/** A kernel aggregate: its members are known only through the oracle. */
interface KernelAggregate {
  isLocal: false;
  ref: AggregateRef;
}

/** An aggregate the file defines itself; its members come from its body (or bodies). */
interface LocalAggregate {
  isLocal: true;
  bodies: Node[];
  members?: Map<string, ValueType | undefined>;
}

type Aggregate = KernelAggregate | LocalAggregate;

/**
 * The type of a value whose innermost type is an aggregate. `layers` lists what wraps the
 * aggregate, outermost first: '*' pointer, '[' array ('struct device *[4]' is '[*').
 * Function types never reach a ValueType: nothing can be accessed through them.
 */
interface ValueType {
  aggregate: Aggregate;
  layers: string;
}

/** What a declarator says about the entity it declares. */
interface DeclaratorInfo {
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

interface SpecifierInfo {
  kind: AggregateKind;
  name: string | undefined;
  /** Tree index of the tag name (-1 without one). */
  nameIndex: number;
  hasBody: boolean;
}

/** A member name in a designator, offsetof or container_of chain. */
interface MemberStep {
  nameStart: number;
  /** How many array subscripts follow the name before the next member. */
  subscripts: number;
}

interface Scope {
  end: number;
  variables: Map<string, ValueType | undefined>;
}

/** Macros shaped `(pointer, TYPE, member)` or `(TYPE, member)`: they name a member of TYPE. */
interface TypeMemberMacro {
  typeArgument: number;
  kind: UsageKind;
  /** Whether the macro's value is a pointer to TYPE (container_of) rather than a number. */
  yieldsPointer: boolean;
}

const TYPE_MEMBER_MACROS = new Map<string, TypeMemberMacro>([
  ...[
    'container_of',
    'container_of_const',
    'container_of_safe',
    'list_entry',
    'list_first_entry',
    'list_last_entry',
    'list_first_entry_or_null',
    'list_last_entry_or_null',
    'list_entry_rcu',
    'list_first_or_null_rcu',
    'hlist_entry',
    'hlist_entry_safe',
    'rb_entry',
    'rb_entry_safe',
    'llist_entry',
  ].map((name): [string, TypeMemberMacro] => [name, { typeArgument: 1, kind: 'container_of', yieldsPointer: true }]),
  ...['offsetofend', 'sizeof_field', 'typeof_member', 'FIELD_SIZEOF'].map(
    (name): [string, TypeMemberMacro] => [name, { typeArgument: 0, kind: 'offsetof', yieldsPointer: false }],
  ),
]);

/**
 * Macros shaped `(pos, ..., member)` where `member` belongs to the struct `pos` points to;
 * the value is the argument index of `member`. They expand to container_of on pos's type.
 */
const CURSOR_MEMBER_MACROS = new Map<string, number>([
  ['list_next_entry', 1],
  ['list_prev_entry', 1],
  ['list_for_each_entry', 2],
  ['list_for_each_entry_reverse', 2],
  ['list_for_each_entry_continue', 2],
  ['list_for_each_entry_continue_reverse', 2],
  ['list_for_each_entry_from', 2],
  ['list_for_each_entry_from_reverse', 2],
  ['list_for_each_entry_rcu', 2],
  ['hlist_for_each_entry', 2],
  ['hlist_for_each_entry_rcu', 2],
  ['list_for_each_entry_safe', 3],
  ['list_for_each_entry_safe_reverse', 3],
  ['list_for_each_entry_safe_continue', 3],
  ['list_for_each_entry_safe_from', 3],
  ['hlist_for_each_entry_safe', 3],
]);

/** The cursor macros whose value is the next element (typed like pos), not a loop. */
const CURSOR_MACROS_YIELDING_POS = new Set(['list_next_entry', 'list_prev_entry']);

/** Sparse address-space annotations: part of a type, so kept in signature text. */
const ADDRESS_SPACE_ANNOTATIONS = new Set(['__user', '__iomem', '__rcu', '__percpu', '__force', '__kernel', '__private']);

const TYPE_QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '_Atomic']);

/** Attributes written after a parameter name; they say nothing about its type. */
const NAME_ATTRIBUTE_PATTERN = /\b__(?:maybe|always)_unused\b|\b__unused\b/g;

/** Kernel annotation macros without the usual leading underscores. */
const PLAIN_ANNOTATIONS = new Set(['notrace', 'noinline', 'noinstr', 'asmlinkage', 'visible']);

/**
 * The node kinds the C-side walk collects. ERROR must not be mixed in: web-tree-sitter's
 * descendantsOfType assumes its symbol list is sorted and puts ERROR (65535) first, which
 * silently drops most matches.
 */
const COLLECTED_NODE_TYPES = [
  'declaration',
  'function_definition',
  'type_definition',
  'compound_statement',
  'for_statement',
  'struct_specifier',
  'union_specifier',
  'field_expression',
  'call_expression',
  'offsetof_expression',
  'compound_literal_expression',
];

/** A name in a declarator position that is really an unexpanded annotation macro. */
function isAnnotationLike(name: string): boolean {
  return /^__[a-z][a-z0-9_]*$/.test(name) || PLAIN_ANNOTATIONS.has(name);
}

function isNameToken(type: string): boolean {
  return type === 'identifier' || type === 'field_identifier' || type === 'type_identifier';
}

/**
 * Turns the text of a member type from the oracle into a ValueType shape: the aggregate tag
 * and its layers. Undefined for anything that is not an aggregate, an array of them or a
 * pointer to them (scalars, function pointers, anonymous aggregates).
 */
function parseTypeText(text: string): { kind: AggregateKind; name: string; layers: string } | undefined {
  const match = /^\s*(?:[A-Za-z_]\w*\s+)*?(struct|union)\s+([A-Za-z_]\w*)\b(.*)$/s.exec(text);
  if (!match) return undefined;
  const declarator = match[3].replace(/\b(?:const|volatile|restrict|__restrict|__\w+)\b/g, '').replace(/\s+/g, '');
  const layers = layersOfAbstractDeclarator(declarator);
  if (layers === undefined || layers.includes('f')) return undefined;
  return { kind: match[1] as AggregateKind, name: match[2], layers };
}

/**
 * Layers of an abstract declarator written as text, without spaces ('*', '*[4]', '(*)[2]').
 * Stars bind looser than array suffixes, and a parenthesized part binds loosest of all.
 */
function layersOfAbstractDeclarator(text: string): string | undefined {
  let position = 0;
  let stars = 0;
  while (text[position] === '*') {
    stars++;
    position++;
  }
  let inner: string | undefined;
  if (text[position] === '(') {
    let depth = 0;
    let close = position;
    for (; close < text.length; close++) {
      if (text[close] === '(') depth++;
      else if (text[close] === ')' && --depth === 0) break;
    }
    if (close >= text.length) return undefined;
    inner = text.slice(position + 1, close);
    position = close + 1;
    if (text[position] === '(') return 'f';
  }
  let arrays = 0;
  while (text[position] === '[') {
    const close = text.indexOf(']', position);
    if (close < 0) return undefined;
    arrays++;
    position = close + 1;
  }
  if (position !== text.length) return undefined;
  const innerLayers = inner === undefined ? '' : layersOfAbstractDeclarator(inner);
  if (innerLayers === undefined) return undefined;
  return innerLayers + '['.repeat(arrays) + '*'.repeat(stars);
}

function wrap(base: ValueType | undefined, outerLayers: string): ValueType | undefined {
  if (!base || outerLayers.includes('f')) return undefined;
  return outerLayers ? { aggregate: base.aggregate, layers: outerLayers + base.layers } : base;
}

/** Strips one pointer or array layer (for `*p`, `p[i]`, and `->` checks). */
function dereference(type: ValueType | undefined): ValueType | undefined {
  if (!type || type.layers.length === 0) return undefined;
  return { aggregate: type.aggregate, layers: type.layers.slice(1) };
}

/**
 * Normalizes C type text the way signatures are compared: comments and name attributes gone,
 * whitespace collapsed, pointer stars attached (`struct vfio_device *`, `int (*)(void *)`).
 */
export function normalizeTypeText(text: string): string {
  const cleaned = text
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\)/g, ' ')
    .replace(NAME_ATTRIBUTE_PATTERN, ' ');
  const tokens = cleaned.match(/[A-Za-z_$][\w$]*|0[xX][\da-fA-F]+|\d+|\.\.\.|\S/g) ?? [];
  let result = '';
  let previous = '';
  for (const token of tokens) {
    const glued =
      previous === '' ||
      previous === '(' ||
      previous === '[' ||
      token === ')' ||
      token === ']' ||
      token === ',' ||
      token === '[' ||
      (previous === '*' && (token === '*' || token === ')')) ||
      (previous === ')' && token === '(');
    result += glued ? token : ' ' + token;
    previous = token;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

const IDENTIFIER_AT = /[A-Za-z_$][\w$]*/y;

function isIdentifierCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36
  );
}

function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

class UsageFinder {
  /** The text the tree covers; `source[0]` is at tree index `sourceBase`. */
  private readonly source: string;
  private readonly sourceBase: number;
  private readonly firstRow: number;
  private readonly firstLineStart: number;
  /** Tree indices where lines start, built when a position is first needed. */
  private lineStarts: number[] | undefined;

  private readonly usages: MemberUsage[] = [];
  private readonly mentions: AggregateMention[] = [];
  private readonly mentionedStarts = new Set<number>();
  private readonly functions = new Map<string, FunctionSignature>();
  private readonly definedFunctions = new Set<string>();
  private readonly functionReturnTypes = new Map<string, ValueType | undefined>();

  private readonly localAggregatesByName = new Map<string, LocalAggregate>();
  /** Bodied aggregates without a tag (`typedef struct { ... } t;`), by specifier node id. */
  private readonly anonymousAggregates = new Map<number, LocalAggregate>();
  private readonly specifiers = new Map<number, SpecifierInfo>();
  private readonly kernelAggregates = new Map<string, KernelAggregate>();
  private readonly typedefs = new Map<string, ValueType | undefined>();
  private readonly scopes: Scope[] = [{ end: Infinity, variables: new Map() }];

  /**
   * Types of compound expressions already worked out, by node id. Also marks the expressions
   * already reported, since each one is reached both from the walk and from enclosing
   * expressions. Only nodes with children go in: leaf tokens can share ids.
   */
  private readonly expressionTypes = new Map<number, ValueType | undefined>();
  private readonly kernelAnswers = new Map<string, boolean>();
  private readonly memberTypes = new Map<string, ValueType | undefined>();

  constructor(
    private readonly tree: Tree,
    private readonly oracle: TypeOracle,
  ) {
    const root = tree.rootNode;
    const start = root.startPosition;
    this.sourceBase = root.startIndex;
    this.source = root.text;
    this.firstRow = start.row;
    this.firstLineStart = root.startIndex - start.column;
  }

  run(): FileUsages {
    try {
      this.walk();
    } catch {
      // A surprise in a broken tree must not cost the caller everything found so far.
    }
    this.usages.sort((a, b) => a.range.startIndex - b.range.startIndex);
    this.mentions.sort((a, b) => a.range.startIndex - b.range.startIndex);
    return {
      usages: this.usages,
      mentions: this.mentions,
      functions: this.functions,
      localAggregates: new Set(this.localAggregatesByName.keys()),
    };
  }

  private walk(): void {
    const nodes: Node[] = [];
    for (const node of this.tree.rootNode.descendantsOfType(COLLECTED_NODE_TYPES)) if (node) nodes.push(node);
    const types = nodes.map((node) => node.type);

    // Tags defined anywhere in the file shadow kernel tags everywhere in it, so they are
    // collected before anything is resolved.
    for (let i = 0; i < nodes.length; i++) {
      if (types[i] === 'struct_specifier' || types[i] === 'union_specifier') this.noteSpecifier(nodes[i], types[i]);
    }

    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      this.leaveScopesBefore(node.startIndex);
      switch (types[i]) {
        case 'compound_statement':
        case 'for_statement':
          this.scopes.push({ end: node.endIndex, variables: new Map() });
          break;
        case 'function_definition':
          this.visitFunctionDefinition(node);
          break;
        case 'declaration':
          this.visitDeclaration(node);
          break;
        case 'type_definition':
          this.visitTypeDefinition(node);
          break;
        case 'struct_specifier':
        case 'union_specifier':
          this.visitSpecifier(node);
          break;
        case 'field_expression':
        case 'call_expression':
          this.typeOf(node, types[i]);
          break;
        case 'offsetof_expression':
          this.visitOffsetof(node);
          break;
        case 'compound_literal_expression':
          this.visitCompoundLiteral(node);
          break;
      }
    }
  }

  // --- reading the text ---------------------------------------------------------------------
  // Asking the tree for a node's end or children costs a trip into WebAssembly; token text and
  // positions are cheaper to read straight from the source.

  private textOf(node: Node): string {
    return this.source.slice(node.startIndex - this.sourceBase, node.endIndex - this.sourceBase);
  }

  private textBetween(start: number, end: number): string {
    return this.source.slice(start - this.sourceBase, end - this.sourceBase);
  }

  private charAt(index: number): string {
    return this.source.charAt(index - this.sourceBase);
  }

  /** The identifier starting at a tree index ('' when none does). */
  private identifierAt(index: number): string {
    IDENTIFIER_AT.lastIndex = index - this.sourceBase;
    const match = IDENTIFIER_AT.exec(this.source);
    return match ? match[0] : '';
  }

  /** Where the identifier that ends at a tree index starts, or -1. */
  private identifierStartBefore(end: number): number {
    const source = this.source;
    const last = end - this.sourceBase;
    let first = last;
    while (first > 0 && isIdentifierCode(source.charCodeAt(first - 1))) first--;
    if (first === last) return -1;
    const code = source.charCodeAt(first);
    if (code >= 48 && code <= 57) return -1;
    return first + this.sourceBase;
  }

  /** The first tree index at or after `index` that is not white space or a comment. */
  private skipTrivia(index: number): number {
    const source = this.source;
    let position = index - this.sourceBase;
    for (;;) {
      const code = source.charCodeAt(position);
      if (isSpaceCode(code)) {
        position++;
      } else if (code === 47 && source.charCodeAt(position + 1) === 42) {
        const close = source.indexOf('*/', position + 2);
        position = close < 0 ? source.length : close + 2;
      } else if (code === 47 && source.charCodeAt(position + 1) === 47) {
        const newline = source.indexOf('\n', position);
        position = newline < 0 ? source.length : newline;
      } else if (code === 92 && (source.charCodeAt(position + 1) === 10 || source.charCodeAt(position + 1) === 13)) {
        position++;
      } else {
        return position + this.sourceBase;
      }
    }
  }

  /** Just past the last character before `index` that is not white space or a block comment. */
  private skipTriviaBackward(index: number): number {
    const source = this.source;
    let position = index - this.sourceBase;
    while (position > 0) {
      const code = source.charCodeAt(position - 1);
      if (isSpaceCode(code)) {
        position--;
      } else if (code === 47 && source.charCodeAt(position - 2) === 42) {
        const open = source.lastIndexOf('/*', position - 3);
        if (open < 0) break;
        position = open;
      } else {
        break;
      }
    }
    return position + this.sourceBase;
  }

  private positionAt(index: number): { row: number; column: number } {
    let starts = this.lineStarts;
    if (!starts) {
      starts = [this.firstLineStart];
      const source = this.source;
      for (let newline = source.indexOf('\n'); newline >= 0; newline = source.indexOf('\n', newline + 1)) {
        starts.push(newline + 1 + this.sourceBase);
      }
      this.lineStarts = starts;
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return { row: this.firstRow + low, column: index - starts[low] };
  }

  /** Range of a one-line token from its start and length. */
  private tokenRange(start: number, length: number, position = this.positionAt(start)): SourceRange {
    return {
      startLine: position.row,
      startColumn: position.column,
      endLine: position.row,
      endColumn: position.column + length,
      startIndex: start,
      endIndex: start + length,
    };
  }

  private nodeTokenRange(node: Node, length: number): SourceRange {
    return this.tokenRange(node.startIndex, length, node.startPosition);
  }

  private rangeOf(node: Node): SourceRange {
    const start = node.startPosition;
    const endIndex = node.endIndex;
    const end = this.positionAt(endIndex);
    return {
      startLine: start.row,
      startColumn: start.column,
      endLine: end.row,
      endColumn: end.column,
      startIndex: node.startIndex,
      endIndex,
    };
  }

  private firstNamedChildExceptComments(node: Node): Node | null {
    let child = node.firstNamedChild;
    while (child && child.type === 'comment') child = child.nextNamedSibling;
    return child;
  }

  // --- scopes -----------------------------------------------------------------------------------

  private leaveScopesBefore(index: number): void {
    while (this.scopes.length > 1 && this.scopes[this.scopes.length - 1].end <= index) this.scopes.pop();
  }

  private atFileScope(): boolean {
    return this.scopes.length === 1;
  }

  private declareVariable(name: string, type: ValueType | undefined): void {
    this.scopes[this.scopes.length - 1].variables.set(name, type);
  }

  /** The innermost declaration of a name; `scopesToSkip` leaves out the outermost ones. */
  private lookupVariable(name: string, scopesToSkip = 0): { found: boolean; type?: ValueType } {
    for (let i = this.scopes.length - 1; i >= scopesToSkip; i--) {
      const variables = this.scopes[i].variables;
      if (variables.has(name)) return { found: true, type: variables.get(name) };
    }
    return { found: false };
  }

  // --- aggregates -------------------------------------------------------------------------------

  /**
   * Reads `struct NAME {` from the text; falls back to the tree for anything unusual (an
   * attribute before the name, a comment-free reading that does not add up).
   */
  private noteSpecifier(node: Node, type: string): SpecifierInfo {
    const kind: AggregateKind = type === 'union_specifier' ? 'union' : 'struct';
    const start = node.startIndex;
    let info: SpecifierInfo | undefined;
    if (this.identifierAt(start) === kind) {
      const afterKeyword = this.skipTrivia(start + kind.length);
      if (this.charAt(afterKeyword) === '{') {
        info = { kind, name: undefined, nameIndex: -1, hasBody: true };
      } else {
        const name = this.identifierAt(afterKeyword);
        if (name && name !== '__attribute__' && !isAnnotationLike(name)) {
          const hasBody = this.charAt(this.skipTrivia(afterKeyword + name.length)) === '{';
          info = { kind, name, nameIndex: afterKeyword, hasBody };
        }
      }
    }
    if (!info) {
      const nameNode = node.childForFieldName('name');
      info = {
        kind,
        name: nameNode ? this.identifierAt(nameNode.startIndex) : undefined,
        nameIndex: nameNode ? nameNode.startIndex : -1,
        hasBody: node.childForFieldName('body') !== null,
      };
    }
    this.specifiers.set(node.id, info);
    if (info.hasBody) {
      const body = node.childForFieldName('body');
      if (body && info.name) {
        const existing = this.localAggregatesByName.get(info.name);
        if (existing) existing.bodies.push(body);
        else this.localAggregatesByName.set(info.name, { isLocal: true, bodies: [body] });
      } else if (body) {
        this.anonymousAggregates.set(node.id, { isLocal: true, bodies: [body] });
      }
    }
    return info;
  }

  private specifierInfo(node: Node, type: string): SpecifierInfo {
    return this.specifiers.get(node.id) ?? this.noteSpecifier(node, type);
  }

  private aggregateForTag(kind: AggregateKind, name: string): Aggregate {
    const local = this.localAggregatesByName.get(name);
    if (local) return local;
    const key = kind + ' ' + name;
    let kernel = this.kernelAggregates.get(key);
    if (!kernel) {
      kernel = { isLocal: false, ref: { kind, name } };
      this.kernelAggregates.set(key, kernel);
    }
    return kernel;
  }

  private isKernel(aggregate: Aggregate): aggregate is KernelAggregate {
    if (aggregate.isLocal) return false;
    const key = aggregate.ref.kind + ' ' + aggregate.ref.name;
    let answer = this.kernelAnswers.get(key);
    if (answer === undefined) {
      answer = this.oracle.isKernelAggregate(aggregate.ref);
      this.kernelAnswers.set(key, answer);
    }
    return answer;
  }

  private memberOf(aggregate: Aggregate, member: string): ValueType | undefined {
    if (aggregate.isLocal) return this.localMembers(aggregate).get(member);
    const key = aggregate.ref.kind + ' ' + aggregate.ref.name + '.' + member;
    if (this.memberTypes.has(key)) return this.memberTypes.get(key);
    const text = this.oracle.memberType(aggregate.ref, member);
    const parsed = text === undefined ? undefined : parseTypeText(text);
    const type = parsed && { aggregate: this.aggregateForTag(parsed.kind, parsed.name), layers: parsed.layers };
    this.memberTypes.set(key, type);
    return type;
  }

  /** Members of a file-defined aggregate, read from its body the first time they are needed. */
  private localMembers(aggregate: LocalAggregate): Map<string, ValueType | undefined> {
    if (aggregate.members) return aggregate.members;
    const members = new Map<string, ValueType | undefined>();
    // Set before reading the body so a self-referencing member cannot recurse forever.
    aggregate.members = members;
    for (const body of aggregate.bodies) {
      for (const field of body.namedChildren) {
        if (!field || field.type !== 'field_declaration') continue;
        const typeNode = field.childForFieldName('type');
        const base = this.typeOfSpecifier(typeNode);
        const declarators = field.childrenForFieldName('declarator');
        if (declarators.length === 0) {
          // An unnamed struct/union member lends its members to the enclosing aggregate.
          const anonymous = typeNode && this.anonymousAggregates.get(typeNode.id);
          if (anonymous) for (const [name, type] of this.localMembers(anonymous)) members.set(name, type);
          continue;
        }
        for (const declarator of declarators) {
          if (!declarator) continue;
          const info = this.describeDeclarator(declarator);
          if (info.name !== undefined) members.set(info.name, wrap(base, info.layers));
        }
      }
    }
    return members;
  }

  // --- types written in the file --------------------------------------------------------------

  /** The type a type specifier names, when it is an aggregate (possibly through a typedef). */
  private typeOfSpecifier(node: Node | null): ValueType | undefined {
    if (!node) return undefined;
    const type = node.type;
    if (type === 'struct_specifier' || type === 'union_specifier') {
      const info = this.specifierInfo(node, type);
      if (info.name !== undefined) return { aggregate: this.aggregateForTag(info.kind, info.name), layers: '' };
      const anonymous = this.anonymousAggregates.get(node.id);
      return anonymous && { aggregate: anonymous, layers: '' };
    }
    if (type === 'type_identifier') return this.typedefs.get(this.identifierAt(node.startIndex));
    return undefined;
  }

  /** The type named by a `type_descriptor` (casts, compound literals, offsetof, sizeof). */
  private typeOfDescriptor(descriptor: Node | null): ValueType | undefined {
    if (!descriptor) return undefined;
    const base = this.typeOfSpecifier(descriptor.childForFieldName('type'));
    if (!base) return undefined;
    const declarator = descriptor.childForFieldName('declarator');
    return declarator ? wrap(base, this.describeDeclarator(declarator).layers) : base;
  }

  private describeDeclarator(top: Node, topType = top.type): DeclaratorInfo {
    const info: DeclaratorInfo = { layers: '', nameAttributeNodes: [] };
    let node: Node | null = top;
    let type = topType;
    while (node) {
      if (isNameToken(type)) {
        info.nameNode = node;
        info.name = this.identifierAt(node.startIndex);
        break;
      }
      switch (type) {
        case 'init_declarator':
          node = node.childForFieldName('declarator');
          break;
        case 'pointer_declarator':
        case 'abstract_pointer_declarator':
          info.layers = '*' + info.layers;
          node = node.childForFieldName('declarator');
          break;
        case 'array_declarator':
        case 'abstract_array_declarator':
          info.layers = '[' + info.layers;
          node = node.childForFieldName('declarator');
          break;
        case 'function_declarator':
        case 'abstract_function_declarator': {
          const inner: Node | null = node.childForFieldName('declarator');
          const innerType = inner ? inner.type : '';
          // `f(...)` declares a function; `(*f)(...)` a pointer to one, i.e. a variable.
          if (isNameToken(innerType) && !info.layers.includes('f')) {
            info.functionDeclarator = node;
            info.returnLayers = info.layers;
          }
          info.layers = 'f' + info.layers;
          node = inner;
          if (inner) {
            type = innerType;
            continue;
          }
          break;
        }
        case 'parenthesized_declarator':
        case 'abstract_parenthesized_declarator':
        case 'attributed_declarator':
          node = this.firstNamedChildExceptComments(node);
          break;
        default:
          node = null;
      }
      if (node) type = node.type;
    }
    if (info.nameNode && info.name && isAnnotationLike(info.name)) this.recoverAnnotatedName(top, info);
    return info;
  }

  /**
   * `struct foo *gp __read_mostly;` parses with `__read_mostly` as the name and the real name
   * in an ERROR just before it (inside the pointer declarator, or before the whole declarator).
   */
  private recoverAnnotatedName(top: Node, info: DeclaratorInfo): void {
    for (const candidate of [info.nameNode!.previousNamedSibling, top.previousNamedSibling]) {
      if (candidate?.type !== 'ERROR') continue;
      const realName = candidate.lastNamedChild;
      if (!realName || !isNameToken(realName.type)) continue;
      info.nameAttributeNodes.push(info.nameNode!);
      info.nameNode = realName;
      info.name = this.identifierAt(realName.startIndex);
      return;
    }
  }

  // --- declarations ---------------------------------------------------------------------------

  private visitDeclaration(declaration: Node): void {
    const typeNode = declaration.childForFieldName('type');
    const base = this.typeOfSpecifier(typeNode);
    const declarators = declaration.childrenForFieldName('declarator');
    for (const declarator of declarators) {
      if (!declarator) continue;
      const declaratorType = declarator.type;
      if (declaratorType === 'identifier' && declarators.length === 1 && this.recoverSplitDeclaration(declaration, declarator, base)) {
        return;
      }
      const info = this.describeDeclarator(declarator, declaratorType);
      if (info.name === undefined) continue;
      if (info.functionDeclarator) {
        // Inside a body this is nearly always a macro call read as a prototype.
        if (this.atFileScope()) this.recordFunction(declaration, typeNode, info, base, false);
        continue;
      }
      const type = wrap(base, info.layers);
      this.declareVariable(info.name, type);
      if (type && declaratorType === 'init_declarator') {
        const value = declarator.childForFieldName('value');
        if (value?.type === 'initializer_list') this.visitInitializerList(value, type);
      }
    }
  }

  /**
   * `struct foo __iomem *regs = x;` parses as a declaration named `__iomem` whose `;` is
   * missing, followed by the expression statement `*regs = x;`. Reads the declarators back out
   * of that expression. Returns false when the declaration is not of that shape.
   */
  private recoverSplitDeclaration(declaration: Node, declarator: Node, base: ValueType | undefined): boolean {
    if (!isAnnotationLike(this.identifierAt(declarator.startIndex))) return false;
    if (!declaration.lastChild?.isMissing) return false;
    const next = declaration.nextNamedSibling;
    if (next?.type === 'expression_statement') {
      const expression = this.firstNamedChildExceptComments(next);
      if (expression) this.declareFromExpression(expression, '', base);
    }
    // Followed by a function definition, this is `static int __init f(void) {`; the
    // definition itself sorts that out.
    return true;
  }

  private declareFromExpression(expression: Node, layers: string, base: ValueType | undefined): void {
    switch (expression.type) {
      case 'identifier':
        this.declareVariable(this.identifierAt(expression.startIndex), wrap(base, layers));
        return;
      case 'assignment_expression': {
        const left = expression.childForFieldName('left');
        if (left) this.declareFromExpression(left, layers, base);
        return;
      }
      case 'comma_expression': {
        const left = expression.childForFieldName('left');
        const right = expression.childForFieldName('right');
        if (left) this.declareFromExpression(left, layers, base);
        if (right) this.declareFromExpression(right, layers, base);
        return;
      }
      case 'pointer_expression': {
        const argument = expression.childForFieldName('argument');
        if (argument && this.charAt(expression.startIndex) === '*') this.declareFromExpression(argument, '*' + layers, base);
        return;
      }
      case 'subscript_expression': {
        const argument = expression.childForFieldName('argument');
        if (argument) this.declareFromExpression(argument, '[' + layers, base);
        return;
      }
    }
  }

  private visitTypeDefinition(definition: Node): void {
    const base = this.typeOfSpecifier(definition.childForFieldName('type'));
    for (const declarator of definition.childrenForFieldName('declarator')) {
      if (!declarator) continue;
      const info = this.describeDeclarator(declarator);
      if (info.name !== undefined) this.typedefs.set(info.name, wrap(base, info.layers));
    }
  }

  private visitSpecifier(node: Node): void {
    const info = this.specifierInfo(node, node.type);
    if (!info.hasBody && info.name !== undefined) this.mention(info.kind, info.name, info.nameIndex);
  }

  private mention(kind: AggregateKind, name: string, nameIndex: number): void {
    const aggregate = this.aggregateForTag(kind, name);
    if (!this.isKernel(aggregate) || this.mentionedStarts.has(nameIndex)) return;
    this.mentionedStarts.add(nameIndex);
    this.mentions.push({ aggregate: aggregate.ref, range: this.tokenRange(nameIndex, name.length) });
  }

  // --- functions --------------------------------------------------------------------------------

  private visitFunctionDefinition(definition: Node): void {
    this.scopes.push({ end: definition.endIndex, variables: new Map() });
    const typeNode = definition.childForFieldName('type');
    const declarator = definition.childForFieldName('declarator');
    if (!declarator) return;
    const declaratorType = declarator.type;
    if (declaratorType === 'parenthesized_declarator' && typeNode?.type === 'type_identifier') {
      this.recoverAnnotatedDefinition(definition, typeNode, declarator);
      return;
    }
    const info = this.describeDeclarator(declarator, declaratorType);
    if (!info.functionDeclarator || info.name === undefined) return;
    const parameterTypes = this.recordFunction(definition, typeNode, info, this.typeOfSpecifier(typeNode), true);
    for (const parameter of parameterTypes) {
      if (parameter.name !== undefined) this.declareVariable(parameter.name, parameter.type);
    }
  }

  /**
   * `static void __exit f(void) {` parses as the declaration `static void __exit` (its `;`
   * missing) followed by a definition of type `f` with the declarator `(void)`.
   */
  private recoverAnnotatedDefinition(definition: Node, nameNode: Node, parenthesized: Node): void {
    const declaration = definition.previousNamedSibling;
    if (declaration?.type !== 'declaration' || !declaration.lastChild?.isMissing) return;
    const typeNode = declaration.childForFieldName('type');
    const name = this.identifierAt(nameNode.startIndex);
    const inner = this.firstNamedChildExceptComments(parenthesized);
    const parameterText = inner ? normalizeTypeText(this.textOf(inner)) : '';
    this.functions.set(name, {
      name,
      returnType: this.returnTypeText(declaration.startIndex, typeNode, nameNode.startIndex),
      parameterTypes: parameterText === '' || parameterText === 'void' ? [] : [parameterText],
      range: this.nodeTokenRange(nameNode, name.length),
    });
    this.definedFunctions.add(name);
    this.functionReturnTypes.set(name, this.typeOfSpecifier(typeNode));
  }

  /** Records a function's signature; returns its parameters (for a definition's scope). */
  private recordFunction(
    owner: Node,
    typeNode: Node | null,
    info: DeclaratorInfo,
    base: ValueType | undefined,
    isDefinition: boolean,
  ): { name?: string; type?: ValueType }[] {
    const name = info.name!;
    this.functionReturnTypes.set(name, wrap(base, info.returnLayers ?? ''));
    // A definition describes the function better than any prototype of it.
    if (!isDefinition && this.functions.has(name)) return [];
    if (isDefinition) this.definedFunctions.add(name);
    const parameterList = info.functionDeclarator!.childForFieldName('parameters');
    const parameters = parameterList ? this.describeParameters(parameterList) : [];
    this.functions.set(name, {
      name,
      returnType: this.returnTypeText(owner.startIndex, typeNode, info.nameNode!.startIndex),
      parameterTypes: parameters.length === 1 && parameters[0].text === 'void' ? [] : parameters.map((parameter) => parameter.text),
      range: this.nodeTokenRange(info.nameNode!, name.length),
    });
    return parameters;
  }

  /**
   * The return type as written from the start of the declaration to the function name,
   * without storage class, `inline`, attributes and annotation macros other than address
   * spaces; type qualifiers and pointer stars stay.
   */
  private returnTypeText(ownerStart: number, typeNode: Node | null, nameStart: number): string {
    if (!typeNode) return '';
    const typeStart = typeNode.startIndex;
    const typeEnd = typeNode.endIndex;
    const keep = (text: string) => {
      const tokens = normalizeTypeText(text).match(/[A-Za-z_$][\w$]*|\*/g) ?? [];
      return tokens.filter((token) => token === '*' || TYPE_QUALIFIERS.has(token) || ADDRESS_SPACE_ANNOTATIONS.has(token)).join(' ');
    };
    const before = keep(this.textBetween(ownerStart, typeStart));
    const after = keep(this.textBetween(typeEnd, nameStart).replace(/\(/g, ' '));
    return normalizeTypeText([before, this.textBetween(typeStart, typeEnd), after].join(' '));
  }

  private describeParameters(list: Node): { text: string; name?: string; type?: ValueType }[] {
    const parameters: { text: string; name?: string; type?: ValueType }[] = [];
    for (const parameter of list.namedChildren) {
      if (!parameter) continue;
      const kind = parameter.type;
      if (kind === 'variadic_parameter') {
        parameters.push({ text: '...' });
        continue;
      }
      if (kind !== 'parameter_declaration') continue;
      const declarator = parameter.childForFieldName('declarator');
      const text = this.textOf(parameter);
      if (!declarator) {
        parameters.push({ text: normalizeTypeText(text) });
        continue;
      }
      const info = this.describeDeclarator(declarator);
      const start = parameter.startIndex;
      // The written parameter with its name (and attributes mistaken for it) cut out.
      const cuts = [info.nameNode, ...info.nameAttributeNodes]
        .filter((node): node is Node => node !== undefined)
        .map((node) => node.startIndex - start)
        .sort((a, b) => a - b);
      let kept = '';
      let position = 0;
      for (const cut of cuts) {
        kept += text.slice(position, cut) + ' ';
        position = cut + this.identifierAt(cut + start).length;
      }
      parameters.push({
        text: normalizeTypeText(kept + text.slice(position)),
        name: info.name,
        type: info.name === undefined ? undefined : wrap(this.typeOfSpecifier(parameter.childForFieldName('type')), info.layers),
      });
    }
    return parameters;
  }

  // --- initializers -------------------------------------------------------------------------

  private visitCompoundLiteral(literal: Node): void {
    const type = this.typeOf(literal, 'compound_literal_expression');
    if (!type) return;
    const value = literal.childForFieldName('value');
    if (value?.type === 'initializer_list') this.visitInitializerList(value, type);
  }

  /** Reports the designated members of a brace list that initializes a value of `type`. */
  private visitInitializerList(list: Node, type: ValueType | undefined): void {
    if (!type) return;
    const layer = type.layers[0];
    // Braces initialize arrays and aggregates only, never what a pointer points to.
    if (layer === '*') return;
    const element = layer === '[' ? dereference(type) : undefined;
    for (const child of list.namedChildren) {
      if (!child) continue;
      const childType = child.type;
      if (childType === 'initializer_pair') this.visitInitializerPair(child, type);
      else if (element && childType === 'initializer_list') this.visitInitializerList(child, element);
      // Positional values in an aggregate are not tied to a member name; skipped.
    }
  }

  private visitInitializerPair(pair: Node, type: ValueType): void {
    let current: ValueType | undefined = type;
    let statementRange: SourceRange | undefined;
    // The usage of the member named by the last designator: the value is assigned to it.
    let finalUsage: MemberUsage | undefined;
    for (const designator of pair.childrenForFieldName('designator')) {
      finalUsage = undefined;
      if (!designator || !current) {
        current = undefined;
        break;
      }
      const designatorType = designator.type;
      if (designatorType === 'field_designator' || designatorType === 'field_identifier') {
        if (current.layers !== '') {
          current = undefined;
          break;
        }
        // `.name` or the old GNU `name:`; either way the name is the first identifier.
        const nameStart = designatorType === 'field_identifier' ? designator.startIndex : this.skipTrivia(designator.startIndex + 1);
        const member = this.identifierAt(nameStart);
        if (!member) {
          current = undefined;
          break;
        }
        if (this.isKernel(current.aggregate)) {
          statementRange ??= this.rangeOf(pair);
          finalUsage = this.report('initializer', current.aggregate, member, nameStart);
          finalUsage.statementRange = statementRange;
        }
        current = this.memberOf(current.aggregate, member);
      } else if (designatorType === 'subscript_designator' || designatorType === 'subscript_range_designator') {
        current = current.layers[0] === '[' ? dereference(current) : undefined;
      } else {
        current = undefined;
        break;
      }
    }
    const value = pair.childForFieldName('value');
    if (!value) return;
    const valueType = value.type;
    if (valueType === 'initializer_list') {
      this.visitInitializerList(value, current);
    } else if (finalUsage) {
      const assigned = this.assignedFunctionName(value, valueType);
      if (assigned !== undefined) finalUsage.assignedFunction = assigned;
    }
  }

  /** `f`, `&f`, `(cast)f` or `(f)`: the name, unless the file declares it as a variable. */
  private assignedFunctionName(value: Node, valueType: string): string | undefined {
    let node: Node | null = value;
    let type = valueType;
    for (let depth = 0; node && depth < 6; depth++) {
      switch (type) {
        case 'identifier': {
          const name = this.identifierAt(node.startIndex);
          return this.lookupVariable(name).found ? undefined : name;
        }
        case 'pointer_expression':
          if (this.charAt(node.startIndex) !== '&') return undefined;
          node = node.childForFieldName('argument');
          break;
        case 'cast_expression':
          node = node.childForFieldName('value');
          break;
        case 'parenthesized_expression':
          node = this.firstNamedChildExceptComments(node);
          break;
        default:
          return undefined;
      }
      if (node) type = node.type;
    }
    return undefined;
  }

  // --- expressions ------------------------------------------------------------------------------

  private report(kind: UsageKind, aggregate: KernelAggregate, member: string, start: number, position?: { row: number; column: number }): MemberUsage {
    const usage: MemberUsage = { kind, aggregate: aggregate.ref, member, range: this.tokenRange(start, member.length, position) };
    this.usages.push(usage);
    return usage;
  }

  /** The aggregate-shaped type of an expression, reporting the member uses met on the way. */
  private typeOf(node: Node, type = node.type): ValueType | undefined {
    if (type === 'identifier') return this.lookupVariable(this.identifierAt(node.startIndex)).type;
    const id = node.id;
    if (this.expressionTypes.has(id)) return this.expressionTypes.get(id);
    // Claimed before working it out, so nothing is reported twice even on odd trees.
    this.expressionTypes.set(id, undefined);
    const result = this.computeType(node, type);
    this.expressionTypes.set(id, result);
    return result;
  }

  private computeType(node: Node, type: string): ValueType | undefined {
    switch (type) {
      case 'field_expression':
        return this.typeOfFieldExpression(node);
      case 'parenthesized_expression': {
        const inner = this.firstNamedChildExceptComments(node);
        return inner ? this.typeOf(inner) : undefined;
      }
      case 'pointer_expression': {
        const argument = node.childForFieldName('argument');
        const argumentType = argument ? this.typeOf(argument) : undefined;
        if (!argumentType) return undefined;
        return this.charAt(node.startIndex) === '&' ? { aggregate: argumentType.aggregate, layers: '*' + argumentType.layers } : dereference(argumentType);
      }
      case 'subscript_expression': {
        const argument = node.childForFieldName('argument');
        return argument ? dereference(this.typeOf(argument)) : undefined;
      }
      case 'cast_expression':
      case 'compound_literal_expression':
        return this.typeOfDescriptor(node.childForFieldName('type'));
      case 'call_expression':
        return this.typeOfCall(node);
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        return left ? this.typeOf(left) : undefined;
      }
      case 'comma_expression': {
        const right = node.childForFieldName('right');
        return right ? this.typeOf(right) : undefined;
      }
      case 'conditional_expression': {
        const consequence = node.childForFieldName('consequence');
        const alternative = node.childForFieldName('alternative');
        const a = consequence ? this.typeOf(consequence) : undefined;
        const b = alternative ? this.typeOf(alternative) : undefined;
        return a && b && a.aggregate === b.aggregate && a.layers === b.layers ? a : undefined;
      }
      default:
        return undefined;
    }
  }

  private typeOfFieldExpression(node: Node): ValueType | undefined {
    // The member name is the last token; the operator is right before it.
    const end = node.endIndex;
    const fieldStart = this.identifierStartBefore(end);
    if (fieldStart < 0) return undefined;
    const operatorEnd = this.skipTriviaBackward(fieldStart);
    let viaPointer: boolean;
    let operatorStart: number;
    if (this.charAt(operatorEnd - 1) === '.') {
      viaPointer = false;
      operatorStart = operatorEnd - 1;
    } else if (this.charAt(operatorEnd - 1) === '>' && this.charAt(operatorEnd - 2) === '-') {
      viaPointer = true;
      operatorStart = operatorEnd - 2;
    } else {
      return undefined;
    }
    let argumentType: ValueType | undefined;
    const head = this.identifierAt(node.startIndex);
    if (head && this.skipTrivia(node.startIndex + head.length) === operatorStart) {
      argumentType = this.lookupVariable(head).type;
    } else {
      const argument = node.childForFieldName('argument');
      argumentType = argument ? this.typeOf(argument) : undefined;
    }
    if (!argumentType) return undefined;
    // `p->m` needs exactly one pointer (or array) layer, `s.m` none; anything else means we
    // have the type wrong, and a wrong guess is worse than silence.
    if (viaPointer ? argumentType.layers.length !== 1 : argumentType.layers !== '') return undefined;
    const member = this.textBetween(fieldStart, end);
    const aggregate = argumentType.aggregate;
    if (this.isKernel(aggregate)) this.report('access', aggregate, member, fieldStart);
    return this.memberOf(aggregate, member);
  }

  private typeOfCall(call: Node): ValueType | undefined {
    const start = call.startIndex;
    const name = this.identifierAt(start);
    // Only calls through a plain name can be macros or functions of this file.
    if (!name || this.charAt(this.skipTrivia(start + name.length)) !== '(') return undefined;
    const typeMember = TYPE_MEMBER_MACROS.get(name);
    if (typeMember) return this.visitTypeMemberMacro(call, typeMember);
    const cursorMember = CURSOR_MEMBER_MACROS.get(name);
    if (cursorMember !== undefined) return this.visitCursorMemberMacro(call, cursorMember, CURSOR_MACROS_YIELDING_POS.has(name));
    if (this.functionReturnTypes.has(name)) {
      // A local variable of that name (a function pointer) hides the function. File-scope
      // ones do not count: those are mostly macro calls like EXPORT_SYMBOL(f) read as
      // declarations.
      return this.lookupVariable(name, 1).found ? undefined : this.functionReturnTypes.get(name);
    }
    // `struct foo` as a macro argument (alloc_percpu(struct foo)) is not C; tree-sitter
    // leaves an ERROR in the call, which is the only cheap hint that one may be there.
    if (call.hasError) this.mentionTagArguments(this.macroArguments(call));
    return undefined;
  }

  private mentionTagArguments(groups: Node[][]): void {
    for (const tokens of groups) {
      for (let i = 0; i + 1 < tokens.length; i++) {
        const tag = this.identifierAt(tokens[i].startIndex);
        if ((tag === 'struct' || tag === 'union') && isNameToken(tokens[i + 1].type)) {
          const nameIndex = tokens[i + 1].startIndex;
          this.mention(tag, this.identifierAt(nameIndex), nameIndex);
        }
      }
    }
  }

  /**
   * The arguments of a macro call, split at top-level commas. Arguments that are not C (like
   * `struct foo`) come wrapped in ERROR nodes, which are opened up here.
   */
  private macroArguments(call: Node): Node[][] {
    const list = call.childForFieldName('arguments');
    const groups: Node[][] = [[]];
    if (!list) return groups;
    const add = (nodes: (Node | null)[]) => {
      for (const node of nodes) {
        if (!node) continue;
        const type = node.type;
        if (type === ',') groups.push([]);
        else if (type === 'ERROR') add(node.children);
        else if (type !== '(' && type !== ')' && type !== 'comment') groups[groups.length - 1].push(node);
      }
    };
    add(list.children);
    return groups;
  }

  /** The type an argument like `struct foo`, `foo_t` or `typeof(*p)` names. */
  private typeOfTypeArgument(tokens: Node[]): ValueType | undefined {
    for (let i = 0; i + 1 < tokens.length; i++) {
      const tag = this.identifierAt(tokens[i].startIndex);
      if (tag !== 'struct' && tag !== 'union') continue;
      const nameNode = tokens[i + 1];
      if (!isNameToken(nameNode.type)) return undefined;
      const name = this.identifierAt(nameNode.startIndex);
      this.mention(tag, name, nameNode.startIndex);
      return { aggregate: this.aggregateForTag(tag, name), layers: '' };
    }
    if (tokens.length !== 1) return undefined;
    const token = tokens[0];
    const type = token.type;
    if (type === 'identifier' || type === 'type_identifier') return this.typedefs.get(this.identifierAt(token.startIndex));
    if (type === 'type_descriptor') return this.typeOfDescriptor(token);
    if (type === 'call_expression') {
      // typeof(*p) names the type of an expression.
      const callee = this.identifierAt(token.startIndex);
      if (callee !== 'typeof' && callee !== '__typeof__' && callee !== '__typeof') return undefined;
      const argument = token.childForFieldName('arguments')?.firstNamedChild;
      return argument ? this.typeOf(argument) : undefined;
    }
    return undefined;
  }

  /**
   * The member chain of a macro's member argument: `m`, `a.b`, `a[2].b`. Field expressions in
   * it are marked as done: they are member designators, not accesses through a variable.
   */
  private memberChain(node: Node): MemberStep[] | undefined {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
        return [{ nameStart: node.startIndex, subscripts: 0 }];
      case 'field_expression': {
        this.expressionTypes.set(node.id, undefined);
        const argument = node.childForFieldName('argument');
        const field = node.childForFieldName('field');
        const chain = argument ? this.memberChain(argument) : undefined;
        if (!chain || field?.type !== 'field_identifier') return undefined;
        chain.push({ nameStart: field.startIndex, subscripts: 0 });
        return chain;
      }
      case 'subscript_expression': {
        const argument = node.childForFieldName('argument');
        const chain = argument ? this.memberChain(argument) : undefined;
        if (chain) chain[chain.length - 1].subscripts++;
        return chain;
      }
      default:
        return undefined;
    }
  }

  private reportMemberChain(kind: UsageKind, type: ValueType | undefined, chain: MemberStep[]): void {
    let current = type;
    for (const step of chain) {
      if (!current || current.layers !== '') return;
      const member = this.identifierAt(step.nameStart);
      if (this.isKernel(current.aggregate)) this.report(kind, current.aggregate, member, step.nameStart);
      current = this.memberOf(current.aggregate, member);
      for (let i = 0; i < step.subscripts && current; i++) current = current.layers[0] === '[' ? dereference(current) : undefined;
    }
  }

  private visitTypeMemberMacro(call: Node, macro: TypeMemberMacro): ValueType | undefined {
    const groups = this.macroArguments(call);
    const typeTokens = groups[macro.typeArgument];
    const memberTokens = groups[macro.typeArgument + 1];
    if (!typeTokens) return undefined;
    const type = this.typeOfTypeArgument(typeTokens);
    const chain = memberTokens?.length === 1 ? this.memberChain(memberTokens[0]) : undefined;
    if (chain) this.reportMemberChain(macro.kind, type, chain);
    return macro.yieldsPointer ? wrap(type, '*') : undefined;
  }

  private visitCursorMemberMacro(call: Node, memberArgument: number, yieldsPosition: boolean): ValueType | undefined {
    const groups = this.macroArguments(call);
    const position = groups[0]?.length === 1 ? groups[0][0] : undefined;
    const positionType = position ? this.typeOf(position) : undefined;
    const memberTokens = groups[memberArgument];
    const chain = memberTokens?.length === 1 ? this.memberChain(memberTokens[0]) : undefined;
    if (chain && positionType?.layers.length === 1) this.reportMemberChain('container_of', dereference(positionType), chain);
    return yieldsPosition ? positionType : undefined;
  }

  private visitOffsetof(node: Node): void {
    const type = this.typeOfDescriptor(node.childForFieldName('type'));
    // `offsetof(struct T, a.b)` leaves `a.` in an ERROR before the member `b`; the names after
    // the comma, in order, are the chain.
    const chain: MemberStep[] = [];
    let afterComma = false;
    const collect = (children: (Node | null)[]) => {
      for (const child of children) {
        if (!child) continue;
        const childType = child.type;
        if (childType === ',') afterComma = true;
        else if (childType === 'ERROR') collect(child.children);
        else if (afterComma && isNameToken(childType)) chain.push({ nameStart: child.startIndex, subscripts: 0 });
        else if (afterComma && childType === '[' && chain.length > 0) chain[chain.length - 1].subscripts++;
      }
    };
    collect(node.children);
    this.reportMemberChain('offsetof', type, chain);
  }
}
