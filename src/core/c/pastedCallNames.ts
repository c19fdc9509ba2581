// Whether a driver's own code may make a function name by token pasting, as the kernel's
// generator macros do (`PAGEFLAG(Error, error, PF_NO_TAIL)` makes `SetPageError` up to 6.1). A
// name only generators make is judged missing only where the driver could not make it too: no
// `##` of its own, and no call starting a line that passes a word the name holds (the driver
// calling the kernel's generator, or a generator of its own, with `Error`).
import { blankCommentsAndLiterals } from './typeText';

/** A line's call: `NAME(args)` at its start, arguments without parentheses. */
const LINE_START_CALL = /^[ \t]*[A-Za-z_]\w*[ \t]*\(([^()\n]*)\)/gm;
/** Shorter words are parts of too many names to tell anything. */
const MIN_WORD = 3;

/** For the file and the workspace headers it reads: whether the driver may paste `name` itself. */
export function driverMayPaste(texts: readonly string[]): (name: string) => boolean {
  const words = new Set<string>();
  for (const text of texts) {
    const code = blankCommentsAndLiterals(text);
    if (code.includes('##')) return () => true;
    for (const [, list] of code.matchAll(LINE_START_CALL)) {
      for (const argument of list.split(',')) {
        const word = argument.trim();
        if (word.length >= MIN_WORD && /^[A-Za-z_]\w*$/.test(word)) words.add(word);
      }
    }
  }
  return (name) => [...words].some((word) => name.includes(word));
}
