// Which lines of a driver's own files reached the compiler, read from preprocessor output.
// gcc -E writes `# <line> "<file>" <flags>` whenever the output jumps to another file or
// line; every output line after a marker is the next line of that file. A line that comes
// out with text was compiled; lines in a branch the preprocessor dropped come out blank or
// are skipped by the next marker. An #include leaves no text but a marker with flag 1
// (entering the header) at its line, so it counts too. (A header a guard has already
// included once is skipped without a marker: such a repeated #include looks uncompiled.)
import { driverPath } from './gccDiagnostics';

/** Relative file path → the line numbers (1-based) that were compiled. */
export type CompiledLines = Map<string, Set<number>>;

const MARKER = /^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d+)*)$/;

/**
 * Adds the driver lines of one preprocessed object to `into` (one map for a whole build:
 * a header counts as compiled where any object compiled it). Files outside `root` (kernel
 * headers, `<built-in>`) are skipped.
 */
export function addCompiledLines(preprocessed: string, root: string, into: CompiledLines = new Map(), build = root): CompiledLines {
  let lines: Set<number> | undefined;
  let next = 0;
  for (const text of preprocessed.split('\n')) {
    const marker = MARKER.exec(text);
    if (marker) {
      if (lines && marker[3].split(' ').includes('1')) lines.add(next);
      next = Number(marker[1]);
      lines = fileLines(into, root, unescape(marker[2]), build);
      continue;
    }
    if (lines && text.trim() !== '') lines.add(next);
    next++;
  }
  return into;
}

function fileLines(into: CompiledLines, root: string, file: string, build: string): Set<number> | undefined {
  // `<built-in>`, `<command-line>`; and with -g, the folder gcc ran in (`"/build/x//"`), which
  // is the driver's own from 6.13, when Kbuild compiles there.
  if (file.startsWith('<') || file.endsWith('//')) return undefined;
  const rel = driverPath(root, file, build);
  if (rel === undefined) return undefined;
  let lines = into.get(rel);
  if (!lines) into.set(rel, (lines = new Set()));
  return lines;
}

/** gcc escapes `"` and `\` in marker file names. */
function unescape(name: string): string {
  return name.replace(/\\(.)/g, '$1');
}

/**
 * The preprocessor prints a logical line spread over several physical ones with `\`
 * (a multi-line #define above all) as one line, then blank lines: the continuation lines
 * reached the compiler as much as the first. `sourceOf` gives a file's text.
 */
export function addContinuationLines(compiled: CompiledLines, sourceOf: (file: string) => string | undefined): CompiledLines {
  for (const [file, lines] of compiled) {
    const text = sourceOf(file);
    if (text === undefined) continue;
    const source = text.split('\n');
    for (const first of [...lines]) {
      for (let n = first; n <= source.length && /\\\s*$/.test(source[n - 1]); n++) lines.add(n + 1);
    }
  }
  return compiled;
}

export function isCompiled(compiled: CompiledLines, file: string, line: number): boolean {
  return compiled.get(file)?.has(line) ?? false;
}
