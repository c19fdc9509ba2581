// The type of a call's argument where the text states it plainly: `&name` of a struct the file
// declares (`static struct file_operations fops = {...}` gives `struct file_operations *`) or of
// a well-known kernel global (`&init_user_ns`), or `name` declared as a struct pointer in the
// enclosing function (a parameter or a local before the call); and `name->member` through such
// a pointer, whose member's type the caller reads. Anything else is not typed: a guess would
// make a false warning.

/** A struct pointer type: its tag, whether the struct is const, and how many pointers lead to it (`struct page **` is 2). */
export interface StructPointer {
  tag: string;
  constant: boolean;
  depth: number;
}

/** `const struct page **` */
export function structPointerText(type: StructPointer): string {
  return `${type.constant ? 'const ' : ''}struct ${type.tag} ${'*'.repeat(type.depth)}`;
}

/**
 * The kernel's own global structs that drivers pass by address (`&init_user_ns` to the inode
 * helpers before 6.3), with their struct tags: the same on every kernel that has them.
 */
const KERNEL_GLOBALS: Record<string, string> = {
  init_user_ns: 'user_namespace',
  nop_mnt_idmap: 'mnt_idmap',
  init_net: 'net',
  init_task: 'task_struct',
};

/** The struct pointer a function of the driver's returns, where its declarations agree on one; undefined otherwise. */
export type ReturnTypes = (name: string) => StructPointer | undefined;

/** `name(arguments)` with no parentheses among the arguments. */
const PLAIN_CALL = /^([A-Za-z_]\w*)\s*\([^()]*\)$/;

export class ArgumentTypes {
  /** Offsets of the file-level `{ … }` blocks, in order. */
  private blocks?: { open: number; close: number }[];
  /** Offsets of the lines in later branches of `#if` chains (not counted for blocks). */
  private laterBranches: { start: number; end: number }[] = [];
  private readonly fileMembers = new Map<string, StructPointer | undefined>();
  private bodiesByTag?: Map<string, number[]>;
  private readonly fileScopeTypes = new Map<string, StructPointer | undefined>();
  private readonly functionDeclarations = new Map<string, (StructPointer & { end: number })[]>();

  /**
   * `text`: the file; `masked`: the same with comments, string contents and directives
   * blanked (same offsets).
   */
  constructor(
    private readonly text: string,
    private readonly masked: string,
  ) {}

