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
    if (names.length === 0) continue;
    const last = declarators[declarators.length - 1];
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
    });
  }
  return found;
}

/** The identifier a declarator declares: `i` of `i = 0`, `p` of `*p = head`, `a` of `a[4]`. */
function declaredName(declarator: Node): string | undefined {
  let node: Node | null = declarator;
  while (node && node.type !== 'identifier') node = node.childForFieldName('declarator');
  return node?.text;
}
