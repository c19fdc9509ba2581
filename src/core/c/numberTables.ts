// Tables of plain numbers (register and firmware tables: rtw89's rtw8852a_table.c holds 1.7 MB
// of `{0x704, 0x601E0100},` rows) name nothing a rule judges, yet parsing them and walking
// their nodes was most of what checking such a file cost. Their insides are blanked before
// the parser reads the text: `= {` and the closing `}` stay, every other character but line
// breaks becomes a space, so every offset and line holds.
import { pushBlanked } from './blanks';
import { isIdentifierCode, isSpaceCode } from './typeText';

/** Smaller tables are left as they are: parsing them costs little. */
const MIN_TABLE_CHARS = 2048;

const TABLE_OPENING = /=[ \t\r\n]*\{/g;

export function blankNumberTables(text: string): string {
  let blanked: string[] | undefined;
  let copiedTo = 0;
  TABLE_OPENING.lastIndex = 0;
  for (let match = TABLE_OPENING.exec(text); match; match = TABLE_OPENING.exec(text)) {
    const open = match.index + match[0].length - 1;
    const close = numberTableEnd(text, open);
    if (close < 0) {
      TABLE_OPENING.lastIndex = open + 1;
      continue;
    }
    TABLE_OPENING.lastIndex = close + 1;
    if (close - open < MIN_TABLE_CHARS) continue;
    blanked ??= [];
    blanked.push(text.slice(copiedTo, open + 1));
    pushBlanked(blanked, text, open + 1, close, false);
    copiedTo = close;
  }
  if (!blanked) return text;
  blanked.push(text.slice(copiedTo));
  return blanked.join('');
}

/**
 * Where the brace list opened at `open` closes, when all it holds is numbers (optionally
 * signed), commas, nested braces, white space and comments; -1 when it holds anything else
 * (a name, a string, a directive, an operator) or never closes.
 */
function numberTableEnd(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 123 /* { */) {
      depth++;
      i++;
    } else if (code === 125 /* } */) {
      if (--depth === 0) return i;
      i++;
    } else if (code === 44 /* , */ || code === 43 /* + */ || code === 45 /* - */ || isSpaceCode(code)) {
      i++;
    } else if (code >= 48 && code <= 57) {
      i = numberEnd(text, i);
    } else if (code === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 2;
    } else if (code === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      if (end < 0) return -1;
      i = end;
    } else {
      return -1;
    }
  }
  return -1;
}

/** Past a number that starts at `start`: digits, letters (hex digits, suffixes) and dots. */
function numberEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isIdentifierCode(code) || code === 46 /* . */) i++;
    else break;
  }
  return i;
}
