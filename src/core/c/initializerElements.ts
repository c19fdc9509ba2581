// Calls that are whole elements of an initializer outside every function: a table's rows
// (`{ X86_MATCH_INTEL_FAM6_MODEL(CORE2_MEROM, NULL), … }`) or a scalar's value (`static int
// x = f(1);`). There no call is a constant: after the first call of an undeclared function,
// gcc refuses every later one ("initializer element is not constant"), or first an undeclared
// name in its arguments ("undeclared here (not in a function)").
//
// A table may have thousands of rows, each asked about: what is read of an initializer's
// brackets is read once for it, and each row's question costs its own length.
import { argumentsAfter, NOT_CALLS, type CallSite } from './calls';
import { nextCodeChar, previousCodeChar } from './functionBodies';
import type { Span } from './spanSet';

/** Words of C, and macros every kernel build defines, that an argument may spell without naming anything the file declares. */
const NOT_DECLARED_NAMES: ReadonlySet<string> = new Set([...NOT_CALLS, 'NULL', 'true', 'false']);

/** What stands before and after a whole element: a brace, a comma, a designator's `=`; a comma, a brace, the declaration's end. */
const ELEMENT_BEFORE: ReadonlySet<string | undefined> = new Set(['{', ',', '=']);
const ELEMENT_AFTER: ReadonlySet<string | undefined> = new Set([',', '}', ';']);

export class InitializerElements {
  /** Per initializer (by start), how many parentheses and square brackets are open at each of its offsets. */
  private readonly openParentheses = new Map<number, Uint32Array>();

  /** `initializers`: where top-level declarations hold their initializers, [start, end) to the declaration's end, in file order. */
  constructor(
    private readonly masked: string,
    private readonly lineStartIndices: readonly number[],
    private readonly initializers: readonly Span[],
  ) {}

  /**
   * The names the call uses as values in its arguments, when it is a whole element of an
   * initializer (not under `sizeof`, inside another call or a subscript, nor part of an
   * expression); undefined for any other call. Not a member, a tag, a call's own name or a
   * word of C: gcc reports an undeclared one of the rest once, and then says nothing of the
   * calls that spell it again.
   */
  namesOf(site: CallSite): string[] | undefined {
    if (site.reference || site.fileScope) return undefined;
    const { masked } = this;
    const offset = this.lineStartIndices[site.line] + site.startColumn;
    const initializer = this.initializerAt(offset);
    if (!initializer) return undefined;
    const args = argumentsAfter(masked, offset + site.name.length, site.line);
    if (!args || args.end > initializer.end || !ELEMENT_BEFORE.has(previousCodeChar(masked, offset)) || !ELEMENT_AFTER.has(nextCodeChar(masked, args.end))) return undefined;
    if (this.parenthesesOpenAt(initializer, offset) > 0) return undefined;
    const names = new Set<string>();
    for (const { start, end } of args.spans) {
      for (const match of masked.slice(start, end).matchAll(/\b[A-Za-z_]\w*/g)) {
        const at = start + match.index!;
        const name = match[0];
        if (NOT_DECLARED_NAMES.has(name) || /(?:\.|->|\b(?:struct|union|enum))\s*$/.test(masked.slice(Math.max(0, at - 16), at)) || /^\s*\(/.test(masked.slice(at + name.length, at + name.length + 40))) continue;
        names.add(name);
      }
    }
    return [...names];
  }

  private initializerAt(offset: number): Span | undefined {
    const spans = this.initializers;
    let low = 0;
    let high = spans.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (offset < spans[middle].start) high = middle - 1;
      else if (offset >= spans[middle].end) low = middle + 1;
      else return spans[middle];
    }
    return undefined;
  }

  /** How many parentheses and square brackets are open at `offset` of the initializer (braces are the lists'). */
  private parenthesesOpenAt(initializer: Span, offset: number): number {
    let open = this.openParentheses.get(initializer.start);
    if (!open) this.openParentheses.set(initializer.start, (open = openParenthesesOf(this.masked, initializer)));
    return open[offset - initializer.start];
  }
}

/** At each offset of the span, the parentheses and square brackets opened before it and not closed, where braces count as the lists' own. */
function openParenthesesOf(masked: string, span: Span): Uint32Array {
  const open = new Uint32Array(span.end - span.start);
  const stack: string[] = [];
  let parentheses = 0;
  for (let i = span.start; i < span.end; i++) {
    open[i - span.start] = parentheses;
    const char = masked[i];
    if (char === '(' || char === '[' || char === '{') {
      stack.push(char);
      if (char !== '{') parentheses++;
    } else if ((char === ')' || char === ']' || char === '}') && stack.length > 0) {
      if (stack.pop() !== '{') parentheses--;
    }
  }
  return open;
}