  /**
   * The argument's type, from its text and the offset where it starts. With `returnType`, also
   * a call of a function whose result that gives (the driver's `APFS_NXI(sb)`).
   */
  typeOf(argument: string, offset: number, returnType?: ReturnTypes): StructPointer | undefined {
    // `(struct sockaddr *)&addr`: a cast of a plain operand states the type whatever the operand's.
    const cast = /^\(\s*((?:const\s+)?struct\s+[A-Za-z_]\w*\s*\*+)\s*\)\s*&?\s*[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*$/.exec(argument);
    if (cast) return structPointerOf(cast[1]);
    const address = /^&\s*([A-Za-z_]\w*)$/.exec(argument);
    if (address) return this.declaredInFunction(address[1], offset, true) ?? this.fileScopeStruct(address[1]);
    const name = /^[A-Za-z_]\w*$/.exec(argument);
    if (name) return this.declaredInFunction(argument, offset, false);
    const call = returnType && PLAIN_CALL.exec(argument);
    return call ? returnType(call[1]) : undefined;
  }

  /**
   * `name->member` where `name` is declared as a pointer to a struct in the enclosing function:
   * that struct's tag and the member. Also `name->a->b->member`, where each step before the
   * last is a struct pointer member of a struct this file defines (fileStructMember): the tag
   * is then the struct the last step is read from. With `returnType`, the first step may be a
   * call whose result it gives (`APFS_NXI(sb)->nx_bdev`).
   */
  memberAccessOf(argument: string, offset: number, returnType?: ReturnTypes): { tag: string; member: string } | undefined {
    const access = /^([A-Za-z_]\w*(?:\s*\([^()]*\))?)((?:\s*->\s*[A-Za-z_]\w*)+)$/.exec(argument);
    if (!access) return undefined;
    const call = PLAIN_CALL.exec(access[1]);
    const base = call ? returnType?.(call[1]) : this.declaredInFunction(access[1], offset, false);
    if (!base || base.depth !== 1) return undefined;
    const members = access[2].split('->').map((member) => member.trim()).filter(Boolean);
    let tag = base.tag;
    for (const member of members.slice(0, -1)) {
      const step = this.fileStructMember(tag, member);
      if (!step || step.depth !== 1) return undefined;
      tag = step.tag;
    }
    return { tag, member: members[members.length - 1] };
  }

  /**
   * The type of a member of a struct this file defines (`struct binder_proc { … struct
   * task_struct *tsk; … };` gives `tsk` a `struct task_struct *`), where every definition of the
   * struct is a block the file's reading counts (in any branch of its `#if` chains, see
   * fileBlocks) and every declaration of the member directly in their bodies agrees on one struct
   * pointer type; undefined otherwise (a member of a nested struct, one declared with a typedef,
   * definitions in two branches that disagree).
   */
  fileStructMember(tag: string, member: string): StructPointer | undefined {
    // Asked per kernel for every `ptr->member` argument: read once.
    const key = `${tag}\u0000${member}`;
    if (!this.fileMembers.has(key)) this.fileMembers.set(key, this.readFileStructMember(tag, member));
    return this.fileMembers.get(key);
  }

  private readFileStructMember(tag: string, member: string): StructPointer | undefined {
    const opens = this.structBodies().get(tag) ?? [];
    if (opens.length === 0) return undefined;
    const found: StructPointer[] = [];
    for (const open of opens) {
      const block = this.fileBlocks().find((candidate) => candidate.open === open);
      if (!block) return undefined;
      const body = this.masked.slice(block.open + 1, block.close);
      const declared = declarationsOf(body, member).filter((declaration) => isDirectMember(body, declaration.at));
      // Every declarator of that name in the body must be one of those: `struct page page;` or
      // `int (*tsk)(void)` in another branch makes the member's type open.
      const declarators = [...body.matchAll(new RegExp(`\\b${member}\\s*[;,[:)]`, 'g'))].filter((match) => isDirectMember(body, match.index!));
      if (declarators.length !== declared.length) return undefined;
      found.push(...declared);
    }
    if (found.length === 0 || found.some((type) => type.tag !== found[0].tag || type.depth !== found[0].depth)) return undefined;
    return { tag: found[0].tag, constant: found.every((type) => type.constant), depth: found[0].depth };
  }

  /**
   * `struct TAG name = …;` or `struct TAG name;` outside every function, once, with one tag;
   * else one of the kernel's own globals that drivers pass by address.
   */
  private fileScopeStruct(name: string): StructPointer | undefined {
    // Asked for every `&name` argument of a judged call: read once per name.
    if (!this.fileScopeTypes.has(name)) this.fileScopeTypes.set(name, this.readFileScopeStruct(name));
    return this.fileScopeTypes.get(name);
  }

  private readFileScopeStruct(name: string): StructPointer | undefined {
    const pattern = new RegExp(`\\b(const\\s+)?struct\\s+([A-Za-z_]\\w*)\\s+(?:const\\s+)?${name}\\s*[=;]`, 'g');
    const outside = [...this.masked.matchAll(pattern)].filter((match) => this.blockAt(match.index!) === undefined);
    // A later #if branch's braces are not counted, so a declaration there may be a function's
    // local: it never gives the type. But one with another tag leaves the type open:
    // `#if defined(CONFIG_X)` / `static struct x_driver drv;` / `#else` / `static struct
    // sdio_driver drv;` is either, as the build's configuration has it.
    const first = outside.filter((match) => !this.inLaterBranch(match.index!));
    if (outside.length === 0 && Object.prototype.hasOwnProperty.call(KERNEL_GLOBALS, name)) return { tag: KERNEL_GLOBALS[name], constant: false, depth: 1 };
    if (first.length === 0 || new Set(outside.map((match) => match[2])).size !== 1) return undefined;
    return { tag: first[0][2], constant: first.every((match) => match[1] !== undefined), depth: 1 };
  }

  /**
   * The type of `name` (or of `&name`) by the enclosing function's declarations of it before
   * the call, all with one tag and as many stars: a struct pointer (`struct TAG *name`,
   * `struct TAG **name`, a parameter or a local) or, for `&name`, a struct or a struct pointer.
   */
  private declaredInFunction(name: string, offset: number, addressOf: boolean): StructPointer | undefined {
    const block = this.blockAt(offset);
    if (!block) return undefined;
    // A declaration counts where it ends before the call.
    const found = this.declarationsInFunction(block, name, addressOf).filter((declaration) => declaration.end <= offset);
    if (found.length === 0 || found.some((type) => type.tag !== found[0].tag || type.depth !== found[0].depth)) return undefined;
    return { tag: found[0].tag, constant: found.every((type) => type.constant), depth: found[0].depth };
  }

  /** Every declaration of `name` as a struct (pointer) in the function whose body is `block`, its header included, with where each ends; read once per function and name. */
  private declarationsInFunction(block: { open: number; close: number }, name: string, addressOf: boolean): (StructPointer & { end: number })[] {
    const key = `${block.open}\u0000${name}\u0000${addressOf}`;
    const known = this.functionDeclarations.get(key);
    if (known) return known;
    const headerStart = Math.max(this.masked.lastIndexOf(';', block.open), this.previousBlockEnd(block.open)) + 1;
    const text = this.masked.slice(headerStart, block.close);
    const declarator = addressOf ? `\\b${name}\\s*[;=,)]` : `\\b${name}\\b(?!\\s*[\\[(])`;
    const structs = structDeclarations(text, declarator, addressOf ? 1 : 0);
    // Another declaration of the name in the function (an inner block's `*peer[WGPEER_A_MAX + 1]`, `void *p`) may be the one the call sees.
    const found = declarationLikeUses(text, name) > structs.length ? [] : structs.map(({ start, end, ...type }) => ({ ...type, end: headerStart + end }));
    this.functionDeclarations.set(key, found);
    return found;
  }

  /** Where each `struct TAG {` of the file opens its body, by tag: read once. */
  private structBodies(): Map<string, number[]> {
    if (!this.bodiesByTag) {
      this.bodiesByTag = new Map();
      for (const match of this.masked.matchAll(/\bstruct\s+([A-Za-z_]\w*)\s*\{/g)) {
        const opens = this.bodiesByTag.get(match[1]) ?? [];
        opens.push(match.index! + match[0].length - 1);
        this.bodiesByTag.set(match[1], opens);
      }
    }
    return this.bodiesByTag;
  }

  private inLaterBranch(offset: number): boolean {
    this.fileBlocks();
    return this.laterBranches.some((range) => offset >= range.start && offset <= range.end);
  }

  private blockAt(offset: number): { open: number; close: number } | undefined {
    const blocks = this.fileBlocks();
    let low = 0;
    let high = blocks.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (offset < blocks[mid].open) high = mid - 1;
      else if (offset > blocks[mid].close) low = mid + 1;
      else return blocks[mid];
    }
    return undefined;
  }

  /** Where the last block closing before `open` closes, or -1: blocks are in file order, so a binary search (a large file asks once per function and name). */
  private previousBlockEnd(open: number): number {
    const blocks = this.fileBlocks();
    let low = 0;
    let high = blocks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (blocks[middle].close < open) low = middle + 1;
      else high = middle;
    }
    return low > 0 ? blocks[low - 1].close : -1;
  }

