/**
 * A copy of a string that does not share a larger text. A name cut from a text (a regex match,
 * a node's text) may be a slice that keeps the whole text alive, and so is any string built
 * from it (`${kind} ${name}`: V8 keeps the parts of a concatenation, even as a Map key). So
 * whatever is kept across files, keyed or valued by such names, keeps every file's text: an
 * index of 5,000 kernel files held over 200 MB of texts for the sake of its names, and the
 * database's and the kernel declarations' caches 100 MB per checking thread over drivers/.
 * Every cache that outlives a file stores its keys through this. V8 copies a piece shorter
 * than 13 characters rather than slicing it; a longer one is copied through a buffer, which
 * makes a flat string (slicing a copy would keep a slice object too: 17 MB of the index of
 * drivers/).
 */
const SHORTEST_SLICE = 13;

export function detached(text: string): string {
  return text.length < SHORTEST_SLICE ? text : Buffer.from(text, 'utf8').toString('utf8');
}
