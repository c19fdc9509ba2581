// `for` statements whose first clause declares the loop's variables (`for (int i = 0; …)`), a
// C99 form: kernels before 5.18 compile with -std=gnu89, where gcc refuses it ("'for' loop
// initial declarations are only allowed in C99 or C11 mode"). The masked text finds the few
// `for (` worth a look; the parse tree tells a declaration from an expression (`for (i = 0; …)`).
import type { Node } from 'web-tree-sitter';
import type { SourceRange } from './usages';

export interface LoopDeclaration {
  /** The declaration in the first clause, without its `;`. */
  range: SourceRange;
  /** The names it declares, in order. */
  names: string[];
  /** Where the `for` keyword stands: gcc reports the error there. */
  line: number;
  /** The same loop in C89, when it can be written: what the fix puts in its place. */
  rewrite?: LoopRewrite;
}

/** `for (int i = 0, j; …)` as `int i, j;` before `for (i = 0; …)`. Offsets in the file's text. */
export interface LoopRewrite {
  /** The whole `for` statement, body included. */
  statement: { start: number; end: number };
  /** The first clause, its `;` included. */
  clause: { start: number; end: number };
  /** `int i, j;` */
  declaration: string;
  /** `i = 0`: the first clause without the declaration (empty where nothing is initialized). */
  initializer: string;
}

const FOR_OPENING = /\bfor\s*\(/g;

/** The loop declarations of the tree's text; `masked`: that text with comments, literals and directives blanked. */
export function loopDeclarations(root: Node, masked: string): LoopDeclaration[] {
  const found: LoopDeclaration[] = [];
  for (const match of masked.matchAll(FOR_OPENING)) {
    const statement = root.descendantForIndex(match.index!)?.parent;
    if (statement?.type !== 'for_statement' || statement.startIndex !== match.index) continue;
    const initializer = statement.childForFieldName('initializer');
    if (initializer?.type !== 'declaration') continue;
    const declarators = initializer.childrenForFieldName('declarator').filter((node): node is Node => node !== null);
    const names = declarators.map(declaredName).filter((name): name is string => name !== undefined);
    if (names.length === 0 || names.length !== declarators.length) continue;
    const last = declarators[declarators.length - 1];
    const rewrite = loopRewrite(statement, initializer, declarators, names);
    found.push({
      range: {
        startLine: initializer.startPosition.row,
        startColumn: initializer.startPosition.column,
        endLine: last.endPosition.row,
        endColumn: last.endPosition.column,
        startIndex: initializer.startIndex,
        endIndex: last.endIndex,
      },
      names,
      line: statement.startPosition.row,
      ...(rewrite ? { rewrite } : {}),
    });
  }
  return found;
}

/**
 * The declaration and first clause the loop has in C89, where each declarator is a plain name,
 * pointer or array and each initial value an expression (an array's `= { … }` cannot become an
 * assignment). The declaration keeps everything before the declarators (`const struct foo`).
 */
function loopRewrite(statement: Node, declaration: Node, declarators: readonly Node[], names: readonly string[]): LoopRewrite | undefined {
  const specifiers = declaration.text.slice(0, declarators[0].startIndex - declaration.startIndex).trimEnd();
  const declared: string[] = [];
  const assignments: string[] = [];
  for (let i = 0; i < declarators.length; i++) {
    const node = declarators[i];
    if (node.type !== 'init_declarator') {
      declared.push(node.text);
      continue;
    }
    const target = node.childForFieldName('declarator');
    const value = node.childForFieldName('value');
    if (!target || !value || value.type === 'initializer_list') return undefined;
    declared.push(target.text);
    assignments.push(`${names[i]} = ${value.text}`);
  }
  return {
    statement: { start: statement.startIndex, end: statement.endIndex },
    clause: { start: declaration.startIndex, end: declaration.endIndex },
    declaration: `${specifiers} ${declared.join(', ')};`,
    initializer: assignments.join(', '),
  };
}

/** The identifier a declarator declares: `i` of `i = 0`, `p` of `*p = head`, `a` of `a[4]`. */
function declaredName(declarator: Node): string | undefined {
  let node: Node | null = declarator;
  while (node && node.type !== 'identifier') node = node.childForFieldName('declarator');
  return node?.text;
}
