// Reads what a Linux kernel headers tree (as Debian's linux-headers packages ship it)
// declares for an out-of-tree module on x86: which include names exist, which headers
// define each struct, union, enum and typedef, the prototypes of functions (extern
// declarations and static inline definitions), the parameter counts of function-like
// macros, and the macros that rename a struct member.
//
// Conditions are never evaluated: every `#if` / `#else` variant counts, and variants are told
// apart by their text. Each file is parsed once with tree-sitter-c; macros and member aliases
// are read from the raw text by line rules, which tree-sitter's error recovery cannot upset.
import { droppedParameters, macroBodies, type MacroBody } from './droppingMacros';
import { valueParameters } from './valueMacros';
import { forwardingMacros } from './forwardingMacros';
import { lineStartCalls, PastedNames, type LineStartCall } from './pastedNames';
import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { blankAnnotations, type CParser } from '../../src/core/c/parser';
import { LineState, preprocess, type CommandLineMacro, type KernelEnvironment } from '../../src/core/c/preprocessor';
import { normalizeTypeText } from '../../src/core/c/typeText';
import { parseIncludeTarget } from '../../src/core/c/preprocessor/directives';
import { COMPILER_HEADERS } from '../../src/core/c/compilerHeaders';
import { GCC_LINUX_TARGET } from '../../src/core/c/compilerMacros';
import { addPastingFragments, noPastingFragments, type PastingFragments } from '../../src/core/c/pastingFragments';

export interface FunctionPrototype {
  returnType: string;
  parameters: string[];
  variadic: boolean;
  inline: boolean;
  header: string;
}

export interface HeaderFacts {
  /** Every name an `#include <...>` can name for an out-of-tree module build, sorted: 'linux/fs.h', 'asm/unaligned.h', 'uapi/linux/fs.h' ... */
  headers: string[];
  /** 'struct file_lock' / 'union sigval' / 'enum pid_type' / 'typedef size_t' -> include names of headers that DEFINE it (a body `{...}`, or for typedefs the typedef declaration), sorted, deduplicated. Forward declarations `struct x;` do not count. */
  definitions: Record<string, string[]>;
  /** Function name -> distinct prototypes (extern declarations and static inline definitions). */
  functions: Record<string, FunctionPrototype[]>;
  /**
   * Function-like macro name -> distinct parameter counts as {count, variadic, header}, with the
   * parameters every definition of the name compiles as a plain value (`values`, bit i:
   * parameter i, the variadic one last; valueMacros.ts). Object-like macros are not here.
   */
  macros: Record<string, { parameters: number; variadic: boolean; header: string; values?: number }[]>;
  /** Function-like macro name -> bit mask of the parameters its expansion leaves out with this kernel's config (droppingMacros.ts); only those that leave some out. */
  droppingMacros: Record<string, number>;
  /** Macros of only `...` that pass their arguments to one function -> that function (`kmalloc` -> `kmalloc_noprof` from 6.10). */
  forwardingMacros: Record<string, string>;
  /** Names of object-like macros (`#define strlcpy strscpy`): a call through one compiles as what it names. */
  objectMacros: string[];
  /** Enumerators in capitals of the enums the module build may compile (`BLK_MQ_F_SHOULD_MERGE`), sorted: constants as the macros are. */
  enumConstants: string[];
  /**
   * Every name in capitals (`BIO_MAX_PAGES`, `QUEUE_FLAG_NONROT`) the headers' code or
   * directives spell where the kernel's module build may compile them (undecided conditions
   * count; `#ifndef __KERNEL__` parts and configs turned off do not): a name none of them spells
   * is declared by none for a module (no macro, enumerator, variable or type), so code using it
   * does not compile.
   */
  spelledConstants: Set<string>;
  /**
   * The pieces in capitals the headers' macros paste names from (`NETIF_F_` of `NETIF_F_##x`),
   * under any condition. Their `joinsParameters` is not used: the kernel's two-parameter pastes
   * (`__PASTE`, `CONCATENATE`) make the internal names of other macros.
   */
  pastingFragments: PastingFragments;
  /**
   * Of the names the caller watches (functions of older kernels), those the headers' code or
   * directives spell anywhere, under any condition: a declaration in any form (a prototype, a
   * macro, `extern fs_param_type fs_param_is_u32`) spells its name.
   */
  spelledWatched: Set<string>;
  /**
   * Of the watched names, those the headers may make a type of for a module build: spelled on a
   * code line the kernel's module build may compile, or by a directive (under any condition)
   * that `#define`s the name or holds a `typedef`. Spellings a module never compiles do not
   * count: `#ifndef __KERNEL__` parts (uapi/sound/asound.h's `sizeof(time_t)`) and macro
   * bodies that only use the name (`#define SO_TIMESTAMP (sizeof(time_t) == …)`), which would
   * not compile in a module either.
   */
  typedefWatched: Set<string>;
  /**
   * Of the watched names, those the headers may make a struct tag of in a way the definitions
   * (`definitions`) do not show: spelled by a directive (under any condition), or on a code line
   * the module build may compile other than right after `struct`, `union` or `enum` (an argument
   * of a macro that may define the struct). `struct timespec;` alone makes nothing.
   */
  tagWatched: Set<string>;
  /** Functions made by token pasting in generator macros (`__PAGEFLAG(Slab, …)` makes PageSlab; pastedNames.ts). */
  pastedFunctions: string[];
  /** Per pasted function, the words of the generator calls that the name holds (`SetPageError`: `Error`, from `PAGEFLAG(Error, error, PF_NO_TAIL)`). */
  pastedFrom: Record<string, string[]>;
  /** Every plain-word argument of the generator-style calls (see lineStartCalls) the kernel's module build may compile. */
  generatorWords: Set<string>;
  /** Name -> the headers that make it callable: a prototype, an inline definition, a function-like or object-like macro; sorted. */
  callableHeaders: Record<string, string[]>;
  /** Object-like macros that rename a member: `#define d_lock d_lockref.lock` -> alias 'd_lock' -> ['d_lockref.lock']. */
  memberAliases: Record<string, string[]>;
  /**
   * The include graph: a header's name (see `headers`) -> the names of the headers it may
   * include (every `#include` the kernel does not certainly leave out), sorted. A name that is
   * another file's alias (`uapi/linux/fs.h` reached as `linux/fs.h` when nothing shadows it)
   * leads to that file's reported name.
   */
  includes: Record<string, string[]>;
  /**
   * Headers whose includes are not all known: a computed `#include MACRO`, a name the tree
   * does not have, an unreadable file. Whatever reaches one has an unknown include closure.
   */
  openHeaders: string[];
}

/**
 * The include path Kbuild gives an out-of-tree module on x86, in gcc's search order, relative
 * to each root (the Debian `-common` tree is the source tree, the `-amd64` one holds what the
 * build generated).
 */
export const X86_SEARCH_FOLDERS = [
  'arch/x86/include',
  'arch/x86/include/generated',
  'include',
  'arch/x86/include/uapi',
  'arch/x86/include/generated/uapi',
  'include/uapi',
  'include/generated/uapi',
];

/** Files larger than this are generated tables (register maps), not API: they are listed but not read. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Symlinked folders could nest forever; no real include path is this deep. */
const MAX_DEPTH = 32;

