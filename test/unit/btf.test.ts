// The BTF reader on the project's own fixtures (test/fixtures/btf, generated from kinds.h,
// kinds.c and module.c by generate.sh): every kind, both byte orders, ELF32/ELF64 containers,
// split BTF of a module, a btfhub-style archive, the C text of members, and bad input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { btfDefinitions } from '../../src/core/kernels/btf/definitions';
import { readElfSections } from '../../src/core/kernels/btf/elf';
import { BtfError } from '../../src/core/kernels/btf/errors';
import { extractBtf } from '../../src/core/kernels/btf/input';
import { parseBtf, type Btf, type BtfKind, type BtfType } from '../../src/core/kernels/btf/parse';
import { bytesSource } from '../../src/core/kernels/btf/bytes';
import { fixturesDir } from './helpers';
import { writeBtf, type TypeRecord } from './btfWriter';

const btfDir = join(fixturesDir, 'btf');
const fixture = (name: string) => new Uint8Array(readFileSync(join(btfDir, name)));

function typeNamed(btf: Btf, kind: BtfKind, name: string): BtfType {
  const found = btf.ownTypes.find((t) => t.kind === kind && t.name === name);
  assert.ok(found, `${kind} ${name} not found`);
  return found;
}

function declarations(btf: Btf, key: string): string[] {
  const definition = btfDefinitions(btf).get(key);
  assert.ok(definition, `${key} not found`);
  return definition.members.map((m) => m.declaration);
}

/** struct gadget of kinds.h, as clang -target bpf encodes it. */
const GADGET = [
  'const char *name',
  'volatile unsigned int status',
  'char label[16]',
  'int matrix[2][3]',
  'char (*history)[8]',
  'unsigned int flags',
  'unsigned int mode',
  'long raw',
  'short lo',
  'short hi',
  'struct (anon) position',
  'union opaque_union *opaque',
  'enum colour colour',
  'enum wide wide',
  'float ratio',
  'double precise',
  'const struct device_ops *ops',
  'void *restrict buffer',
  'struct list_node link',
  'atomic_like_t refs',
  'int tagged',
  'bool ready',
  'int *user_pointer',
  'void (*callbacks[2])(int)',
  'struct gadget *const self',
  'loff_t position_in_file',
];

/**
 * A minimal x86 bzImage around `payload`: the boot protocol header (setup_sects, the 0xAA55
 * mark, "HdrS", payload_offset and payload_length) and the 4-byte size the kernel's build
 * appends to the compressed stream.
 */
function bzImage(payload: Uint8Array): Uint8Array {
  const setupSectors = 1;
  const protectedModeStart = (setupSectors + 1) * 512;
  const payloadOffset = 0x40;
  const image = new Uint8Array(protectedModeStart + payloadOffset + payload.length + 4);
  const view = new DataView(image.buffer);
  image[0x1f1] = setupSectors;
  image[0x1fe] = 0x55;
  image[0x1ff] = 0xaa;
  image.set(new TextEncoder().encode('HdrS'), 0x202);
  view.setUint32(0x248, payloadOffset, true);
  view.setUint32(0x24c, payload.length + 4, true);
  image.set(payload, protectedModeStart + payloadOffset);
  view.setUint32(protectedModeStart + payloadOffset + payload.length, 0x12345, true);
  return image;
}

