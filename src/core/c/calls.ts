// The calls a file makes, read from its masked text (comments and string contents blanked,
// same offsets) rather than its tree: a call's name and, where it closes, its arguments. The
// header and function rules need no more, and the text is there before any parse.
import { isMacroStyleName } from './kernelMacros';
import { lineIndexAt } from './lineIndex';
import type { ArgumentTypes } from './argumentTypes';

/** Words followed by `(` that are not calls. */
export const NOT_CALLS: ReadonlySet<string> = new Set([
  'if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', '__typeof', 'alignof', '_Alignof', '__alignof__',
  'asm', '__asm__', '__asm', 'defined', '__attribute__', '__builtin_offsetof', 'case', 'do', 'else', 'goto', '_Static_assert', 'static_assert',
  // Type words before a declarator in parentheses (`int (*cb)(int)`).
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'bool', '_Bool', 'const', 'volatile', 'static', 'extern', 'inline', 'register',
]);

/** A call `name(` in the text, outside comments and strings, not through a member (`ops->open(`). */
export interface CallSite {
  line: number;
  name: string;
  startColumn: number;
  endColumn: number;
  /** A function named as a value, not called (`.llseek = no_llseek`): gcc needs its declaration all the same. */
  reference?: true;
  /**
   * A statement of its own outside every function (`MODULE_SUPPORTED_DEVICE("…");`): gcc reads
   * an undeclared name there as a declaration. Not an initializer, nor a definition's name.
   */
  fileScope?: true;
}

/**
 * The functions the file sets members to (`.llseek = no_llseek`, `fops->llseek = no_llseek`),
 * as sites at the name, for the names `worthJudging` takes: `usages` are the usage finder's,
 * `masked` the file's masked text.
 * Not names in capitals: a constant (`.flags = FBINFO_FLAG_DEFAULT`) may be a macro on some
 * kernels and an enum constant on others, which the header data do not list.
 */
export function assignedFunctionSites(
  usages: readonly { assignedFunction?: string; range: { startLine: number; endColumn: number } }[],
  masked: string,
  worthJudging: (name: string) => boolean,
): CallSite[] {
  const sites: CallSite[] = [];
  let maskedLines: string[] | undefined;
  // Asked only of names worth judging (kernel callables): a file sets members to hundreds of its own functions.
  const judged = new Map<string, boolean>();
  const isJudged = (name: string) => {
    let answer = judged.get(name);
    if (answer === undefined) {
      answer = !isMacroStyleName(name) && worthJudging(name);
      if (answer) {
        const lines = (maskedLines ??= masked.split('\n'));
        const syntax = variableSyntax(name);
        answer = !lines.some((line) => line.includes(name) && syntax.test(line));
      }
      judged.set(name, answer);
    }
    return answer;
  };
  for (const { assignedFunction: name, range } of usages) {
    if (name === undefined || !isJudged(name)) continue;
    const text = (maskedLines ??= masked.split('\n'))[range.startLine] ?? '';
    const value = new RegExp(`^\\s*=\\s*(?:&\\s*)?(?:\\(\\s*)?(${name})\\b`).exec(text.slice(range.endColumn));
    if (!value) continue;
    const startColumn = range.endColumn + value[0].length - name.length;
    sites.push({ line: range.startLine, name, startColumn, endColumn: startColumn + name.length, reference: true });
  }
  return sites;
}