/**
 * `#define name path` where path is `member(.member|->member|[index])*`: a path into a member
 * (`#define d_lock d_lockref.lock`, `#define nd_opts_src_lladdr
 * nd_opt_array[ND_OPT_SOURCE_LL_ADDR]`, `#define fib_advmss fib_metrics->metrics[RTAX_ADVMSS-1]`)
 * or another name for it (`#define rcu_head callback_head` makes a member declared `struct
 * rcu_head rcu_head` BTF's `callback_head`; `#define input_event_sec __sec` in the kernel's
 * branch of uapi/linux/input.h).
 */
const ALIAS = /^[ \t]*#[ \t]*define[ \t]+([a-z_][a-z0-9_]*)[ \t]+([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*|->[a-z_][a-z0-9_]*|\[[A-Za-z0-9_ +*-]+\])*)[ \t]*(?:\/\*.*)?$/gm;

/** `#define NAME(` with the parenthesis right after the name: a function-like macro (after comments are blanked and continuation lines joined). */
const FUNCTION_MACRO = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)/gm;

/**
 * Kernel attribute macros that tree-sitter-c reads as stray words or calls in front of a
 * declaration (`extern __printf(2, 3) int sprintf(...)` parses as garbage that swallows the
 * next declaration too). They say nothing about a prototype's types, so they are blanked with
 * spaces, arguments included, on top of blankAnnotations.
 */
const ATTRIBUTES_WITH_ARGUMENTS =
  /\b(?:__printf|__scanf|__alloc_size|__realloc_size|__aligned|__section|__must_hold|__must_not_hold|__acquires|__releases|__acquire|__release|__cond_acquires|__cond_releases|__acquires_shared|__releases_shared|__cond_acquires_shared|__must_hold_shared|__guarded_by|__pt_guarded_by|__counted_by|__counted_by_le|__counted_by_be|__counted_by_ptr|__sized_by|__free|__cleanup|__assume_aligned|__diagnose_as|__alias|__copy|__mode|__nonnull|__attribute_format__|ACPI_PRINTF_LIKE|__compiletime_error|__compiletime_warning|__pass_object_size|__pass_dynamic_object_size)\s*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)/g;
const ATTRIBUTE_WORDS =
  /\b(?:__malloc|__pure|__attribute_const__|__noreturn|__deprecated|__cacheline_aligned|__cacheline_aligned_in_smp|____cacheline_aligned|____cacheline_aligned_in_smp|____cacheline_internodealigned_in_smp|__nonstring|__noclone|__used|__hot|noinstr|__noinstr|__flatten|__no_kcsan|__no_sanitize_address|__no_sanitize_thread|__no_sanitize_undefined|__no_profile|__meminit|__meminitdata|__meminitconst|__init_or_module|__initdata_or_module|__cpuidle|__irq_entry|__kprobes|__nocfi|__noendbr|__noscs|__nostackprotector|__attribute_used__|__designated_init|__no_randomize_layout|__aligned_largest|__bitwise|__private|__gnu_inline|__ksym|__bpf_kfunc|__no_context_analysis|__lockfunc|__exitcall|__initcall|__init_memblock|__initdata_memblock|__alloc_size__|__mustcheck|__naked|__no_stack_protector|__fix_address|__always_used|__no_sanitize_or_inline|__no_kasan_or_inline|rseq_inline|__list_valid_slowpath|__bpfcall|__nocfi_generic|__ostream_printf|__net_init|__net_exit|__net_initdata|__init_or_acpilib|__xipram|nokprobe_inline|__FORTIFY_INLINE|ACPI_INTERNAL_VAR_XFACE|ACPI_INIT_FUNCTION|ACPI_EXPORT_SYMBOL_INIT)\b/g;

/**
 * fortify-string.h writes its parameters `char * const POS p`, with `#define POS
 * __pass_object_size(1)` (an attribute for clang, nothing for gcc): read as a type, POS made
 * 6.1's inline `strscpy` take five parameters, and its calls were judged nowhere. The words go
 * only in a header that defines them so, since other headers may use the names otherwise.
 */
function blankObjectSizeWords(text: string): string {
  const words = [...text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+__pass_(?:dynamic_)?object_size\b/gm)].map((match) => match[1]);
  return words.length === 0 ? text : blank(text, new RegExp(`\\b(?:${words.join('|')})\\b(?![ \\t]+__pass_)`, 'g'));
}

function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (match) => match.replace(/[^\n]/g, ' '));
}

/** Comments become spaces (line ends, and backslashes before them, kept); string and character literals are skipped over intact. */
function blankComments(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x2f /* / */ && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x2a /* * */) {
        const end = text.indexOf('*/', i + 2);
        const stop = end < 0 ? n : end + 2;
        // A backslash ending a line inside the comment still joins the lines (the compiler splices
        // lines before it removes comments): a comment in a #define's body does not end it.
        out += text.slice(copied, i) + text.slice(i, stop).replace(/[^\n\r\\]|\\(?!\r?\n)/g, ' ');
        copied = i = stop;
        continue;
      }
      if (next === 0x2f) {
        let stop = text.indexOf('\n', i);
        if (stop < 0) stop = n;
        out += text.slice(copied, i) + ' '.repeat(stop - i);
        copied = i = stop;
        continue;
      }
    } else if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      // A literal ends at its closing quote or at the end of the line (an apostrophe in an
      // `#error` message or in `#if 0` prose must not swallow the rest of the file).
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === c) {
          i++;
          break;
        } else if (d === 0x0a) break;
        else i++;
      }
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// ---------------------------------------------------------------------------------------------
// The files

interface HeaderFile {
  /** Real path: one file reached by several names (symlinks, nested search folders) is read once. */
  path: string;
  /** The include name reported as its `header`. */
  name: string;
}

/** Calls `found(name, realPath)` for every .h file under `folder`, following symlinks without looping. */
function walkFolder(folder: string, found: (name: string, realPath: string) => void): void {
  const ancestors = new Set<string>();
  const visit = (dir: string, prefix: string, depth: number): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (ancestors.has(real) || depth > MAX_DEPTH) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    ancestors.add(real);
    for (const entry of entries) {
      const path = join(dir, entry);
      let stat;
      try {
        stat = statSync(path); // follows symlinks; a broken one throws
      } catch {
        continue;
      }
      if (stat.isDirectory()) visit(path, prefix + entry + '/', depth + 1);
      else if (stat.isFile() && entry.endsWith('.h')) {
        try {
          found(prefix + entry, realpathSync(path));
        } catch {
          // vanished or unreadable: not includable
        }
      }
    }
    ancestors.delete(real);
  };
  visit(folder, '', 0);
}

/**
 * Every include name with the file gcc resolves it to, and for every file reached that way the
 * name to report. A file under nested search folders has several names (`include/uapi/linux/x.h`
 * is `uapi/linux/x.h` and `linux/x.h`; `arch/x86/include/generated/asm/x.h` is also
 * `generated/asm/x.h`): the reported one is the name from the deepest search folder that still
 * resolves to this file, which is the name a driver writes (`asm/x.h`, `linux/x.h`) unless an
 * earlier folder shadows it (`include/linux/fs.h` shadows the uapi `linux/fs.h`, which is then
 * `uapi/linux/fs.h`).
 */
