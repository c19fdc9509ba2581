// The file's top-level declarations as a re-check after an edit needs them: where each one is,
// which names it declares, and where a function's body or a declaration's initializer list is.
// A declaration whose names an edited one does not mention cannot change what is found in it.
import type { Node, Tree } from 'web-tree-sitter';

export interface TopLevelDeclaration {
  /** Offsets of the declaration, [start, end). */
  start: number;
  end: number;
  /**
   * 'function': a function definition with a body; 'declaration': a declaration of variables or
   * functions whose declared names are all known; 'other': anything else (types, macro calls
   * such as `DEFINE_SPINLOCK(lock);`, code tree-sitter could not parse), which a re-check
   * always keeps.
   */
  kind: 'function' | 'declaration' | 'other';
  /** function only: the body's braces, [start, end). */
  body?: { start: number; end: number };
  /** declaration only: the braces of its one declarator's initializer list, [start, end). */
  initializer?: { start: number; end: number };
  /** The names it declares (function and declaration only). */
  declares: string[];
}

const TAG_SPECIFIERS = ['struct_specifier', 'union_specifier', 'enum_specifier'];

/** The top-level declarations of a parsed file, in order. */
export function declarationLayout(tree: Tree): TopLevelDeclaration[] {
  const layout: TopLevelDeclaration[] = [];
  for (const node of tree.rootNode.children) {
    if (node) layout.push(describe(node));
  }
  return layout;
}

/** The top-level declaration starting at `start`, if one does (none or one entry). */
export function declarationAt(tree: Tree, start: number): TopLevelDeclaration[] {
  const node = tree.rootNode.firstChildForIndex(start);
  return node && node.startIndex === start ? [describe(node)] : [];
}

function describe(node: Node): TopLevelDeclaration {
  const place = { start: node.startIndex, end: node.endIndex };
  const other: TopLevelDeclaration = { ...place, kind: 'other', declares: [] };
  switch (node.type) {
    case 'function_definition': {
      // A body with a syntax error (code being typed) is never re-checked alone: tree-sitter may
      // recover from it otherwise when the rest of the file follows.
      const body = node.childForFieldName('body');
      const name = declaredName(node.childForFieldName('declarator'));
      if (node.hasError || !body || body.type !== 'compound_statement' || !name) return other;
      return { ...place, kind: 'function', body: { start: body.startIndex, end: body.endIndex }, declares: [name] };
    }
    case 'declaration': {
      if (node.hasError) return other;
      // Types stay whatever names them: a workspace header's typedef may name a struct the file
      // defines (`typedef struct akvcam_device *akvcam_device_t;`), which no name in the file links.
      if (definesTags(node.childForFieldName('type'))) return other;
      const declares: string[] = [];
      const declarators = node.childrenForFieldName('declarator').filter((declarator) => declarator !== null);
      for (const declarator of declarators) {
        // Every name in the declarator, parameters too: `static DEFINE_MUTEX(lock);` declares `lock`.
        const named = declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator') : declarator;
        const names = named ? identifiersIn(named) : [];
        if (names.length === 0) return other;
        declares.push(...names);
      }
      if (declares.length === 0) return other;
      const value = declarators.length === 1 && declarators[0].type === 'init_declarator' ? declarators[0].childForFieldName('value') : null;
      const initializer = value?.type === 'initializer_list' ? { start: value.startIndex, end: value.endIndex } : undefined;
      return { ...place, kind: 'declaration', declares, ...(initializer ? { initializer } : {}) };
    }
    default:
      return other;
  }
}

/** The name a function definition's declarator declares (through pointers, parentheses and attributes). */
function declaredName(declarator: Node | null): string | undefined {
  let node = declarator;
  while (node) {
    if (node.type === 'identifier') return node.text;
    node = node.childForFieldName('declarator') ?? (node.type === 'parenthesized_declarator' || node.type === 'attributed_declarator' ? node.namedChild(0) : null);
  }
  return undefined;
}

function identifiersIn(node: Node): string[] {
  if (node.type === 'identifier' || node.type === 'type_identifier') return [node.text];
  return node.descendantsOfType(['identifier', 'type_identifier']).flatMap((found) => (found ? [found.text] : []));
}

/** Whether a type defines a struct, union or enum with a body (nested ones too) or an enumerator. */
function definesTags(type: Node | null): boolean {
  if (!type || !TAG_SPECIFIERS.includes(type.type)) return false;
  return [type, ...type.descendantsOfType([...TAG_SPECIFIERS, 'enumerator'])].some(
    (found) => found !== null && found.childForFieldName('name') !== null && (found.type === 'enumerator' || found.childForFieldName('body') !== null),
  );
}