const CALL = /([A-Za-z_]\w*)\s*\(/g;

/**
 * A line that declares `name` as a variable or assigns to it (`bool abort = false;`, `abort =
 * true;`, `int n, abort;`): a value of that name is the variable, even where the kernel also
 * has a function so named. Read from the text, as the usage finder keeps only struct-typed
 * variables.
 */
function variableSyntax(name: string): RegExp {
  return new RegExp(`(?:[\\w*]\\s+\\**|,\\s*\\**)${name}\\s*(?:[;,\\[)]|=(?!=))|(?:^|[;{}]|\\b(?:if|else)\\b)\\s*${name}\\s*=(?!=)`);
}

/** Call sites of `masked`, one line at a time, skipping the lines `skipLine` names (directives). */
export function callSites(
  masked: string,
  skipLine: (line: number) => boolean,
  /** Told of each name the text declares or defines as a function (`static int f(void) {`), which is no call. */
  declared?: (name: string, line: number) => void,
): CallSite[] {
  const sites: CallSite[] = [];
  // Braces open at the start of the line, outside directives: 0 is file scope.
  let depth = 0;
  // The last character of code before the line: a statement starts after `;`, `}` or nothing.
  let lastCode = '';
  masked.split('\n').forEach((text, line) => {
    if (skipLine(line)) return;
    const trimmed = text.trimEnd();
    // A blank line (most of a re-check's slice) changes nothing.
    if (trimmed === '') return;
    const depthAtStart = depth;
    const codeBefore = lastCode;
    depth = Math.max(0, depth + braceBalance(trimmed));
    lastCode = trimmed[trimmed.length - 1];
    if (!trimmed.includes('(')) return;
    for (const match of text.matchAll(CALL)) {
      const name = match[1];
      const start = match.index!;
      if (NOT_CALLS.has(name)) continue;
      // Through a member or a pointer (`ops->open(`, `s.fn(`), or a declaration of a pointer to function (`(*name)(`).
      const before = text.slice(0, start).trimEnd();
      if (before.endsWith('.') || before.endsWith('->') || before.endsWith('(*') || /\b(?:struct|union|enum)$/.test(before)) continue;
      // A type before a declarator of a pointer to a function or an array (`u32 (*get_reg)(void *)`,
      // `int (*rows)[4]`), not a call; `kzalloc_obj(*h);` is one.
      if (/^\(\s*\*\s*[A-Za-z_]\w*\s*\)\s*[([]/.test(text.slice(start + match[0].length - 1))) continue;
      // Not a macro-style name: `static DEFINE_SEMAPHORE(lock);` calls a kernel macro.
      if (!isMacroStyleName(name) && isDeclaratorName(before, depthAtStart <= 0 ? codeBefore : ';') && PARAMETER_LIST.test(text.slice(start + match[0].length, start + match[0].length + 200))) {
        declared?.(name, line);
        continue;
      }
      const fileScope = depthAtStart <= 0 && before === '' && (codeBefore === '' || codeBefore === ';' || codeBefore === '}');
      sites.push({ line, name, startColumn: start, endColumn: start + name.length, ...(fileScope ? { fileScope: true as const } : {}) });
    }
  });
  return sites;
}

/**
 * The start of a parameter list, after the `(`: none (`)`, `void)`), a first parameter with a
 * type and a name or a star (`u32 ceil`, `struct x *`), or the line's end. `data __free(kfree)`
 * and `buf __aligned(8)` pass a single word or a number: attributes after a declarator.
 */
const PARAMETER_LIST = /^\s*(?:\)|void\s*\)|[A-Za-z_][\w\s]*?(?:\s|\*)\s*\**\s*[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?[,)]|[A-Za-z_][\w\s]*\*+\s*[,)]|$)/;

/** Words that may stand before a call on its line without declaring it (`return f(x);`, `case F(1):`). */
const BEFORE_A_CALL = new Set(['return', 'else', 'case', 'do', 'goto', 'sizeof', 'typeof', '__typeof__']);

/**
 * Whether the name after `before` (the line's code before it) is declared there, not called:
 * only type words and stars before it (`bool acpi_quirk_skip(void)`, `static struct page
 * *alloc(int n);`), or at file scope nothing before it on a line after a type
 * (`static int\nname(void)`) or after an attribute macro's parentheses (`extern void
 * __compiletime_error("…")\n__field_overflow(void);`, as bitfield.h has it; the caller asks
 * only where a parameter list follows). `codeBefore` is the last character of code on earlier lines.
 * Read from the text because the tree may not show it: a macro call with braces before it
 * breaks tree-sitter's reading of the definitions after.
 */
