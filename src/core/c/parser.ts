// Loads the tree-sitter runtime and the C grammar once. Callers pass where the two WASM
// files are (the CLI: next to its bundle; the extension: under its install folder), so this
// module never touches the file system layout itself.
import { Language, Parser } from 'web-tree-sitter';
import { spaces } from './blanks';
import { blankNumberTables } from './numberTables';

export interface WasmLocation {
  /** Absolute path of web-tree-sitter's `tree-sitter.wasm`. */
  runtimeWasmPath: string;
  /** The bytes (or path) of `tree-sitter-c.wasm`. */
  grammar: Uint8Array | string;
}

export interface CParser {
  parser: Parser;
  language: Language;
}

let loading: Promise<CParser> | undefined;

/** The one C parser of this process, created on first call. */
export function loadCParser(location: WasmLocation): Promise<CParser> {
  if (!loading) {
    loading = (async () => {
      await Parser.init({ locateFile: () => location.runtimeWasmPath });
      const language = await Language.load(location.grammar);
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser, language };
    })();
    // A failed load (missing file) must not poison every later attempt.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/**
 * Kernel annotations that expand to nothing (or to attributes) for the compiler but that
 * tree-sitter-c reads as stray identifiers: `void __iomem *regs;` in a struct is a syntax
 * error to it, and an error near a function makes every incremental re-parse of the file
 * slow. They carry nothing the checker needs (gcc ignores sparse annotations when it
 * compares types), so they are blanked with spaces, which keeps every offset.
 */
const ANNOTATIONS =
  /\b(?:__iomem|__user|__kernel|__rcu|__percpu|__force|__nocast|__safe|__must_check|__init|__exit|__initdata|__initconst|__exitdata|__devinit|__devexit|__devinitdata|__cpuinit|__ref|__refdata|__maybe_unused|__always_unused|__cold|__read_mostly|__ro_after_init|__always_inline|noinline|notrace|asmlinkage|__visible|__weak|__packed|__sched|__latent_entropy|__randomize_layout)\b/g;

export function blankAnnotations(text: string): string {
  return text.replace(ANNOTATIONS, (word) => spaces(word.length));
}

/** The text the parser is given for a C file: annotations and tables of plain numbers blanked, every offset kept. */
export function parserText(text: string): string {
  return blankNumberTables(blankAnnotations(text));
}