describe('BTF reader: fixtures', () => {
  describe('every kind', () => {
    const clang = parseBtf(fixture('kinds.bpfel.btf'), { source: 'kinds.bpfel.btf' });
    const pahole = parseBtf(fixture('vmlinux.btf'), { source: 'vmlinux.btf' });
    const module = parseBtf(fixture('module.btf'), { base: pahole, source: 'module.btf' });

    it('reads all 19 kinds across the compiler-emitted and pahole-encoded fixtures', () => {
      const seen = new Set([...clang.ownTypes, ...pahole.ownTypes, ...module.ownTypes].map((t) => t.kind));
      const all: BtfKind[] = ['INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'ENUM64', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG'];
      assert.deepEqual([...seen].sort(), [...all].sort());
    });

    it('reads each kind\'s own fields', () => {
      assert.deepEqual(typeNamed(clang, 'INT', 'char'), { kind: 'INT', id: 6, name: 'char', size: 1, encoding: 1, bitOffset: 0, bits: 8 });
      assert.equal((typeNamed(clang, 'INT', '_Bool') as { encoding: number }).encoding, 4, 'BTF_INT_BOOL');
      assert.deepEqual(typeNamed(clang, 'FLOAT', 'double'), { kind: 'FLOAT', id: 26, name: 'double', size: 8 });
      assert.deepEqual(typeNamed(clang, 'FWD', 'opaque_union'), { kind: 'FWD', id: 22, name: 'opaque_union', union: true });
      const colour = typeNamed(clang, 'ENUM', 'colour');
      assert.deepEqual(colour.kind === 'ENUM' && colour.values.map((v) => [v.name, v.value]), [['RED', 0n], ['GREEN', 5n], ['BLUE', -1n]]);
      const wide = typeNamed(pahole, 'ENUM64', 'wide');
      assert.deepEqual(wide.kind === 'ENUM64' && wide.values.map((v) => [v.name, v.value]), [['WIDE_SMALL', 1n], ['WIDE_BIG', 4294967296n]]);
      assert.equal(typeNamed(clang, 'TYPE_TAG', 'user').kind, 'TYPE_TAG');
      const tags = clang.ownTypes.filter((t) => t.kind === 'DECL_TAG').map((t) => t.kind === 'DECL_TAG' && [t.name, clang.type(t.type).name, t.componentIndex]);
      assert.deepEqual(tags, [['struct_tag', 'gadget', -1], ['member_tag', 'gadget', 18], ['param_tag', 'gadget_poke', 0], ['var_tag', 'counter', -1]]);
      const func = typeNamed(clang, 'FUNC', 'gadget_poke');
      assert.equal(func.kind === 'FUNC' && func.linkage, 1, 'global');
      const proto = func.kind === 'FUNC' ? clang.type(func.type) : undefined;
      assert.deepEqual(proto?.kind === 'FUNC_PROTO' && proto.params.map((p) => p.name), ['gadget', 'how']);
      const bss = typeNamed(clang, 'DATASEC', '.bss');
      assert.deepEqual(bss.kind === 'DATASEC' && bss.entries.map((e) => clang.type(e.type).name), ['global_gadget', 'default_ops']);
      assert.equal(typeNamed(clang, 'VAR', 'counter').kind, 'VAR');
      const gadget = typeNamed(clang, 'STRUCT', 'gadget');
      const flags = gadget.kind === 'STRUCT' ? gadget.members.find((m) => m.name === 'mode') : undefined;
      assert.deepEqual(flags && [flags.bitOffset, flags.bitSize], [515, 5], 'bit-field offset and size');
      assert.ok(clang.ownTypes.some((t) => t.kind === 'RESTRICT') && clang.ownTypes.some((t) => t.kind === 'VOLATILE'));
    });
  });

  describe('byte orders and containers', () => {
    const reference = parseBtf(fixture('kinds.bpfel.btf')).ownTypes;

    it('reads big-endian BTF (clang -target bpfeb) to the same types', () => {
      const big = parseBtf(fixture('kinds.bpfeb.btf'));
      assert.equal(big.littleEndian, false);
      assert.deepEqual(big.ownTypes, reference);
    });

    for (const [file, what] of [
      ['kinds.bpfel.o', 'ELF64 little-endian'],
      ['kinds.bpfeb.o', 'ELF64 big-endian'],
      ['kinds.elf32le.o', 'ELF32 little-endian (i386)'],
      ['kinds.elf32be.o', 'ELF32 big-endian (powerpc)'],
    ]) {
      it(`finds the .BTF section of an ${what} object`, async () => {
        const extracted = await extractBtf(fixture(file), file);
        assert.equal(extracted.container, 'ELF .BTF section');
        assert.deepEqual(parseBtf(extracted.btf).ownTypes, reference);
      });
    }

    it('reads ELF sections by range, without loading the rest of the file', () => {
      const bytes = fixture('kinds.bpfel.o');
      const reads: [number, number][] = [];
      const source = { size: bytes.length, read: (offset: number, length: number) => (reads.push([offset, length]), bytes.subarray(offset, offset + length)) };
      const sections = readElfSections(source, ['.BTF', '.BTF.ext', '.nope']);
      assert.deepEqual([...sections.keys()].sort(), ['.BTF', '.BTF.ext']);
      assert.ok(reads.reduce((sum, [, length]) => sum + length, 0) < bytes.length, 'read less than the whole file');
    });

    it('follows ELF extended section numbering (counts kept in section 0)', () => {
      const bytes = fixture('kinds.bpfel.o').slice();
      const view = new DataView(bytes.buffer);
      const tableOffset = Number(view.getBigUint64(0x28, true));
      const count = view.getUint16(0x3c, true);
      const namesIndex = view.getUint16(0x3e, true);
      view.setUint16(0x3c, 0, true); // e_shnum 0: the count is section 0's sh_size
      view.setUint16(0x3e, 0xffff, true); // SHN_XINDEX: the name table index is section 0's sh_link
      view.setBigUint64(tableOffset + 32, BigInt(count), true);
      view.setUint32(tableOffset + 40, namesIndex, true);
      const sections = readElfSections(bytesSource(bytes), ['.BTF']);
      assert.deepEqual(parseBtf(sections.get('.BTF')!).ownTypes, reference);
    });

    it('unpacks a btfhub-archive style .btf.tar.xz, and gzip', async () => {
      const archive = await extractBtf(fixture('5.14.0-362.8.1.el9_3.x86_64.btf.tar.xz'), 'rhel.btf.tar.xz');
      assert.equal(archive.container, 'xz › tar member 5.14.0-362.8.1.el9_3.x86_64.btf › raw BTF');
      assert.deepEqual(new Uint8Array(archive.btf), fixture('vmlinux.btf'));
      const gzipped = await extractBtf(gzipSync(fixture('module.ko')), 'module.ko.gz');
      assert.equal(gzipped.container, 'gzip › ELF .BTF section');
      assert.deepEqual(new Uint8Array(gzipped.btf), fixture('module.btf'));
    });
  });

  describe('C text of members, as the bundled database spells it', () => {
    const clang = parseBtf(fixture('kinds.bpfel.btf'));

    it('flattens anonymous members, keeps named anonymous ones, drops type tags and bit-field widths', () => {
      assert.deepEqual(declarations(clang, 'struct gadget'), GADGET);
    });

    it('writes function pointers as the bundled data does', () => {
      const ops = btfDefinitions(clang).get('struct device_ops')!;
      assert.deepEqual(
        ops.members.map((m) => [m.name, m.declaration, m.type]),
        [
          ['open', 'int (*open)(struct file *, unsigned int)', 'int (*)(struct file *, unsigned int)'],
          ['lookup', 'struct list_node * (*lookup)(const char *, size_t)', 'struct list_node * (*)(const char *, size_t)'],
          ['walk', 'void (*walk)(struct list_node *, int(*)(struct list_node *, void *), void *)', 'void (*)(struct list_node *, int(*)(struct list_node *, void *), void *)'],
          ['log', 'int (*log)(const char *, ...)', 'int (*)(const char *, ...)'],
          // BTF cannot tell `(void)` from `()`; the bundled data writes `()` too.
          ['reset', 'void (*reset)()', 'void (*)()'],
          ['read', 'long (*read)(struct file *, char *, size_t, loff_t *)', 'long (*)(struct file *, char *, size_t, loff_t *)'],
        ],
      );
    });

    it('types are declarations without the name', () => {
      const gadget = btfDefinitions(clang).get('struct gadget')!;
      const types = Object.fromEntries(gadget.members.map((m) => [m.name, m.type]));
      assert.equal(types.history, 'char (*)[8]');
      assert.equal(types.callbacks, 'void (*[2])(int)');
      assert.equal(types.self, 'struct gadget *const');
      assert.equal(types.label, 'char[16]');
      assert.equal(types.position, 'struct (anon)');
      assert.equal(gadget.incomplete, false);
    });

    it('makes enums NAME = value members, 64-bit ones included, and skips anonymous types', () => {
      const definitions = btfDefinitions(parseBtf(fixture('vmlinux.btf')));
      assert.deepEqual(definitions.get('enum colour')!.members.map((m) => m.declaration), ['RED = 0', 'GREEN = 5', 'BLUE = -1']);
      assert.deepEqual(definitions.get('enum wide')!.members.map((m) => [m.declaration, m.type]), [['WIDE_SMALL = 1', '1'], ['WIDE_BIG = 4294967296', '4294967296']]);
      assert.deepEqual([...definitions.keys()].sort(), ['enum colour', 'enum wide', 'struct device_ops', 'struct gadget', 'struct list_node']);
    });

    it('pahole and clang encodings of the same source read the same, but for what pahole merges', () => {
      const pahole = declarations(parseBtf(fixture('vmlinux.btf')), 'struct gadget');
      // pahole writes a multi-dimensional array as one dimension; the rest is identical.
      assert.deepEqual(pahole, GADGET.map((d) => (d === 'int matrix[2][3]' ? 'int matrix[6]' : d)));
    });
  });

  describe('split BTF of modules', () => {
    const vmlinux = parseBtf(fixture('vmlinux.btf'), { source: 'vmlinux.btf' });

    it('continues type ids and string offsets from its base', () => {
      const module = parseBtf(fixture('module.btf'), { base: vmlinux, source: 'module.btf' });
      assert.equal(module.firstId, vmlinux.typeCount);
      assert.equal(module.firstStringOffset, vmlinux.stringLength);
      assert.equal(module.ownTypes[0].name, 'vfio_device_ops');
      assert.equal(module.type(5).name, 'gadget', 'ids below firstId come from the base');
      const definitions = btfDefinitions(module);
      assert.deepEqual([...definitions.keys()].sort(), ['enum module_state', 'struct vfio_device_ops'], 'only the module\'s own types');
      assert.deepEqual(definitions.get('struct vfio_device_ops')!.members.map((m) => m.declaration), [
        'char *name',
        'int (*open_device)(struct vfio_device *)',
        'void (*close_device)(struct vfio_device *)',
        'struct gadget * (*gadget_of)(struct vfio_device *, enum colour)',
        'struct list_node node',
        'size_t count',
      ]);
    });

    it('reads a module .ko the same as its raw split BTF', async () => {
      const extracted = await extractBtf(fixture('module.ko'), 'module.ko');
      assert.deepEqual(parseBtf(extracted.btf, { base: vmlinux }).ownTypes, parseBtf(fixture('module.btf'), { base: vmlinux }).ownTypes);
    });

    it('says to give the base when split BTF comes alone', () => {
      assert.throws(() => parseBtf(fixture('module.btf'), { source: 'module.btf' }), (error: Error) => error instanceof BtfError && /split BTF|string section must start|past the/.test(error.message));
    });

    it('reads split BTF built in the test by re-basing ids of a second blob', () => {
      const base = parseBtf(writeBtf([{ kind: 'INT', name: 'int', size: 4, encoding: 1, bitOffset: 0, bits: 32 }]));
      // Ids 1 (int, in the base), 2 (a pointer to 3) and 3 (the struct), strings after the base's.
      const split = writeBtf(
        [
          { kind: 'PTR', name: '', type: 3 },
          { kind: 'STRUCT', name: 'module_thing', size: 16, members: [{ name: 'count', type: 1, bitOffset: 0, bitSize: 0 }, { name: 'next', type: 2, bitOffset: 64, bitSize: 0 }] },
        ],
        { firstStringOffset: base.stringEnd },
      );
      const definitions = btfDefinitions(parseBtf(split, { base }));
      assert.deepEqual(definitions.get('struct module_thing')!.members.map((m) => m.declaration), ['int count', 'struct module_thing *next']);
    });
  });

  describe('bad input: a BtfError, never a hang or a crash', () => {
    const int: TypeRecord = { kind: 'INT', name: 'int', size: 4, encoding: 1, bitOffset: 0, bits: 32 };
    const rejects = (bytes: Uint8Array, pattern: RegExp, base?: Btf) => assert.throws(() => btfDefinitions(parseBtf(bytes, { base, source: 'bad.btf' })), (error: Error) => error instanceof BtfError && pattern.test(error.message));

    it('wrong magic, short header, unknown version', () => {
      rejects(new TextEncoder().encode('this is not BTF at all, only text'), /not BTF \(magic 7468/);
      rejects(new Uint8Array([0x9f, 0xeb, 1, 0]), /too short/);
      const wrongVersion = writeBtf([int]);
      wrongVersion[2] = 2;
      rejects(wrongVersion, /version 2/);
    });

    it('truncated sections and records', () => {
      const good = fixture('kinds.bpfel.btf');
      rejects(good.subarray(0, good.length - 100), /section is truncated/);
      const cutRecord = writeBtf([int, { kind: 'STRUCT', name: 's', size: 4, members: [{ name: 'a', type: 1, bitOffset: 0, bitSize: 0 }] }]);
      new DataView(cutRecord.buffer).setUint32(12, 16 + 12 + 6, true); // type_len ends inside the struct's member
      new DataView(cutRecord.buffer).setUint32(16, 16 + 12 + 12 + 4, true);
      rejects(cutRecord, /not a multiple of 4|truncated/);
    });

    it('an absurd vlen with nothing behind it', () => {
      const bytes = writeBtf([int, { kind: 'STRUCT', name: 'huge', size: 4, members: [] }]);
      const view = new DataView(bytes.buffer);
      view.setUint32(24 + 16 + 4, (4 << 24) | 0xffff, true); // STRUCT, vlen 65535
      rejects(bytes, /type \[2\] \(STRUCT, vlen 65535\) is truncated/);
    });

    it('type ids out of range', () => {
      rejects(writeBtf([int, { kind: 'PTR', name: '', type: 99 }]), /type \[2\] \(PTR\) refers to type id 99, past the last id 2/);
      rejects(writeBtf([{ kind: 'STRUCT', name: 's', size: 4, members: [{ name: 'a', type: 7, bitOffset: 0, bitSize: 0 }] }]), /refers to type id 7/);
    });

    it('reference loops: a typedef naming itself, a longer qualifier loop', () => {
      rejects(writeBtf([{ kind: 'TYPEDEF', name: 'loop_t', type: 1 }]), /reference loop: type \[1\] \(TYPEDEF 'loop_t'\)/);
      rejects(writeBtf([int, { kind: 'CONST', name: '', type: 3 }, { kind: 'VOLATILE', name: '', type: 4 }, { kind: 'PTR', name: '', type: 2 }]), /reference loop/);
      // A struct holding a pointer to itself is fine.
      const list = writeBtf([{ kind: 'STRUCT', name: 'node', size: 8, members: [{ name: 'next', type: 2, bitOffset: 0, bitSize: 0 }] }, { kind: 'PTR', name: '', type: 1 }]);
      assert.deepEqual(btfDefinitions(parseBtf(list)).get('struct node')!.members.map((m) => m.declaration), ['struct node *next']);
    });

    it('an anonymous struct containing itself', () => {
      rejects(
        writeBtf([
          { kind: 'STRUCT', name: 'outer', size: 4, members: [{ name: '', type: 2, bitOffset: 0, bitSize: 0 }] },
          { kind: 'STRUCT', name: '', size: 4, members: [{ name: '', type: 2, bitOffset: 0, bitSize: 0 }] },
        ]),
        /contains itself through anonymous members/,
      );
    });

    it('types nested absurdly deep, or expanding exponentially', () => {
      const deep: TypeRecord[] = [int, ...Array.from({ length: 200 }, (_, i): TypeRecord => ({ kind: 'CONST', name: '', type: i + 1 }))];
      deep.push({ kind: 'STRUCT', name: 's', size: 4, members: [{ name: 'a', type: 201, bitOffset: 0, bitSize: 0 }] });
      rejects(writeBtf(deep), /nested more than 64 levels/);
      // Each prototype takes 40 pointers to the previous one: 40^4 nodes from 9 records.
      const wide: TypeRecord[] = [int];
      for (let level = 0; level < 4; level++) {
        const previous = wide.length; // the id of the last record
        wide.push({ kind: 'FUNC_PROTO', name: '', returnType: 1, params: Array.from({ length: 40 }, () => ({ name: '', type: previous })) });
        wide.push({ kind: 'PTR', name: '', type: wide.length });
      }
      wide.push({ kind: 'STRUCT', name: 's', size: 8, members: [{ name: 'f', type: wide.length, bitOffset: 0, bitSize: 0 }] });
      rejects(writeBtf(wide), /expands to more than 2000 nodes/);
    });

    it('names outside the string section, unknown kinds, a FUNC without a prototype', () => {
      const bytes = writeBtf([int]);
      new DataView(bytes.buffer).setUint32(24, 5000, true);
      rejects(bytes, /name offset 5000, past the string section/);
      const unknown = writeBtf([int]);
      new DataView(unknown.buffer).setUint32(28, 25 << 24, true);
      rejects(unknown, /unknown kind 25/);
      rejects(writeBtf([int, { kind: 'FUNC', name: 'f', type: 1, linkage: 1 }]), /does not point at a FUNC_PROTO/);
    });

    it('containers: a bzImage (/boot/vmlinuz) whose payload is zstd, gzip or x86-filtered xz', async () => {
      const elf = fixture('kinds.bpfel.o');
      const expected = (await extractBtf(elf, 'kinds.bpfel.o')).btf;
      const zstd = await extractBtf(bzImage(fixture('kinds.bpfel.o.zst')), 'vmlinuz');
      assert.equal(zstd.container, 'bzImage payload › zstd › ELF .BTF section');
      assert.deepEqual(zstd.btf, expected);
      const gzip = await extractBtf(bzImage(gzipSync(elf)), 'vmlinuz');
      assert.equal(gzip.container, 'bzImage payload › gzip › ELF .BTF section');
      assert.deepEqual((await extractBtf(fixture('kinds.bpfel.o.zst'), 'kinds.ko.zst')).btf, expected, 'a .ko.zst module');
      await assert.rejects(extractBtf(bzImage(fixture('kinds.bpfel.o.x86.xz')), 'vmlinuz'), /uses a filter this reader cannot decode \(a bzImage's x86 BCJ filter\)/);
      const truncated = bzImage(gzipSync(elf)).subarray(0, 3000);
      await assert.rejects(extractBtf(truncated, 'vmlinuz'), /compressed kernel lies outside the file/);
    });

    it('containers: no .BTF section, ELF tables past the end, zstd, corrupt xz, truncated tar', async () => {
      const rejectsAsync = (bytes: Uint8Array, pattern: RegExp) => assert.rejects(extractBtf(bytes, 'input'), (error: Error) => error instanceof BtfError && pattern.test(error.message));
      const object = fixture('kinds.bpfel.o');
      const noBtf = object.slice();
      // Rename .BTF to .XYZ in the section name table.
      const at = Buffer.from(noBtf).indexOf('.BTF\0');
      noBtf.set(new TextEncoder().encode('.XYZ'), at);
      await rejectsAsync(noBtf, /no .BTF section/);
      const farTable = object.slice();
      new DataView(farTable.buffer).setBigUint64(0x28, 1n << 40n, true);
      await rejectsAsync(farTable, /outside the file/);
      await rejectsAsync(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]), /zstd data is corrupt/);
      const archive = fixture('5.14.0-362.8.1.el9_3.x86_64.btf.tar.xz');
      const corrupt = archive.slice();
      corrupt.fill(0x55, 100, 400);
      await rejectsAsync(corrupt, /xz data is corrupt/);
      const tar = Buffer.alloc(1024);
      tar.write('vmlinux.btf', 0);
      tar.write('0000644\0', 100);
      tar.write('00000777777\0', 124); // a size far past the end
      tar[156] = 0x30;
      tar.write('ustar\x0000', 257);
      tar.write('        ', 148);
      const sum = tar.subarray(0, 512).reduce((total, byte) => total + byte, 0);
      tar.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
      await rejectsAsync(new Uint8Array(tar), /tar archive is truncated/);
      await rejectsAsync(new Uint8Array(64), /not BTF, an ELF file/);
    });

    it('byte sources refuse reads outside them', () => {
      assert.throws(() => readElfSections(bytesSource(fixture('kinds.bpfel.o').subarray(0, 40)), ['.BTF']), BtfError);
    });
  });
});