function isDeclaratorName(before: string, codeBefore: string): boolean {
  if (before === '') return /[\w*)]/.test(codeBefore);
  // A declaration's type words are few: a long line before the name is code.
  if (before.length > 160) return false;
  const words = before.split(/[\s*]+/).filter((word) => word !== '');
  return words.length > 0 && words.every((word) => /^[A-Za-z_]\w*$/.test(word)) && !BEFORE_A_CALL.has(words[words.length - 1]);
}

/** Opening minus closing braces of masked text (strings and comments are blanked there). */
function braceBalance(text: string): number {
  let balance = 0;
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) balance++;
  for (let at = text.indexOf('}'); at >= 0; at = text.indexOf('}', at + 1)) balance--;
  return balance;
}

/** One argument's [start, end) offsets in the text, trimmed of white space. */
export interface ArgumentSpan {
  start: number;
  end: number;
  /** A line the target does not compile lies inside it: the text between start and end is not the argument's. */
  spliced?: boolean;
}

/** A call's argument list: each argument's span in the text, and where the list closes. */
export interface CallArguments {
  /** [start, end) offsets of each argument, trimmed; none for `f()`. */
  spans: ArgumentSpan[];
  /** Just past the closing `)`. */
  end: number;
  /** A comma inside `{}` or `[]` within an argument: one argument to a function, several to a macro. */
  commaInBraces: boolean;
}

/** A call longer than this is not read (a runaway from unbalanced text). */
const MAX_CALL_LENGTH = 20_000;

/**
 * How a line inside a call's argument list is read: as text, skipped (a directive, or a line
 * the target does not compile), or not at all (the list is then not read).
 */
export type ArgumentLine = 'read' | 'skip' | 'stop';

/**
 * The arguments of the call whose `(` is at `open` in `masked`; undefined when the list does
 * not close, or crosses a line `crossesDirective` names (`#if` inside the arguments: the
 * count then differs between targets).
 */
export function callArguments(masked: string, open: number, firstLine: number, crossesDirective: (line: number) => boolean): CallArguments | undefined {
  return argumentsReading(masked, open, firstLine, (line) => (crossesDirective(line) ? 'stop' : 'read'));
}

/**
 * The arguments of the call whose `(` is at `open`, its later lines read as `lineRead` says. An
 * argument's span runs from its first to its last character read; one with a skipped line
 * between those is marked spliced (its text there is not the argument's).
 */
