// Finds a named section in an ELF file (vmlinux, a module .ko, a compiled .o): ELF32 and
// ELF64, either byte order, including the extended numbering ELF uses when a file has 65,280
// sections or more. Reads only the headers and the section asked for.
import { readRange, startsWith, type ByteSource } from './bytes';
import { BtfError } from './errors';

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
/** More sections than any real kernel object has (vmlinux: ~100; a -ffunction-sections build: ~200k). */
const MAX_SECTIONS = 1 << 22;

interface SectionHeader {
  nameOffset: number;
  type: number;
  offset: number;
  size: number;
  link: number;
}

interface ElfLayout {
  is64: boolean;
  littleEndian: boolean;
  sectionTableOffset: number;
  sectionEntrySize: number;
  sectionCount: number;
  sectionNamesIndex: number;
}

export function isElf(head: Uint8Array): boolean {
  return startsWith(head, ELF_MAGIC);
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BtfError(`ELF ${what} is too large (${value})`);
  return Number(value);
}

class ElfFile {
  private readonly layout: ElfLayout;

  constructor(private readonly source: ByteSource) {
    const ident = readRange(source, 0, 16, 'the ELF identification');
    if (!isElf(ident)) throw new BtfError('not an ELF file (bad magic)');
    const elfClass = ident[4];
    const data = ident[5];
    if (elfClass !== ELFCLASS32 && elfClass !== ELFCLASS64) throw new BtfError(`unknown ELF class ${elfClass} (expected 1 for ELF32 or 2 for ELF64)`);
    if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new BtfError(`unknown ELF byte order ${data}`);
    const is64 = elfClass === ELFCLASS64;
    const littleEndian = data === ELFDATA2LSB;
    const header = new DataView(readRange(source, 0, is64 ? 64 : 52, 'the ELF header').slice().buffer);
    const sectionTableOffset = is64 ? safeNumber(header.getBigUint64(0x28, littleEndian), 'section table offset') : header.getUint32(0x20, littleEndian);
    const sectionEntrySize = header.getUint16(is64 ? 0x3a : 0x2e, littleEndian);
    let sectionCount = header.getUint16(is64 ? 0x3c : 0x30, littleEndian);
    let sectionNamesIndex = header.getUint16(is64 ? 0x3e : 0x32, littleEndian);
    if (sectionTableOffset === 0) throw new BtfError('the ELF file has no section table');
    if (sectionEntrySize < (is64 ? 64 : 40)) throw new BtfError(`ELF section header size ${sectionEntrySize} is too small`);
    this.layout = { is64, littleEndian, sectionTableOffset, sectionEntrySize, sectionCount, sectionNamesIndex };
    // Extended numbering: the real count and name-table index live in section 0.
    if (sectionCount === 0 || sectionNamesIndex === SHN_XINDEX) {
      const first = this.sectionHeader(0);
      if (sectionCount === 0) sectionCount = first.size;
      if (sectionNamesIndex === SHN_XINDEX) sectionNamesIndex = first.link;
    }
    if (sectionCount > MAX_SECTIONS) throw new BtfError(`the ELF file claims ${sectionCount} sections`);
    if (sectionNamesIndex >= sectionCount) throw new BtfError(`the ELF section name table index ${sectionNamesIndex} is out of range (${sectionCount} sections)`);
    readRange(source, sectionTableOffset, sectionCount * sectionEntrySize, 'the ELF section table');
    this.layout = { ...this.layout, sectionCount, sectionNamesIndex };
  }

  private sectionHeader(index: number): SectionHeader {
    const { is64, littleEndian, sectionTableOffset, sectionEntrySize } = this.layout;
    const bytes = readRange(this.source, sectionTableOffset + index * sectionEntrySize, is64 ? 64 : 40, `ELF section header ${index}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return is64
      ? {
          nameOffset: view.getUint32(0, littleEndian),
          type: view.getUint32(4, littleEndian),
          offset: safeNumber(view.getBigUint64(24, littleEndian), 'section offset'),
          size: safeNumber(view.getBigUint64(32, littleEndian), 'section size'),
          link: view.getUint32(40, littleEndian),
        }
      : {
          nameOffset: view.getUint32(0, littleEndian),
          type: view.getUint32(4, littleEndian),
          offset: view.getUint32(16, littleEndian),
          size: view.getUint32(20, littleEndian),
          link: view.getUint32(24, littleEndian),
        };
  }

  /** The bytes of every section with one of `names`, by name. */
  sections(names: readonly string[]): Map<string, Uint8Array> {
    const nameTable = this.sectionHeader(this.layout.sectionNamesIndex);
    const nameBytes = nameTable.type === SHT_NOBITS ? new Uint8Array(0) : readRange(this.source, nameTable.offset, nameTable.size, 'the ELF section name table');
    const wanted = names.map((name) => new TextEncoder().encode(name + '\0'));
    const found = new Map<string, Uint8Array>();
    for (let index = 0; index < this.layout.sectionCount && found.size < names.length; index++) {
      const header = this.sectionHeader(index);
      const which = wanted.findIndex((name) => header.nameOffset + name.length <= nameBytes.length && name.every((byte, i) => nameBytes[header.nameOffset + i] === byte));
      if (which < 0 || found.has(names[which])) continue;
      if (header.type === SHT_NOBITS) throw new BtfError(`the ELF section ${names[which]} has no contents in the file`);
      found.set(names[which], readRange(this.source, header.offset, header.size, `the ELF section ${names[which]}`));
    }
    return found;
  }
}

/** The sections of an ELF file named in `names` (those present), reading only what is needed. */
export function readElfSections(source: ByteSource, names: readonly string[]): Map<string, Uint8Array> {
  return new ElfFile(source).sections(names);
}
