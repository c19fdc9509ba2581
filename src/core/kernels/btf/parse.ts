// Reads BTF, the BPF Type Format the kernel documents in Documentation/bpf/btf.rst: a
// header, a type section and a string section, in the byte order of the machine that wrote
// it. Reads every kind, base BTF (vmlinux) and split BTF (a module's, whose type ids and
// string offsets continue from its base), and validates what later stages rely on: every
// record inside its section, every name inside the string section, every type id in range,
// and no reference loop. Malformed input becomes a BtfError; nothing here can hang, since
// each loop is bounded by the bytes it reads.
import { BtfError } from './errors';

export const BTF_MAGIC = 0xeb9f;
const HEADER_MIN_LENGTH = 24;

export type BtfKind =
  | 'VOID'
  | 'INT'
  | 'PTR'
  | 'ARRAY'
  | 'STRUCT'
  | 'UNION'
  | 'ENUM'
  | 'FWD'
  | 'TYPEDEF'
  | 'VOLATILE'
  | 'CONST'
  | 'RESTRICT'
  | 'FUNC'
  | 'FUNC_PROTO'
  | 'VAR'
  | 'DATASEC'
  | 'FLOAT'
  | 'DECL_TAG'
  | 'TYPE_TAG'
  | 'ENUM64';

/** Kind numbers as BTF encodes them in bits 24-28 of `info`; 0 (UNKN) never appears in a type section. */
const KINDS_BY_NUMBER: readonly (BtfKind | undefined)[] = [
  undefined,
  'INT',
  'PTR',
  'ARRAY',
  'STRUCT',
  'UNION',
  'ENUM',
  'FWD',
  'TYPEDEF',
  'VOLATILE',
  'CONST',
  'RESTRICT',
  'FUNC',
  'FUNC_PROTO',
  'VAR',
  'DATASEC',
  'FLOAT',
  'DECL_TAG',
  'TYPE_TAG',
  'ENUM64',
];

interface Named {
  id: number;
  /** '' for anonymous types. */
  name: string;
}

export interface BtfVoid extends Named {
  kind: 'VOID';
}
export interface BtfInt extends Named {
  kind: 'INT';
  size: number;
  /** BTF_INT_SIGNED (1), BTF_INT_CHAR (2), BTF_INT_BOOL (4). */
  encoding: number;
  bitOffset: number;
  bits: number;
}
/** Kinds that only point at another type. */
export interface BtfReference extends Named {
  kind: 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT' | 'TYPE_TAG';
  type: number;
}
export interface BtfArray extends Named {
  kind: 'ARRAY';
  elementType: number;
  indexType: number;
  count: number;
}
export interface BtfMember {
  name: string;
  type: number;
  bitOffset: number;
  /** 0 unless a bit-field. */
  bitSize: number;
}
export interface BtfComposite extends Named {
  kind: 'STRUCT' | 'UNION';
  size: number;
  members: BtfMember[];
}
export interface BtfEnumerator {
  name: string;
  value: bigint;
}
export interface BtfEnum extends Named {
  kind: 'ENUM' | 'ENUM64';
  size: number;
  /** The kind flag: set by encoders that know the enum is signed. */
  signed: boolean;
  values: BtfEnumerator[];
}
export interface BtfFwd extends Named {
  kind: 'FWD';
  union: boolean;
}
export interface BtfFunc extends Named {
  kind: 'FUNC';
  type: number;
  /** 0 static, 1 global, 2 extern. */
  linkage: number;
}
export interface BtfParam {
  name: string;
  /** 0 for the `...` of a variadic function (last parameter only). */
  type: number;
}
export interface BtfFuncProto extends Named {
  kind: 'FUNC_PROTO';
  returnType: number;
  params: BtfParam[];
}
export interface BtfVar extends Named {
  kind: 'VAR';
  type: number;
  linkage: number;
}
export interface BtfDatasecEntry {
  type: number;
  offset: number;
  size: number;
}
export interface BtfDatasec extends Named {
  kind: 'DATASEC';
  size: number;
  entries: BtfDatasecEntry[];
}
export interface BtfFloat extends Named {
  kind: 'FLOAT';
  size: number;
}
export interface BtfDeclTag extends Named {
  kind: 'DECL_TAG';
  type: number;
  /** -1: the tag is on the type itself; otherwise a member or parameter index. */
  componentIndex: number;
}

