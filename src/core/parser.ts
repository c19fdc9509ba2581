// Loads the tree-sitter runtime and the C grammar once. Callers pass where the two WASM
// files are (the CLI: next to its bundle; the extension: under its install folder), so this
// module never touches the file system layout itself.
import { Language, Parser } from 'web-tree-sitter';

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
