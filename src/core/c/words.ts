// Where a name stands as a whole word in a text (not inside a longer identifier), found by
// plain search: asked of whole header texts, where a regular expression per name costs more.

/** The offsets at which `name` stands as a whole word in `text`, in order. */
export function* wordOffsets(text: string, name: string): Generator<number> {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    if (!isWordCharacter(text.charCodeAt(at - 1)) && !isWordCharacter(text.charCodeAt(at + name.length))) yield at;
  }
}

/** Whether `text` holds `name` as a whole word. */
export function holdsWord(text: string, name: string): boolean {
  return !wordOffsets(text, name).next().done;
}

function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** The offset at which each word of `text` is first spelled, found in one pass. */
export function firstWordOffsets(text: string): Map<string, number> {
  const first = new Map<string, number>();
  for (const match of text.matchAll(/\b[A-Za-z_]\w*/g)) if (!first.has(match[0])) first.set(match[0], match.index!);
  return first;
}