export type BtfType =
  | BtfVoid
  | BtfInt
  | BtfReference
  | BtfArray
  | BtfComposite
  | BtfEnum
  | BtfFwd
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag;

export interface ParseOptions {
  /** The BTF this one is split from (vmlinux for a module). */
  base?: Btf;
  /** Names the input in error messages ('vfio.ko', '/sys/kernel/btf/vmlinux'). */
  source?: string;
}

const VOID: BtfVoid = { kind: 'VOID', id: 0, name: '' };

/** Is `bytes` BTF (either byte order)? */
export function isBtf(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  return (bytes[0] | (bytes[1] << 8)) === BTF_MAGIC || ((bytes[0] << 8) | bytes[1]) === BTF_MAGIC;
}

/** A parsed BTF blob: its own types, and its base's when split. */
export class Btf {
  /** The first id of this blob's own types: 1 for base BTF, the base's type count for split BTF. */
  readonly firstId: number;
  /** Where this blob's string offsets start: 0 for base BTF, the base's string end for split BTF. */
  readonly firstStringOffset: number;

  constructor(
    readonly littleEndian: boolean,
    readonly base: Btf | undefined,
    /** This blob's own types, in id order from `firstId`. */
    readonly ownTypes: readonly BtfType[],
    /** Length of this blob's own string section. */
    readonly stringLength: number,
    readonly source: string,
    private readonly readString: (offset: number) => string,
  ) {
    this.firstId = base ? base.typeCount : 1;
    this.firstStringOffset = base ? base.stringEnd : 0;
  }

  /** One past the last valid type id, counting the base's types and void. */
  get typeCount(): number {
    return this.firstId + this.ownTypes.length;
  }

  get stringEnd(): number {
    return this.firstStringOffset + this.stringLength;
  }

  /** The string at `offset` of the combined (base, then own) string space. */
  string(offset: number): string {
    return this.readString(offset);
  }

  /** The type with `id`, looking into the base for ids below `firstId`; id 0 is void. */
  type(id: number): BtfType {
    if (id === 0) return VOID;
    if (id >= this.firstId) {
      const own = this.ownTypes[id - this.firstId];
      if (!own) throw new BtfError(`${this.source}: type id ${id} is out of range (last id ${this.typeCount - 1})`);
      return own;
    }
    if (!this.base) throw new BtfError(`${this.source}: type id ${id} is out of range`);
    return this.base.type(id);
  }
}

class Reader {
  private readonly view: DataView;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly names = new Map<number, string>();

  constructor(
    private readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    private readonly stringStart: number,
    private readonly stringLength: number,
    private readonly base: Btf | undefined,
    private readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, this.littleEndian);
  }

  s32(offset: number): number {
    return this.view.getInt32(offset, this.littleEndian);
  }

  /**
   * The string at `offset` in the combined (base + own) string space. `id` and `part` name
   * the record for the error message (built only on error: this runs for every record).
   */
  name(offset: number, id: number, part: string): string {
    if (offset === 0) return '';
    let cached = this.names.get(offset);
    if (cached !== undefined) return cached;
    const firstOwn = this.base ? this.base.stringEnd : 0;
    if (this.base && offset < firstOwn) {
      cached = this.base.string(offset);
    } else {
      const local = offset - firstOwn;
      if (local >= this.stringLength) {
        throw new BtfError(`${this.source}: ${part ? `${part} of ` : ''}type [${id}] has name offset ${offset}, past the string section (${firstOwn + this.stringLength} bytes)`);
      }
      const start = this.stringStart + local;
      // The section ends in NUL (checked in parseBtf), so the search always stops inside it.
      const end = this.bytes.indexOf(0, start);
      cached = this.decoder.decode(this.bytes.subarray(start, end));
    }
    this.names.set(offset, cached);
    return cached;
  }
}

