// Blanking a stretch of text to spaces, line breaks kept, is what every scan before parsing
// does (comments, literals, directives, lines a target does not compile). Done with a regex
// replace per stretch, it was a fifth of what a check allocated over drivers/net. Here the
// spaces are cut from one long run and the line breaks are the text's own characters, so
// blanking allocates next to nothing besides the joined result.

const SPACES = ' '.repeat(4096);

/** `count` spaces. */
export function spaces(count: number): string {
  return count <= SPACES.length ? SPACES.slice(0, count) : ' '.repeat(count);
}

/**
 * Appends text[start, end) as spaces to `parts`, its line breaks (and carriage returns, if
 * `keepReturns`) kept.
 */
export function pushBlanked(parts: string[], text: string, start: number, end: number, keepReturns: boolean): void {
  let run = start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 10 && !(code === 13 && keepReturns)) continue;
    if (i > run) parts.push(spaces(i - run));
    parts.push(code === 10 ? '\n' : '\r');
    run = i + 1;
  }
  if (end > run) parts.push(spaces(end - run));
}
