// Where lines end. gcc and VS Code end a line at a lone carriage return too (old Mac files;
// Realtek's vendor sources carry a few), while the checker, the preprocessor and tree-sitter
// count lines at '\n'. A lone '\r' is turned into '\n' as a text comes in: every offset holds,
// and line numbers are gcc's, so findings name the line the build names.

/** `text` with each carriage return that no line feed follows turned into a line feed. */
export function withLoneCarriageReturnsAsLineFeeds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