/** Bytes that follow the 12-byte common part of a type record, by kind. */
function trailingBytes(kind: BtfKind, vlen: number): number {
  switch (kind) {
    case 'INT':
    case 'VAR':
    case 'DECL_TAG':
      return 4;
    case 'ARRAY':
      return 12;
    case 'STRUCT':
    case 'UNION':
    case 'DATASEC':
    case 'ENUM64':
      return 12 * vlen;
    case 'ENUM':
    case 'FUNC_PROTO':
      return 8 * vlen;
    default:
      return 0;
  }
}

/** Parses one BTF blob. Pass `base` for split BTF (a module's, on top of vmlinux). */
export function parseBtf(bytes: Uint8Array, options: ParseOptions = {}): Btf {
  const source = options.source ?? 'BTF';
  const base = options.base;
  if (bytes.length < HEADER_MIN_LENGTH) throw new BtfError(`${source}: too short for a BTF header (${bytes.length} bytes)`);
  if (!isBtf(bytes)) {
    throw new BtfError(`${source}: not BTF (magic ${bytes[0].toString(16).padStart(2, '0')}${bytes[1].toString(16).padStart(2, '0')}, expected eb9f in either byte order)`);
  }
  const littleEndian = bytes[0] === 0x9f;
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[2];
  if (version !== 1) throw new BtfError(`${source}: BTF version ${version} is not supported (only version 1 exists)`);
  const headerLength = header.getUint32(4, littleEndian);
  const typeOffset = header.getUint32(8, littleEndian);
  const typeLength = header.getUint32(12, littleEndian);
  const stringOffset = header.getUint32(16, littleEndian);
  const stringLength = header.getUint32(20, littleEndian);
  if (headerLength < HEADER_MIN_LENGTH || headerLength > bytes.length) throw new BtfError(`${source}: BTF header length ${headerLength} is invalid (file: ${bytes.length} bytes)`);
  const dataLength = bytes.length - headerLength;
  if (typeOffset % 4 !== 0) throw new BtfError(`${source}: the BTF type section is not 4-byte aligned (offset ${typeOffset})`);
  if (typeOffset + typeLength > dataLength) throw new BtfError(`${source}: the BTF type section is truncated (needs ${typeOffset + typeLength} bytes after the header, file has ${dataLength})`);
  if (stringOffset + stringLength > dataLength) throw new BtfError(`${source}: the BTF string section is truncated (needs ${stringOffset + stringLength} bytes after the header, file has ${dataLength})`);
  if (typeLength % 4 !== 0) throw new BtfError(`${source}: the BTF type section length ${typeLength} is not a multiple of 4`);
  const stringStart = headerLength + stringOffset;
  if (stringLength > 0 && bytes[stringStart + stringLength - 1] !== 0) throw new BtfError(`${source}: the BTF string section does not end with a NUL byte`);
  if (!base && (stringLength === 0 || bytes[stringStart] !== 0)) throw new BtfError(`${source}: the BTF string section must start with an empty string`);
  if (base && base.littleEndian !== littleEndian) throw new BtfError(`${source}: split BTF and its base differ in byte order`);

  const reader = new Reader(bytes, littleEndian, stringStart, stringLength, base, source);
  const firstId = base ? base.typeCount : 1;
  const types: BtfType[] = [];
  const typeStart = headerLength + typeOffset;
  const typeEnd = typeStart + typeLength;
  let pos = typeStart;
  while (pos < typeEnd) {
    const id = firstId + types.length;
    if (pos + 12 > typeEnd) throw new BtfError(`${source}: type [${id}] is truncated (${typeEnd - pos} bytes left in the type section)`);
    const nameOffset = reader.u32(pos);
    const info = reader.u32(pos + 4);
    const sizeOrType = reader.u32(pos + 8);
    const vlen = info & 0xffff;
    const kindNumber = (info >>> 24) & 0x1f;
    const kindFlag = info >>> 31 === 1;
    const kind = KINDS_BY_NUMBER[kindNumber];
    if (!kind) throw new BtfError(`${source}: type [${id}] has unknown kind ${kindNumber}`);
    const extra = trailingBytes(kind, vlen);
    if (pos + 12 + extra > typeEnd) {
      throw new BtfError(`${source}: type [${id}] (${kind}, vlen ${vlen}) is truncated: it needs ${12 + extra} bytes, ${typeEnd - pos} are left`);
    }
    const name = reader.name(nameOffset, id, '');
    const data = pos + 12;
    let type: BtfType;
    switch (kind) {
      case 'INT': {
        const word = reader.u32(data);
        type = { kind, id, name, size: sizeOrType, encoding: (word >>> 24) & 0x0f, bitOffset: (word >>> 16) & 0xff, bits: word & 0xff };
        break;
      }
      case 'PTR':
      case 'TYPEDEF':
      case 'VOLATILE':
      case 'CONST':
      case 'RESTRICT':
      case 'TYPE_TAG':
        type = { kind, id, name, type: sizeOrType };
        break;
      case 'ARRAY':
        type = { kind, id, name, elementType: reader.u32(data), indexType: reader.u32(data + 4), count: reader.u32(data + 8) };
        break;
      case 'STRUCT':
      case 'UNION': {
        const members: BtfMember[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const at = data + i * 12;
          const offset = reader.u32(at + 8);
          members[i] = {
            name: reader.name(reader.u32(at), id, 'a member'),
            type: reader.u32(at + 4),
            // With the kind flag, the offset word packs the bit-field size above a 24-bit offset.
            bitOffset: kindFlag ? offset & 0xffffff : offset,
            bitSize: kindFlag ? offset >>> 24 : 0,
          };
        }
        type = { kind, id, name, size: sizeOrType, members };
        break;
      }
      case 'ENUM': {
        const values: BtfEnumerator[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const at = data + i * 8;
          // Stored as 32 bits whose signedness only newer encoders record (the kind flag);
          // read signed, as libbpf and the bundled database did before the flag existed.
          values[i] = { name: reader.name(reader.u32(at), id, 'an enumerator'), value: BigInt(reader.s32(at + 4)) };
        }
        type = { kind, id, name, size: sizeOrType, signed: kindFlag, values };
        break;
      }
      case 'ENUM64': {
        const values: BtfEnumerator[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const at = data + i * 12;
          const bits = (BigInt(reader.u32(at + 8)) << 32n) | BigInt(reader.u32(at + 4));
          values[i] = { name: reader.name(reader.u32(at), id, 'an enumerator'), value: kindFlag ? BigInt.asIntN(64, bits) : bits };
        }
        type = { kind, id, name, size: sizeOrType, signed: kindFlag, values };
        break;
      }
      case 'FWD':
        type = { kind, id, name, union: kindFlag };
        break;
      case 'FUNC':
        type = { kind, id, name, type: sizeOrType, linkage: vlen };
        break;
      case 'FUNC_PROTO': {
        const params: BtfParam[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const at = data + i * 8;
          params[i] = { name: reader.name(reader.u32(at), id, 'a parameter'), type: reader.u32(at + 4) };
        }
        type = { kind, id, name, returnType: sizeOrType, params };
        break;
      }
      case 'VAR':
        type = { kind, id, name, type: sizeOrType, linkage: reader.u32(data) };
        break;
      case 'DATASEC': {
        const entries: BtfDatasecEntry[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const at = data + i * 12;
          entries[i] = { type: reader.u32(at), offset: reader.u32(at + 4), size: reader.u32(at + 8) };
        }
        type = { kind, id, name, size: sizeOrType, entries };
        break;
      }
      case 'FLOAT':
        type = { kind, id, name, size: sizeOrType };
        break;
      case 'DECL_TAG':
        type = { kind, id, name, type: sizeOrType, componentIndex: reader.s32(data) };
        break;
      default:
        throw new BtfError(`${source}: type [${id}] has unhandled kind ${kind satisfies 'VOID'}`);
    }
    types.push(type);
    pos += 12 + extra;
  }

  const btf = new Btf(littleEndian, base, types, stringLength, source, (offset) => reader.name(offset, 0, 'a string read through'));
  validateReferences(btf);
  return btf;
}