  /**
   * The file-level blocks, braces counted in the first branch of every `#if` chain:
   * `#if` / `f(a) {` / `#else` / `f(a, b) {` / `#endif` opens one body, not two. A later branch
   * outside every block whose braces close all they open (a whole function under `#else`, the
   * newer kernels' version of it; a whole file under `#if … #error #else`) adds its blocks as
   * well, read the same way.
   */
  private fileBlocks(): { open: number; close: number }[] {
    if (this.blocks) return this.blocks;
    const written = this.text.split('\n');
    const lines: SourceLine[] = [];
    let offset = 0;
    this.masked.split('\n').forEach((masked, index) => {
      const directive = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b/.exec(written[index] ?? '')?.[1];
      lines.push({ offset, masked, ...(directive ? { directive: directive.startsWith('if') ? 'if' : directive === 'endif' ? 'endif' : 'else' } : {}) });
      offset += masked.length + 1;
    });
    const blocks: { open: number; close: number }[] = [];
    countBlocks(lines, blocks, this.laterBranches);
    this.blocks = blocks.sort((a, b) => a.open - b.open);
    return this.blocks;
  }
}

/** A line of the file: where it starts, its masked text, and the kind of conditional directive it is. */
interface SourceLine {
  offset: number;
  masked: string;
  directive?: 'if' | 'else' | 'endif';
}

