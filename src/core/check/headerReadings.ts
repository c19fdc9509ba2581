// What the checker reads from the driver's own headers, once per header text: the functions
// they declare (a callback defined in another .c file is known by its prototype there) and
// the calls they make. Checks after every keystroke ask again; the texts rarely change.
import { LRUCache } from 'lru-cache';
import type { Parser } from 'web-tree-sitter';
import { spaces } from '../c/blanks';
import { parserText } from '../c/parser';
import type { IncludedHeader } from '../c/preprocessor';
import { maskCode } from '../c/statements';
import { holdsOnlyDirectives } from '../c/directivesOnly';
import { parseDeclarations } from '../c/declarationsTree';
import { findFunctionSignatures, type FunctionSignature, type TypeOracle } from '../c/usages';
import { callSites, type CallSite } from '../c/calls';
import { macroDefinitions, type MacroDefinition } from '../c/droppedArguments';
import { includeLines, type IncludeLine } from './includeRoots';
import { detached } from '../detached';
import { cacheSize } from '../cacheBudget';
import { constantOccurrences, constantUses, type ConstantUse } from '../c/constantUses';
import { maskedHeader } from '../c/maskedHeaders';
import { needsDefinition } from '../c/sizedMentions';
import { addPastingFragments, noPastingFragments, type PastingFragments } from '../c/pastingFragments';

const NO_TYPEDEFS: ReadonlySet<string> = new Set();
const NO_PASTES: PastingFragments = Object.freeze({ prefixes: new Set<string>(), suffixes: new Set<string>(), joinsParameters: false });

/**
 * Bounded by the headers' length: what is read from a header grows with it, and a register
 * header of a GPU driver is a thousand times an ordinary one. The most recently used are kept.
 */