/** How many type ids `type` refers to; `edge(type, k)` gives the k-th. */
function edgeCount(type: BtfType): number {
  switch (type.kind) {
    case 'PTR':
    case 'TYPEDEF':
    case 'VOLATILE':
    case 'CONST':
    case 'RESTRICT':
    case 'TYPE_TAG':
    case 'FUNC':
    case 'VAR':
    case 'DECL_TAG':
      return 1;
    case 'ARRAY':
      return 2;
    case 'FUNC_PROTO':
      return 1 + type.params.length;
    case 'STRUCT':
    case 'UNION':
      return type.members.length;
    case 'DATASEC':
      return type.entries.length;
    default:
      return 0;
  }
}

function edge(type: BtfType, k: number): number {
  switch (type.kind) {
    case 'ARRAY':
      return k === 0 ? type.elementType : type.indexType;
    case 'FUNC_PROTO':
      return k === 0 ? type.returnType : type.params[k - 1].type;
    case 'STRUCT':
    case 'UNION':
      return type.members[k].type;
    case 'DATASEC':
      return type.entries[k].type;
    case 'PTR':
    case 'TYPEDEF':
    case 'VOLATILE':
    case 'CONST':
    case 'RESTRICT':
    case 'TYPE_TAG':
    case 'FUNC':
    case 'VAR':
    case 'DECL_TAG':
      return type.type;
    default:
      return 0;
  }
}

