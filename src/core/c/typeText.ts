// Reading C types and declarations as text where the tree is not enough: declarations
// tree-sitter splits at annotations, type text with its layers, parameter lists, and the
// normalized spelling signatures are compared in.
import { pushBlanked } from './blanks';
import type { AggregateKind } from './usages';
import type { TextualType } from './usageModel';
import { ADDRESS_SPACE_ANNOTATIONS, C_TYPE_KEYWORDS, DECLARATION_PREFIX_WORDS, NAME_ATTRIBUTE_PATTERN, PLAIN_ANNOTATIONS, TYPE_QUALIFIERS } from './kernelMacros';

/** A name in a declarator position that is really an unexpanded annotation macro. */
export function isAnnotationLike(name: string): boolean {
  return /^__[a-z][a-z0-9_]*$/.test(name) || PLAIN_ANNOTATIONS.has(name);
}

export function isNameToken(type: string): boolean {
  return type === 'identifier' || type === 'field_identifier' || type === 'type_identifier';
}

export function isIdentifierCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

export function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/** The first offset at or after `from` that is not white space (the text's length where none is). */
export function skipSpaces(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpaceCode(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The text with comments and the insides of string and character literals replaced by spaces,
 * so offsets stay valid while brackets, commas and words in them stop counting.
 */
export function blankCommentsAndLiterals(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number) => {
    parts.push(text.slice(copied, from));
    // Newlines stay, so line numbers counted in the blanked text are still right.
    pushBlanked(parts, text, from, to, false);
    copied = to;
  };
  // From one comment opener or quote to the next by a native search: most of a text is code, and
  // a re-check's slice is mostly blank.
  const opener = /[/"']/g;
  for (let match = opener.exec(text); match; match = opener.exec(text)) {
    const i = match.index;
    const code = text.charCodeAt(i);
    if (code === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 42 /* * */) {
        const close = text.indexOf('*/', i + 2);
        const end = close < 0 ? text.length : close + 2;
        blank(i, end);
        opener.lastIndex = end;
      } else if (next === 47) {
        const newline = text.indexOf('\n', i);
        const end = newline < 0 ? text.length : newline;
        blank(i, end);
        opener.lastIndex = end;
      }
    } else {
      // The quote stays; the literal ends at its closing quote or, unterminated, at the line end.
      let end = i + 1;
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (c === code) {
          end++;
          break;
        }
        if (c === 10) break;
        end += c === 92 /* \ */ ? 2 : 1;
      }
      end = Math.min(end, text.length);
      blank(i + 1, end);
      opener.lastIndex = end;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * The offset just past the bracket closing the one at `open` (in blanked text), or -1 when it
 * does not close within `limit` characters.
 */
export function closingBracketEnd(text: string, open: number, limit = text.length): number {
  let depth = 0;
  const stop = Math.min(text.length, open + limit);
  for (let i = open; i < stop; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i + 1;
  }
  return -1;
}

/** [start, end) offsets of the pieces of a blanked text between top-level separators. */
export function splitTopLevel(text: string, separator = ','): [number, number][] {
  const pieces: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === separator && depth === 0) {
      pieces.push([start, i]);
      start = i + 1;
    }
  }
  pieces.push([start, text.length]);
  return pieces;
}

export function isWord(token: string): boolean {
  const code = token.charCodeAt(0);
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
}

export function isTypeWord(token: string): boolean {
  return isWord(token) && !TYPE_QUALIFIERS.has(token) && !ADDRESS_SPACE_ANNOTATIONS.has(token);
}

export interface SimpleDeclaration {
  tokens: string[];
  /** Index of the name in `tokens`, -1 without one. */
  nameAt: number;
  name?: string;
  type: TextualType;
}

/**
 * Reads one declaration without parentheses in it (`const char __user *buf`, `struct pci_dev
 * *pdev`, `unsigned long`, `u8 data[4]`): its name, and enough of its type to resolve it.
 */
export function parseSimpleDeclaration(text: string): SimpleDeclaration {
  const tokens: string[] = (text.includes('__') ? text.replace(NAME_ATTRIBUTE_PATTERN, ' ') : text).match(/[A-Za-z_$][\w$]*|\.\.\.|\S/g) ?? [];
  let arraysStart = tokens.indexOf('[');
  if (arraysStart < 0) arraysStart = tokens.length;
  let nameAt = -1;
  const last = arraysStart - 1;
  if (last >= 1 && isTypeWord(tokens[last]) && !C_TYPE_KEYWORDS.has(tokens[last])) {
    // The last word is the name unless it completes the type: `struct foo`, a lone `u32`.
    let previous = last - 1;
    while (previous >= 0 && !isTypeWord(tokens[previous]) && tokens[previous] !== '*') previous--;
    const before = previous >= 0 ? tokens[previous] : '';
    if (before !== '' && before !== 'struct' && before !== 'union' && before !== 'enum') nameAt = last;
  }
  const type: TextualType = { layers: '' };
  let isEnum = false;
  for (let i = 0; i < arraysStart; i++) {
    const token = tokens[i];
    if (i === nameAt) continue;
    if (token === '*') {
      type.layers += '*';
    } else if ((token === 'struct' || token === 'union') && i + 1 < arraysStart && i + 1 !== nameAt) {
      type.tag = { kind: token, name: tokens[++i] };
    } else if (token === 'enum') {
      isEnum = true;
    } else if (!isEnum && !type.tag && type.typedefName === undefined && isTypeWord(token) && !C_TYPE_KEYWORDS.has(token) && !DECLARATION_PREFIX_WORDS.has(token)) {
      type.typedefName = token;
    }
  }
  for (let i = arraysStart; i < tokens.length; i++) if (tokens[i] === '[') type.layers = '[' + type.layers;
  return { tokens, nameAt, name: nameAt >= 0 ? tokens[nameAt] : undefined, type };
}

/** The type of a simple declaration as text, without its name (`char __user *`). */
export function typeTextOf(declaration: SimpleDeclaration): string {
  return normalizeTypeText(declaration.tokens.filter((_, i) => i !== declaration.nameAt).join(' '));
}

/** A declarator after the first in `struct foo *a, b[2]`: its name and its own layers. */
export function parseLaterDeclarator(text: string): { name: string; layers: string } | undefined {
  const name = /[A-Za-z_]\w*/.exec(text);
  if (!name) return undefined;
  const stars = (text.slice(0, name.index).match(/\*/g) ?? []).length;
  const arrays = (text.slice(name.index).match(/\[/g) ?? []).length;
  return { name: name[0], layers: '['.repeat(arrays) + '*'.repeat(stars) };
}

/** `ops __read_mostly` → `ops`: annotation macros written after a declarator. */
export function withoutTrailingAnnotations(text: string): string {
  for (;;) {
    const last = /\s([A-Za-z_]\w*)\s*$/.exec(text);
    if (!last || !isAnnotationLike(last[1]) || ADDRESS_SPACE_ANNOTATIONS.has(last[1])) return text;
    text = text.slice(0, last.index);
  }
}

/**
 * Drops the names in the parameter lists of function types, so that a parameter written
 * `int (*cb)(void *data)` compares equal to the database's `int (*)(void *)`. Expects
 * normalized text, where a parameter list always follows `)` directly.
 */
export function withoutNestedParameterNames(typeText: string): string {
  let result = '';
  let position = 0;
  for (let join = typeText.indexOf(')(', position); join >= 0; join = typeText.indexOf(')(', position)) {
    const listStart = join + 1;
    const listEnd = closingBracketEnd(typeText, listStart);
    if (listEnd < 0) break;
    const inside = typeText.slice(listStart + 1, listEnd - 1);
    const parameters = splitTopLevel(inside).map(([start, end]) => {
      const parameter = inside.slice(start, end);
      if (!/[()]/.test(parameter)) return typeTextOf(parseSimpleDeclaration(parameter));
      return withoutNestedParameterNames(normalizeTypeText(parameter.replace(/\(\s*\*\s*[A-Za-z_]\w*\s*\)/, '(*)')));
    });
    result += typeText.slice(position, listStart) + '(' + parameters.join(', ') + ')';
    position = listEnd;
  }
  return result + typeText.slice(position);
}

/**
 * Turns the text of a member type from the oracle into a ValueType shape: the aggregate tag
 * and its layers. Undefined for anything that is not an aggregate, an array of them or a
 * pointer to them (scalars, function pointers, anonymous aggregates).
 */
export function parseTypeText(text: string): { kind: AggregateKind; name: string; layers: string } | undefined {
  const match = /^\s*(?:[A-Za-z_]\w*\s+)*?(struct|union)\s+([A-Za-z_]\w*)\b(.*)$/s.exec(text);
  if (!match) return undefined;
  const declarator = match[3].replace(/\b(?:const|volatile|restrict|__restrict|__\w+)\b/g, '').replace(/\s+/g, '');
  const layers = layersOfAbstractDeclarator(declarator);
  if (layers === undefined || layers.includes('f')) return undefined;
  return { kind: match[1] as AggregateKind, name: match[2], layers };
}

/**
 * Layers of an abstract declarator written as text, without spaces ('*', '*[4]', '(*)[2]').
 * Stars bind looser than array suffixes, and a parenthesized part binds loosest of all.
 */
export function layersOfAbstractDeclarator(text: string): string | undefined {
  let position = 0;
  let stars = 0;
  while (text[position] === '*') {
    stars++;
    position++;
  }
  let inner: string | undefined;
  if (text[position] === '(') {
    const close = closingBracketEnd(text, position);
    if (close < 0) return undefined;
    inner = text.slice(position + 1, close - 1);
    position = close;
    if (text[position] === '(') return 'f';
  }
  let arrays = 0;
  while (text[position] === '[') {
    const close = text.indexOf(']', position);
    if (close < 0) return undefined;
    arrays++;
    position = close + 1;
  }
  if (position !== text.length) return undefined;
  const innerLayers = inner === undefined ? '' : layersOfAbstractDeclarator(inner);
  if (innerLayers === undefined) return undefined;
  return innerLayers + '['.repeat(arrays) + '*'.repeat(stars);
}

/**
 * Normalizes C type text the way signatures are compared: comments and name attributes gone,
 * whitespace collapsed, pointer stars attached (`struct vfio_device *`, `int (*)(void *)`).
 */
export function normalizeTypeText(text: string): string {
  const cleaned = text
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\)/g, ' ')
    .replace(NAME_ATTRIBUTE_PATTERN, ' ');
  const tokens = cleaned.match(/[A-Za-z_$][\w$]*|0[xX][\da-fA-F]+|\d+|\.\.\.|\S/g) ?? [];
  let result = '';
  let previous = '';
  for (const token of tokens) {
    const glued =
      previous === '' ||
      previous === '(' ||
      previous === '[' ||
      token === ')' ||
      token === ']' ||
      token === ',' ||
      token === '[' ||
      (previous === '*' && (token === '*' || token === ')')) ||
      (previous === ')' && token === '(');
    result += glued ? token : ' ' + token;
    previous = token;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

