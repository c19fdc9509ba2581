// C text for BTF-shaped type trees, written the way the bundled database spells member
// types (`char *name`, `int (*open)(void *)`, `struct (anon) u`), so that types read from
// different sources (DepSurf pages, union dumps, BTF blobs) compare as plain strings.

/** A type as DepSurf's JSON and our BTF reader describe it. */
export interface TypeNode {
  kind: string;
  name?: string;
  type?: TypeNode;
  nr_elems?: number;
  ret_type?: TypeNode;
  params?: { name?: string; type: TypeNode }[];
}

const ANON = '(anon)';

function baseName(node: TypeNode): string {
  const name = node.name && node.name !== '' ? node.name : ANON;
  switch (node.kind) {
    case 'STRUCT':
      return `struct ${name}`;
    case 'UNION':
      return `union ${name}`;
    case 'ENUM':
    case 'ENUM64':
      return `enum ${name}`;
    case 'FWD':
      // A forward declaration names a struct or union the blob does not define.
      return `struct ${name}`;
    case 'VOID':
      return 'void';
    default:
      return name;
  }
}

/**
 * Formats `node` as a C declaration of `declarator` (an identifier, or '' for an abstract
 * type). Works inside out, as C declarators do: pointers prefix, arrays and parameter
 * lists suffix, and a pointer to an array or function needs parentheses.
 */
export function formatDeclaration(node: TypeNode, declarator = '', depth = 0): string {
  if (depth > 64) return `/* type nested too deep */ ${declarator}`.trim();
  switch (node.kind) {
    case 'PTR': {
      const target = node.type ?? { kind: 'VOID' };
      const wrapped = target.kind === 'ARRAY' || target.kind === 'FUNC_PROTO' ? `(*${declarator})` : `*${declarator}`;
      return formatDeclaration(target, wrapped, depth + 1);
    }
    case 'ARRAY':
      return formatDeclaration(node.type ?? { kind: 'VOID' }, `${declarator}[${node.nr_elems ?? ''}]`, depth + 1);
    case 'FUNC_PROTO': {
      const params = (node.params ?? []).map((p) => formatDeclaration(p.type, '', depth + 1));
      return formatDeclaration(node.ret_type ?? { kind: 'VOID' }, `${declarator}(${params.join(', ')})`, depth + 1);
    }
    case 'CONST':
    case 'VOLATILE':
    case 'RESTRICT': {
      const qualifier = node.kind.toLowerCase();
      const target = node.type ?? { kind: 'VOID' };
      // A qualified pointer (`char *const p`) puts the qualifier after the star; a qualified
      // base type reads best with the qualifier first (`const char *p`).
      if (target.kind === 'PTR') return formatDeclaration(target, declarator ? `${qualifier} ${declarator}` : qualifier, depth + 1);
      return `${qualifier} ${formatDeclaration(target, declarator, depth + 1)}`;
    }
    case 'TYPE_TAG':
      return formatDeclaration(node.type ?? { kind: 'VOID' }, declarator, depth + 1);
    default: {
      const base = baseName(node);
      return declarator ? `${base} ${declarator}` : base;
    }
  }
}

/** The abstract type of a declaration: the declaration with its member name taken out. */
export function typeWithoutName(declaration: string, nameStart: number, nameEnd: number): string {
  return (declaration.slice(0, nameStart) + declaration.slice(nameEnd)).replace(/\s+/g, ' ').replace(/ \)/g, ')').replace(/ \[/g, '[').trim();
}