/** Struct/union members and data section entries: where legitimate cycles close (a struct holding a pointer to itself). */
function isStructural(type: BtfType): boolean {
  return type.kind === 'STRUCT' || type.kind === 'UNION' || type.kind === 'DATASEC';
}

/**
 * Every referenced id must exist, and following references that are not struct/union
 * members (typedefs, qualifiers, pointers, arrays, prototypes) must never come back to the
 * start: C cannot express such a loop (`typedef t t;`), and a reader following it would spin.
 */
function validateReferences(btf: Btf): void {
  const count = btf.typeCount;
  const first = btf.firstId;
  const own = btf.ownTypes;
  for (const type of own) {
    const edges = edgeCount(type);
    for (let k = 0; k < edges; k++) {
      const id = edge(type, k);
      if (id >= count) throw new BtfError(`${btf.source}: type [${type.id}] (${type.kind}) refers to type id ${id}, past the last id ${count - 1}${btf.base ? '' : ' (is this split BTF of a module? then give the vmlinux BTF as its base)'}`);
    }
    if (type.kind === 'FUNC' && btf.type(type.type).kind !== 'FUNC_PROTO') throw new BtfError(`${btf.source}: function [${type.id}] '${type.name}' does not point at a FUNC_PROTO`);
    if (type.kind === 'DECL_TAG' && type.type === 0) throw new BtfError(`${btf.source}: DECL_TAG [${type.id}] tags no type`);
  }
  // Iterative depth-first search over non-structural references, on typed arrays (this runs
  // over every type of a 100k-type vmlinux). Split BTF only needs its own types walked:
  // base types never refer to split ones.
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const state = new Uint8Array(own.length);
  const stackIndex = new Int32Array(own.length);
  const stackEdge = new Int32Array(own.length);
  for (let root = 0; root < own.length; root++) {
    if (state[root] !== WHITE) continue;
    let depth = 0;
    stackIndex[0] = root;
    stackEdge[0] = 0;
    state[root] = GREY;
    while (depth >= 0) {
      const index = stackIndex[depth];
      const type = own[index];
      const edges = isStructural(type) ? 0 : edgeCount(type);
      if (stackEdge[depth] >= edges) {
        state[index] = BLACK;
        depth--;
        continue;
      }
      const target = edge(type, stackEdge[depth]++);
      if (target < first) continue;
      const targetIndex = target - first;
      if (state[targetIndex] === GREY) {
        throw new BtfError(`${btf.source}: reference loop: type [${type.id}] (${type.kind}${type.name ? ` '${type.name}'` : ''}) leads back to type [${target}]`);
      }
      if (state[targetIndex] === WHITE) {
        state[targetIndex] = GREY;
        depth++;
        stackIndex[depth] = targetIndex;
        stackEdge[depth] = 0;
      }
    }
  }
}
