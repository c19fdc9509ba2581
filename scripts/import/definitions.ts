// Turns a DepSurf page's C definition of a struct into members, with tree-sitter-c (the
// parser the checker uses). DepSurf prints one member per line and writes unnamed types as
// `(anon)`, which is not C; we substitute an identifier so the parser accepts it and map
// it back afterwards.
import type { Node, Parser } from 'web-tree-sitter';
import { typeWithoutName } from '../../src/core/c/ctype';

export interface ParsedMember {
  name: string;
  declaration: string;
  type: string;
}

export interface ParsedDefinition {
  members: ParsedMember[];
  /** A member with no name (an anonymous struct/union that was not flattened) hides its contents. */
  incomplete: boolean;
  /** Members whose line tree-sitter could not parse and that were read by the fallback rule. */
  fallbackLines: number;
}

const ANON_TEXT = '(anon)';
// Same length as '(anon)', so columns in the substituted text match the original line.
const ANON_IDENT = '_anon_';

function declaratorName(node: Node | null): Node | null {
  let current = node;
  while (current) {
    if (current.type === 'field_identifier' || current.type === 'identifier') return current;
    if (current.type === 'parenthesized_declarator') {
      current = current.namedChildren.find((c) => c !== null) ?? null;
      continue;
    }
    current = current.childForFieldName('declarator');
  }
  return null;
}

/** For lines tree-sitter cannot read (`const int(*)(struct kset *) uevent;`): the last identifier names the member. */
function fallbackMember(line: string): ParsedMember | null {
  const declaration = line.replace(/;\s*$/, '').trim();
  const match = /([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]*\])*)$/.exec(declaration);
  if (!match) return null;
  const start = match.index;
  return { name: match[1], declaration, type: typeWithoutName(declaration, start, start + match[1].length) };
}

export function parseStructDefinition(parser: Parser, code: string): ParsedDefinition {
  const lines = code.split('\n');
  const source = code.split(ANON_TEXT).join(ANON_IDENT);
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const fieldsByRow = new Map<number, Node>();
    const collect = (node: Node) => {
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'field_declaration') fieldsByRow.set(child.startPosition.row, child);
        else if (child.type === 'field_declaration_list' || child.type === 'struct_specifier' || child.type === 'ERROR') collect(child);
      }
    };
    collect(tree.rootNode);

    const result: ParsedDefinition = { members: [], incomplete: false, fallbackLines: 0 };
    // Line 0 is `struct name {`, the last is `};`: members are in between, one a line.
    for (let row = 1; row < lines.length - 1; row++) {
      const line = lines[row];
      if (line.trim() === '') continue;
      const declaration = line.trim().replace(/;$/, '');
      const field = fieldsByRow.get(row);
      const nameNode = field && !field.hasError ? declaratorName(field.childForFieldName('declarator')) : null;
      let member: ParsedMember | null = null;
      if (nameNode) {
        const indent = line.length - line.trimStart().length;
        const start = nameNode.startPosition.column - indent;
        const end = nameNode.endPosition.column - indent;
        member = { name: declaration.slice(start, end), declaration, type: typeWithoutName(declaration, start, end) };
      } else {
        member = fallbackMember(line);
        result.fallbackLines++;
      }
      if (!member || member.name === ANON_TEXT || member.name === ANON_IDENT) {
        // `const struct (anon) (anon);`: the members inside are real but unknown to us.
        result.incomplete = true;
        continue;
      }
      result.members.push(member);
    }
    return result;
  } finally {
    tree.delete();
  }
}