function collectHeaders(roots: string[], folders: string[]): HeaderTree {
  const resolved = new Map<string, string>(); // include name -> real path gcc picks
  const everywhere = new Map<string, Set<string>>(); // include name -> every real path of that name, shadowed or not
  const folderPaths = new Map<string, Set<string>>(); // real path -> the folders it was found in
  const candidates = new Map<string, { name: string; depth: number }[]>(); // real path -> names
  for (const folder of folders) {
    const depth = folder.split('/').length;
    for (const root of roots) {
      walkFolder(join(root, folder), (name, realPath) => {
        addTo(everywhere, name, realPath);
        addTo(folderPaths, realPath, dirname(join(root, folder, name)));
        if (resolved.has(name)) return; // an earlier folder (or root) shadows it
        resolved.set(name, realPath);
        let list = candidates.get(realPath);
        if (!list) candidates.set(realPath, (list = []));
        list.push({ name, depth });
      });
    }
  }
  const files: HeaderFile[] = [];
  for (const [path, list] of candidates) {
    let best = list[0];
    for (const candidate of list) {
      if (
        candidate.depth > best.depth ||
        (candidate.depth === best.depth &&
          (candidate.name.length < best.name.length || (candidate.name.length === best.name.length && candidate.name < best.name)))
      )
        best = candidate;
    }
    files.push({ path, name: best.name });
  }
  files.sort((a, b) => compare(a.name, b.name));
  const reportedNames = new Map(files.map((file) => [file.path, file.name]));
  return { names: [...resolved.keys()].sort(compare), files, resolved, everywhere, folderPaths, reportedNames };
}

