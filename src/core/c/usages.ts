// Finds where a parsed C file touches members of kernel structs and unions (designated
// initializers, `->`/`.` accesses, offsetof, container_of and friends), which kernel
// aggregates it names, and the signatures of the functions it declares.
//
// Speed matters (this runs as the user types), and with web-tree-sitter every node property
// read is a call into WebAssembly costing about a microsecond. So:
// - the tree is walked once, on the C side, by `descendantsOfType`, which hands back only the
//   node kinds that carry structure (declarations, blocks, member accesses...), in document
//   order; a stack of block scopes over that order stands in for a symbol table;
// - whatever can be read reliably from the text is read from it: token names and positions,
//   `struct NAME` mentions, container_of-style macro arguments (which are not C anyway, so
//   tree-sitter scatters them over ERROR nodes), designators, simple parameter lists.
//
// Types are never guessed: when the type of an expression cannot be worked out from the file
// and the oracle, nothing is reported for it.
import type { Node, Point, Tree } from 'web-tree-sitter';
import { TreeText } from './treeText';
import { DatabaseError } from '../kernels/database';
import { type Aggregate, alsoFrom, type DeclaratorInfo, dereference, type KernelAggregate, type LocalAggregate, type MacroArgument, type MemberStep, type ParameterInfo, type Scope, type TextualType, type ValueType, wrap } from './usageModel';
import { ADDRESS_SPACE_ANNOTATIONS, COLLECTED_NODE_TYPES, CURSOR_MACROS_YIELDING_POS, CURSOR_MEMBER_MACROS, DECLARATION_PREFIX_WORDS, KERNEL_HELPER_RETURNS, MACRO_CALL_PATTERN, PLAIN_ANNOTATIONS, SCALAR_TYPE_WORDS, TYPE_MEMBER_MACROS, TYPE_QUALIFIERS } from './kernelMacros';
import { closingBracketEnd, isAnnotationLike, isNameToken, isSpaceCode, normalizeTypeText, parseLaterDeclarator, parseSimpleDeclaration, parseTypeText, splitTopLevel, typeTextOf, withoutNestedParameterNames, withoutTrailingAnnotations } from './typeText';

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
  /** The function the member is set to (`.m = f` or `p->m = f`), when the value is a plain `f`, `&f` or `(f)` (not a cast). */
  assignedFunction?: string;
  /** access only: the member itself is written (`p->m = v`, `p->m |= v`, `p->m++`), which a const member refuses. */
  written?: boolean;
  /** access only: what the member points to is written (`p->m[i] = v`, `*p->m = v`, `p->m[i]++`), which a pointer to const refuses. */
  writtenThrough?: boolean;
  /** access only: the operator applied to the member's value (`p->m.x` is '.', `p->m->x` is '->'). */
  followedBy?: '.' | '->';
  /** initializer only: range of the whole `.member = value` pair (for quick fixes) */
  statementRange?: SourceRange;
  /**
   * Where the file's own declarations that typed the struct expression sit (the variable, a
   * typedef, a member of the file's own struct, a function header). A usage is only as
   * certain as they are: where one of them is guarded differently, the type may differ.
   */
  evidence?: SourceRange[];
  /**
   * initializer only: the member of an aggregate whose type this designator's aggregate is
   * (`.ops = { .add = f }`: `add` is within `ops` of `struct acpi_driver`). gcc judges the
   * inner designators only where that outer aggregate is complete; `own` where it is the
   * driver's (`aggregate` undefined), whose definition gcc refuses, at the member, where the
   * member's type is incomplete.
   */
  within?: { aggregate?: AggregateRef; member: string };
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
  /** From the start of the declaration to the end of the parameter list. */
  header: SourceRange;
}

/** What the finder may ask about kernel types (backed by the kernel struct database). */
export interface TypeOracle {
  /** Does the database know this kernel struct/union (in any image)? */
  isKernelAggregate(ref: AggregateRef): boolean;
  /** The C type text of a member of a kernel aggregate (e.g. 'const struct vfio_device_ops *', 'struct list_head', 'int (*)(void *)', 'union (anon)', 'struct device *[4]'), or undefined when unknown. */
  memberType(ref: AggregateRef, member: string): string | undefined;
  /** The type text a typedef the file does not define names (one of the driver's other files defines it), or undefined. */
  typedefType?(name: string): string | undefined;
}

export interface FileUsages {
  usages: MemberUsage[];
  mentions: AggregateMention[];
  /** functions defined or declared (prototype) in the file, by name */
  functions: Map<string, FunctionSignature>;
  /**
   * Every signature `functions` took for a name, in file order. Alternative definitions under
   * `#if`/`#else` are all here; the map keeps only the last, which some kernels do not compile.
   */
  functionVersions: Map<string, FunctionSignature[]>;
  /** names of structs/unions the file itself defines (with a body): these are NOT kernel structs */
  localAggregates: Set<string>;
  /**
   * Set when the function bodies cannot be read apart from one another (see SkippedBody):
   * code inside one declares what the code after it sees (a typedef, a struct or union with
   * a body whose tag code outside that body names), or the read stopped early at a surprise in
   * a broken tree.
   */
  bodiesInseparable?: boolean;
  /**
   * Tags of the structs and unions defined inside function bodies that no code outside the
   * defining body names (e1000_dump's `struct my_u`): the bodies stay separable while no other
   * code comes to name them.
   */
  bodyTags?: string[];
}

/**
 * A function body a read passes over: the caller knows its usages from an earlier read of the
 * same body text with the same code around it. A body sees only the file's top-level
 * declarations and its own code, so the rest of the file reads the same without it.
 */
export interface SkippedBody {
  startIndex: number;
  endIndex: number;
  startPosition: Point;
  endPosition: Point;
}

/** The usages in a parsed file; `skippedBodies` (in file order) are passed over. */
export function findUsages(tree: Tree, oracle: TypeOracle, skippedBodies: readonly SkippedBody[] = []): FileUsages {
  return new UsageFinder(tree, oracle, skippedBodies, true).run();
}

/**
 * Every signature of the functions a parsed file declares or defines (`functionVersions`),
 * read without its usages: what a workspace header is parsed for. The walk visits only
 * declarations, definitions and the blocks that scope them; a header's initializers, member
 * accesses and struct tags are passed over (most of the time of a full read).
 */
export function findFunctionSignatures(tree: Tree, oracle: TypeOracle): Map<string, FunctionSignature[]> {
  return new UsageFinder(tree, oracle, [], false).run().functionVersions;
}

/** What a read for signatures only visits: declarations, definitions, and the blocks that tell file scope from a body. */
const SIGNATURE_NODE_TYPES = ['declaration', 'function_definition', 'compound_statement', 'for_statement'];

const IDENTIFIER_AT = /[A-Za-z_$][\w$]*/y;

/** Kernel macros that stand for the function they are given, as a module is built: `.remove = __exit_p(demo_remove)`. */
const PASSING_WRAPPERS = new Set(['__exit_p']);

class UsageFinder {
  /** The text the tree covers, comments and literal contents blanked, read by tree index. */
  private readonly source: TreeText;

  private readonly usages: MemberUsage[] = [];
  private readonly mentions: AggregateMention[] = [];
  private readonly functions = new Map<string, FunctionSignature>();
  private readonly functionVersions = new Map<string, FunctionSignature[]>();
  private readonly functionReturnTypes = new Map<string, ValueType | undefined>();

