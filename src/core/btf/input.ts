// Finds the BTF inside whatever file a user points at, by its contents, not its name:
// - raw BTF (/sys/kernel/btf/vmlinux, /sys/kernel/btf/<module>, a .btf file);
// - an ELF file with a .BTF section (vmlinux, a module .ko, a compiled .o), and the
//   .BTF.base section of a module built against a distilled base;
// - xz or gzip compressed (btfhub-archive's <release>.btf.tar.xz, a module .ko.xz or .ko.gz);
// - a tar archive: its first member that is BTF or ELF.
// Compressed output is capped, so a decompression bomb fails instead of filling memory.
import { gunzipSync } from 'node:zlib';
import { XzReadableStream } from 'xz-decompress';
import { bytesSource, readRange, startsWith, type ByteSource } from './bytes';
import { isElf, readElfSections } from './elf';
import { BtfError } from './errors';
import { isBtf } from './parse';

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** Larger than any decompressed vmlinux BTF (tens of MB) or module; a bomb stops here. */
export const MAX_DECOMPRESSED_BYTES = 1 << 30;
/** An archive inside a compressed file inside an archive is as deep as real inputs go. */
const MAX_NESTING = 4;
const TAR_BLOCK = 512;

export interface ExtractedBtf {
  /** The BTF bytes. */
  btf: Uint8Array;
  /** A module's distilled base (.BTF.base), when its ELF file has one. */
  distilledBase?: Uint8Array;
  /** How the BTF was found, for messages: 'raw BTF', 'ELF .BTF section', 'xz › tar member x'. */
  container: string;
}

async function decompressXz(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const reader = new XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_DECOMPRESSED_BYTES) throw new BtfError(`${name}: decompresses to more than ${MAX_DECOMPRESSED_BYTES >> 20} MiB; not a kernel BTF file`);
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BtfError) throw error;
    throw new BtfError(`${name}: the xz data is corrupt (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    reader.releaseLock();
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

function decompressGzip(bytes: Uint8Array, name: string): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    throw new BtfError(`${name}: the gzip data is corrupt or too large (${(error as Error).message})`);
  }
}

function octalField(header: Uint8Array, start: number, length: number): number {
  // GNU tar writes sizes of 8 GiB and more in base-256 (high bit set); no BTF file is that big.
  if (header[start] & 0x80) return Number.NaN;
  const text = new TextDecoder().decode(header.subarray(start, start + length)).replace(/\0.*$/s, '').trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : Number.NaN;
}

function tarHeaderValid(header: Uint8Array): boolean {
  const stored = octalField(header, 148, 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

export function isTar(head: Uint8Array): boolean {
  return head.length >= TAR_BLOCK && tarHeaderValid(head.subarray(0, TAR_BLOCK));
}

/**
 * The regular files of a tar archive in memory. A reader of our own rather than a streaming
 * package: the archive is already in memory and we need one member, chosen by its contents,
 * so headers, sizes and checksums are all there is to read (POSIX ustar, with GNU and pax
 * extension records skipped as the non-regular members they are).
 */
export function* tarMembers(bytes: Uint8Array, archiveName: string): Generator<{ name: string; data: Uint8Array }> {
  let pos = 0;
  while (pos + TAR_BLOCK <= bytes.length) {
    const header = bytes.subarray(pos, pos + TAR_BLOCK);
    if (header.every((byte) => byte === 0)) return; // the end-of-archive blocks
    if (!tarHeaderValid(header)) throw new BtfError(`${archiveName}: corrupt tar header at byte ${pos}`);
    const size = octalField(header, 124, 12);
    if (Number.isNaN(size)) throw new BtfError(`${archiveName}: unreadable tar member size at byte ${pos}`);
    const dataStart = pos + TAR_BLOCK;
    if (dataStart + size > bytes.length) throw new BtfError(`${archiveName}: the tar archive is truncated`);
    const type = header[156];
    const decode = (start: number, length: number) => new TextDecoder().decode(header.subarray(start, start + length)).replace(/\0.*$/s, '');
    const prefix = startsWith(header.subarray(257), [0x75, 0x73, 0x74, 0x61, 0x72]) ? decode(345, 155) : '';
    const name = (prefix ? `${prefix}/` : '') + decode(0, 100);
    // '0' and NUL are regular files; links, folders, GNU long names ('L') and pax records ('x', 'g') are not.
    if (type === 0x30 || type === 0) yield { name, data: bytes.subarray(dataStart, dataStart + size) };
    pos = dataStart + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
}

async function extract(source: ByteSource, name: string, path: string[], depth: number): Promise<ExtractedBtf> {
  if (depth > MAX_NESTING) throw new BtfError(`${name}: archives nested too deep`);
  const head = readRange(source, 0, Math.min(source.size, TAR_BLOCK), `${name}'s first bytes`);
  const via = (what: string) => [...path, what].join(' › ');
  if (isBtf(head)) return { btf: readRange(source, 0, source.size, name), container: via('raw BTF') };
  if (isElf(head)) {
    const sections = readElfSections(source, ['.BTF', '.BTF.base']);
    const btf = sections.get('.BTF');
    if (!btf) throw new BtfError(`${name}: this ELF file has no .BTF section (kernels carry one when built with CONFIG_DEBUG_INFO_BTF=y; modules with CONFIG_DEBUG_INFO_BTF_MODULES=y)`);
    return { btf, distilledBase: sections.get('.BTF.base'), container: via('ELF .BTF section') };
  }
  if (startsWith(head, XZ_MAGIC)) {
    const inner = await decompressXz(readRange(source, 0, source.size, name), name);
    return extract(bytesSource(inner), name, [...path, 'xz'], depth + 1);
  }
  if (startsWith(head, GZIP_MAGIC)) {
    const inner = decompressGzip(readRange(source, 0, source.size, name), name);
    return extract(bytesSource(inner), name, [...path, 'gzip'], depth + 1);
  }
  if (startsWith(head, ZSTD_MAGIC)) {
    throw new BtfError(`${name}: zstd-compressed files cannot be read yet; decompress it first (zstd -d), or use /sys/kernel/btf/ on that kernel`);
  }
  if (isTar(head)) {
    const bytes = readRange(source, 0, source.size, name);
    for (const member of tarMembers(bytes, name)) {
      const first = member.data.subarray(0, TAR_BLOCK);
      if (isBtf(first) || isElf(first) || startsWith(first, XZ_MAGIC) || startsWith(first, GZIP_MAGIC)) {
        return extract(bytesSource(member.data), `${name} › ${member.name}`, [...path, `tar member ${member.name}`], depth + 1);
      }
    }
    throw new BtfError(`${name}: the tar archive holds no BTF or ELF file`);
  }
  throw new BtfError(`${name}: not BTF, an ELF file with a .BTF section, or an .xz, .gz or .tar of one`);
}

/** The BTF in `source`, whatever container holds it. `name` labels messages. */
export function extractBtf(source: ByteSource | Uint8Array, name: string): Promise<ExtractedBtf> {
  return extract(source instanceof Uint8Array ? bytesSource(source) : source, name, [], 0);
}