function addTo<V>(map: Map<string, Set<V>>, key: string, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

interface HeaderTree {
  /** Every include name, sorted. */
  names: string[];
  /** The files those names reach, each once, with the name reported for it. */
  files: HeaderFile[];
  /** Include name -> the real path gcc picks for it. */
  resolved: Map<string, string>;
  /** Include name -> every real path of that name along the search path (for `#include_next`). */
  everywhere: Map<string, Set<string>>;
  /** Real path -> the folders it is found in (a quoted include looks there first). */
  folderPaths: Map<string, Set<string>>;
  /** Real path -> its reported name. */
  reportedNames: Map<string, string>;
}

/** An `#include` line a header may compile: its target, or `computed` for `#include MACRO`. */
interface IncludeLine {
  spec?: string;
  quoted: boolean;
  next: boolean;
  /** Under a condition the kernel may or may not take (a macro of another header). */
  undecided: boolean;
}

/** `[^\n]` rather than `.`: a CRLF header's `\r` must not hide an include. */
const INCLUDE_DIRECTIVE = /^[ \t]*#[ \t]*include(_next)?\b([^\n]*)$/;

/**
 * The reported names of the headers an include line may reach from the file at `from`;
 * 'absent' when no search folder has the name; undefined when that is not known (a computed
 * include, a quoted name that finds a file outside the search folders, an `#include_next`
 * with nothing after it). `#include_next` may reach every other file of its name along the path.
 */
function includedHeaders(tree: HeaderTree, line: IncludeLine, from: string): string[] | 'absent' | undefined {
  const spec = line.spec;
  if (spec === undefined) return undefined;
  if (line.next) {
    const others = [...(tree.everywhere.get(spec) ?? [])].filter((path) => path !== from);
    const names = others.map((path) => tree.reportedNames.get(path));
    return names.length > 0 && names.every((name) => name !== undefined) ? (names as string[]) : undefined;
  }
  if (line.quoted) {
    const found = new Set<string>();
    for (const folder of [dirname(from), ...(tree.folderPaths.get(from) ?? [])]) {
      let real: string;
      try {
        if (!statSync(join(folder, spec)).isFile()) continue;
        real = realpathSync(join(folder, spec));
      } catch {
        continue;
      }
      const name = tree.reportedNames.get(real);
      if (name === undefined) return undefined;
      found.add(name);
    }
    if (found.size > 0) return [...found];
  }
  const path = tree.resolved.get(spec);
  if (path === undefined) return COMPILER_HEADERS.has(spec) ? [] : 'absent';
  const name = tree.reportedNames.get(path);
  return name === undefined ? undefined : [name];
}

/** The include lines of a header that `states` does not certainly leave out (all of them without states). */
function includeLines(uncommented: string, states: Uint8Array | undefined): IncludeLine[] {
  if (!uncommented.includes('include')) return [];
  const found: IncludeLine[] = [];
  uncommented.split('\n').forEach((text, i) => {
    const match = INCLUDE_DIRECTIVE.exec(text);
    if (!match || (states && states[i] === LineState.Inactive)) return;
    const target = parseIncludeTarget(match[2]);
    found.push({ spec: target?.spec, quoted: target?.quoted ?? false, next: match[1] !== undefined, undecided: states?.[i] === LineState.Maybe });
  });
  return found;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The file's text, or undefined when it is over 2 MB, binary (a NUL byte), or unreadable.
 * Bytes that are not UTF-8 (a Latin-1 name in a comment) become U+FFFD and the file is read.
 */
function readHeader(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return undefined;
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const got = readSync(fd, bytes, read, size - read, read);
      if (got === 0) break;
      read += got;
    }
    if (bytes.subarray(0, read).includes(0)) return undefined;
    return UTF8.decode(bytes.subarray(0, read));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * ACPICA wraps its prototypes in macros (`ACPI_EXTERNAL_RETURN_STATUS(acpi_status
 * acpi_evaluate_object(...))`) that expand to the prototype and a `;` or to a static inline
 * stub. The macro name and its parentheses are taken away and the closing one becomes the `;`.
 */
const ACPI_WRAPPER = /\bACPI_(?:EXTERNAL|HW_DEPENDENT|MSG_DEPENDENT|DBG_DEPENDENT|APP_DEPENDENT)_RETURN_[A-Z0-9_]+\s*\(/g;

function unwrapAcpiPrototypes(text: string): string {
  if (!text.includes('ACPI_')) return text;
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(ACPI_WRAPPER)) {
    const start = match.index!;
    if (start < copied) continue;
    const lineStart = text.lastIndexOf('\n', start) + 1;
    if (/^[ \t]*#/.test(text.slice(lineStart, start))) continue; // the macro's own #define
    let depth = 1;
    let i = start + match[0].length;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    if (depth !== 0) continue;
    out += text.slice(copied, start) + text.slice(start + match[0].length, i - 1) + ';';
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A line that starts, in column 0, with a call of a macro: `build_mmio_read(readb, "b", unsigned char, "=q", :"memory")`. */
const BARE_CALL = /^[A-Za-z_]\w*[ \t]*\(/gm;
const NOT_MACROS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', 'asm', '__asm__', '_Static_assert', 'static_assert']);

/**
 * Blanks macro calls that stand alone on lines from column 0, with or without a `;` after them
 * (`BUILDIO(b, b, u8)`, `build_mmio_read(readb, ...)`, `DECLARE_PER_CPU(struct cpu_entry_area *,
 * cpu_entry_area);`). tree-sitter-c reads a run of them without `;` as one long expression that
 * swallows every declaration up to the next `;` it can use (`isa_virt_to_bus` and
 * `ioremap_cache` in asm/io.h), and a type among the arguments derails it too. What they expand
 * to cannot be read anyway. A line after one that ends in a word, `*` or `,` is the declarator
 * of a declaration whose type is on that line (`extern int` + `name(...);`) and stays, as does a
 * call followed by a body. Newlines and backslashes stay, so a call inside a `#define` body
 * keeps its continuation lines.
 */
function blankBareMacroCalls(text: string): string {
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(BARE_CALL)) {
    const start = match.index!;
    if (start < copied || /\\\r?\n$/.test(text.slice(Math.max(0, start - 3), start))) continue; // a #define's continuation line
    const name = /^[A-Za-z_]\w*/.exec(match[0])![0];
    if (NOT_MACROS.has(name)) continue;
    // `extern int` + `__clocksource_register_scale(...);`: a declarator on its own line.
    const before = /(\S)[ \t]*\r?\n\s*$/.exec(text.slice(Math.max(0, start - 200), start));
    if (before && /[\w*,]/.test(before[1]) && !/^[ \t]*#/m.test(lastLine(text, start))) continue;
    const end = closingParenthesis(text, start + match[0].length);
    if (end < 0) continue;
    // Only when nothing follows on its line and no body follows on the next (a function
    // defined through a macro, `BPF_CALL_2(name, ...)` + `{`).
    const rest = /^[ \t]*;?[ \t]*(?:\/\*[^\n]*?\*\/[ \t]*)*(?:\/\/[^\n]*)?(?:\\)?\r?(?:\n|$)/.exec(text.slice(end + 1, end + 400));
    if (!rest) continue;
    if (/^\s*\{/.test(text.slice(end + 1 + rest[0].length, end + 400))) continue;
    out += text.slice(copied, start) + text.slice(start, end + 1).replace(/[^\n\\]/g, ' ');
    copied = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The last non-empty line before `index`. */
function lastLine(text: string, index: number): string {
  const lines = text.slice(Math.max(0, index - 400), index).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return lines[i];
  return '';
}

const ASM = /\b(?:asm|__asm__|__asm|asm_inline)(?:[ \t\r\n]+(?:volatile|__volatile__|__volatile|goto|inline|__inline__))*[ \t\r\n]*\(/g;

/**
 * Blanks inline assembly (`asm volatile("lock; " __ASM_SIZE(bts) " %1,%0" : "+m" (ADDR) ...)`).
 * A macro between its strings sends tree-sitter-c's string reading astray for the rest of the
 * file; a function body says nothing a header exports anyway.
 */
function blankAsm(text: string): string {
  if (!text.includes('asm')) return text;
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(ASM)) {
    const start = match.index!;
    if (start < copied) continue;
    const end = closingParenthesis(text, start + match[0].length);
    if (end < 0) continue;
    out += text.slice(copied, start) + text.slice(start, end + 1).replace(/[^\n\\]/g, ' ');
    copied = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The index of the `)` closing the parenthesis opened just before `from`, or -1; literals and comments are skipped. */
function closingParenthesis(text: string, from: number): number {
  let depth = 1;
  const limit = Math.min(text.length, from + 20000);
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0) return i;
    } else if (c === '"' || c === "'") {
      for (i++; i < limit && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const close = text.indexOf('\n', i);
      if (close < 0) return -1;
      i = close;
    } else if (c === ';' || c === '{' || c === '}') return -1; // not a macro call's argument list
  }
  return -1;
}

/**
 * Struct, union and enum definitions tree-sitter cannot see because their body is a macro
 * (`struct exception_stacks { ESTACKS_MEMBERS(0, VC_EXCEPTION_STKSZ) };`): a line that starts
 * in column 0 with `struct name {` (or `typedef struct name {`), outside comments and
 * directives. Column 0 keeps out the local structs of inline functions, which are indented.
 */
const TOP_LEVEL_TAGGED = /^(?:typedef[ \t]+)?(struct|union|enum)[ \t]+([A-Za-z_]\w*)[ \t]*(?:\r?\n[ \t]*)?\{/gm;

/**
 * Structs a kernel macro opens: from 7.2 the lock types are `context_lock_struct(mutex) {`,
 * which expands to `struct mutex {` (with the attributes of the compiler's context analysis
 * when it is on). `context_lock_struct(rt_mutex);` only declares the tag.
 */
const MACRO_TAGGED = /^context_lock_struct\([ \t]*([A-Za-z_]\w*)[^()\n]*\)[ \t]*(?:\r?\n[ \t]*)?\{/gm;

/**
 * Structs whose body is a macro of the same header, braces and all (`#define HASH_ALG_COMMON {
 * ... }` / `struct hash_alg_common HASH_ALG_COMMON;`, crypto's headers from 6.9): the macro is
 * also pasted into the structs that embed the same members.
 */
const BRACED_MACRO = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+\{/gm;
const TAGGED_BY_MACRO = /^(?:typedef[ \t]+)?(struct|union)[ \t]+([A-Za-z_]\w*)[ \t]+([A-Za-z_]\w*)[ \t]*;/gm;

/** A directive with its continuation lines (`#define X(name) \\` / `struct name { ... }`). */
const DIRECTIVE = /^[ \t]*#(?:[^\n]*\\\r?\n)*[^\n]*/gm;

function definitionsByLine(uncommented: string, into: Set<string>): void {
  if (!/^(?:(?:typedef[ \t]+)?(?:struct|union|enum)[ \t]|context_lock_struct\()/m.test(uncommented)) return;
  const code = uncommented.replace(DIRECTIVE, '');
  for (const match of code.matchAll(TOP_LEVEL_TAGGED)) into.add(`${match[1]} ${match[2]}`);
  for (const match of code.matchAll(MACRO_TAGGED)) into.add(`struct ${match[1]}`);
  const bodies = new Set([...uncommented.matchAll(BRACED_MACRO)].map((match) => match[1]));
  if (bodies.size === 0) return;
  for (const match of code.matchAll(TAGGED_BY_MACRO)) if (bodies.has(match[3])) into.add(`${match[1]} ${match[2]}`);
}

// ---------------------------------------------------------------------------------------------
// Reading one parsed file

interface FileFacts {
  definitions: Set<string>;
  functions: { name: string; prototype: Omit<FunctionPrototype, 'header'> }[];
}

/** Node kinds whose children can hold declarations or type definitions worth reading. */
const DESCEND = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'ERROR',
  'linkage_specification',
  'declaration_list',
  'declaration',
  'type_definition',
  'field_declaration_list',
  'field_declaration',
  'struct_specifier',
  'union_specifier',
  'enum_specifier',
  'function_definition',
  'macro_type_specifier',
  'type_descriptor',
]);

const TAGGED = new Map([
  ['struct_specifier', 'struct'],
  ['union_specifier', 'union'],
  ['enum_specifier', 'enum'],
]);

/** Declarator wrappers that lead to the declared name. */
function innerDeclarator(node: Node): Node | null {
  if (node.type === 'parenthesized_declarator' || node.type === 'attributed_declarator') {
    for (const child of node.namedChildren) if (child && child.type !== 'attribute_specifier' && child.type !== 'attribute_declaration' && child.type !== 'comment') return child;
    return null;
  }
  return node.childForFieldName('declarator');
}

/** The identifier a declarator declares, and its parent declarator (null when the declarator is the name). */
function declaredName(declarator: Node): { name: Node; parent: Node | null } | null {
  let parent: Node | null = null;
  let current: Node | null = declarator;
  for (let steps = 0; current && steps < 64; steps++) {
    // `typedef unsigned long size_t;`: tree-sitter-c reads size_t, bool and the like as primitive types.
    if (current.type === 'identifier' || current.type === 'type_identifier' || current.type === 'field_identifier' || current.type === 'primitive_type')
      return { name: current, parent };
    parent = current;
    current = innerDeclarator(current);
  }
  return null;
}

const TYPE_PREFIX_SKIP = new Set(['storage_class_specifier', 'attribute_specifier', 'attribute_declaration', 'ms_declspec_modifier', 'comment', 'gnu_asm_expression']);

/** The children of a declaration or definition before its first declarator: storage class, qualifiers, type, attributes. */
function prefixOf(node: Node, firstDeclarator: Node): Node[] {
  const prefix: Node[] = [];
  for (const child of node.children) {
    if (!child || child.startIndex >= firstDeclarator.startIndex) break;
    prefix.push(child);
  }
  return prefix;
}

/** The type words of a prefix, less storage class and attributes. */
function typePrefix(prefix: Node[]): string {
  return prefix
    .filter((child) => !TYPE_PREFIX_SKIP.has(child.type))
    .map((child) => child.text)
    .join(' ');
}

function hasInline(prefix: Node[]): boolean {
  return prefix.some((child) => child.type === 'storage_class_specifier' && /^(?:inline|__inline|__inline__)$/.test(child.text));
}

/**
 * Adds the spans of `declarator` that are names: the name it declares and the parameter names
 * of the function declarators on the way to it (`int (*fn)(unsigned int cpu)` -> `fn`, `cpu`).
 * When the walk reaches `cut`, that whole node is the span instead.
 */
function nameSpans(declarator: Node, spans: [number, number][], cut?: Node): void {
  let current: Node | null = declarator;
  for (let steps = 0; current && steps < 64; steps++) {
    if (cut && current.id === cut.id) {
      spans.push([current.startIndex, current.endIndex]);
      return;
    }
    if (current.type === 'identifier' || current.type === 'field_identifier') {
      spans.push([current.startIndex, current.endIndex]);
      return;
    }
    if (current.type === 'function_declarator' || current.type === 'abstract_function_declarator') {
      const list = current.childForFieldName('parameters');
      for (const parameter of list ? list.namedChildren : []) {
        const inner = parameter && parameter.type === 'parameter_declaration' ? parameter.childForFieldName('declarator') : null;
        if (inner) nameSpans(inner, spans);
      }
    }
    current = innerDeclarator(current);
  }
}

/** The text of `node` without `spans` (which lie inside it). */
function textWithout(node: Node, spans: [number, number][]): string {
  const text = node.text;
  const base = node.startIndex;
  let out = '';
  let at = 0;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start - base < at) continue;
    out += text.slice(at, start - base) + ' ';
    at = end - base;
  }
  return out + text.slice(at);
}

/** A parameter's type: its text with the parameter's name (and the names inside a function pointer's parameters) taken out. */
function parameterType(parameter: Node): string {
  const declarator = parameter.childForFieldName('declarator');
  const spans: [number, number][] = [];
  if (declarator) nameSpans(declarator, spans);
  return normalizeTypeText(textWithout(parameter, spans));
}

const LEADING_MACRO_WORDS = /^(?:_*[A-Z][A-Z0-9_]*\s+)+(?=[A-Za-z_])/;
const NOT_A_TYPE = /[{};=#\\"]/;
/** The parameter list after `(*)` in a normalized type: `)(struct file *, int)`. */
const FUNCTION_POINTER_PARAMETERS = /\)\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g;

/** The function a declarator declares: its name and its function declarator (`void (*hook)(void)` declares a variable). */
function declaredFunction(declarator: Node): { name: Node; func: Node } | null {
  const found = declaredName(declarator);
  if (!found || found.name.type !== 'identifier' || !found.parent || found.parent.type !== 'function_declarator') return null;
  return { name: found.name, func: found.parent };
}

/** Reads the prototype `prefix declarator` (a declaration's or definition's, or one recovered from an ERROR node). */
function readPrototype(prefix: Node[], declarator: Node, inline: boolean, into: FileFacts): void {
  const found = declaredFunction(declarator);
  if (!found) return;
  const func = found.func;
  const list = func.childForFieldName('parameters');
  if (!list || list.type !== 'parameter_list') return;
  const parameters: string[] = [];
  let variadic = false;
  for (const child of list.namedChildren) {
    if (!child || child.type === 'comment') continue;
    if (child.type === 'variadic_parameter') variadic = true;
    else {
      const text = child.type === 'parameter_declaration' ? parameterType(child) : normalizeTypeText(child.text);
      if (text !== '') parameters.push(text);
    }
  }
  if (parameters.length === 1 && parameters[0] === 'void' && !variadic) parameters.length = 0;
  // The return type: the type words, then what the declarator adds around the function's own
  // `name(parameters)` (`*` for `struct class *class_create(...)`).
  const spans: [number, number][] = [];
  nameSpans(declarator, spans, func);
  const around = textWithout(declarator, spans);
  // Leading all-capitals words before the type are export or attribute macros
  // (`ZSTDLIB_API size_t`, `SND_CS8403_DECL void`).
  const returnType = normalizeTypeText(`${typePrefix(prefix)} ${around}`).replace(LEADING_MACRO_WORDS, '');
  // What is left of a macro tree-sitter took for a function (`DEV_CORE_STATS_INC(rx_dropped)`,
  // `static inline int BTREE_FN(insert)(...)`) is not a prototype; a returned function pointer
  // (`int (*)(struct file *, int)`) is.
  if (returnType === '' || NOT_A_TYPE.test(returnType) || /\((?!\*)/.test(returnType.replace(FUNCTION_POINTER_PARAMETERS, ')'))) return;
  if (parameters.some((parameter) => NOT_A_TYPE.test(parameter))) return;
  into.functions.push({
    name: found.name.text,
    prototype: { returnType, parameters, variadic, inline: inline || hasInline(prefix) },
  });
}

/** What may come before a declarator in a declaration. */
const PREFIX_KINDS = new Set([
  'storage_class_specifier',
  'type_qualifier',
  'primitive_type',
  'sized_type_specifier',
  'type_identifier',
  'struct_specifier',
  'union_specifier',
  'enum_specifier',
  'attribute_specifier',
  'comment',
]);
const TYPE_KINDS = new Set(['primitive_type', 'sized_type_specifier', 'type_identifier', 'struct_specifier', 'union_specifier', 'enum_specifier']);

/**
 * Prototypes in the loose children of an ERROR node. When tree-sitter cannot read a
 * declaration (`extern __kernel_size_t __underlying_strlen(const char *p) __RENAME(strlen);`)
 * or a function body (an `#if` inside an expression), what surrounds it becomes a flat run of
 * `extern`, `static`, `inline`, `bool`, `name(...)`, `{`, ... inside an ERROR: a function
 * declarator right after type words is read as a prototype, and as an inline definition when
 * `{` follows.
 */
function readErrorChildren(error: Node, into: FileFacts): void {
  const children = error.children.filter((child): child is Node => child !== null);
  let prefix: Node[] = [];
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (PREFIX_KINDS.has(child.type)) {
      prefix.push(child);
      continue;
    }
    if ((child.type === 'function_declarator' || child.type === 'pointer_declarator') && prefix.some((node) => TYPE_KINDS.has(node.type))) {
      const next = children[i + 1];
      readPrototype(prefix, child, next !== undefined && next.type === '{', into);
    }
    prefix = [];
  }
}

/** C's own type words are what is left of a typedef tree-sitter misread, never a name it defines. */
const C_TYPE_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', '_Complex']);

function isTypedefName(name: Node): boolean {
  return !name.isMissing && /^[A-Za-z_]\w*$/.test(name.text) && !C_TYPE_WORDS.has(name.text);
}

function readTree(root: Node, into: FileFacts): void {
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const descend = DESCEND.has(type);
      if (type === 'ERROR') readErrorChildren(cursor.currentNode, into);
      else if (TAGGED.has(type) || type === 'declaration' || type === 'type_definition' || type === 'function_definition') {
        const node = cursor.currentNode;
        const tag = TAGGED.get(type);
        if (tag) {
          const name = node.childForFieldName('name');
          if (name && node.childForFieldName('body')) into.definitions.add(`${tag} ${name.text}`);
        } else if (type === 'type_definition') {
          for (const declarator of node.childrenForFieldName('declarator')) {
            const found = declarator ? declaredName(declarator) : null;
            if (found && (found.name.type === 'type_identifier' || found.name.type === 'primitive_type') && isTypedefName(found.name))
              into.definitions.add(`typedef ${found.name.text}`);
          }
        } else {
          const declarators = node.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
          if (declarators.length > 0 && node.childForFieldName('type')) {
            const prefix = prefixOf(node, declarators[0]);
            for (const declarator of declarators) readPrototype(prefix, declarator, type === 'function_definition', into);
          }
        }
      }
      // Function bodies, initializers and expressions hold nothing a header exports.
      if (descend && cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

const CONSTANT_WORD = /\b[A-Z_][A-Z0-9_]*[A-Z][A-Z0-9_]*\b/g;

const WORD = /\b[A-Za-z_]\w*/g;

/** The words of `uncommented` that `watched` holds (see HeaderFacts.spelledWatched), into `into`. */
function readWatchedWords(uncommented: string, watched: ReadonlySet<string>, into: Set<string>): void {
  if (watched.size === 0) return;
  for (const match of uncommented.matchAll(WORD)) if (watched.has(match[0])) into.add(match[0]);
}

/**
 * Walks a header's lines for the watched-word readers below: each directive line (under any
 * condition, from `everyBranch`, the whole header) with the name it `#define`s, and each code
 * line as the module build may compile it (from `compiled`, the header with the lines the build
 * leaves out blanked). Comments are blanked in both.
 */
function forEachHeaderLine(
  compiled: string,
  everyBranch: string,
  directiveLines: Uint8Array | undefined,
  visit: { directive: (line: string, index: number, defined: string | undefined) => void; code: (line: string) => void },
): void {
  const compiledLines = compiled.split('\n');
  everyBranch.split('\n').forEach((line, i) => {
    if (directiveLines?.[i] || /^\s*#/.test(line)) visit.directive(line, i, /^\s*#\s*define\s+([A-Za-z_]\w*)/.exec(line)?.[1]);
    else visit.code(compiledLines[i] ?? '');
  });
}

/** The watched words of a header that may make a type for a module build (HeaderFacts.typedefWatched), into `into`. */
function readTypedefWords(compiled: string, everyBranch: string, directiveLines: Uint8Array | undefined, watched: ReadonlySet<string>, into: Set<string>): void {
  if (watched.size === 0) return;
  forEachHeaderLine(compiled, everyBranch, directiveLines, {
    directive: (line, _index, defined) => {
      if (defined !== undefined && watched.has(defined)) into.add(defined);
      if (/\btypedef\b/.test(line)) readWatchedWords(line, watched, into);
    },
    code: (line) => readWatchedWords(line, watched, into),
  });
}

/**
 * The watched words of a header that may make a struct tag otherwise than its definitions show
 * (HeaderFacts.tagWatched), into `into`:
 * - a `#define` of the tag, under any condition;
 * - another directive the module build may take that spells it (`#define __snd_timespec
 *   timespec` counts only where userspace's branch is not left out), other than right after
 *   `struct` with something but a body or the line's end after it (`sizeof(struct timeval)`);
 * - a code line the build may compile where the tag stands as a bare argument or at the line's
 *   start (a macro that may define the struct), not as a declared name (`bool timeval,`,
 *   `__user *timespec`) nor after `struct`.
 */
function readTagWords(compiled: string, everyBranch: string, directiveLines: Uint8Array | undefined, states: Uint8Array | undefined, watched: ReadonlySet<string>, into: Set<string>): void {
  if (watched.size === 0) return;
  forEachHeaderLine(compiled, everyBranch, directiveLines, {
    directive: (line, index, defined) => {
      if (defined !== undefined && watched.has(defined)) into.add(defined);
      if (states?.[index] === LineState.Inactive) return;
      for (const match of line.matchAll(WORD)) {
        if (!watched.has(match[0])) continue;
        const after = line.slice(match.index! + match[0].length);
        if (!/\b(?:struct|union|enum)\s+$/.test(line.slice(0, match.index)) || /^\s*(?:\{|\\?\s*$)/.test(after)) into.add(match[0]);
      }
    },
    code: (line) => {
      for (const match of line.matchAll(WORD)) {
        if (!watched.has(match[0])) continue;
        const before = line.slice(0, match.index).trimEnd();
        if (before === '' || before.endsWith('(') || before.endsWith(',')) into.add(match[0]);
      }
    },
  });
}

/** The words in capitals of `uncommented` (see HeaderFacts.spelledConstants), into `into`. */
function readConstantWords(uncommented: string, into: Set<string>): void {
  for (const match of uncommented.matchAll(CONSTANT_WORD)) into.add(match[0]);
}

const OBJECT_MACRO = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])/gm;

/** An enum's body: `enum [tag] { … }` with no brace inside. */
const ENUM_BODY = /\benum\b[\w\s]*\{([^{}]*)\}/g;
/** An enumerator in capitals at the start of a line of the body, before `=`, `,` or the line's end. */
const ENUMERATOR = /^[ \t]*([A-Z_][A-Z0-9_]*[A-Z][A-Z0-9_]*)[ \t]*(?:=|,|$)/gm;

/** The enumerators in capitals of the enums in `uncommented`, one per line as kernel headers write them. */
function readEnumConstants(uncommented: string): string[] {
  if (!uncommented.includes('enum')) return [];
  const names: string[] = [];
  for (const [, body] of uncommented.matchAll(ENUM_BODY)) for (const [, name] of body.matchAll(ENUMERATOR)) names.push(name);
  return names;
}

/** Names `#define NAME value` defines without parameters. */
function readObjectMacros(uncommented: string): string[] {
  if (!uncommented.includes('define')) return [];
  return [...uncommented.matchAll(OBJECT_MACRO)].map((match) => match[1]);
}

function readMacros(uncommented: string): { name: string; parameters: number; variadic: boolean }[] {
  if (!uncommented.includes('define')) return [];
  const text = uncommented.replace(/\\\r?\n/g, ' ');
  const macros: { name: string; parameters: number; variadic: boolean }[] = [];
  for (const match of text.matchAll(FUNCTION_MACRO)) {
    const names = match[2].split(',').map((p) => p.trim());
    if (names.length === 1 && names[0] === '') names.length = 0;
    let variadic = false;
    if (names.length > 0 && names[names.length - 1].endsWith('...')) {
      variadic = true;
      names.pop();
    }
    macros.push({ name: match[1], parameters: names.length, variadic });
  }
  return macros;
}

// ---------------------------------------------------------------------------------------------

/**
 * Scans the kernel headers tree formed by `roots` (Debian: the `-common` folder, then the
 * architecture's one) on the x86 include path. Each header is parsed once; prints nothing.
 */
/**
 * What an out-of-tree module's build defines before any header: Kbuild passes `-D__KERNEL__`
 * and `-DMODULE`, and the compiler is gcc, as for the Debian kernels themselves (neither
 * clang nor Intel's compiler, nor sparse's `__CHECKER__`). Everything else a header tests is
 * either from the kernel's config (known per kernel) or unknown, and an unknown condition
 * keeps both branches.
 */
const MODULE_BUILD: CommandLineMacro[] = [
  { name: '__KERNEL__', value: '1', certain: true },
  { name: 'MODULE', value: '1', certain: true },
  // ACPICA's acenv.h then takes its gcc and Linux branches, not one including another
  // compiler's or system's header (which would leave every closure through it unknown).
  ...GCC_LINUX_TARGET,
];

/**
 * The header's text with the lines that `kernel` certainly does not compile blanked (kept
 * as empty lines): `#ifdef CONFIG_X` blocks of an option the kernel's config turns off,
 * version tests, `#ifndef __KERNEL__` parts. Conditions the preprocessor cannot decide (a
 * macro from another header) keep their code. Directive lines stay, for the macro readers.
 */
export function compiledText(text: string, name: string, kernel: KernelEnvironment): string {
  return compiledHeader(text, name, kernel).text;
}

function shapeKey(macro: { parameters: number; variadic: boolean }): string {
  return `${macro.parameters}/${macro.variadic}`;
}

/** The mask of every parameter of a macro shape (the variadic one last), as `values` counts them. */
function everyParameter(macro: { parameters: number; variadic: boolean }): number {
  const named = Math.min(30, macro.parameters + (macro.variadic ? 1 : 0));
  return 2 ** named - 1;
}

/** `text` with the lines the kernel certainly does not compile emptied, `#define` lines among them (`text` itself when there are none). */
function withoutInactiveLines(text: string, states: Uint8Array): string {
  if (!states.includes(LineState.Inactive)) return text;
  return text
    .split('\n')
    .map((line, i) => (states[i] === LineState.Inactive ? '' : line))
    .join('\n');
}

/** compiledText, with the line states it was cut by (directive lines keep theirs: an `#include` under `#if 0` is Inactive). */
function compiledHeader(text: string, name: string, kernel: KernelEnvironment): { text: string; states: Uint8Array; directiveLines: Uint8Array } {
  const { lineStates, directiveLines } = preprocess(text, name, [kernel], undefined, [], MODULE_BUILD);
  const states = lineStates[0];
  let changed = false;
  const lines = text.split('\n').map((line, i) => {
    if (states[i] !== LineState.Inactive || directiveLines[i]) return line;
    changed = true;
    return '';
  });
  return { text: changed ? lines.join('\n') : text, states, directiveLines };
}

/**
 * Which of `names` the headers' code or directives spell anywhere, under any condition (comments
 * left out): a second, light pass over a kernel's headers for names only known once every
 * kernel was scanned (typedefs some kernels define and others do not).
 */
export function spelledWords(roots: string[], names: ReadonlySet<string>, folders: string[] = X86_SEARCH_FOLDERS): Set<string> {
  const spelled = new Set<string>();
  if (names.size === 0) return spelled;
  for (const file of collectHeaders(roots, folders).files) {
    const read = readHeader(file.path);
    if (read !== undefined) readWatchedWords(blankComments(read), names, spelled);
  }
  return spelled;
}

/**
 * Everything the headers tree under `roots` declares. With `kernel`, each header is first
 * preprocessed with that kernel's version and config, and what it certainly leaves out is
 * not counted (a function declared only under an option the kernel turns off).
 */
export async function scanKernelHeaders(
  roots: string[],
  parser: CParser,
  folders: string[] = X86_SEARCH_FOLDERS,
  kernel?: KernelEnvironment,
  /** Names to look for anywhere in the headers (HeaderFacts.spelledWatched). */
  watched: ReadonlySet<string> = new Set(),
): Promise<HeaderFacts> {
  const headerTree = collectHeaders(roots, folders);
  const { names, files } = headerTree;
  const includes = new Map<string, Set<string>>();
  const openHeaders = new Set<string>();
  // An alias name leads to the file it reaches.
  for (const [name, path] of headerTree.resolved) {
    const reported = headerTree.reportedNames.get(path);
    if (reported !== undefined && reported !== name) addTo(includes, name, reported);
  }
  const definitions = new Map<string, Set<string>>();
  const functions = new Map<string, Map<string, FunctionPrototype>>();
  const macros = new Map<string, Map<string, { parameters: number; variadic: boolean; header: string; values?: number }>>();
  const aliases = new Map<string, Set<string>>();
  const bodies: MacroBody[] = [];
  /** The definitions the kernel's module build may compile (every one without a kernel), and their shapes by name. */
  const compiledBodies: MacroBody[] = [];
  const compiledShapes = new Map<string, Set<string>>();
  const generatorCalls: (LineStartCall & { header: string })[] = [];
  const objectMacros = new Set<string>();
  const enumConstants = new Set<string>();
  const spelledConstants = new Set<string>();
  const pastingFragments = noPastingFragments();
  const spelledWatched = new Set<string>();
  const typedefWatched = new Set<string>();
  const tagWatched = new Set<string>();
  const callableHeaders = new Map<string, Set<string>>();
  const ts = parser.parser;

  for (const file of files) {
    const read = readHeader(file.path);
    if (read === undefined) {
      openHeaders.add(file.name);
      continue;
    }
    const compiled = kernel ? compiledHeader(read, file.name, kernel) : undefined;
    const raw = compiled ? compiled.text : read;

    const uncommented = blankComments(raw);
    const everyBranch = compiled ? blankComments(read) : uncommented;
    // What the kernel's module build may compile, #define lines included: a name spelled only
    // where it certainly does not (`#ifndef __KERNEL__`, uapi/linux/tty_flags.h's
    // ASYNCB_INITIALIZED; a config the kernel turns off) is declared for userspace only. An
    // undecided condition keeps its lines, so only a certainly undeclared name is left unspelled.
    const active = compiled ? withoutInactiveLines(uncommented, compiled.states) : uncommented;
    readConstantWords(active, spelledConstants);
    readWatchedWords(everyBranch, watched, spelledWatched);
    readTypedefWords(uncommented, everyBranch, compiled?.directiveLines, watched, typedefWatched);
    readTagWords(uncommented, everyBranch, compiled?.directiveLines, compiled?.states, watched, tagWatched);
    for (const line of includeLines(uncommented, compiled?.states)) {
      const reached = includedHeaders(headerTree, line, file.path);
      // A header no search folder has, under an undecided condition (acenv.h's <stdlib.h> under
      // ACPI_USE_STANDARD_HEADERS, which only userspace builds define): a kernel build that
      // took it would stop there, so one that goes on does not.
      if (reached === 'absent' && line.undecided) continue;
      if (reached === undefined || reached === 'absent') openHeaders.add(file.name);
      else for (const name of reached) if (name !== file.name) addTo(includes, file.name, name);
    }
    for (const name of readObjectMacros(uncommented)) {
      objectMacros.add(name);
      addTo(callableHeaders, name, file.name);
    }
    for (const name of readEnumConstants(uncommented)) enumConstants.add(name);
    const fileBodies = macroBodies(uncommented);
    const fileMacros = readMacros(uncommented);
    bodies.push(...fileBodies);
    addPastingFragments(uncommented, pastingFragments);
    // Most headers leave no #define out: then what the build compiles is what was read.
    compiledBodies.push(...(active === uncommented ? fileBodies : macroBodies(active)));
    for (const macro of active === uncommented ? fileMacros : readMacros(active)) addTo(compiledShapes, macro.name, shapeKey(macro));
    for (const call of lineStartCalls(uncommented)) generatorCalls.push({ ...call, header: file.name });
    for (const macro of fileMacros) {
      const value = { parameters: macro.parameters, variadic: macro.variadic, header: file.name };
      addTo(callableHeaders, macro.name, file.name);
      let byKey = macros.get(macro.name);
      if (!byKey) macros.set(macro.name, (byKey = new Map()));
      byKey.set(JSON.stringify(value), value);
    }
    if (raw.includes('define')) {
      for (const [, name, path] of raw.matchAll(ALIAS)) {
        // `#define arch_foo arch_foo` only says the name is defined.
        if (path === name) continue;
        let paths = aliases.get(name);
        if (!paths) aliases.set(name, (paths = new Set()));
        paths.add(path);
      }
    }

    // Trailing blanks go, and so does a continuation into an empty line: tree-sitter-c reads
    // the next non-empty line after `#define NAME<spaces>` or `#define NAME \` + empty line as
    // the macro's value (`#define __head __section(".head.text")`, once blanked, swallowed the
    // declaration below it). Offsets do not matter here, only node texts.
    const text = blankBareMacroCalls(blankAsm(unwrapAcpiPrototypes(blank(blank(blankAnnotations(blankObjectSizeWords(raw)), ATTRIBUTES_WITH_ARGUMENTS), ATTRIBUTE_WORDS))))
      .replace(/[ \t]+(?=\r?$)/gm, '')
      .replace(/\\(?=\r?\n[ \t]*\r?\n)/g, '');
    const facts: FileFacts = { definitions: new Set(), functions: [] };
    const tree = ts.parse(text);
    if (tree) {
      try {
        readTree(tree.rootNode, facts);
      } finally {
        tree.delete();
      }
    }
    definitionsByLine(uncommented, facts.definitions);
    for (const key of facts.definitions) {
      let headers = definitions.get(key);
      if (!headers) definitions.set(key, (headers = new Set()));
      headers.add(file.name);
    }
    for (const { name, prototype } of facts.functions) {
      addTo(callableHeaders, name, file.name);
      const value: FunctionPrototype = { ...prototype, header: file.name };
      let byKey = functions.get(name);
      if (!byKey) functions.set(name, (byKey = new Map()));
      byKey.set(JSON.stringify(value), value);
    }
  }

  // After every header: a generator may be defined in another header than the one calling it.
  const pasted = new Set<string>();
  const pastedFrom = new Map<string, Set<string>>();
  const generatorWords = new Set<string>();
  const generators = new PastedNames(bodies);
  for (const call of generatorCalls) {
    const words = call.arguments.filter((argument) => /^[A-Za-z_]\w+$/.test(argument));
    for (const word of words) generatorWords.add(word);
    for (const name of generators.of(call)) {
      pasted.add(name);
      addTo(callableHeaders, name, call.header);
      for (const word of words) if (name.includes(word)) addTo(pastedFrom, name, word);
    }
  }

  // Of the definitions a module build may compile only: BUILD_BUG_ON_ZERO's `__CHECKER__` one
  // and __compiletime_assert's `!__OPTIMIZE__` one drop their arguments, which the ones gcc
  // compiles do not. (Which names a header declares, and what a macro may drop, count every
  // definition: there, more is the cautious answer.)
  const values = valueParameters(compiledBodies, droppedParameters(compiledBodies));
  const dropped = droppedParameters(bodies);
  // A definition the module build never compiles (mutex_lock's under CONFIG_DEBUG_LOCK_ALLOC, a
  // userspace pr_info) hides no argument: every parameter counts as a value there.
  for (const [name, variants] of macros) {
    for (const variant of variants.values()) variant.values = compiledShapes.get(name)?.has(shapeKey(variant)) ? (values.get(name) ?? 0) : everyParameter(variant);
  }

  const sortedRecord = <V, R>(map: Map<string, V>, convert: (value: V) => R): Record<string, R> =>
    Object.fromEntries([...map.keys()].sort(compare).map((key) => [key, convert(map.get(key)!)]));
  const byHeaderThenText = <T extends { header: string }>(values: Map<string, T>): T[] =>
    [...values].sort(([ka, a], [kb, b]) => compare(a.header, b.header) || compare(ka, kb)).map(([, value]) => value);

  return {
    headers: names,
    definitions: sortedRecord(definitions, (set) => [...set].sort(compare)),
    functions: sortedRecord(functions, byHeaderThenText),
    macros: sortedRecord(macros, byHeaderThenText),
    memberAliases: sortedRecord(aliases, (set) => [...set].sort(compare)),
    // A name also declared as a function may be compiled as that function (a branch the config does not decide).
    droppingMacros: sortedRecord(new Map([...dropped].filter(([name]) => !functions.has(name))), (mask) => mask),
    forwardingMacros: sortedRecord(forwardingMacros(bodies), (target) => target),
    objectMacros: [...objectMacros].sort(compare),
    enumConstants: [...enumConstants].sort(compare),
    spelledConstants,
    pastingFragments,
    spelledWatched,
    typedefWatched,
    tagWatched,
    pastedFunctions: [...pasted].sort(compare),
    pastedFrom: sortedRecord(pastedFrom, (set) => [...set].sort(compare)),
    generatorWords,
    callableHeaders: sortedRecord(callableHeaders, (set) => [...set].sort(compare)),
    includes: sortedRecord(includes, (set) => [...set].sort(compare)),
    openHeaders: [...openHeaders].sort(compare),
  };
}