const MAX_KEPT_HEADER_CHARS = 8 * 1024 * 1024;
const NAME_BEFORE_PARENTHESIS = /\b([A-Za-z_]\w*)\s*\(/g;
const TAG_WITH_BODY = /\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/g;
const STRUCT_MENTION = /\bstruct\s+([A-Za-z_]\w*)/g;

/** A header's `struct x` that needs the struct's definition there (see wholeStructMentionsOf). */
export interface WholeStructMention {
  tag: string;
  line: number;
  startColumn: number;
  endColumn: number;
}

export class HeaderReadings {
  private readonly declarations = new BoundedByPath<Map<string, FunctionSignature[]>>();
  private readonly kernelCalls = new BoundedByPath<CallSite[]>();
  private readonly macros = new BoundedByPath<MacroDefinition[]>();
  private readonly tags = new BoundedByPath<ReadonlySet<string>>();
  private readonly includes = new BoundedByPath<readonly IncludeLine[]>();
  private readonly namesBeforeParenthesis = new BoundedByPath<ReadonlySet<string>>();
  /** Each entry is a few times its header's text: counted as such. */
  private readonly wordLines = new BoundedByPath<ReadonlyMap<string, readonly number[]>>((words) => 64 * words.size);

  private readonly constantUses = new BoundedByPath<readonly ConstantUse[]>((uses) => 16 * uses.length);
  private readonly wholeStructs = new BoundedByPath<readonly WholeStructMention[]>((mentions) => 16 * mentions.length);
  private readonly pastes = new BoundedByPath<PastingFragments>((pieces) => 16 * (pieces.prefixes.size + pieces.suffixes.size));

  /** Per header as one check read it (prototypes and calls both ask): a scan, not kept past the check. */
  private readonly definitionWords = new BoundedByPath<DefinitionWords>((words) => 32 * (words.spelledElsewhere.size + words.definedAt.size));
  /**
   * Apart from definitionWords, which holds every word of a header: whether a driver macro is
   * also a typedef is asked of every header a file reads, and amdgpu's register headers (several
   * MB of #defines each, whose words outgrow the cache) were scanned word by word on every file.
   */
  private readonly typedefs = new BoundedByPath<ReadonlySet<string>>((names) => 32 * names.size);
  private readonly codeless = new WeakMap<IncludedHeader, boolean>();

  /** `isKernelCallable`: whether a name is one `missing-function` judges (see kernelCallSitesOf). */
  constructor(
    private readonly parser: Parser,
    private readonly isKernelCallable: (name: string) => boolean,
  ) {}

  private holdsNoCode(header: IncludedHeader): boolean {
    let codeless = this.codeless.get(header);
    if (codeless === undefined) this.codeless.set(header, (codeless = holdsOnlyDirectives(header.text)));
    return codeless;
  }

  /**
   * The function declarations of a workspace header (`int apfs_rename(...);` in apfs.h).
   * Directive lines are blanked; which declarations a target compiles is decided from the
   * header's line states, by row (the only place the signatures' ranges are read: the
   * header's inline function bodies are emptied before parsing, which moves offsets).
   */
  functionsOf(header: IncludedHeader, oracle: TypeOracle): Map<string, FunctionSignature[]> {
    // A register header: nothing to parse, and nothing to keep (kept, it would crowd out the rest).
    if (this.holdsNoCode(header)) return new Map();
    return this.declarations.get(header, () => {
      const tree = parseDeclarations(this.parser, withDirectivesBlanked(header));
      if (!tree) throw new Error('the C parser returned no tree');
      try {
        return detachedSignatures(findFunctionSignatures(tree, oracle));
      } finally {
        tree.delete();
      }
    });
  }

  /**
   * The header's uses, as values, of the names `isCandidate` takes (the kernel constants some
   * kernels' headers never spell: the same for every file, so kept per header text), read from
   * its parse as a .c file's are (constantUses.ts): a name the header itself declares is none.
   * Only headers that spell such a name outside their directives are parsed.
   */
  constantUsesOf(header: IncludedHeader, isCandidate: (name: string) => boolean): readonly ConstantUse[] {
    if (this.holdsNoCode(header)) return [];
    return this.constantUses.get(header, () => {
      const { masked, lineStartIndices } = maskedHeader(header);
      const occurrences = constantOccurrences(masked, (line) => header.directiveLines[line] === 1, lineStartIndices, isCandidate);
      if (occurrences.length === 0) return [];
      const tree = this.parser.parse(withDirectivesBlanked(header));
      if (!tree) throw new Error('the C parser returned no tree');
      try {
        return constantUses(tree.rootNode, occurrences).map((use) => ({ ...use, name: detached(use.name), within: use.within.map((call) => ({ ...call, name: detached(call.name) })) }));
      } finally {
        tree.delete();
      }
    });
  }

  /**
   * Whether the header may declare `name` as a function: the name stands before a `(`
   * somewhere in it. Asked before parsing a header for its prototypes, since a kernel tree's
   * file reads hundreds of headers that name a function without declaring it.
   */
  mayDeclareFunction(header: IncludedHeader, name: string): boolean {
    return this.namesBeforeParenthesis
      .get(header, () => {
        const names = new Set<string>();
        for (const match of header.text.matchAll(NAME_BEFORE_PARENTHESIS)) names.add(match[1]);
        return names;
      })
      .has(name);
  }

  /** The function-like macros a workspace header defines, with the parameters they use as code. */
  macrosOf(header: IncludedHeader): MacroDefinition[] {
    return this.macros.get(header, () => macroDefinitions(header.text));
  }

  /**
   * The tags a workspace header defines with a body (`struct uvc_device {`), as `struct
   * uvc_device`. A kernel tree's file reads hundreds of its headers, and the checker asks about
   * every struct it names: one scan per header text, not one per name.
   */
  tagsDefinedIn(header: IncludedHeader): ReadonlySet<string> {
    return this.tags.get(header, () => {
      const found = new Set<string>();
      for (const match of header.text.matchAll(TAG_WITH_BODY)) found.add(`${match[1]} ${match[2]}`);
      return found;
    });
  }

  /** The pieces the header's function-like macros paste names from (pastingFragments.ts): asked by every check, also a re-check's. */
  pastingFragmentsOf(header: IncludedHeader): PastingFragments {
    if (!header.text.includes('##')) return NO_PASTES;
    return this.pastes.get(header, () => {
      const fragments = noPastingFragments();
      addPastingFragments(header.text, fragments);
      return fragments;
    });
  }

  /**
   * The header's mentions of a struct that need its definition (`struct timeval start;` in a
   * struct's body, an array of it, `sizeof(struct x)`), outside its directives: gcc reports an
   * incomplete one at the header's line, in every file that reads it.
   */
  wholeStructMentionsOf(header: IncludedHeader): readonly WholeStructMention[] {
    if (this.holdsNoCode(header) || !header.text.includes('struct')) return [];
    return this.wholeStructs.get(header, () => {
      const { masked } = maskedHeader(header);
      const found: WholeStructMention[] = [];
      masked.split('\n').forEach((line, lineIndex) => {
        if (!line.includes('struct') || header.directiveLines[lineIndex] === 1) return;
        for (const match of line.matchAll(STRUCT_MENTION)) {
          const startColumn = match.index! + match[0].length - match[1].length;
          const endColumn = startColumn + match[1].length;
          if (needsDefinition(line, startColumn, endColumn)) found.push({ tag: detached(match[1]), line: lineIndex, startColumn, endColumn });
        }
      });
      return found;
    });
  }

  /**
   * The lines on which each name stands as a whole word in the header's code (comments,
   * literals and directive lines masked). A kernel tree's file reads hundreds of headers and
   * asks this of many names: each header's code is masked and indexed once, not once per check
   * and name.
   */
  codeWordLines(header: IncludedHeader): ReadonlyMap<string, readonly number[]> {
    if (this.holdsNoCode(header)) return NO_WORDS;
    return this.wordLines.get(header, () => linesOfWords(maskCode(header.text)));
  }

  /** Where a workspace header #defines each name and the words it spells anywhere else (driverMacroCalls.ts and undefinedTypeWords.ts ask of the driver's macros). */
  definitionWordsOf(header: IncludedHeader): DefinitionWords {
    return this.definitionWords.get(header, () => definitionWords(header.text));
  }

  /** The names a workspace header's typedefs declare (see typedefsDeclared). */
  typedefsOf(header: IncludedHeader): ReadonlySet<string> {
    return this.typedefs.get(header, () => (header.text.includes('typedef') ? typedefsDeclared(header.text) : NO_TYPEDEFS));
  }

  /** The include directives of a workspace header. */
  includesOf(header: IncludedHeader): readonly IncludeLine[] {
    return this.includes.get(header, () => includeLines(header.text));
  }

  /**
   * The calls in a workspace header of names `isKernelCallable` accepts: a kernel tree's file
   * reads hundreds of headers, most of whose calls no rule judges. Only these are kept, with
   * their names copied apart from the masked text they were cut from (kept, that text would
   * double what the header costs).
   */
  kernelCallSitesOf(header: IncludedHeader): CallSite[] {
    if (this.holdsNoCode(header)) return [];
    return this.kernelCalls.get(header, () =>
      callSites(maskCode(header.text), (line) => header.directiveLines[line] === 1)
        .filter((site) => this.isKernelCallable(site.name))
        .map((site) => ({ ...site, name: detached(site.name) })),
    );
  }
}

const NO_WORDS: ReadonlyMap<string, readonly number[]> = new Map();
/** Whole words (numbers among them, skipped) and line breaks. */
const WORD_OR_LINE_BREAK = /\w+|\n/g;

/** Each identifier of a (masked) text, with the lines it stands on, its name copied apart from the text. */
function linesOfWords(code: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  let line = 0;
  for (const [word] of code.matchAll(WORD_OR_LINE_BREAK)) {
    if (word === '\n') {
      line++;
      continue;
    }
    if (word.charCodeAt(0) <= 57) continue;
    const known = lines.get(word);
    if (!known) lines.set(detached(word), [line]);
    else if (known[known.length - 1] !== line) known.push(line);
  }
  return lines;
}

/**
 * Signatures with their texts copied apart from the text they were parsed from: a copy of the
 * whole header with its directives blanked, which they would otherwise keep as long as they are.
 */
function detachedSignatures(functions: Map<string, FunctionSignature[]>): Map<string, FunctionSignature[]> {
  const kept = new Map<string, FunctionSignature[]>();
  for (const [name, versions] of functions) {
    kept.set(
      detached(name),
      versions.map((signature) => ({ ...signature, name: detached(signature.name), returnType: detached(signature.returnType), parameterTypes: signature.parameterTypes.map(detached) })),
    );
  }
  return kept;
}

/** The header's text as the parser reads it, its directive lines blanked (same offsets). */
function withDirectivesBlanked(header: IncludedHeader): string {
  return parserText(header.text)
    .split('\n')
    .map((line, i) => (header.directiveLines[i] ? spaces(line.length) : line))
    .join('\n');
}

/**
 * A value per header path, recomputed when the header's text changes. Within one check each
 * header is read once whatever the bound: a file whose headers outgrow it (a vendor Wi-Fi tree's
 * register headers, 2.7 MB each) would otherwise evict and re-read them for every name asked.
 */
class BoundedByPath<T> {
  private readonly entries: LRUCache<string, { text: string; value: T }>;
  /** Keyed by the header as one preprocessing read it, so it lives as long as that check's result. */
  private readonly thisCheck = new WeakMap<IncludedHeader, T>();

  /** `weigh`: what a value costs beyond its text, in characters' worth, where it grows with the text. */
  constructor(weigh: (value: T) => number = () => 0) {
    this.entries = new LRUCache({ maxSize: cacheSize(MAX_KEPT_HEADER_CHARS), sizeCalculation: (entry, path) => entry.text.length + path.length + 64 + weigh(entry.value) });
  }

  get(header: IncludedHeader, compute: () => T): T {
    if (this.thisCheck.has(header)) return this.thisCheck.get(header)!;
    const known = this.entries.get(header.path);
    let value: T;
    if (known && known.text === header.text) value = known.value;
    else this.entries.set(header.path, { text: header.text, value: (value = compute()) });
    this.thisCheck.set(header, value);
    return value;
  }
}

/** A text's words split by whether a #define names them (see definitionWords). */
export interface DefinitionWords {
  /** The lines (0-based, in order) of each name's `#define`s. */
  definedAt: ReadonlyMap<string, readonly number[]>;
  /** The names an `#undef` names. */
  undefined: ReadonlySet<string>;
  /** Every word the text spells other than as the name a `#define` defines: bodies, code, comments, conditions. */
  spelledElsewhere: ReadonlySet<string>;
}

const DEFINE_HEAD = /^\s*#\s*define\s+([A-Za-z_]\w*)/;
const UNDEF = /^\s*#\s*undef\s+([A-Za-z_]\w*)/;
const WORD = /[A-Za-z_]\w*/g;

export function definitionWords(text: string): DefinitionWords {
  const definedAt = new Map<string, number[]>();
  const undefined = new Set<string>();
  const spelledElsewhere = new Set<string>();
  text.split('\n').forEach((line, index) => {
    const head = DEFINE_HEAD.exec(line);
    if (head) definedAt.set(head[1], [...(definedAt.get(head[1]) ?? []), index]);
    const undef = UNDEF.exec(line);
    if (undef) undefined.add(undef[1]);
    for (const match of (head ? line.slice(head[0].length) : line).matchAll(WORD)) spelledElsewhere.add(match[0]);
  });
  return { definedAt, undefined, spelledElsewhere };
}

/** The names a text's typedefs declare: the last word before the `;`, or the `(*name)` of a pointer to a function. */
export function typedefsDeclared(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\btypedef\b([^;]*);/g)) {
    const body = match[1];
    const pointer = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)/.exec(body);
    if (pointer) names.add(pointer[1]);
    const last = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*$/.exec(body);
    if (last) names.add(last[1]);
    // A function type (`typedef int read_block_fn(void *context, u8 *buf, …)`): the name before the parameters.
    const functionType = pointer || body.includes('{') ? null : /^[^(]*\b([A-Za-z_]\w*)\s*\(/.exec(body);
    if (functionType) names.add(functionType[1]);
  }
  return names;
}
