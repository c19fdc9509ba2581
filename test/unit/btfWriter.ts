// Writes BTF bytes from type records shaped like the reader's, so tests can state hostile
// inputs (a typedef naming itself, a vlen with nothing behind it) in a few readable lines,
// and shrink the real 6.18 blob to a miniature for the fuzz test.
import type { BtfType } from '../../src/core/kernels/btf/parse';

const KIND_NUMBERS: Record<string, number> = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
};

/** A type record without its id (ids follow from the order). */
export type TypeRecord = BtfType extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface WriteOptions {
  littleEndian?: boolean;
  /** For split BTF: the base's type count and string end. */
  firstStringOffset?: number;
}

export function writeBtf(types: readonly TypeRecord[], options: WriteOptions = {}): Uint8Array {
  const littleEndian = options.littleEndian ?? true;
  const stringBase = options.firstStringOffset ?? 0;
  const strings: string[] = [''];
  const offsets = new Map<string, number>([['', 0]]);
  let stringLength = 1;
  const str = (text: string): number => {
    if (text === '') return 0;
    let offset = offsets.get(text);
    if (offset === undefined) {
      offset = stringBase + stringLength;
      offsets.set(text, offset);
      strings.push(text);
      stringLength += Buffer.byteLength(text) + 1;
    }
    return offset;
  };
  const words: number[] = [];
  const record = (name: string, kind: string, vlen: number, kindFlag: boolean, sizeOrType: number) => {
    words.push(str(name), ((kindFlag ? 1 : 0) << 31) | (KIND_NUMBERS[kind] << 24) | (vlen & 0xffff), sizeOrType >>> 0);
  };
  for (const type of types) {
    switch (type.kind) {
      case 'VOID':
        throw new Error('void is id 0, never a record');
      case 'INT':
        record(type.name, type.kind, 0, false, type.size);
        words.push(((type.encoding & 0xf) << 24) | ((type.bitOffset & 0xff) << 16) | (type.bits & 0xff));
        break;
      case 'PTR':
      case 'TYPEDEF':
      case 'VOLATILE':
      case 'CONST':
      case 'RESTRICT':
      case 'TYPE_TAG':
        record(type.name, type.kind, 0, false, type.type);
        break;
      case 'ARRAY':
        record(type.name, type.kind, 0, false, 0);
        words.push(type.elementType, type.indexType, type.count);
        break;
      case 'STRUCT':
      case 'UNION': {
        const bitfields = type.members.some((m) => m.bitSize > 0);
        record(type.name, type.kind, type.members.length, bitfields, type.size);
        for (const m of type.members) words.push(str(m.name), m.type, bitfields ? ((m.bitSize << 24) | m.bitOffset) >>> 0 : m.bitOffset);
        break;
      }
      case 'ENUM':
        record(type.name, type.kind, type.values.length, type.signed, type.size);
        for (const v of type.values) words.push(str(v.name), Number(BigInt.asUintN(32, v.value)));
        break;
      case 'ENUM64':
        record(type.name, type.kind, type.values.length, type.signed, type.size);
        for (const v of type.values) {
          const bits = BigInt.asUintN(64, v.value);
          words.push(str(v.name), Number(bits & 0xffffffffn), Number(bits >> 32n));
        }
        break;
      case 'FWD':
        record(type.name, type.kind, 0, type.union, 0);
        break;
      case 'FUNC':
        record(type.name, type.kind, type.linkage, false, type.type);
        break;
      case 'FUNC_PROTO':
        record(type.name, type.kind, type.params.length, false, type.returnType);
        for (const p of type.params) words.push(str(p.name), p.type);
        break;
      case 'VAR':
        record(type.name, type.kind, 0, false, type.type);
        words.push(type.linkage);
        break;
      case 'DATASEC':
        record(type.name, type.kind, type.entries.length, false, type.size);
        for (const e of type.entries) words.push(e.type, e.offset, e.size);
        break;
      case 'FLOAT':
        record(type.name, type.kind, 0, false, type.size);
        break;
      case 'DECL_TAG':
        record(type.name, type.kind, 0, false, type.type);
        words.push(type.componentIndex >>> 0);
        break;
    }
  }
  const stringBytes = Buffer.concat(strings.map((s) => Buffer.from(s + '\0')));
  const header = 24;
  const bytes = new Uint8Array(header + words.length * 4 + stringBytes.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xeb9f, littleEndian);
  bytes[2] = 1;
  view.setUint32(4, header, littleEndian);
  view.setUint32(8, 0, littleEndian);
  view.setUint32(12, words.length * 4, littleEndian);
  view.setUint32(16, words.length * 4, littleEndian);
  view.setUint32(20, stringBytes.length, littleEndian);
  words.forEach((word, i) => view.setUint32(header + i * 4, word >>> 0, littleEndian));
  bytes.set(stringBytes, header + words.length * 4);
  return bytes;
}

/**
 * The first `count` types of a blob as a blob of their own, every reference past them
 * pointing at void instead (and records that must point at something real, FUNC, VAR and
 * DECL_TAG, turned into typedefs of void). Real names, kinds and shapes, a fraction of the size.
 */
export function miniature(types: readonly BtfType[], count: number): Uint8Array {
  const kept = types.slice(0, count);
  const inside = (id: number) => (id <= count ? id : 0);
  const records: TypeRecord[] = kept.map((type): TypeRecord => {
    const { id: _id, ...rest } = type;
    switch (rest.kind) {
      case 'PTR':
      case 'TYPEDEF':
      case 'VOLATILE':
      case 'CONST':
      case 'RESTRICT':
      case 'TYPE_TAG':
        return { ...rest, type: inside(rest.type) };
      case 'ARRAY':
        return { ...rest, elementType: inside(rest.elementType), indexType: inside(rest.indexType) };
      case 'STRUCT':
      case 'UNION':
        return { ...rest, members: rest.members.map((m) => ({ ...m, type: inside(m.type) })) };
      case 'FUNC_PROTO':
        return { ...rest, returnType: inside(rest.returnType), params: rest.params.map((p, i) => ({ ...p, type: p.type === 0 && i === rest.params.length - 1 ? 0 : inside(p.type) || 1 })) };
      case 'DATASEC':
        return { ...rest, entries: rest.entries.filter((e) => e.type <= count) };
      case 'FUNC':
      case 'VAR':
      case 'DECL_TAG': {
        const target = kept[rest.type - 1];
        const fits = rest.type <= count && (rest.kind !== 'FUNC' || target?.kind === 'FUNC_PROTO');
        return fits ? rest : { kind: 'TYPEDEF', name: rest.name, type: 0 };
      }
      default:
        return rest;
    }
  });
  return writeBtf(records);
}
