// Turns parsed BTF into the database's definitions: every named struct, union and enum with
// its members as C text, spelled as the bundled data spells them (ctype.ts), so an imported
// kernel and a bundled image compare member by member.
//
// - Anonymous struct/union members are flattened into their parent, recursively, as C lets
//   code reach them (`skb->len` through an unnamed union); a named member whose type is an
//   anonymous struct stays one member, `struct (anon) name`.
// - Typedef names stay names (`size_t`), integer names stay as BTF spells them
//   (`long unsigned int`), type tags (`__user`) print as nothing.
// - Enums become `NAME = value` members, as scripts/build-data.ts stores them.
//
// The input may be hostile, so every expansion has a budget: type nesting depth, the size of
// one member's type tree, the length of one declaration, and the total members produced.
import type { Member } from '../database';
import { formatDeclaration, typeWithoutName, type TypeNode } from '../../c/ctype';
import { BtfError } from './errors';
import type { Btf, BtfComposite, BtfEnum, BtfType } from './parse';

export interface AggregateDefinition {
  members: Member[];
  /** True when an anonymous member could not be opened (its type is only forward-declared). */
  incomplete: boolean;
}

/** Keys as the database uses them: 'struct list_head', 'union sigval', 'enum pid_type'. */
export type DefinitionMap = Map<string, AggregateDefinition>;

/** Real kernel types nest a dozen levels at most. */
const MAX_TYPE_DEPTH = 64;
/** Nodes in one member's type tree; the widest real callback has a few dozen. */
const MAX_TYPE_NODES = 2000;
/** Characters in one member declaration; real ones stay under a few hundred. */
const MAX_DECLARATION_LENGTH = 16 * 1024;
/** Anonymous members nested in anonymous members. */
const MAX_ANONYMOUS_DEPTH = 32;

const NAME_MARK = '\u0000';

interface NodeInfo {
  node: TypeNode;
  /** Nodes in the expanded tree and its height, to refuse exponential or deep types. */
  weight: number;
  height: number;
}

const recordCounts = new WeakMap<Btf, number>();

/** Member and enumerator records of a blob's own types (remembered: every module shares vmlinux). */
function memberRecords(btf: Btf): number {
  let records = recordCounts.get(btf);
  if (records === undefined) {
    records = 0;
    for (const type of btf.ownTypes) {
      if (type.kind === 'STRUCT' || type.kind === 'UNION') records += type.members.length;
      else if (type.kind === 'ENUM' || type.kind === 'ENUM64') records += type.values.length;
    }
    recordCounts.set(btf, records);
  }
  return records;
}

/** Converts the aggregates of one BTF blob; for split BTF only the blob's own types. */
export class DefinitionBuilder {
  private readonly nodes = new Map<number, NodeInfo>();
  private readonly declarations = new Map<number, { text: string; nameAt: number; type: string }>();
  private membersLeft: number;

  constructor(
    private readonly btf: Btf,
    /** Total flattened members this builder may produce; a bound on hostile inputs. */
    memberBudget?: number,
  ) {
    let records = 0;
    for (let current: Btf | undefined = btf; current; current = current.base) records += memberRecords(current);
    // Flattening repeats a nested anonymous type's members once per use: real kernels use each
    // anonymous type once, so a few times the records is ample.
    this.membersLeft = memberBudget ?? 4 * records + 100_000;
  }

  private fail(message: string): never {
    throw new BtfError(`${this.btf.source}: ${message}`);
  }