export function argumentsReading(masked: string, open: number, firstLine: number, lineRead: (line: number) => ArgumentLine): CallArguments | undefined {
  const spans: ArgumentSpan[] = [];
  let depth = 0;
  let braces = 0;
  let commaInBraces = false;
  // The current argument's first and last characters read (-1 while none), and whether a line was skipped inside it.
  let first = -1;
  let last = -1;
  let skippedSince = false;
  let spliced = false;
  const closeArgument = (at: number) => {
    spans.push(first < 0 ? { start: at, end: at } : { start: first, end: last + 1, ...(spliced ? { spliced } : {}) });
    first = last = -1;
    skippedSince = spliced = false;
  };
  let line = firstLine;
  const limit = Math.min(masked.length, open + MAX_CALL_LENGTH);
  for (let i = open; i < limit; i++) {
    const char = masked[i];
    if (char === '\n') {
      line++;
      const read = lineRead(line);
      if (read === 'stop') return undefined;
      if (read === 'skip') {
        const next = masked.indexOf('\n', i + 1);
        if (next < 0) return undefined;
        i = next - 1;
        skippedSince = first >= 0;
      }
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v') continue;
    const separates = depth === 1 && (char === ',' || char === ')');
    if (depth >= 1 && !separates) {
      if (first < 0) first = i;
      else if (skippedSince) spliced = true;
      last = i;
      skippedSince = false;
    }
    if (char === '(' || char === '[' || char === '{') {
      depth++;
      if (char !== '(') braces++;
    } else if (char === ')' || char === ']' || char === '}') {
      depth--;
      if (char !== ')') braces--;
      if (depth === 0) {
        if (first >= 0 || spans.length > 0) closeArgument(i);
        return { spans, end: i + 1, commaInBraces };
      }
      if (depth < 0) return undefined;
    } else if (char === ',' && depth === 1) {
      closeArgument(i);
    } else if (char === ',' && braces > 0) commaInBraces = true;
  }
  return undefined;
}

/** A call with its argument list read. */
export interface CallWithArguments {
  site: CallSite;
  /** Offset of the call's name in the text. */
  start: number;
  arguments: CallArguments;
}

/** Each site with its offset and its argument list, where the list closes before any directive line. */
export function withArguments(masked: string, sites: readonly CallSite[], lineStartIndices: readonly number[], isDirectiveLine: (line: number) => boolean): CallWithArguments[] {
  // No targets to read a list across directives for: only the lists every target reads alike.
  return callsOnTargets(masked, sites, lineStartIndices, isDirectiveLine, 0);
}

/** A call's argument list as a group of targets reads it. */
export interface CallOnTargets extends CallWithArguments {
  /** The target slots that read the list so. */
  slots: number[];
  /** Whether the list crosses `#if` lines, so that other targets may read it otherwise. */
  acrossDirectives: boolean;
}

/**
 * Each site's argument list as the targets read it: one entry for every target where no
 * directive line lies inside the list; else, with `lineOnTarget`, one per group of targets that
 * read it alike, a line a target does not compile skipped as the directives are
 * (`dm_io_async_bvec(1, &where, READ,` then `#if` … `bio, callback, job);` `#else` … `#endif`).
 * A target on which some line of such a list is not known to be compiled or not reads none.
 */
export function callsOnTargets(
  masked: string,
  sites: readonly CallSite[],
  lineStartIndices: readonly number[],
  isDirectiveLine: (line: number) => boolean,
  slotCount: number,
  lineOnTarget?: (slot: number, line: number) => ArgumentLine,
): CallOnTargets[] {
  const every = Array.from({ length: slotCount }, (_, slot) => slot);
  const found: CallOnTargets[] = [];
  for (const site of sites) {
    const start = lineStartIndices[site.line] + site.startColumn;
    const open = masked.indexOf('(', start + site.name.length);
    if (open < 0) continue;
    let crossesDirective = false;
    const shared = argumentsReading(masked, open, site.line, (line) => (isDirectiveLine(line) ? ((crossesDirective = true), 'stop') : 'read'));
    if (shared) found.push({ site, start, arguments: shared, slots: every, acrossDirectives: false });
    // A list that does not close whatever the directives is read no further.
    else if (lineOnTarget && crossesDirective) found.push(...readingsPerTarget(masked, site, start, open, isDirectiveLine, slotCount, lineOnTarget));
  }
  return found;
}

/**
 * The list of a call that crosses directive lines, read per target, targets that read it alike
 * together. A target whose lines read as an earlier target's did, over the lines that reading
 * went through, takes its reading without reading the text again: with every Ubuntu and Debian
 * kernel targeted, most lists would otherwise be read 25 times.
 */
function readingsPerTarget(
  masked: string,
  site: CallSite,
  start: number,
  open: number,
  isDirectiveLine: (line: number) => boolean,
  slotCount: number,
  lineOnTarget: (slot: number, line: number) => ArgumentLine,
): CallOnTargets[] {
  const readings: { lines: ArgumentLine[]; call?: CallOnTargets }[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    const lineRead = (line: number) => (isDirectiveLine(line) ? 'skip' : lineOnTarget(slot, line));
    const alike = readings.find(({ lines }) => lines.every((read, i) => lineRead(site.line + 1 + i) === read));
    if (alike) {
      alike.call?.slots.push(slot);
      continue;
    }
    const lines: ArgumentLine[] = [];
    const args = argumentsReading(masked, open, site.line, (line) => {
      const read = lineRead(line);
      lines.push(read);
      return read;
    });
    // Other lines may still give the same list (a skipped line that was blank): one entry for both.
    const key = args && spansKey(args);
    const same = key === undefined ? undefined : readings.find(({ call }) => call && spansKey(call.arguments) === key)?.call;
    same?.slots.push(slot);
    readings.push({ lines, call: same ?? (args && { site, start, arguments: args, slots: [slot], acrossDirectives: true }) });
  }
  return [...new Set(readings.flatMap(({ call }) => (call ? [call] : [])))];
}

function spansKey(args: CallArguments): string {
  return args.spans.map((span) => `${span.start}-${span.end}${span.spliced ? '~' : ''}`).join(',');
}

/** The argument list of the call whose name ends at `nameEnd`, on line `line`; undefined where it does not close (before a directive line). */
export function argumentsAfter(text: string, nameEnd: number, line: number, crossesDirective: (line: number) => boolean = () => false): CallArguments | undefined {
  const open = text.indexOf('(', nameEnd);
  return open < 0 ? undefined : callArguments(text, open, line, crossesDirective);
}

/**
 * The names the text declares as pointers to functions (`void (*free)(void *data)`, a
 * parameter or a member): a call of one there calls the pointer, whatever the kernel declares
 * by the name. Read once per file: asked per name, a scan of a 20,000-line file each time cost
 * seconds.
 */
export function functionPointerNames(masked: string): Set<string> {
  return new Set([...masked.matchAll(/\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/g)].map((match) => match[1]));
}

/**
 * The lines of the block right after the call's argument list, where the call stands as a loop
 * header (`for_each_available_child_of_node(np, child) { … }`); undefined otherwise. Where the
 * name is undeclared, gcc stops at the `{` ("expected ';'") and passes over the whole block.
 */
export function blockAfterCall(masked: string, lineStartIndices: readonly number[], site: CallSite): { startLine: number; endLine: number } | undefined {
  const args = argumentsAfter(masked, lineStartIndices[site.line] + site.startColumn + site.name.length, site.line);
  if (!args) return undefined;
  let brace = args.end;
  while (brace < masked.length && /\s/.test(masked[brace])) brace++;
  if (masked[brace] !== '{') return undefined;
  let depth = 0;
  const limit = Math.min(masked.length, brace + MAX_CALL_LENGTH * 10);
  for (let i = brace; i < limit; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return { startLine: lineIndexAt(lineStartIndices, brace), endLine: lineIndexAt(lineStartIndices, i) };
  }
  return undefined;
}

/** `p = `, `p->member = ` or `struct t *p = ` right before a call: what is stored to (and the declared type, when the line declares it). */
const STORED_BEFORE = /(?:^|[;{}]|\n)\s*(?:((?:const\s+)?struct\s+[A-Za-z_]\w*\s*\*+)\s*)?([A-Za-z_]\w*(?:\s*->\s*[A-Za-z_]\w*)*)\s*=\s*$/;
/** How far before a call the text is read for what its value is stored in. */
const STORED_LOOKBACK = 200;

/** Where a call's value goes into a pointer, as a phrase (`stored in the pointer \`p\``), and on which kernels, where that depends on them. */
export interface PointerDestination {
  phrase: string;
  /** Whether the destination is a pointer on the kernel; absent: on every kernel. */
  on?: (image: number) => boolean;
}

/**
 * Where a call's value goes into a pointer, where the text types it plainly: a whole statement
 * `p = f(…);` with `p` declared as a struct pointer in the enclosing function, or `p->m = f(…);`
 * with `m` a struct pointer member of a struct the file defines (argumentTypes.ts); a
 * declaration `struct t *p = f(…)`; or a whole argument of a call `g(…, f(…), …)`, where
 * `pointerParameter` says whether `g`'s parameter there is a pointer on a kernel. A cast, or
 * any other type, is left alone: nothing is guessed.
 */
export function pointerStoringCall(
  masked: string,
  lineStartIndices: readonly number[],
  site: CallSite,
  types: ArgumentTypes,
  pointerParameter?: (callee: string, position: number, image: number) => boolean,
): PointerDestination | undefined {
  const start = lineStartIndices[site.line] + site.startColumn;
  const args = argumentsAfter(masked, start + site.name.length, site.line);
  if (!args) return undefined;
  const asArgument = pointerParameter ? enclosingArgument(masked, lineStartIndices, start, args.end) : undefined;
  if (asArgument) {
    const { callee, position } = asArgument;
    return { phrase: `passed as parameter ${position + 1} of \`${callee}\`, a pointer`, on: (image) => pointerParameter!(callee, position, image) };
  }
  const before = masked.slice(Math.max(0, start - STORED_LOOKBACK), start);
  const stored = STORED_BEFORE.exec(before);
  // The call is the whole value: `p = f(…);`, not `p = f(…) ? a : b`.
  if (!stored || !/^\s*;/.test(masked.slice(args.end, args.end + 80))) return undefined;
  const [, declaredType, destination] = stored;
  const phrase = `stored in the pointer \`${destination.replace(/\s+/g, '')}\``;
  if (declaredType !== undefined) return destination.includes('->') ? undefined : { phrase };
  const offset = start - before.length + stored.index + stored[0].lastIndexOf(destination, stored[0].indexOf('='));
  if (destination.includes('->')) {
    const access = types.memberAccessOf(destination, offset);
    return access && (types.fileStructMember(access.tag, access.member)?.depth ?? 0) > 0 ? { phrase } : undefined;
  }
  return (types.typeOf(destination, offset)?.depth ?? 0) > 0 ? { phrase } : undefined;
}

/**
 * How the text reads the call's result right after it, where that needs a pointer, a struct or
 * an array (`NAPI_GRO_CB(skb)->count`, `f(x).field`, `f(x)[0]`): `->`, `.` or `[`; undefined
 * otherwise. On an `int` (an undeclared function's result) gcc refuses each: "invalid type
 * argument of '->'". `text` may be the plain text: strings holding parentheses are rare there.
 */
export function resultReadAs(text: string, nameOffset: number, name: string): '->' | '.' | '[' | undefined {
  // A function named as a value (`.llseek = no_llseek`) has no argument list of its own.
  if (!/^\s*\(/.test(text.slice(nameOffset + name.length, nameOffset + name.length + 80))) return undefined;
  const args = argumentsAfter(text, nameOffset + name.length, 0);
  const after = args && /^\s*(->|\.(?!\.)|\[)/.exec(text.slice(args.end, args.end + 80));
  return after ? (after[1] as '->' | '.' | '[') : undefined;
}

/** How far before a call the text is read for a call it is an argument of. */
const ENCLOSING_LOOKBACK = 400;

/**
 * The call whose whole argument the text from `start` to `end` is (`single_open(file, show,
 * PDE_DATA(inode))`), by name and argument position, when the call is by a plain name.
 */
function enclosingArgument(masked: string, lineStartIndices: readonly number[], start: number, end: number): { callee: string; position: number } | undefined {
  let depth = 0;
  for (let i = start - 1; i >= Math.max(0, start - ENCLOSING_LOOKBACK); i--) {
    const char = masked[i];
    if (char === ')' || char === ']' || char === '}') depth++;
    else if (char === '[' || char === '{' || char === ';') {
      if (depth === 0) return undefined;
      depth--;
    } else if (char === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = /([A-Za-z_]\w*)\s*$/.exec(masked.slice(Math.max(0, i - 80), i))?.[1];
      if (callee === undefined || NOT_CALLS.has(callee)) return undefined;
      const outer = callArguments(masked, i, lineIndexAt(lineStartIndices, i), () => false);
      const position = outer?.spans.findIndex((span) => span.start === start && span.end === end) ?? -1;
      return position >= 0 ? { callee, position } : undefined;
    }
  }
  return undefined;
}
