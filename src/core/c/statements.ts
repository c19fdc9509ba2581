// Where the C statement around a position starts and ends, read from the text alone. Quick
// fixes need it to put a version guard around a member access; they run on the text the
// user sees, which may not parse cleanly while typing, so a tolerant scanner over brackets
// and statement keywords serves better here than a syntax tree.
import { pushBlanked } from './blanks';

const NEXT_NOT_SPACE = /[^ \t\r\f\v]/g;
const NEXT_IN_CODE = /[\n/"']/g;

function isIdentifierChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/**
 * The text with comments, the insides of string and character literals, and preprocessor
 * directive lines replaced by spaces (line breaks kept), so offsets stay valid while
 * brackets and semicolons inside them stop counting.
 */
export function maskCode(text: string): string {
  const parts: string[] = [];
  let copiedUpTo = 0;
  const mask = (start: number, end: number) => {
    parts.push(text.slice(copiedUpTo, start));
    pushBlanked(parts, text, start, end, true);
    copiedUpTo = end;
  };
  let atLineStart = true;
  let i = 0;
  while (i < text.length) {
    // Jump to the next character that can matter: at a line's start the first that is not
    // space (a `#` there opens a directive), elsewhere a line break, a comment or a literal.
    const next = atLineStart ? NEXT_NOT_SPACE : NEXT_IN_CODE;
    next.lastIndex = i;
    // test, not exec: no match object per step (each pattern matches one character).
    if (!next.test(text)) break;
    i = next.lastIndex - 1;
    const c = text[i];
    if (c === '\n') {
      atLineStart = true;
      i++;
      continue;
    }
    if (atLineStart && c === '#') {
      const end = directiveEnd(text, i);
      mask(i, end);
      i = end;
      continue;
    }
    atLineStart = false;
    if (c === '/' && text[i + 1] === '/') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      mask(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      mask(i, end);
      i = end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(j, text.length);
      // The quotes stay, so that `x = "";` still reads as an expression.
      mask(i + 1, end);
      // An unterminated literal ends at the line break, which must still start a line.
      i = text[end] === c ? end + 1 : end;
    } else i++;
  }
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/** End of a directive starting at `start`: its line, its backslash continuations, and comments that run on. */
function directiveEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (text[i] === '\n') {
      let before = i - 1;
      if (text[before] === '\r') before--;
      if (text[before] !== '\\') return i;
    }
    i++;
  }
  return text.length;
}

export interface StatementSpan {
  start: number;
  /** Just past the statement's last character (its `;` or `}`). */
  end: number;
}

interface Statement extends StatementSpan {
  /** Statements nested in it that are not blocks: the bodies of if/else, loops, switch. */
  bodies: Statement[];
}

const MAX_NESTING = 200;

/** Reads statements of one masked text; brackets are matched once up front. */
class StatementScanner {
  /** For each bracket, the offset of its partner (-1: none). */
  private readonly partner: Int32Array;
  /** Offsets of `{` that open a block of statements (not an initializer or a type body), ascending. */
  private readonly blockBraces: number[] = [];
  /** The same as flags by offset, for constant-time questions. */
  private readonly isBlockBrace: Uint8Array;

  constructor(private readonly code: string) {
    this.partner = new Int32Array(code.length).fill(-1);
    this.isBlockBrace = new Uint8Array(code.length);
    const stack: number[] = [];
    for (let i = 0; i < code.length; i++) {
      const c = code[i];
      if (c === '(' || c === '[' || c === '{') {
        if (c === '{' && this.opensBlock(i, stack.length > 0 ? stack[stack.length - 1] : -1)) {
          this.isBlockBrace[i] = 1;
          this.blockBraces.push(i);
        }
        stack.push(i);
      } else if (c === ')' || c === ']' || c === '}') {
        const open = c === ')' ? '(' : c === ']' ? '[' : '{';
        // Tolerate unbalanced text (the user is typing): only a matching opener pairs.
        const top = stack.length > 0 ? stack[stack.length - 1] : -1;
        if (top >= 0 && code[top] === open) {
          stack.pop();
          this.partner[top] = i;
          this.partner[i] = top;
        }
      }
    }
  }

  private previousSignificant(index: number): number {
    let i = index - 1;
    while (i >= 0 && /\s/.test(this.code[i])) i--;
    return i;
  }

  private wordEndingAt(index: number): string {
    let start = index;
    while (start > 0 && isIdentifierChar(this.code.charCodeAt(start - 1))) start--;
    return this.code.slice(start, index + 1);
  }

  /** Does the `{` at `index` open a block of statements? */
  private opensBlock(index: number, enclosing: number): boolean {
    const before = this.previousSignificant(index);
    const enclosingIsBlockOrTop = enclosing < 0 || this.isBlockBrace[enclosing] === 1;
    if (before < 0) return true;
    const c = this.code[before];
    if (c === ';' || c === '}' || c === ':') return enclosingIsBlockOrTop;
    if (c === '{') return enclosingIsBlockOrTop;
    if (c === ')') {
      // `if (...) {`, `f(...) {`, `list_for_each_entry(...) {` open blocks; `= (struct x){` does not.
      const open = this.partner[before];
      if (open < 0) return true;
      const beforeOpen = this.previousSignificant(open);
      if (beforeOpen < 0 || !isIdentifierChar(this.code.charCodeAt(beforeOpen))) return false;
      const word = this.wordEndingAt(beforeOpen);
      return word !== 'return' && word !== 'sizeof' && !/^\d/.test(word);
    }
    if (isIdentifierChar(this.code.charCodeAt(before))) {
      const word = this.wordEndingAt(before);
      return word === 'else' || word === 'do';
    }
    return false;
  }