  /** The TypeNode of a type id, shared between members (the tree is read-only). */
  private nodeInfo(id: number, depth: number): NodeInfo {
    const known = this.nodes.get(id);
    if (known) {
      if (depth + known.height > MAX_TYPE_DEPTH) this.fail(`type [${id}] is nested more than ${MAX_TYPE_DEPTH} levels deep`);
      return known;
    }
    if (depth > MAX_TYPE_DEPTH) this.fail(`type [${id}] is nested more than ${MAX_TYPE_DEPTH} levels deep`);
    const type = this.btf.type(id);
    const leaf = (node: TypeNode): NodeInfo => ({ node, weight: 1, height: 0 });
    const wrap = (kind: string, inner: NodeInfo, extra: Partial<TypeNode> = {}): NodeInfo => ({
      node: { kind, type: inner.node, ...extra },
      weight: inner.weight + 1,
      height: inner.height + 1,
    });
    let info: NodeInfo;
    switch (type.kind) {
      case 'VOID':
        info = leaf({ kind: 'VOID' });
        break;
      case 'INT':
      case 'FLOAT':
      case 'TYPEDEF':
        info = leaf({ kind: type.kind, name: type.name });
        break;
      case 'STRUCT':
      case 'UNION':
        info = leaf({ kind: type.kind, name: type.name });
        break;
      case 'ENUM':
      case 'ENUM64':
        info = leaf({ kind: 'ENUM', name: type.name });
        break;
      case 'FWD':
        info = leaf({ kind: type.union ? 'UNION' : 'STRUCT', name: type.name });
        break;
      case 'PTR':
      case 'CONST':
      case 'VOLATILE':
      case 'RESTRICT':
        info = wrap(type.kind, this.nodeInfo(type.type, depth + 1));
        break;
      case 'TYPE_TAG':
        // `__user`, `__rcu`: annotations for tools, not part of the C type.
        info = this.nodeInfo(type.type, depth + 1);
        break;
      case 'ARRAY':
        info = wrap('ARRAY', this.nodeInfo(type.elementType, depth + 1), { nr_elems: type.count });
        break;
      case 'FUNC_PROTO': {
        const returned = this.nodeInfo(type.returnType, depth + 1);
        const params = type.params.map((param, index) => {
          if (param.type === 0) {
            if (index !== type.params.length - 1) this.fail(`prototype [${id}] has a void parameter before its last`);
            return leaf({ kind: 'VARARGS' });
          }
          return this.nodeInfo(param.type, depth + 1);
        });
        info = {
          node: { kind: 'FUNC_PROTO', ret_type: returned.node, params: params.map((p, i) => ({ name: type.params[i].name, type: p.node })) },
          weight: 1 + returned.weight + params.reduce((sum, p) => sum + p.weight, 0),
          height: 1 + params.reduce((highest, p) => Math.max(highest, p.height), returned.height),
        };
        break;
      }
      default:
        // FUNC, VAR, DATASEC, DECL_TAG are not types a member can have.
        this.fail(`type [${id}] is a ${type.kind}, which cannot be the type of a member`);
    }
    if (info.weight > MAX_TYPE_NODES) this.fail(`type [${id}] expands to more than ${MAX_TYPE_NODES} nodes`);
    this.nodes.set(id, info);
    return info;
  }

  private member(name: string, typeId: number): Member {
    // One declaration text per type id, with a mark where the name goes, and one type text:
    // members of the same type (thousands of `struct list_head` members) format once.
    let formatted = this.declarations.get(typeId);
    if (!formatted) {
      const text = formatDeclaration(this.nodeInfo(typeId, 0).node, NAME_MARK);
      const nameAt = text.indexOf(NAME_MARK);
      formatted = { text, nameAt, type: typeWithoutName(text, nameAt, nameAt + NAME_MARK.length) };
      this.declarations.set(typeId, formatted);
    }
    const declaration = formatted.text.slice(0, formatted.nameAt) + name + formatted.text.slice(formatted.nameAt + NAME_MARK.length);
    if (declaration.length > MAX_DECLARATION_LENGTH) this.fail(`member '${name.slice(0, 100)}' has a declaration longer than ${MAX_DECLARATION_LENGTH} characters`);
    return { name, declaration, type: formatted.type };
  }

  /** Follows typedefs and qualifiers to what an anonymous member really is. */
  private underlying(id: number): BtfType {
    let type = this.btf.type(id);
    for (let steps = 0; steps <= MAX_TYPE_DEPTH; steps++) {
      if (type.kind !== 'TYPEDEF' && type.kind !== 'CONST' && type.kind !== 'VOLATILE' && type.kind !== 'RESTRICT' && type.kind !== 'TYPE_TAG') return type;
      type = this.btf.type(type.type);
    }
    this.fail(`type [${id}] is nested more than ${MAX_TYPE_DEPTH} levels deep`);
  }

