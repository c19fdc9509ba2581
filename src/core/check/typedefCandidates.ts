// Which declarations of a file `unknown-type` judges: those typed by a typedef some kernels'
// headers define and others' do not, where nothing of the driver's may define the name (its
// macros, `-D` flags, typedefs in the file, any workspace header the file reads spelling it other
// than as a declaration's type, another workspace file's typedef), and where the build reads nothing the check did not see (an
// include it could not follow, flags it could not read). Only `.c` files: a header is compiled
// inside its includers, after whatever they define first; its declarations are judged with the
// file that includes it, and reported at the header's lines.
import type { CheckOptions } from './checker';
import type { HeaderIndex } from '../kernels/headerIndex';
import type { PreprocessedFile } from './variants';
import { typedefUses, type TypedefUse } from '../c/typedefUses';
import { everyIncludeFollowed } from './followedIncludes';
import { holdsWord, wordOffsets } from '../c/words';
import { blankCommentsAndLiterals } from '../c/typeText';
import { lineStarts } from '../c/lineIndex';
import type { IncludedHeader } from '../c/preprocessor';
import { isSourceFile } from '../c/workspaceTypes';
import { maskedHeader } from '../c/maskedHeaders';

/** The declarations judged: the file's, and those of the workspace headers it reads, outside their function bodies' statements. */
export interface TypedefCandidates {
  uses: TypedefUse[];
  headerUses: { header: IncludedHeader; uses: TypedefUse[] }[];
}

const NONE: TypedefCandidates = { uses: [], headerUses: [] };

export function typedefCandidates(
  headers: HeaderIndex,
  code: { masked: string; isDirectiveLine: (line: number) => boolean },
  file: PreprocessedFile,
  options: Pick<CheckOptions, 'fileName' | 'defines' | 'unreadFlags' | 'resolveInclude' | 'forcedIncludes' | 'workspaceTypes'>,
  text: string,
  /** Judge the workspace headers' declarations too (not in a re-check's slice, which keeps the whole check's). */
  judgesHeaders: boolean,
): TypedefCandidates {
  if (!isSourceFile(options.fileName) || options.unreadFlags) return NONE;
  const commandLine = new Set((options.defines ?? []).map((macro) => macro.name));
  const known = new Map<string, boolean>();
  const isCandidate = (name: string) => {
    let candidate = known.get(name);
    if (candidate === undefined) {
      candidate =
        // Reserved names are the compiler's (`__int128`) or under it.
        !name.startsWith('_') &&
        !file.pre.definedMacros.has(name) &&
        !commandLine.has(name) &&
        !definesTypedef(code.masked, name) &&
        !file.pre.headers.some((header) => headerMayDefine(header, name)) &&
        options.workspaceTypes?.typedef(name, options.fileName) === undefined;
      known.set(name, candidate);
    }
    return candidate;
  };
  const usesIn = (masked: string, words: readonly TypedefWord[], isDirectiveLine: (line: number) => boolean, lineStartIndices: readonly number[]) => {
    const offsets = words.filter(({ name }) => isCandidate(name));
    return offsets.length === 0 ? [] : typedefUses(masked, isDirectiveLine, lineStartIndices, offsets);
  };
  const uses = usesIn(code.masked, typedefWordsIn(code.masked, headers.typedefWords()), code.isDirectiveLine, file.lineStartIndices);
  // A header's declarations fail in every file that includes it: gcc reports them at the header's lines.
  const headerUses = (judgesHeaders ? file.pre.headers : []).flatMap((header) => {
    const masked = maskedHeader(header);
    const found = usesIn(masked.masked, headerTypedefWords(masked, headers.typedefWords()), (line) => header.directiveLines[line] === 1, masked.lineStartIndices);
    return found.length > 0 ? [{ header, uses: found }] : [];
  });
  if (uses.length === 0 && headerUses.length === 0) return NONE;
  const sight = { fileName: options.fileName, text, lineStates: file.pre.lineStates, headers: file.pre.headers, resolveInclude: options.resolveInclude, isKernelHeader: (name: string) => headers.isKernelHeader(name), forcedIncludes: options.forcedIncludes };
  return everyIncludeFollowed(sight, 'if-found') ? { uses, headerUses } : NONE;
}

interface TypedefWord {
  name: string;
  offset: number;
}

function typedefWordsIn(masked: string, pattern: RegExp): TypedefWord[] {
  return [...masked.matchAll(pattern)].map((match) => ({ name: match[0], offset: match.index! }));
}

/** A header's typedef words, found once per masked text (maskedHeader keeps it while the header is unchanged): every file of a driver reads the same headers. */
const typedefWordsOfHeaders = new WeakMap<object, { pattern: RegExp; words: TypedefWord[] }>();

function headerTypedefWords(masked: { masked: string }, pattern: RegExp): TypedefWord[] {
  const known = typedefWordsOfHeaders.get(masked);
  if (known?.pattern === pattern) return known.words;
  const words = typedefWordsIn(masked.masked, pattern);
  typedefWordsOfHeaders.set(masked, { pattern, words });
  return words;
}

/**
 * Whether the text defines the typedef itself, under any condition: `typedef unsigned int
 * blk_opf_t;`, `typedef void (*fn_t)(void);`, `typedef struct { … } mm_segment_t;` (a compat
 * definition for the kernels that lack it).
 */
function definesTypedef(masked: string, name: string): boolean {
  if (!masked.includes('typedef')) return false;
  return new RegExp(`\\btypedef\\b[^;{}]*\\b${name}\\b|\\}\\s*${name}\\s*[;,\\[]`).test(masked);
}

/**
 * Whether a workspace header the file reads may define `name`: it spells it in a typedef, on a
 * directive line (a macro), or anywhere else than as the type of a declaration (a macro's
 * argument may declare it). A header that only declares things with it (enhanceio's `eio.h`:
 * `make_request_fn *origmfn;` in a struct) defines nothing, and fails with the file.
 */
function headerMayDefine(header: IncludedHeader, name: string): boolean {
  if (!holdsWord(header.text, name)) return false;
  const code = blankCommentsAndLiterals(header.text);
  if (definesTypedef(code, name)) return true;
  const offsets = [...wordOffsets(code, name)].map((offset) => ({ name, offset }));
  const isDirectiveLine = (line: number) => header.directiveLines[line] === 1;
  return typedefUses(code, isDirectiveLine, lineStarts(code), offsets).length < offsets.length;
}