  private skipSpace(index: number, limit: number): number {
    let i = index;
    while (i < limit && /\s/.test(this.code[i])) i++;
    return i;
  }

  private wordAt(index: number): string {
    let end = index;
    while (end < this.code.length && isIdentifierChar(this.code.charCodeAt(end))) end++;
    const word = this.code.slice(index, end);
    return /^\d/.test(word) ? '' : word;
  }

  /** Past the bracket group opening at `index`, or just past `index` when it has no partner. */
  private pastGroup(index: number, limit: number): number {
    const close = this.partner[index];
    return close > index ? Math.min(close + 1, limit) : index + 1;
  }

  /** The statement that starts at or after `index`, within `limit`. */
  private statementAt(index: number, limit: number, nesting: number): Statement | undefined {
    const start = this.skipSpace(index, limit);
    if (start >= limit) return undefined;
    const c = this.code[start];
    if (c === '{') return { start, end: this.pastGroup(start, limit), bodies: [] };
    if (c === ';') return { start, end: start + 1, bodies: [] };
    const word = this.wordAt(start);
    if (nesting < MAX_NESTING) {
      switch (word) {
        case 'if':
        case 'for':
        case 'while':
        case 'switch': {
          const open = this.skipSpace(start + word.length, limit);
          if (this.code[open] !== '(') break;
          const body = this.statementAt(this.pastGroup(open, limit), limit, nesting + 1);
          if (!body) return { start, end: limit, bodies: [] };
          const statement: Statement = { start, end: body.end, bodies: [body] };
          const next = this.skipSpace(body.end, limit);
          if (word === 'if' && this.wordAt(next) === 'else') {
            const otherwise = this.statementAt(next + 4, limit, nesting + 1);
            if (otherwise) {
              statement.bodies.push(otherwise);
              statement.end = otherwise.end;
            }
          }
          return statement;
        }
        case 'do': {
          const body = this.statementAt(start + 2, limit, nesting + 1);
          if (!body) return { start, end: limit, bodies: [] };
          return { start, end: this.expressionEnd(body.end, limit), bodies: [body] };
        }
        case 'case':
        case 'default':
          return { start, end: this.labelEnd(start, limit), bodies: [] };
        default:
          if (word && !['else', 'return', 'goto', 'break', 'continue'].includes(word)) {
            const after = this.skipSpace(start + word.length, limit);
            if (this.code[after] === ':' && this.code[after + 1] !== ':') return { start, end: after + 1, bodies: [] };
          }
      }
    }
    return { start, end: this.expressionEnd(start, limit), bodies: [] };
  }

  /** Just past the `:` that ends a `case ...:` label. */
  private labelEnd(start: number, limit: number): number {
    let i = start;
    while (i < limit) {
      const c = this.code[i];
      if (c === '(' || c === '[') i = this.pastGroup(i, limit);
      else if (c === ':') return i + 1;
      else i++;
    }
    return limit;
  }

  /**
   * Just past the `;` that ends an expression or declaration statement. A block that follows
   * a macro call (`list_for_each_entry(...) { ... }`) ends the statement too.
   */
  private expressionEnd(start: number, limit: number): number {
    let i = start;
    while (i < limit) {
      const c = this.code[i];
      if (c === ';') return i + 1;
      if (c === '{' && this.isBlockBrace[i] === 1) return this.pastGroup(i, limit);
      if (c === '(' || c === '[' || c === '{') i = this.pastGroup(i, limit);
      else i++;
    }
    return limit;
  }

  /** The innermost block `{` around `index`, or -1 outside every function body. */
  private enclosingBlock(index: number): number {
    let best = -1;
    for (const open of this.blockBraces) {
      if (open >= index) break;
      if (this.partner[open] >= index && open > best) best = open;
    }
    return best;
  }

  enclosingStatement(index: number): StatementSpan | undefined {
    const open = this.enclosingBlock(index);
    if (open < 0) return undefined;
    const limit = this.partner[open];
    let position = open + 1;
    while (position < limit) {
      const statement = this.statementAt(position, limit, 0);
      if (!statement) return undefined;
      if (statement.start <= index && index < statement.end) return innermost(statement, index);
      if (statement.end <= position) return undefined;
      position = statement.end;
    }
    return undefined;
  }
}

function innermost(statement: Statement, index: number): Statement {
  for (const body of statement.bodies) {
    if (body.start <= index && index < body.end) return innermost(body, index);
  }
  return statement;
}

/**
 * The smallest whole statement inside a function body that contains offset `index`: an
 * expression or declaration statement, or an if/loop/switch when `index` is in its
 * condition. Undefined outside function bodies.
 */
export function enclosingStatement(text: string, index: number, masked: string = maskCode(text)): StatementSpan | undefined {
  return new StatementScanner(masked).enclosingStatement(index);
}