/**
 * Counts the blocks of `lines` into `blocks`, braces in the first branch of every `#if` chain;
 * each later branch outside every block is read the same way apart, and its blocks kept when it
 * closes all it opens. `laterBranches` collects the later branches' lines (the top level only).
 */
function countBlocks(lines: readonly SourceLine[], blocks: { open: number; close: number }[], laterBranches?: { start: number; end: number }[]): BraceCounter {
  const counter = new BraceCounter(blocks);
  /** Per open conditional: whether its current branch is a later one (skipped). */
  const branches: boolean[] = [];
  /** The later branch being collected, and the nesting of the chain it belongs to. */
  let run: SourceLine[] = [];
  let runLevel = 0;
  const flush = () => {
    if (run.length > 0) {
      const found: { open: number; close: number }[] = [];
      const inner = countBlocks(run, found);
      if (inner.depth === 0 && !inner.unbalanced) blocks.push(...found);
    }
    run = [];
  };
  for (const line of lines) {
    if (line.directive) {
      // A directive of the run's own chain ends the run; one nested inside it belongs to it.
      const ownChain = line.directive !== 'if' && branches.length === runLevel;
      if (ownChain) flush();
      else if (branches.includes(true) && counter.depth === 0) run.push(line);
      if (line.directive === 'if') branches.push(false);
      else if (line.directive === 'endif') branches.pop();
      else if (branches.length > 0) branches[branches.length - 1] = true;
      if (run.length === 0) runLevel = branches.indexOf(true) + 1;
    } else if (branches.includes(true)) {
      laterBranches?.push({ start: line.offset, end: line.offset + line.masked.length });
      if (counter.depth === 0) run.push(line);
    } else {
      flush();
      counter.count(line.masked, line.offset);
    }
  }
  flush();
  return counter;
}

/** Counts braces line by line and records each top-level `{ … }` block as it closes. */
class BraceCounter {
  depth = 0;
  /** Set when a `}` closes more than was opened. */
  unbalanced = false;
  private open = -1;

  constructor(private readonly blocks: { open: number; close: number }[]) {}

  count(line: string, offset: number): void {
    // From brace to brace by a native search: a large file is mostly other characters.
    for (let i = nextBrace(line, 0); i >= 0; i = nextBrace(line, i + 1)) {
      if (line.charCodeAt(i) === 123 /* { */) {
        if (this.depth === 0) this.open = offset + i;
        this.depth++;
      } else if (this.depth > 0) {
        this.depth--;
        if (this.depth === 0) this.blocks.push({ open: this.open, close: offset + i });
      } else {
        this.unbalanced = true;
      }
    }
  }
}

const BRACE = /[{}]/g;

/** Where the next `{` or `}` of the line is, from `from`, or -1. */
function nextBrace(line: string, from: number): number {
  BRACE.lastIndex = from;
  return BRACE.exec(line)?.index ?? -1;
}

/** The declarations of `name` as a struct pointer in a struct's body (`struct task_struct *tsk;`, `struct file *a, *tsk;`), with where each stands. */
function declarationsOf(body: string, name: string): (StructPointer & { at: number })[] {
  return structDeclarations(body, `\\b${name}\\s*[;,]`, 0).map(({ start, end, ...type }) => ({ ...type, at: start }));
}

/**
 * The declarations in `text` of a struct or pointer(s) to one whose declarator `declarator`
 * matches (a regex source), also as a later declarator of a declaration (`struct socket *new4
 * = NULL, *new6 = NULL;`), with where each match starts and ends. `address` adds a level: one
 * for `&name` (then no star or one is read, else one or two).
 */
function structDeclarations(text: string, declarator: string, address: 0 | 1): (StructPointer & { start: number; end: number })[] {
  const stars = `((?:\\*\\s*(?:const\\s+)?){${address ? '0,1' : '1,2'}})`;
  const depthOf = (written: string) => (written.match(/\*/g)?.length ?? 0) + address;
  const found = [...text.matchAll(new RegExp(`\\b(const\\s+)?struct\\s+([A-Za-z_]\\w*)\\s*${stars}${declarator}`, 'g'))].map((match) => ({
    tag: match[2],
    constant: match[1] !== undefined,
    depth: depthOf(match[3]),
    start: match.index!,
    end: match.index! + match[0].length,
  }));
  for (const match of text.matchAll(new RegExp(`,\\s*${stars}${declarator}`, 'g'))) {
    const declaration = declarationBefore(text, match.index!);
    if (declaration) found.push({ ...declaration, depth: depthOf(match[1]), start: match.index!, end: match.index! + match[0].length });
  }
  return found;
}

