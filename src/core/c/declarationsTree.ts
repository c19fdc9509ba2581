// A syntax tree of what a text declares at top level, for readers that never look inside a
// function body: the bodies are emptied before parsing (see functionBodies.ts), since they are
// most of a file and the parser's time grows with the text. Rows and columns hold; offsets
// after an emptied body do not.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { emptyFunctionBodies } from './functionBodies';

/**
 * The tree of `text` with its function bodies emptied; of the whole text when an emptied
 * range was not a function's body after all.
 */
export function parseDeclarations(parser: Parser, text: string): Tree | null {
  const emptied = emptyFunctionBodies(text);
  if (emptied.openings.length === 0) return parser.parse(text);
  const tree = parser.parse(emptied.text);
  if (!tree || emptied.openings.every((open) => opensFunctionBody(tree.rootNode, open))) return tree;
  tree.delete();
  return parser.parse(text);
}

function opensFunctionBody(root: Node, offset: number): boolean {
  const brace = root.descendantForIndex(offset);
  return brace?.type === '{' && brace.parent?.type === 'compound_statement' && brace.parent.parent?.type === 'function_definition';
}
