// Finds the BTF inside whatever file a user points at, by its contents, not its name:
// - raw BTF (/sys/kernel/btf/vmlinux, /sys/kernel/btf/<module>, a .btf file);
// - an ELF file with a .BTF section (vmlinux, a module .ko, a compiled .o), and the
//   .BTF.base section of a module built against a distilled base;
// - xz, gzip or zstd compressed (btfhub-archive's <release>.btf.tar.xz, a module .ko.xz,
//   .ko.gz or .ko.zst);
// - an x86 bzImage (/boot/vmlinuz): its compressed payload is the ELF vmlinux;
// - a tar archive: its first member that is BTF or ELF.
// Compressed output is capped, so a decompression bomb fails instead of filling memory.
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
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
    const why = error instanceof Error ? error.message : String(error);
    // xz-embedded's XZ_OPTIONS_ERROR: a filter it was built without, above all the x86 BCJ
    // filter every xz-compressed bzImage uses.
    if (/error code 6\b/.test(why)) {
      throw new BtfError(`${name}: the xz data uses a filter this reader cannot decode (a bzImage's x86 BCJ filter); decompress it with 'xz -d' first, or import /sys/kernel/btf/vmlinux on that kernel`);
    }
    throw new BtfError(`${name}: the xz data is corrupt (${why})`);
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

function decompressZstd(bytes: Uint8Array, name: string): Uint8Array {
  // fzstd sizes its output from the frame header; a frame that claims more than the cap is refused first.
  const claimed = zstdContentSize(bytes);
  if (claimed !== undefined && claimed > MAX_DECOMPRESSED_BYTES) throw new BtfError(`${name}: decompresses to more than ${MAX_DECOMPRESSED_BYTES >> 20} MiB; not a kernel BTF file`);
  let output: Uint8Array;
  try {
    output = zstdDecompress(bytes);
  } catch (error) {
    throw new BtfError(`${name}: the zstd data is corrupt (${error instanceof Error ? error.message : String(error)})`);
  }
  if (output.length > MAX_DECOMPRESSED_BYTES) throw new BtfError(`${name}: decompresses to more than ${MAX_DECOMPRESSED_BYTES >> 20} MiB; not a kernel BTF file`);
  return output;
}

/** The content size a zstd frame header declares, when it declares one (RFC 8878, 3.1.1.1). */
function zstdContentSize(bytes: Uint8Array): number | undefined {
  if (bytes.length < 6) return undefined;
  const descriptor = bytes[4];
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = sizeFlag === 0 ? singleSegment : 1 << sizeFlag;
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (at + sizeBytes > bytes.length) return undefined;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + bytes[at + i];
  return sizeBytes === 2 ? size + 256 : size;
}

// The x86 boot protocol header of a bzImage (Documentation/arch/x86/boot.rst): the
// protected-mode kernel follows the setup sectors, and its compressed payload (the ELF
// vmlinux, with its .BTF section) lies at payload_offset within it.
const BZIMAGE_HEADER_END = 0x250;
const SETUP_SECTS = 0x1f1;
const HEADER_MAGIC_AT = 0x202;
const HDRS = [0x48, 0x64, 0x72, 0x53]; // "HdrS"
const PAYLOAD_OFFSET = 0x248;
const PAYLOAD_LENGTH = 0x24c;

export function isBzImage(head: Uint8Array): boolean {
  return head.length >= BZIMAGE_HEADER_END && head[0x1fe] === 0x55 && head[0x1ff] === 0xaa && startsWith(head.subarray(HEADER_MAGIC_AT), HDRS);
}

export function bzImagePayload(source: ByteSource, head: Uint8Array, name: string): Uint8Array {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const setupSectors = head[SETUP_SECTS] || 4;
  const start = (setupSectors + 1) * 512 + view.getUint32(PAYLOAD_OFFSET, true);
  const length = view.getUint32(PAYLOAD_LENGTH, true);
  // The kernel's build appends the uncompressed size (4 bytes) to the compressed stream.
  if (length <= 4) throw new BtfError(`${name}: this bzImage declares no payload (boot protocol before 2.08)`);
  return readRange(source, start, length - 4, `${name}'s compressed kernel`);
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
  const head = readRange(source, 0, Math.min(source.size, BZIMAGE_HEADER_END), `${name}'s first bytes`);
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
    const inner = decompressZstd(readRange(source, 0, source.size, name), name);
    return extract(bytesSource(inner), name, [...path, 'zstd'], depth + 1);
  }
  if (isBzImage(head)) {
    return extract(bytesSource(bzImagePayload(source, head, name)), name, [...path, 'bzImage payload'], depth + 1);
  }
  if (isTar(head)) {
    const bytes = readRange(source, 0, source.size, name);
    for (const member of tarMembers(bytes, name)) {
      const first = member.data.subarray(0, TAR_BLOCK);
      if (isBtf(first) || isElf(first) || startsWith(first, XZ_MAGIC) || startsWith(first, GZIP_MAGIC) || startsWith(first, ZSTD_MAGIC)) {
        return extract(bytesSource(member.data), `${name} › ${member.name}`, [...path, `tar member ${member.name}`], depth + 1);
      }
    }
    throw new BtfError(`${name}: the tar archive holds no BTF or ELF file`);
  }
  throw new BtfError(`${name}: not BTF, an ELF file with a .BTF section, a bzImage, or an .xz, .gz, .zst or .tar of one`);
}

/** The BTF in `source`, whatever container holds it. `name` labels messages. */
export function extractBtf(source: ByteSource | Uint8Array, name: string): Promise<ExtractedBtf> {
  return extract(source instanceof Uint8Array ? bytesSource(source) : source, name, [], 0);
}