  private flatten(composite: BtfComposite, into: AggregateDefinition, open: Set<number>): void {
    if (open.size > MAX_ANONYMOUS_DEPTH) this.fail(`anonymous members of [${composite.id}] nest more than ${MAX_ANONYMOUS_DEPTH} deep`);
    for (const m of composite.members) {
      if (m.name !== '') {
        if (--this.membersLeft < 0) this.fail('the aggregates expand to more members than the input can hold; it is corrupt');
        into.members.push(this.member(m.name, m.type));
        continue;
      }
      const inner = this.underlying(m.type);
      if (inner.kind === 'STRUCT' || inner.kind === 'UNION') {
        if (open.has(inner.id)) this.fail(`[${composite.id}] contains itself through anonymous members`);
        open.add(inner.id);
        this.flatten(inner, into, open);
        open.delete(inner.id);
      } else if (inner.kind === 'FWD') {
        // An anonymous member of a type this blob only declares: its members are out of sight.
        into.incomplete = true;
      }
      // Anything else unnamed is padding (`int :3;`): nothing to reach.
    }
  }

  private enumDefinition(type: BtfEnum): AggregateDefinition {
    if (type.values.length > this.membersLeft) this.fail('the enums hold more values than the input can hold; it is corrupt');
    this.membersLeft -= type.values.length;
    return {
      members: type.values.map((v) => {
        const value = v.value.toString();
        return { name: v.name, declaration: `${v.name} = ${value}`, type: value };
      }),
      incomplete: false,
    };
  }

  /**
   * Adds this blob's own named aggregates to `into`, keeping what is already there: vmlinux
   * goes first, so a module never replaces a kernel type, and of two same-named kernel types
   * (static types of different files) the first in id order stays.
   */
  addTo(into: DefinitionMap): DefinitionMap {
    this.forEachAggregate((key, define) => {
      if (!into.has(key)) into.set(key, define());
    });
    return into;
  }

  /**
   * Every named aggregate of this blob's own types, same-named ones included (a whole kernel
   * has several `struct channel`s), in id order.
   */
  all(): { key: string; definition: AggregateDefinition }[] {
    const found: { key: string; definition: AggregateDefinition }[] = [];
    this.forEachAggregate((key, define) => found.push({ key, definition: define() }));
    return found;
  }

  /**
   * The typedefs of this blob's own types that name a function type or a pointer to one
   * (`typedef int proc_handler(const struct ctl_table *, …)`, `typedef irqreturn_t
   * (*irq_handler_t)(int, void *)`), each as the function-pointer type a member of it holds:
   * `int (*)(const struct ctl_table *, int, void *, size_t *, loff_t *)`. `isPointer` tells
   * whether the typedef is already the pointer (`irq_handler_t handler`) or the function
   * (`proc_handler *proc_handler`).
   */
  functionTypedefs(): Map<string, { pointer: string; isPointer: boolean }> {
    const found = new Map<string, { pointer: string; isPointer: boolean }>();
    for (const type of this.btf.ownTypes) {
      if (type.kind !== 'TYPEDEF' || type.name === '' || found.has(type.name)) continue;
      let target = this.btf.type(type.type);
      const isPointer = target.kind === 'PTR';
      if (target.kind === 'PTR') target = this.btf.type(target.type);
      if (target.kind !== 'FUNC_PROTO') continue;
      const text = formatDeclaration({ kind: 'PTR', type: this.nodeInfo(target.id, 0).node }, NAME_MARK);
      const at = text.indexOf(NAME_MARK);
      found.set(type.name, { pointer: typeWithoutName(text, at, at + NAME_MARK.length), isPointer });
    }
    return found;
  }

  /** Calls `visit` with each named aggregate's key and a function that builds its definition. */
  private forEachAggregate(visit: (key: string, define: () => AggregateDefinition) => void): void {
    for (const type of this.btf.ownTypes) {
      if (type.name === '') continue;
      let key: string;
      if (type.kind === 'STRUCT' || type.kind === 'UNION') key = `${type.kind === 'STRUCT' ? 'struct' : 'union'} ${type.name}`;
      // An enum without values is how encoders write a forward declaration (`enum foo;`).
      else if ((type.kind === 'ENUM' || type.kind === 'ENUM64') && type.values.length > 0) key = `enum ${type.name}`;
      else continue;
      visit(key, () => {
        if (type.kind === 'ENUM' || type.kind === 'ENUM64') return this.enumDefinition(type);
        const definition: AggregateDefinition = { members: [], incomplete: false };
        this.flatten(type as BtfComposite, definition, new Set([type.id]));
        return definition;
      });
    }
  }
}

/** The named structs, unions and enums of `btf` (its own types only, for split BTF). */
export function btfDefinitions(btf: Btf, into: DefinitionMap = new Map()): DefinitionMap {
  return new DefinitionBuilder(btf).addTo(into);
}