  private readonly localAggregatesByName = new Map<string, LocalAggregate>();
  /** Untagged bodied aggregates (`typedef struct { ... } t;`), by specifier node id. */
  private readonly anonymousAggregates = new Map<number, LocalAggregate | undefined>();
  private readonly kernelAggregates = new Map<string, KernelAggregate>();
  private readonly typedefs = new Map<string, ValueType | undefined>();
  private readonly scopes: Scope[] = [{ end: Infinity, variables: new Map() }];

  /**
   * Types of compound expressions already worked out, by node id. Also marks the expressions
   * already reported, since each one is reached both from the walk and from enclosing
   * expressions. Only nodes with children go in: leaf tokens can share ids.
   */
  private readonly expressionTypes = new Map<number, ValueType | undefined>();
  /** Macro calls already reported, by the index of their name. */
  private readonly visitedMacroCalls = new Set<number>();
  /** Starts of `a.b` member arguments of container_of-like macros (see memberChain). */
  private readonly memberDesignatorStarts = new Set<number>();
  private readonly memberTypes = new Map<string, ValueType | undefined>();
  /** Member accesses by the id of their field_expression node, to note what is applied to them. */
  private readonly accessUsages = new Map<number, MemberUsage>();
  /** Tree indices of the tag names of `struct NAME {` definitions, in file order. */
  private readonly tagDefinitionStarts: number[] = [];
  private readonly bodyTags: string[] = [];
  private bodiesInseparable = false;

  constructor(
    private readonly tree: Tree,
    private readonly oracle: TypeOracle,
    private readonly skippedBodies: readonly SkippedBody[],
    /** False: signatures only (see findFunctionSignatures). */
    private readonly readsUsages: boolean,
  ) {
    this.source = new TreeText(tree.rootNode);
  }

  run(): FileUsages {
    try {
      if (this.readsUsages) this.scanTags();
      this.walk();
    } catch (error) {
      // A surprise in a broken tree must not cost the caller everything found so far; a
      // broken database must not pass for a clean file.
      if (error instanceof DatabaseError) throw error;
      // What was not read depends on where the read stopped.
      this.bodiesInseparable = true;
    }
    this.usages.sort((a, b) => a.range.startIndex - b.range.startIndex);
    this.mentions.sort((a, b) => a.range.startIndex - b.range.startIndex);
    return {
      usages: this.usages,
      mentions: this.mentions,
      functions: this.functions,
      functionVersions: this.functionVersions,
      localAggregates: new Set(this.localAggregatesByName.keys()),
      ...(this.bodiesInseparable ? { bodiesInseparable: true } : {}),
      ...(this.bodyTags.length > 0 ? { bodyTags: this.bodyTags } : {}),
    };
  }

