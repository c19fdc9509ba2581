/**
 * A copy of a string that does not share a larger text. A name cut from a text (a regex match,
 * a node's text) may be a slice that keeps the whole text alive, so whatever is kept across
 * files, keyed or valued by such names, keeps every file's text: an index of 5,000 kernel files
 * held over 200 MB of texts for the sake of its names, and the callback judge's cache of
 * kernel functions 30 MB per 4,000 files checked. V8 copies a piece shorter than 13 characters
 * rather than slicing it; a longer one is copied through a buffer, which makes a flat string
 * (slicing a copy would keep a slice object too: 17 MB of the index of drivers/).
 */
const SHORTEST_SLICE = 13;

export function detached(text: string): string {
  return text.length < SHORTEST_SLICE ? text : Buffer.from(text, 'utf8').toString('utf8');
}
