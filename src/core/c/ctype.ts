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
    case 'VARARGS':
      // The `...` of a variadic prototype: BTF writes it as a last parameter of type void.
      return '...';
    default:
      return name;
  }
}

const VOID_NODE: TypeNode = { kind: 'VOID' };

/** Does a return type need the declarator nested inside it (a function returning a pointer to a function or an array)? */
function returnsPointerToFunctionOrArray(node: TypeNode): boolean {
  let current: TypeNode | undefined = node;
  for (let steps = 0; current && steps < 64; steps++) {
    if (current.kind === 'ARRAY' || current.kind === 'FUNC_PROTO') return steps > 0;
    if (!['PTR', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG'].includes(current.kind)) return false;
    current = current.type;
  }
  return false;
}

function format(node: TypeNode, declarator: string, abstract: boolean, depth: number): string {
  if (depth > 64) return `/* type nested too deep */ ${declarator}`.trim();
  switch (node.kind) {
    case 'PTR': {
      const target = node.type ?? VOID_NODE;
      const wrapped = target.kind === 'ARRAY' || target.kind === 'FUNC_PROTO' ? `(*${declarator})` : `*${declarator}`;
      return format(target, wrapped, abstract, depth + 1);
    }
    case 'ARRAY':
      return format(node.type ?? VOID_NODE, `${declarator}[${node.nr_elems ?? ''}]`, abstract, depth + 1);
    case 'FUNC_PROTO': {
      const params = (node.params ?? []).map((p) => format(p.type, '', true, depth + 1));
      const suffix = `${declarator}(${params.join(', ')})`;
      const returned = node.ret_type ?? VOID_NODE;
      if (returnsPointerToFunctionOrArray(returned)) return format(returned, suffix, abstract, depth + 1);
      // The return type is written whole, then the declarator, as libbpf's C dump and the
      // bundled data do: `struct page * (*alloc)(gfp_t)`. An abstract one (a parameter)
      // goes without the space, as in the bundled data: `int(*)(long unsigned int)`.
      const returnText = format(returned, '', true, depth + 1);
      return abstract ? `${returnText}${suffix}` : `${returnText} ${suffix}`;
    }
    case 'CONST':
    case 'VOLATILE':
    case 'RESTRICT': {
      const qualifier = node.kind.toLowerCase();
      let target = node.type ?? VOID_NODE;
      // Type tags (`__user`) sit between a qualifier and what it qualifies; they print as nothing.
      for (let steps = 0; target.kind === 'TYPE_TAG' && steps < 64; steps++) target = target.type ?? VOID_NODE;
      // A qualified pointer (`char *const p`) puts the qualifier after the star; a qualified
      // base type reads best with the qualifier first (`const char *p`).
      if (target.kind === 'PTR') return format(target, declarator ? `${qualifier} ${declarator}` : qualifier, abstract, depth + 1);
      return `${qualifier} ${format(target, declarator, abstract, depth + 1)}`;
    }
    case 'TYPE_TAG':
      return format(node.type ?? VOID_NODE, declarator, abstract, depth + 1);
    default: {
      const base = baseName(node);
      return declarator ? `${base} ${declarator}` : base;
    }
  }
}

/**
 * Formats `node` as a C declaration of `declarator` (an identifier, or '' for an abstract
 * type). Works inside out, as C declarators do: pointers prefix, arrays and parameter
 * lists suffix, and a pointer to an array or function needs parentheses. An abstract
 * function pointer reads `int(*)(long)`, as parameters do in the bundled data; a member's
 * type comes from typeWithoutName instead, which keeps `int (*)(long)`.
 */
export function formatDeclaration(node: TypeNode, declarator = '', depth = 0): string {
  return format(node, declarator, declarator === '', depth);
}

/** The abstract type of a declaration: the declaration with its member name taken out. */
export function typeWithoutName(declaration: string, nameStart: number, nameEnd: number): string {
  return (declaration.slice(0, nameStart) + declaration.slice(nameEnd)).replace(/\s+/g, ' ').replace(/ \)/g, ')').replace(/ \[/g, '[').trim();
}