/**
 * How many places of `text` may declare `name`: after a word that is no statement keyword
 * (`void *p =`, `u8 p[`, `struct tag *p`), or as a later declarator after a comma with a `*`
 * or before a `[` (`*attr, *peer[WGPEER_A_MAX + 1]`), followed by `[`, `=`, `;`, `,` or `)`.
 * Every struct declaration of the name is one of them; a count above those means another
 * declaration may be in force (or a use written like one, which only leaves the type unknown).
 * A dereference (`sizeof(*p)`, `f(a, *p)`) is no such place.
 */
function declarationLikeUses(text: string, name: string): number {
  const stars = '(?:\\*\\s*(?:const\\s+)?)';
  const afterWord = new RegExp(`\\b([A-Za-z_]\\w*)\\s*${stars}*\\b${name}\\s*(?=\\[|=(?!=)|;|,|\\))`, 'g');
  const afterComma = new RegExp(`,\\s*(?:${stars}+\\b${name}\\s*(?=\\[|=(?!=)|;|,)|\\b${name}\\s*\\[)`, 'g');
  const afterWords = [...text.matchAll(afterWord)].filter((match) => !NOT_TYPE_WORDS.has(match[1])).length;
  return afterWords + (text.match(afterComma)?.length ?? 0);
}

/** Words that stand before a name in a statement without declaring it. */
const NOT_TYPE_WORDS = new Set(['return', 'sizeof', 'case', 'goto', 'else', 'do', 'typeof', '__typeof__', 'alignof', '_Alignof']);

/**
 * Whether the declaration at `offset` of a struct's body declares a member of the struct itself:
 * outside every brace, or inside anonymous structs and unions only (`union { struct { struct
 * vwifi_vif *ap; }; };`), whose members C reaches as the struct's own.
 */
function isDirectMember(body: string, offset: number): boolean {
  const open: number[] = [];
  for (let i = 0; i < offset; i++) {
    if (body[i] === '{') open.push(i);
    else if (body[i] === '}') open.pop();
  }
  return open.every((brace) => /\b(?:struct|union)\s*$/.test(body.slice(Math.max(0, brace - 20), brace)) && /^\s*;/.test(body.slice(closingBrace(body, brace) + 1)));
}

/** The `}` that closes the `{` at `open`, or the text's end. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/**
 * The struct a declaration names when `text` up to `comma` is one whose declarators that comma
 * separates (`struct socket *new4 = NULL`): the statement starts with the struct type and the
 * comma is outside every parenthesis and bracket (a brace starts the statement anew), where C's
 * comma only separates declarators.
 */
function declarationBefore(text: string, comma: number): { tag: string; constant: boolean } | undefined {
  const start = Math.max(text.lastIndexOf(';', comma), text.lastIndexOf('{', comma), text.lastIndexOf('}', comma)) + 1;
  const statement = text.slice(start, comma);
  const type = /^\s*(?:(?:static|register)\s+)*(const\s+)?struct\s+([A-Za-z_]\w*)\s*[*A-Za-z_]/.exec(statement);
  if (!type) return undefined;
  let depth = 0;
  for (const character of statement) {
    if (character === '(' || character === '[') depth++;
    else if (character === ')' || character === ']') depth--;
  }
  return depth === 0 ? { tag: type[2], constant: type[1] !== undefined } : undefined;
}

/** `const struct mnt_idmap *` or `struct folio **` → its tag, constness and pointers; undefined for any other type. */
export function structPointerOf(type: string): StructPointer | undefined {
  const match = /^(const\s+)?struct\s+([A-Za-z_]\w*)\s*(\*\s*\*?)$/.exec(type.replace(/\b__\w+\b/g, '').replace(/\s+/g, ' ').trim());
  return match ? { tag: match[2], constant: match[1] !== undefined, depth: match[3].replace(/\s/g, '').length } : undefined;
}
