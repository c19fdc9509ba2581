// Where a file names a typedef as the type of a declaration (`blk_opf_t opf`, `mm_segment_t
// *old`, `static blk_mode_t mode_of(…)`), for `unknown-type`. Only declarations are taken: there
// gcc says "unknown type name" at every one where nothing defines the name, while a cast or a
// `sizeof` of it is an undeclared identifier, reported once per function, and a name followed
// by anything but a declarator may be a variable or an argument of the driver's own macro.
import { lineIndexAt } from './lineIndex';

/** A use of a candidate typedef name as a declaration's type. */
export interface TypedefUse {
  name: string;
  line: number;
  startColumn: number;
  /**
   * The top-level braces the use is in, or whose parameter list it is in (by where they open).
   * gcc drops a function whose parameter's type it does not know, and says nothing more about
   * its body; an unknown return type does not stop it.
   */
  block?: { open: number; parameter: boolean };
}

/** The name, then a declarator: stars and qualifiers, then the declared name (or a parenthesized one, `(*handler)`). */
const DECLARATOR_AFTER = /^(?:[ \t*]|\b(?:const|volatile|__user|__iomem|__rcu|__percpu|__force)\b)*\(?[ \t*]*[A-Za-z_]/;
/**
 * A prototype's parameter without a name (`int, make_request_fn *, unsigned op`): stars, then
 * the next parameter or the list's end. A cast (`(make_request_fn *)p`) is neither followed by
 * a comma nor preceded by one.
 */
function isUnnamedParameter(before: string, after: string): boolean {
  return /^[ \t]*\*[ \t*]*,/.test(after) || (/^[ \t]*\*[ \t*]*\)/.test(after) && /,[ \t]*$/.test(before));
}

/** What before the name makes it no type of its own: a member (`.x`, `->x`) or a tag (`struct x`). */
const NOT_A_TYPE_BEFORE = /(?:\.|->|\b(?:struct|union|enum))[ \t]*$/;

/**
 * The declarations in `masked` (comments and strings blanked, same offsets as the file) whose
 * type is a candidate typedef, outside directive lines; `offsets` are where the candidates
 * stand as words.
 */
export function typedefUses(masked: string, isDirectiveLine: (line: number) => boolean, lineStartIndices: readonly number[], offsets: Iterable<{ name: string; offset: number }>): TypedefUse[] {
  const found: TypedefUse[] = [];
  let blocks: TopLevelBlock[] | undefined;
  for (const { name, offset } of offsets) {
    const line = lineIndexAt(lineStartIndices, offset);
    if (isDirectiveLine(line)) continue;
    const lineStart = lineStartIndices[line];
    const lineEnd = (lineStartIndices[line + 1] ?? masked.length + 1) - 1;
    const before = masked.slice(lineStart, offset);
    if (NOT_A_TYPE_BEFORE.test(before)) continue;
    const after = masked.slice(offset + name.length, lineEnd);
    // `name(` is a call, or a macro of the driver's.
    if (after.startsWith('(') || !(DECLARATOR_AFTER.test(after) || isUnnamedParameter(before, after))) continue;
    const block = blockOf(blocks ??= topLevelBlocks(masked), offset, masked);
    found.push({ name, line, startColumn: offset - lineStart, ...(block ? { block } : {}) });
  }
  return found.sort((a, b) => a.line - b.line || a.startColumn - b.startColumn);
}

interface TopLevelBlock {
  /** Where the declaration before the braces starts (after the last `;` or `}` outside braces). */
  headerStart: number;
  open: number;
  close: number;
}

/** The braces outside every other brace, in order (the masked text has its directives blanked). */
function topLevelBlocks(masked: string): TopLevelBlock[] {
  const blocks: TopLevelBlock[] = [];
  let depth = 0;
  let headerStart = 0;
  let open = 0;
  const mark = /[{};]/g;
  for (let match = mark.exec(masked); match; match = mark.exec(masked)) {
    const at = match.index;
    const character = match[0];
    if (character === '{') {
      if (depth === 0) open = at;
      depth++;
    } else if (character === '}') {
      if (depth === 0) continue;
      depth--;
      if (depth === 0) {
        blocks.push({ headerStart, open, close: at });
        headerStart = at + 1;
      }
    } else if (depth === 0) headerStart = at + 1;
  }
  return blocks;
}

/** The block a use is in, or the block whose header's parameter list holds it (after the header's first `(`). */
function blockOf(blocks: readonly TopLevelBlock[], offset: number, masked: string): TypedefUse['block'] {
  let low = 0;
  let high = blocks.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const block = blocks[middle];
    if (offset < block.headerStart) high = middle - 1;
    else if (offset > block.close) low = middle + 1;
    else if (offset > block.open) return { open: block.open, parameter: false };
    else {
      const parenthesis = masked.indexOf('(', block.headerStart);
      return parenthesis >= 0 && parenthesis < offset ? { open: block.open, parameter: true } : undefined;
    }
  }
  return undefined;
}