  /** Whether a tree index lies in a body this read passes over. */
  private isSkipped(index: number): boolean {
    const bodies = this.skippedBodies;
    let low = 0;
    let high = bodies.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (index < bodies[middle].startIndex) high = middle - 1;
      else if (index >= bodies[middle].endIndex) low = middle + 1;
      else return true;
    }
    return false;
  }

  /**
   * Every `struct NAME` in the text: with a body it defines a local aggregate (which shadows a
   * kernel one of the same name everywhere in the file), without one it is a mention.
   */
  private scanTags(): void {
    const references: { kind: AggregateKind; name: string; nameIndex: number }[] = [];
    const keyword = /\b(struct|union)\b/g;
    for (let match = keyword.exec(this.source.text); match; match = keyword.exec(this.source.text)) {
      // A skipped body defines no struct (else no body would be skipped) and its mentions are known.
      if (this.isSkipped(match.index + this.source.base)) continue;
      const kind = match[1] as AggregateKind;
      const tag = this.readTag(match.index + this.source.base + kind.length);
      if (!tag) continue;
      if (tag.hasBody) {
        this.localAggregate(tag.name).definitionStarts.push(tag.nameIndex);
        this.tagDefinitionStarts.push(tag.nameIndex);
      } else references.push({ kind, name: tag.name, nameIndex: tag.nameIndex });
    }
    for (const reference of references) {
      const aggregate = this.aggregateForTag(reference.kind, reference.name);
      if (this.isKernel(aggregate)) this.mentions.push({ aggregate: aggregate.ref, range: this.source.tokenRange(reference.nameIndex, reference.name.length) });
    }
  }

  /**
   * The tag after a `struct`/`union` keyword ending at `afterKeyword`, and whether a body
   * follows. Undefined for an untagged `struct {`. An annotation between keyword and tag
   * (`struct __packed foo {`) is skipped.
   */
  private readTag(afterKeyword: number): { name: string; nameIndex: number; hasBody: boolean } | undefined {
    let nameIndex = this.source.skipSpaces(afterKeyword);
    let name = this.source.identifierAt(nameIndex);
    if (!name) return undefined;
    let after = this.source.skipSpaces(nameIndex + name.length);
    if (name === '__attribute__' || (isAnnotationLike(name) && this.source.charAt(after) !== '{')) {
      // Only an annotation if a tag with a body follows; `struct __kfifo *f` names __kfifo.
      let next = after;
      if (this.source.charAt(next) === '(') {
        const close = this.source.closingBracketAt(next);
        if (close < 0) return undefined;
        next = this.source.skipSpaces(close);
      }
      const realName = this.source.identifierAt(next);
      const afterReal = realName ? this.source.skipSpaces(next + realName.length) : next;
      if (realName && this.source.charAt(afterReal) === '{') {
        name = realName;
        nameIndex = next;
        after = afterReal;
      } else if (name === '__attribute__') {
        return undefined;
      }
    }
    return { name, nameIndex, hasBody: this.source.charAt(after) === '{' };
  }

  private walk(): void {
    const nodes = this.collectedNodes();
    const types = nodes.map((node) => node.type);

    // container_of-like calls, found in the text, are visited in document order among the
    // nodes so that the scopes are right for them.
    const macroCalls: { index: number; name: string }[] = [];
    MACRO_CALL_PATTERN.lastIndex = 0;
    for (let match = this.readsUsages ? MACRO_CALL_PATTERN.exec(this.source.text) : null; match; match = MACRO_CALL_PATTERN.exec(this.source.text)) {
      const index = match.index + this.source.base;
      if (!this.isSkipped(index)) macroCalls.push({ index, name: match[1] });
    }
    let nextMacroCall = 0;
    const visitMacroCallsBefore = (index: number) => {
      while (nextMacroCall < macroCalls.length && macroCalls[nextMacroCall].index < index) {
        const call = macroCalls[nextMacroCall++];
        this.leaveScopesBefore(call.index);
        this.visitMacroCall(call.index, call.name);
      }
    };

    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const start = node.startIndex;
      visitMacroCallsBefore(start);
      this.leaveScopesBefore(start);
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
        case 'field_expression':
          this.typeOf(node, 'field_expression');
          break;
        case 'offsetof_expression':
          this.visitOffsetof(node);
          break;
        case 'compound_literal_expression':
          this.visitCompoundLiteral(node);
          break;
      }
    }
    visitMacroCallsBefore(Infinity);
  }

  /** The nodes of the kinds the walk visits, in document order, but for those in skipped bodies. */
  private collectedNodes(): Node[] {
    const root = this.tree.rootNode;
    const nodes: Node[] = [];
    if (this.skippedBodies.length === 0) {
      for (const node of root.descendantsOfType(this.readsUsages ? COLLECTED_NODE_TYPES : SIGNATURE_NODE_TYPES)) if (node) nodes.push(node);
      return nodes;
    }
    // Top-level node by top-level node: one walk of the whole tree would step through every
    // skipped body, and a walk asked for a stretch steps again through the top level before it.
    const cursor = root.walk();
    try {
      for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
        const node = cursor.currentNode;
        const body = this.skippedBodyOf(node);
        if (body && this.isPlainHeader(node, body)) {
          nodes.push(node);
          continue;
        }
        for (const found of body ? node.descendantsOfType(COLLECTED_NODE_TYPES, node.startPosition, body.startPosition) : node.descendantsOfType(COLLECTED_NODE_TYPES)) {
          if (found) nodes.push(found);
        }
      }
    } finally {
      cursor.delete();
    }
    return nodes;
  }

  /** The skipped body of a top-level node (then a function definition), if it has one. */
  private skippedBodyOf(node: Node): SkippedBody | undefined {
    const bodies = this.skippedBodies;
    let low = 0;
    let high = bodies.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (bodies[middle].endIndex <= node.startIndex) low = middle + 1;
      else if (bodies[middle].startIndex >= node.endIndex) high = middle - 1;
      else return bodies[middle];
    }
    return undefined;
  }

  /**
   * Whether nothing the walk visits is in a definition's header but the definition itself:
   * no declaration (`;`), braces, member access or offsetof there, and no parse error.
   */
  private isPlainHeader(definition: Node, body: SkippedBody): boolean {
    return !/[;{.]|->|\boffsetof\b/.test(this.source.between(definition.startIndex, body.startIndex)) && !definition.hasError;
  }

  /**
   * Notes code inside a function body that declares something for the code after it: reading
   * a body then depends on the bodies before it.
   */
  private noteDeclarationInBody(): void {
    if (!this.atFileScope()) this.bodiesInseparable = true;
  }

  /**
   * A struct or union a function defines is the file's own for all the file: it keeps the
   * bodies separable only while no code outside the function names its tag.
   */
  private noteTagsDefinedIn(definition: Node): void {
    for (const name of this.tagsDefinedBetween(definition.startIndex, definition.endIndex)) {
      if (this.namedOutside(name, definition.startIndex, definition.endIndex)) this.bodiesInseparable = true;
      else this.bodyTags.push(name);
    }
  }

  /** The tags of the structs and unions defined (with a body) between two tree indices. */
  private tagsDefinedBetween(start: number, end: number): string[] {
    const starts = this.tagDefinitionStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (starts[middle] < start) low = middle + 1;
      else high = middle;
    }
    const names: string[] = [];
    for (let i = low; i < starts.length && starts[i] < end; i++) names.push(this.source.identifierAt(starts[i]));
    return names;
  }

  /** Whether the word occurs in the text outside [start, end) (tree indices). */
  private namedOutside(name: string, start: number, end: number): boolean {
    const word = new RegExp(`\\b${name}\\b`, 'g');
    for (let match = word.exec(this.source.text); match; match = word.exec(this.source.text)) {
      const at = match.index + this.source.base;
      if (at < start || at >= end) return true;
    }
    return false;
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

  /** `declaredAt`: the tree index of the declaration, recorded as evidence of the type. */
  private declareVariable(name: string, type: ValueType | undefined, declaredAt?: number): void {
    this.scopes[this.scopes.length - 1].variables.set(name, alsoFrom(type, declaredAt));
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

  private localAggregate(name: string): LocalAggregate {
    let local = this.localAggregatesByName.get(name);
    if (!local) {
      local = { isLocal: true, definitionStarts: [] };
      this.localAggregatesByName.set(name, local);
    }
    return local;
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

  /** A typedef of the file, else one the driver's other files define (through the oracle). */
  private typedefNamed(name: string): ValueType | undefined {
    if (this.typedefs.has(name)) return this.typedefs.get(name);
    const text = this.oracle.typedefType?.(name);
    const parsed = text ? parseTypeText(text) : undefined;
    const type = parsed && { aggregate: this.aggregateForTag(parsed.kind, parsed.name), layers: parsed.layers };
    this.typedefs.set(name, type);
    return type;
  }

  private isKernel(aggregate: Aggregate): aggregate is KernelAggregate {
    if (aggregate.isLocal) return false;
    aggregate.known ??= this.oracle.isKernelAggregate(aggregate.ref);
    return aggregate.known;
  }

  private memberOf(aggregate: Aggregate, member: string): ValueType | undefined {
    if (aggregate.isLocal) return this.localMembers(aggregate).get(member);
    const key = aggregate.ref.kind + ' ' + aggregate.ref.name + '.' + member;
    if (this.memberTypes.has(key)) return this.memberTypes.get(key);
    const text = this.oracle.memberType(aggregate.ref, member);
    const parsed = text ? parseTypeText(text) : undefined;
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
    aggregate.bodies ??= aggregate.definitionStarts.map((start) => this.bodyOfDefinition(start)).filter((body): body is Node => body !== null);
    for (const body of aggregate.bodies) {
      if (!this.readMembersFromText(body, members)) this.readMembersFromTree(body, members);
    }
    return members;
  }

  /** The `{ ... }` of the struct/union whose tag name starts at `nameIndex`. */
  private bodyOfDefinition(nameIndex: number): Node | null {
    let node: Node | null = this.tree.rootNode.descendantForIndex(nameIndex);
    for (let depth = 0; node && depth < 3; depth++, node = node.parent) {
      if (node.type === 'struct_specifier' || node.type === 'union_specifier') return node.childForFieldName('body');
    }
    return null;
  }

  /**
   * Members of a plain body (no nested braces or parentheses: no anonymous members, function
   * pointers or attribute macros) read from its text. False when the body is not that plain.
   */
  private readMembersFromText(body: Node, members: Map<string, ValueType | undefined>): boolean {
    const text = this.source.of(body);
    if (text[0] !== '{' || text[text.length - 1] !== '}') return false;
    const inside = text.slice(1, -1);
    if (/[{}()]/.test(inside)) return false;
    for (const [start, end] of splitTopLevel(inside, ';')) {
      const declaration = inside.slice(start, end).replace(/:\s*\w+\s*$/, ' ');
      if (declaration.trim() === '') continue;
      const pieces = splitTopLevel(declaration);
      const first = parseSimpleDeclaration(declaration.slice(pieces[0][0], pieces[0][1]));
      if (first.name === undefined) continue;
      // At the member's first word, not the line break before it: the evidence is its own line.
      const declaredAt = body.startIndex + 1 + start + (declaration.length - declaration.trimStart().length);
      members.set(first.name, alsoFrom(this.resolveTextualType(first.type), declaredAt));
      // `struct foo *a, b[2];`: the later declarators share the base type, not the stars.
      const base: TextualType = { tag: first.type.tag, typedefName: first.type.typedefName, layers: '' };
      for (const [pieceStart, pieceEnd] of pieces.slice(1)) {
        const declarator = parseLaterDeclarator(declaration.slice(pieceStart, pieceEnd).replace(/:\s*\w+\s*$/, ' '));
        if (declarator) members.set(declarator.name, alsoFrom(this.resolveTextualType({ ...base, layers: declarator.layers }), declaredAt));
      }
    }
    return true;
  }

  private readMembersFromTree(body: Node, members: Map<string, ValueType | undefined>): void {
    for (const field of body.namedChildren) {
      if (!field || field.type !== 'field_declaration') continue;
      const typeNode = field.childForFieldName('type');
      const base = this.typeOfSpecifier(typeNode);
      const declarators = field.childrenForFieldName('declarator');
      if (declarators.length === 0) {
        // An unnamed struct/union member lends its members to the enclosing aggregate.
        if (base && base.aggregate.isLocal && base.layers === '') {
          for (const [name, type] of this.localMembers(base.aggregate)) members.set(name, type);
        }
        continue;
      }
      for (const declarator of declarators) {
        if (!declarator) continue;
        const info = this.describeDeclarator(declarator);
        if (info.name !== undefined) members.set(info.name, alsoFrom(wrap(base, info.layers), field.startIndex));
      }
    }
  }

  private resolveTextualType(type: TextualType): ValueType | undefined {
    if (type.tag) return { aggregate: this.aggregateForTag(type.tag.kind, type.tag.name), layers: type.layers };
    if (type.typedefName !== undefined) return wrap(this.typedefNamed(type.typedefName), type.layers);
    return undefined;
  }

  // --- types written in the file --------------------------------------------------------------

  /** The type a type specifier names, when it is an aggregate (possibly through a typedef). */
  private typeOfSpecifier(node: Node | null): ValueType | undefined {
    if (!node) return undefined;
    const type = node.type;
    if (type === 'struct_specifier' || type === 'union_specifier') {
      const kind: AggregateKind = type === 'union_specifier' ? 'union' : 'struct';
      const start = node.startIndex;
      const tag = this.source.identifierAt(start) === kind ? this.readTag(start + kind.length) : undefined;
      if (tag) return { aggregate: this.aggregateForTag(kind, tag.name), layers: '' };
      const anonymous = this.anonymousAggregate(node);
      return anonymous && { aggregate: anonymous, layers: '' };
    }
    if (type === 'type_identifier') return this.typedefNamed(this.source.identifierAt(node.startIndex));
    return undefined;
  }

  private anonymousAggregate(specifier: Node): LocalAggregate | undefined {
    const id = specifier.id;
    if (this.anonymousAggregates.has(id)) return this.anonymousAggregates.get(id);
    const body = specifier.childForFieldName('body');
    const aggregate: LocalAggregate | undefined = body ? { isLocal: true, definitionStarts: [], bodies: [body] } : undefined;
    this.anonymousAggregates.set(id, aggregate);
    return aggregate;
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
        info.name = this.source.identifierAt(node.startIndex);
        break;
      }
      let next: Node | null = null;
      switch (type) {
        case 'init_declarator':
          next = node.childForFieldName('declarator');
          break;
        case 'pointer_declarator':
        case 'abstract_pointer_declarator':
          info.layers = '*' + info.layers;
          next = node.childForFieldName('declarator');
          break;
        case 'array_declarator':
        case 'abstract_array_declarator':
          info.layers = '[' + info.layers;
          next = node.childForFieldName('declarator');
          break;
        case 'function_declarator':
        case 'abstract_function_declarator':
          next = node.childForFieldName('declarator');
          // `f(...)` declares a function; `(*f)(...)` a pointer to one, i.e. a variable.
          if (next && isNameToken(next.type) && !info.layers.includes('f')) {
            info.functionDeclarator = node;
            info.returnLayers = info.layers;
          }
          info.layers = 'f' + info.layers;
          break;
        case 'parenthesized_declarator':
        case 'abstract_parenthesized_declarator':
        case 'attributed_declarator':
          next = this.firstNamedChildExceptComments(node);
          break;
      }
      node = next;
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
      info.name = this.source.identifierAt(realName.startIndex);
      return;
    }
  }

  // --- declarations ---------------------------------------------------------------------------

  private visitDeclaration(declaration: Node): void {
    if (!this.atFileScope() && this.declaresOnlyScalars(declaration.startIndex)) return;
    if (this.visitDeclarationFromText(declaration)) return;
    const typeNode = declaration.childForFieldName('type');
    const base = this.typeOfSpecifier(typeNode);
    const declarators = declaration.childrenForFieldName('declarator');
    for (const declarator of declarators) {
      if (!declarator) continue;
      const declaratorType = declarator.type;
      const info = this.describeDeclarator(declarator, declaratorType);
      if (info.name === undefined) continue;
      if (declarators.length === 1 && this.recoverSplitDeclaration(declaration, info, base)) return;
      if (info.functionDeclarator) {
        // Inside a body this is nearly always a macro call read as a prototype.
        if (this.atFileScope()) this.recordFunction(declaration, typeNode, info, base, false);
        continue;
      }
      const type = wrap(base, info.layers);
      this.declareVariable(info.name, type, declaration.startIndex);
      if (type && this.readsUsages && declaratorType === 'init_declarator' && this.bracedInitializerFollows(info)) {
        const value = declarator.childForFieldName('value');
        if (value?.type === 'initializer_list') this.visitInitializerList(value, alsoFrom(type, declaration.startIndex)!);
      }
    }
  }

  /**
   * Reads a plain declaration (`static const struct foo *a = x, b[2];`, no parentheses or
   * braces in its declarators, no annotation where the name should be) from its text. Only a
   * braced initializer needs its node. False, with nothing done, for anything else.
   */
  private visitDeclarationFromText(declaration: Node): boolean {
    const start = declaration.startIndex;
    const text = this.source.between(start, declaration.endIndex).trimEnd();
    if (!text.endsWith(';')) return false;
    const body = text.slice(0, -1);
    const declarators: { declarator: string; braced: boolean }[] = [];
    for (const [pieceStart, pieceEnd] of splitTopLevel(body)) {
      const piece = body.slice(pieceStart, pieceEnd);
      const equals = piece.indexOf('=');
      const declarator = equals < 0 ? piece : piece.slice(0, equals);
      if (/[(){}]/.test(declarator)) return false;
      declarators.push({ declarator: withoutTrailingAnnotations(declarator), braced: equals >= 0 && piece.slice(equals + 1).trimStart().startsWith('{') });
    }
    const first = parseSimpleDeclaration(declarators[0].declarator);
    if (first.name === undefined || isAnnotationLike(first.name)) return false;
    const base: TextualType = { tag: first.type.tag, typedefName: first.type.typedefName, layers: '' };
    for (let i = 0; i < declarators.length; i++) {
      const parsed = i === 0 ? { name: first.name, layers: first.type.layers } : parseLaterDeclarator(declarators[i].declarator);
      if (!parsed) continue;
      const type = alsoFrom(this.resolveTextualType({ ...base, layers: parsed.layers }), start);
      this.declareVariable(parsed.name, type);
      if (type && this.readsUsages && declarators[i].braced) {
        const value = declaration.childrenForFieldName('declarator')[i]?.childForFieldName('value');
        if (value?.type === 'initializer_list') this.visitInitializerList(value, type);
      }
    }
    return true;
  }

  /**
   * Whether a local declaration's type is plainly scalar (`int`, `unsigned long`, `u32`,
   * `enum x`), read from its first words. Those variables cannot be accessed with `.`/`->`, and
   * locals are never recorded as prototypes, so such declarations can be passed over.
   */
  private declaresOnlyScalars(start: number): boolean {
    let position = start;
    for (let words = 0; words < 6; words++) {
      const word = this.source.identifierAt(position);
      if (!word) return false;
      if (SCALAR_TYPE_WORDS.has(word)) return true;
      if (!DECLARATION_PREFIX_WORDS.has(word)) return false;
      position = this.source.skipSpaces(position + word.length);
    }
    return false;
  }

  /** Reads past the declarator name (and array sizes, annotations) for `= {`. */
  private bracedInitializerFollows(info: DeclaratorInfo): boolean {
    const nameNode = info.nameAttributeNodes.length > 0 ? info.nameAttributeNodes[0] : info.nameNode;
    if (!nameNode) return false;
    let position = this.source.skipSpaces(nameNode.startIndex + this.source.identifierAt(nameNode.startIndex).length);
    for (let steps = 0; steps < 16; steps++) {
      const c = this.source.charAt(position);
      if (c === '=') return this.source.charAt(this.source.skipSpaces(position + 1)) === '{';
      if (c === '[' || c === '(') {
        // An array size, or the arguments of an attribute after the name.
        const end = this.source.closingBracketAt(position);
        if (end < 0) return false;
        position = this.source.skipSpaces(end);
        continue;
      }
      // An annotation after the name (`ops __read_mostly = {`).
      const word = this.source.identifierAt(position);
      if (!word) return false;
      position = this.source.skipSpaces(position + word.length);
    }
    return false;
  }

  /**
   * `struct foo __iomem *regs = x;` parses as a declaration named `__iomem` whose `;` is
   * missing, followed by the expression statement `*regs = x;`. Reads the declarators back out
   * of that expression. Returns false when the declaration is not of that shape.
   */
  private recoverSplitDeclaration(declaration: Node, info: DeclaratorInfo, base: ValueType | undefined): boolean {
    if (!info.name || !isAnnotationLike(info.name) || info.nameAttributeNodes.length > 0) return false;
    if (info.functionDeclarator || !declaration.lastChild?.isMissing) return false;
    // `name(` next is the function definition case. The statement after is reached through
    // the token it starts with: sibling lookups scan all the parent's children in web-tree-sitter.
    const after = this.source.skipSpaces(declaration.endIndex);
    const word = this.source.identifierAt(after);
    if (word && this.source.charAt(this.source.skipSpaces(after + word.length)) === '(') return true;
    let next = this.tree.rootNode.descendantForIndex(after);
    for (let depth = 0; next && next.type !== 'expression_statement' && depth < 8; depth++) next = next.parent;
    if (next?.type === 'expression_statement' && next.startIndex === after) {
      const expression = this.firstNamedChildExceptComments(next);
      if (expression) this.declareFromExpression(expression, info.layers, base);
    }
    // Followed by a function definition, this is `static int __init f(void) {`; the
    // definition itself sorts that out.
    return true;
  }

  private declareFromExpression(expression: Node, layers: string, base: ValueType | undefined): void {
    switch (expression.type) {
      case 'identifier':
        this.declareVariable(this.source.identifierAt(expression.startIndex), wrap(base, layers), expression.startIndex);
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
        if (argument && this.source.charAt(expression.startIndex) === '*') this.declareFromExpression(argument, '*' + layers, base);
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
    this.noteDeclarationInBody();
    const base = this.typeOfSpecifier(definition.childForFieldName('type'));
    for (const declarator of definition.childrenForFieldName('declarator')) {
      if (!declarator) continue;
      const info = this.describeDeclarator(declarator);
      if (info.name !== undefined) this.typedefs.set(info.name, alsoFrom(wrap(base, info.layers), definition.startIndex));
    }
  }

  // --- functions --------------------------------------------------------------------------------

  private visitFunctionDefinition(definition: Node): void {
    // In a body, `name(i) {` is a loop macro (`ice_for_each_traffic_class(i) {`) that the
    // grammar reads as an old-style definition: a block of the function around it, whose
    // arguments are that function's variables. (The kernel has no nested functions.)
    if (!this.atFileScope()) return;
    this.noteTagsDefinedIn(definition);
    this.scopes.push({ end: definition.endIndex, variables: new Map() });
    const declarator = definition.childForFieldName('declarator');
    if (!declarator) return;
    const declaratorType = declarator.type;
    if (declaratorType === 'function_declarator') {
      const parameters = this.recordFunctionFromText(definition.startIndex, declarator.endIndex);
      if (parameters) {
        for (const parameter of parameters) if (parameter.name !== undefined) this.declareVariable(parameter.name, parameter.type);
        return;
      }
    }
    const typeNode = definition.childForFieldName('type');
    if (declaratorType === 'parenthesized_declarator' && typeNode?.type === 'type_identifier') {
      this.recoverAnnotatedDefinition(definition, typeNode, declarator);
      return;
    }
    const info = this.describeDeclarator(declarator, declaratorType);
    if (!info.functionDeclarator || info.name === undefined) return;
    const parameters = this.recordFunction(definition, typeNode, info, this.typeOfSpecifier(typeNode), true);
    for (const parameter of parameters) {
      if (parameter.name !== undefined) this.declareVariable(parameter.name, parameter.type);
    }
  }

  /**
   * `static void __exit f(void) {` parses as the declaration `static void __exit` (its `;`
   * missing) followed by a definition of type `f` with the declarator `(void)`.
   */
  private recoverAnnotatedDefinition(definition: Node, nameNode: Node, parenthesized: Node): void {
    // The declaration ends with the annotation right before the definition; reached through
    // the token there rather than previousNamedSibling, which scans all earlier siblings.
    const annotationEnd = this.source.skipSpacesBackward(definition.startIndex);
    let declaration = this.tree.rootNode.descendantForIndex(annotationEnd - 1);
    // From the annotation token up through any pointer declarators around it.
    for (let depth = 0; declaration && declaration.type !== 'declaration' && depth < 4; depth++) declaration = declaration.parent;
    if (declaration?.type !== 'declaration' || !declaration.lastChild?.isMissing) return;
    const name = this.source.identifierAt(nameNode.startIndex);
    const inner = this.firstNamedChildExceptComments(parenthesized);
    const parameterText = inner ? normalizeTypeText(this.source.of(inner)) : '';
    const returnType = this.readReturnType(this.source.between(declaration.startIndex, nameNode.startIndex));
    this.setFunction({
      name,
      returnType: returnType?.text ?? this.returnTypeText(declaration.startIndex, declaration.childForFieldName('type'), nameNode.startIndex),
      parameterTypes: parameterText === '' || parameterText === 'void' ? [] : [parameterText],
      range: this.source.tokenRange(nameNode.startIndex, name.length, nameNode.startPosition),
      header: this.source.rangeBetween(declaration.startIndex, parenthesized.endIndex),
    });
    this.functionReturnTypes.set(name, alsoFrom(returnType && this.resolveTextualType(returnType.type), declaration.startIndex));
  }

  /**
   * Reads a definition's header `static struct foo *name(params)` from its text: the common
   * case, without parentheses or ambiguous annotations before the name. Returns the
   * parameters, or undefined (with nothing recorded) when the header is not that plain.
   */
  private recordFunctionFromText(start: number, headerEnd: number): ParameterInfo[] | undefined {
    const header = this.source.between(start, headerEnd);
    if (header[header.length - 1] !== ')') return undefined;
    const open = header.indexOf('(');
    if (open < 0 || closingBracketEnd(header, open) !== header.length) return undefined;
    const nameEnd = this.source.skipSpacesBackward(start + open);
    const nameStart = this.source.identifierStartBefore(nameEnd);
    if (nameStart < 0) return undefined;
    const returnType = this.readReturnType(this.source.between(start, nameStart));
    if (!returnType) return undefined;
    const parameters = this.parametersFromText(header.slice(open), start + open);
    if (!parameters) return undefined;
    const name = this.source.between(nameStart, nameEnd);
    this.functionReturnTypes.set(name, alsoFrom(this.resolveTextualType(returnType.type), start));
    this.setFunction({
      name,
      returnType: returnType.text,
      parameterTypes: parameters.length === 1 && parameters[0].text === 'void' ? [] : parameters.map((parameter) => parameter.text),
      range: this.source.tokenRange(nameStart, name.length),
      header: this.source.rangeBetween(start, headerEnd),
    });
    return parameters;
  }

  /**
   * The return type in the words before a function name, without storage class and
   * annotation macros. A `__word` counts as an annotation when another word names the type
   * (`int __init`, `__always_inline u32`), and as the type when it is the only candidate
   * (`__u32`); two `__words` and nothing else is ambiguous, and left to the tree.
   */
  private readReturnType(prefix: string): { text: string; type: TextualType } | undefined {
    if (/[()\[\]{};=]/.test(prefix)) return undefined;
    const words = prefix.match(/[A-Za-z_$][\w$]*|\*/g) ?? [];
    const kept: string[] = [];
    const underscored: string[] = [];
    let namesType = false;
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (word === 'const' || word === 'volatile' || word === '*' || ADDRESS_SPACE_ANNOTATIONS.has(word)) {
        kept.push(word);
      } else if (DECLARATION_PREFIX_WORDS.has(word) || PLAIN_ANNOTATIONS.has(word)) {
        continue;
      } else if (word === 'struct' || word === 'union' || word === 'enum') {
        if (i + 1 >= words.length) return undefined;
        kept.push(word, words[++i]);
        namesType = true;
      } else if (word.startsWith('__') && !SCALAR_TYPE_WORDS.has(word)) {
        underscored.push(word);
        kept.push(word);
      } else {
        kept.push(word);
        namesType = true;
      }
    }
    if (!namesType && underscored.length !== 1) return undefined;
    const typeWords = namesType ? kept.filter((word) => !underscored.includes(word)) : kept;
    const text = normalizeTypeText(typeWords.join(' '));
    return { text, type: parseSimpleDeclaration(text).type };
  }

  private setFunction(signature: FunctionSignature): void {
    this.functions.set(signature.name, signature);
    const versions = this.functionVersions.get(signature.name);
    if (versions) versions.push(signature);
    else this.functionVersions.set(signature.name, [signature]);
  }

  /** Records a function's signature; returns its parameters (for a definition's scope). */
  private recordFunction(owner: Node, typeNode: Node | null, info: DeclaratorInfo, base: ValueType | undefined, isDefinition: boolean): ParameterInfo[] {
    const name = info.name!;
    this.functionReturnTypes.set(name, alsoFrom(wrap(base, info.returnLayers ?? ''), owner.startIndex));
    const parameterList = info.functionDeclarator!.childForFieldName('parameters');
    const parameters = parameterList ? this.describeParameters(parameterList) : [];
    const nameNode = info.nameNode!;
    const signature = {
      name,
      returnType: this.returnTypeText(owner.startIndex, typeNode, nameNode.startIndex),
      parameterTypes: parameters.length === 1 && parameters[0].text === 'void' ? [] : parameters.map((parameter) => parameter.text),
      range: this.source.tokenRange(nameNode.startIndex, name.length, nameNode.startPosition),
      header: this.source.rangeBetween(owner.startIndex, info.functionDeclarator!.endIndex),
    };
    // A definition describes the function better than any prototype of it; a later prototype
    // is still a version (alternative prototypes under #if/#else in a header).
    if (!isDefinition && this.functions.has(name)) {
      this.functionVersions.get(name)?.push(signature);
      return [];
    }
    this.setFunction(signature);
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
    const before = keep(this.source.between(ownerStart, typeStart));
    const after = keep(this.source.between(typeEnd, nameStart));
    return normalizeTypeText([before, this.source.between(typeStart, typeEnd), after].join(' '));
  }

  private describeParameters(list: Node): ParameterInfo[] {
    return this.describeParametersFromText(list) ?? this.describeParametersFromTree(list);
  }

  /**
   * Parameter lists without nested parentheses (no function pointers, no attributes) are read
   * from the text, which is far cheaper than visiting every parameter node.
   */
  private describeParametersFromText(list: Node): ParameterInfo[] | undefined {
    return this.parametersFromText(this.source.of(list), list.startIndex);
  }

  /** Parameters read from the text of a parameter list, parentheses included. */
  /** `listStart`: the tree index of the opening parenthesis. */
  private parametersFromText(text: string, listStart: number): ParameterInfo[] | undefined {
    if (text[0] !== '(' || text[text.length - 1] !== ')') return undefined;
    const inside = text.slice(1, -1);
    if (/[()"']/.test(inside)) return undefined;
    if (inside.trim() === '') return [];
    return splitTopLevel(inside).map(([start, end]) => {
      const parameter = parseSimpleDeclaration(inside.slice(start, end));
      return {
        text: typeTextOf(parameter),
        name: parameter.name,
        type: parameter.name === undefined ? undefined : alsoFrom(this.resolveTextualType(parameter.type), listStart + 1 + start),
      };
    });
  }

  private describeParametersFromTree(list: Node): ParameterInfo[] {
    const parameters: ParameterInfo[] = [];
    for (const parameter of list.namedChildren) {
      if (!parameter) continue;
      const kind = parameter.type;
      if (kind === 'variadic_parameter') {
        parameters.push({ text: '...' });
        continue;
      }
      if (kind !== 'parameter_declaration') continue;
      const declarator = parameter.childForFieldName('declarator');
      const text = this.source.of(parameter);
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
        position = cut + this.source.identifierAt(cut + start).length;
      }
      parameters.push({
        text: withoutNestedParameterNames(normalizeTypeText(kept + text.slice(position))),
        name: info.name,
        type: info.name === undefined ? undefined : alsoFrom(wrap(this.typeOfSpecifier(parameter.childForFieldName('type')), info.layers), start),
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
  private visitInitializerList(list: Node, type: ValueType, within?: MemberUsage['within']): void {
    const layer = type.layers[0];
    // Braces initialize arrays and aggregates only, never what a pointer points to.
    if (layer === '*') return;
    // A table of positional values (register tables run to thousands of rows) names no
    // member: its nodes are not even fetched.
    if (!this.source.mayDesignate(list)) return;
    const element = layer === '[' ? dereference(type) : undefined;
    for (const child of list.namedChildren) {
      if (!child) continue;
      const childType = child.type;
      if (childType === 'initializer_pair') this.visitInitializerPair(child, type, within);
      else if (element && childType === 'initializer_list') this.visitInitializerList(child, element, within);
      // Positional values in an aggregate are not tied to a member name; skipped.
    }
  }

  /**
   * One `.a.b[2].c = value` (or the old GNU `name: value`) pair. The designators are read from
   * the text; the value node is fetched only when it is a nested brace list.
   */
  private visitInitializerPair(pair: Node, type: ValueType, within?: MemberUsage['within']): void {
    let current: ValueType | undefined = type;
    /** The aggregate's member the current type came from (`.a.b`: `b` is within `a`). */
    let outer = within;
    let statementRange: SourceRange | undefined;
    // The usage of the member named by the last designator: the value is assigned to it.
    let finalUsage: MemberUsage | undefined;
    let position = pair.startIndex;
    let valueStart = -1;
    for (let steps = 0; steps < 64 && valueStart < 0; steps++) {
      const c = this.source.charAt(position);
      if (c === '=') {
        valueStart = this.source.skipSpaces(position + 1);
        break;
      }
      finalUsage = undefined;
      if (c === '[') {
        const end = this.source.closingBracketAt(position);
        if (end < 0) return;
        current = current?.layers[0] === '[' ? dereference(current) : undefined;
        position = this.source.skipSpaces(end);
        continue;
      }
      const dotted = c === '.';
      const nameStart = dotted ? this.source.skipSpaces(position + 1) : position;
      const member = this.source.identifierAt(nameStart);
      if (!member) return;
      position = this.source.skipSpaces(nameStart + member.length);
      // Without a dot, only the GNU `name: value` form is a designator.
      if (!dotted && (steps > 0 || this.source.charAt(position) !== ':')) return;
      if (!dotted) valueStart = this.source.skipSpaces(position + 1);
      if (!current || current.layers !== '') {
        current = undefined;
        continue;
      }
      if (this.isKernel(current.aggregate)) {
        statementRange ??= this.source.rangeOf(pair);
        finalUsage = this.report('initializer', current.aggregate, member, nameStart, current.from);
        finalUsage.statementRange = statementRange;
        if (outer) finalUsage.within = outer;
      }
      outer = this.isKernel(current.aggregate) ? { aggregate: current.aggregate.ref, member } : { member };
      current = alsoFrom(this.memberOf(current.aggregate, member), current.from);
    }
    if (valueStart < 0) return;
    if (this.source.charAt(valueStart) === '{') {
      const value = pair.childForFieldName('value');
      if (current && value?.type === 'initializer_list') this.visitInitializerList(value, current, outer);
    } else if (finalUsage) {
      const assigned = this.assignedFunctionName(valueStart, finalUsage.statementRange!.endIndex);
      if (assigned !== undefined) finalUsage.assignedFunction = assigned;
    }
  }

  /**
   * The function named by a value that runs from `start` to `end`: `f`, `&f` or `(f)`.
   * Undefined for anything else, or for a name the file declares as a variable.
   */
  private assignedFunctionName(start: number, end: number): string | undefined {
    const text = this.source.between(start, end);
    let position = 0;
    for (let steps = 0; steps < 8 && position < text.length; steps++) {
      const code = text.charCodeAt(position);
      if (code === 38 /* & */ || isSpaceCode(code)) {
        position++;
      } else if (code === 40 /* ( */) {
        const close = closingBracketEnd(text, position);
        if (close < 0) return undefined;
        // `(f)` around the name itself. A cast before it is the author telling the compiler
        // the types differ on purpose (`(TIMER_FUNC_TYPE)f` in timer compat code): not ours to judge.
        if (text.slice(close).trim() === '') return this.assignedFunctionName(start + position + 1, start + close - 1);
        return undefined;
      } else {
        IDENTIFIER_AT.lastIndex = position;
        const found = IDENTIFIER_AT.exec(text);
        if (!found) return undefined;
        const after = position + found[0].length;
        // `__exit_p(f)` is `f` in a module (the kernel's headers make it NULL only in built-in code).
        if (PASSING_WRAPPERS.has(found[0])) {
          const open = text.indexOf('(', after);
          const close = open >= 0 && text.slice(after, open).trim() === '' ? closingBracketEnd(text, open) : -1;
          return close >= 0 && text.slice(close).trim() === '' ? this.assignedFunctionName(start + open + 1, start + close - 1) : undefined;
        }
        if (text.slice(after).trim() !== '') return undefined;
        return this.lookupVariable(found[0]).found ? undefined : found[0];
      }
    }
    return undefined;
  }

  // --- expressions ------------------------------------------------------------------------------

  private report(kind: UsageKind, aggregate: KernelAggregate, member: string, start: number, from: readonly number[] | undefined): MemberUsage {
    const usage: MemberUsage = { kind, aggregate: aggregate.ref, member, range: this.source.tokenRange(start, member.length) };
    if (from && from.length > 0) usage.evidence = from.map((index) => this.source.tokenRange(index, 1));
    this.usages.push(usage);
    return usage;
  }

  /** The aggregate-shaped type of an expression, reporting the member uses met on the way. */
  private typeOf(node: Node, type = node.type): ValueType | undefined {
    if (type === 'identifier') return this.typeOfName(this.source.identifierAt(node.startIndex));
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
        return this.source.charAt(node.startIndex) === '&' ? { ...argumentType, layers: '*' + argumentType.layers } : dereference(argumentType);
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
    const start = node.startIndex;
    if (this.memberDesignatorStarts.has(start)) return undefined;
    // The member name is the last token; the operator is right before it.
    const end = node.endIndex;
    const fieldStart = this.source.identifierStartBefore(end);
    if (fieldStart < 0) return undefined;
    const operatorEnd = this.source.skipSpacesBackward(fieldStart);
    let viaPointer: boolean;
    let operatorStart: number;
    if (this.source.charAt(operatorEnd - 1) === '.') {
      viaPointer = false;
      operatorStart = operatorEnd - 1;
    } else if (this.source.charAt(operatorEnd - 1) === '>' && this.source.charAt(operatorEnd - 2) === '-') {
      viaPointer = true;
      operatorStart = operatorEnd - 2;
    } else {
      return undefined;
    }
    // A plain variable on the left is read from the text; anything else needs its node.
    let argumentType: ValueType | undefined;
    const head = this.source.identifierAt(start);
    if (head && this.source.skipSpaces(start + head.length) === operatorStart) {
      argumentType = this.typeOfName(head);
    } else {
      const argument = node.childForFieldName('argument');
      argumentType = argument ? this.typeOf(argument) : undefined;
      // Noted whatever the type read here: on other kernels the member may be the other kind.
      const inner = argument?.type === 'field_expression' ? this.accessUsages.get(argument.id) : undefined;
      if (inner) inner.followedBy = viaPointer ? '->' : '.';
    }
    if (!argumentType) return undefined;
    // `p->m` needs exactly one pointer (or array) layer, `s.m` none; anything else means we
    // have the type wrong, and a wrong guess is worse than silence.
    if (viaPointer ? argumentType.layers.length !== 1 : argumentType.layers !== '') return undefined;
    const member = this.source.between(fieldStart, end);
    const aggregate = argumentType.aggregate;
    if (this.isKernel(aggregate)) {
      const usage = this.report('access', aggregate, member, fieldStart, argumentType.from);
      this.accessUsages.set(node.id, usage);
      const parent = node.parent;
      if (parent && isWrittenThrough(node, parent)) usage.writtenThrough = true;
      if (parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.startIndex === start) {
        usage.written = true;
        // `p->callback = f;` stores a function just as `.callback = f` does.
        if (this.source.charAt(this.source.skipSpaces(end)) === '=') {
          const right = parent.childForFieldName('right');
          const assigned = right ? this.assignedFunctionName(right.startIndex, right.endIndex) : undefined;
          if (assigned !== undefined) usage.assignedFunction = assigned;
        }
      } else if (parent?.type === 'update_expression') {
        usage.written = true;
      }
    }
    return alsoFrom(this.memberOf(aggregate, member), argumentType.from);
  }

  private typeOfCall(call: Node): ValueType | undefined {
    const start = call.startIndex;
    const name = this.source.identifierAt(start);
    // Only calls through a plain name can be macros or functions of this file.
    if (!name || this.source.charAt(this.source.skipSpaces(start + name.length)) !== '(') return undefined;
    if (TYPE_MEMBER_MACROS.has(name) || CURSOR_MEMBER_MACROS.has(name)) return this.visitMacroCall(start, name);
    // A local variable of that name (a function pointer) hides the function. File-scope ones
    // do not count: those are mostly macro calls like EXPORT_SYMBOL(f) read as declarations.
    if (this.lookupVariable(name, 1).found) return undefined;
    if (this.functionReturnTypes.has(name)) return this.functionReturnTypes.get(name);
    const helperReturn = KERNEL_HELPER_RETURNS.get(name);
    return helperReturn ? { aggregate: this.aggregateForTag('struct', helperReturn), layers: '*' } : undefined;
  }

  /** The type of a variable by name; `current` (the kernel's macro for the running task) unless the file declares one. */
  private typeOfName(name: string): ValueType | undefined {
    const variable = this.lookupVariable(name);
    if (variable.found) return variable.type;
    return name === 'current' ? { aggregate: this.aggregateForTag('struct', 'task_struct'), layers: '*' } : undefined;
  }

  // --- container_of and friends ---------------------------------------------------------------

  /** Reports a macro call's member uses (once) and returns the type of its value. */
  private visitMacroCall(nameIndex: number, name: string): ValueType | undefined {
    const firstVisit = !this.visitedMacroCalls.has(nameIndex);
    this.visitedMacroCalls.add(nameIndex);
    const argumentsOfCall = this.macroArguments(nameIndex + name.length);
    const typeMember = TYPE_MEMBER_MACROS.get(name);
    if (typeMember) {
      const typeArgument = argumentsOfCall[typeMember.typeArgument];
      const memberArgument = argumentsOfCall[typeMember.typeArgument + 1];
      const type = typeArgument ? this.typeOfTypeArgument(typeArgument) : undefined;
      if (firstVisit && memberArgument) {
        const chain = this.memberChain(memberArgument);
        if (chain) this.reportMemberChain(typeMember.kind, type, chain);
      }
      return typeMember.yieldsPointer ? wrap(type, '*') : undefined;
    }
    const memberArgumentIndex = CURSOR_MEMBER_MACROS.get(name);
    if (memberArgumentIndex === undefined) return undefined;
    const position = argumentsOfCall[0] && /^\s*([A-Za-z_]\w*)\s*$/.exec(argumentsOfCall[0].text);
    const positionType = position ? this.lookupVariable(position[1]).type : undefined;
    const memberArgument = argumentsOfCall[memberArgumentIndex];
    if (firstVisit && memberArgument && positionType?.layers.length === 1) {
      const chain = this.memberChain(memberArgument);
      if (chain) this.reportMemberChain('container_of', dereference(positionType), chain);
    }
    return CURSOR_MACROS_YIELDING_POS.has(name) ? positionType : undefined;
  }

  /** The arguments of the macro call whose name ends at `nameEnd`, split at top-level commas. */
  private macroArguments(nameEnd: number): MacroArgument[] {
    const open = this.source.skipSpaces(nameEnd);
    if (this.source.charAt(open) !== '(') return [];
    const end = this.source.closingBracketAt(open);
    if (end < 0) return [];
    const inside = this.source.between(open + 1, end - 1);
    return splitTopLevel(inside).map(([start, pieceEnd]) => ({ start: open + 1 + start, text: inside.slice(start, pieceEnd) }));
  }

  /** The type an argument like `struct foo`, `foo_t` or `typeof(*p)` names. */
  private typeOfTypeArgument(argument: MacroArgument): ValueType | undefined {
    const tagged = /^\s*(struct|union)\s+([A-Za-z_]\w*)\s*$/.exec(argument.text);
    if (tagged) return { aggregate: this.aggregateForTag(tagged[1] as AggregateKind, tagged[2]), layers: '' };
    const named = /^\s*([A-Za-z_]\w*)\s*$/.exec(argument.text);
    if (named) return this.typedefNamed(named[1]);
    const typeofVariable = /^\s*(?:typeof|__typeof__|__typeof)\s*\(\s*(\*?)\s*([A-Za-z_]\w*)\s*\)\s*$/.exec(argument.text);
    if (typeofVariable) {
      const variable = this.lookupVariable(typeofVariable[2]).type;
      return typeofVariable[1] ? dereference(variable) : variable;
    }
    return undefined;
  }

  /**
   * The member chain of a macro's member argument: `m`, `a.b`, `a[2].b`. Field expressions
   * tree-sitter made of it are member designators, not accesses: their start is remembered so
   * the walk passes them over.
   */
  private memberChain(argument: MacroArgument): MemberStep[] | undefined {
    const text = argument.text;
    const chain: MemberStep[] = [];
    const name = /[A-Za-z_]\w*/y;
    let position = 0;
    for (;;) {
      while (position < text.length && isSpaceCode(text.charCodeAt(position))) position++;
      name.lastIndex = position;
      const match = name.exec(text);
      if (!match) return undefined;
      chain.push({ nameStart: argument.start + position, subscripts: 0 });
      position += match[0].length;
      for (;;) {
        while (position < text.length && isSpaceCode(text.charCodeAt(position))) position++;
        if (text[position] !== '[') break;
        const end = closingBracketEnd(text, position);
        if (end < 0) return undefined;
        chain[chain.length - 1].subscripts++;
        position = end;
      }
      if (position >= text.length) break;
      if (text[position] !== '.') return undefined;
      position++;
    }
    if (chain.length > 1 || chain[0].subscripts > 0) this.memberDesignatorStarts.add(chain[0].nameStart);
    return chain;
  }

  private reportMemberChain(kind: UsageKind, type: ValueType | undefined, chain: MemberStep[]): void {
    let current = type;
    for (const step of chain) {
      if (!current || current.layers !== '') return;
      const member = this.source.identifierAt(step.nameStart);
      if (this.isKernel(current.aggregate)) this.report(kind, current.aggregate, member, step.nameStart, current.from);
      current = alsoFrom(this.memberOf(current.aggregate, member), current.from);
      for (let i = 0; i < step.subscripts && current; i++) current = current.layers[0] === '[' ? dereference(current) : undefined;
    }
  }

  private visitOffsetof(node: Node): void {
    const typeNode = node.childForFieldName('type');
    if (!typeNode) return;
    const type = this.typeOfDescriptor(typeNode);
    // `offsetof(struct T, a.b)`: tree-sitter only takes a single name as the member, so the
    // member is read from the text after the type.
    const comma = this.source.skipSpaces(typeNode.endIndex);
    if (this.source.charAt(comma) !== ',') return;
    const close = this.source.closingBracketAt(this.source.skipSpaces(node.startIndex + 'offsetof'.length));
    if (close < 0) return;
    const chain = this.memberChain({ start: comma + 1, text: this.source.between(comma + 1, close - 1) });
    if (chain) this.reportMemberChain('offsetof', type, chain);
  }
}

/** Whether `node` is what an assignment (`=`, `|=`, …) or `++`/`--` writes. */
function isWrittenExpression(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'update_expression') return true;
  return parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.startIndex === node.startIndex;
}

/** `p->m[i] = v`, `p->m[i]++`, `*p->m = v`: the code writes what the member `node` points to. */
function isWrittenThrough(node: Node, parent: Node): boolean {
  const indexed = parent.type === 'subscript_expression' && parent.childForFieldName('argument')?.startIndex === node.startIndex;
  const dereferenced = parent.type === 'pointer_expression' && parent.childForFieldName('operator')?.type === '*';
  return (indexed || dereferenced) && isWrittenExpression(parent);
}
