// Random access to input bytes. A vmlinux with debug info is hundreds of megabytes while its
// .BTF section is a few: the ELF reader asks for headers and one section, so the CLI can pass
// a file-backed source and read only those. Everything else passes bytes already in memory.
import { BtfError } from './errors';

export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset`; the caller has checked the range against `size`. */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Reads a range after checking it lies inside the source: a corrupt offset becomes a BtfError, not a short read. */
export function readRange(source: ByteSource, offset: number, length: number, what: string): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    throw new BtfError(`${what} lies outside the file (offset ${offset}, ${length} bytes, file size ${source.size})`);
  }
  return source.read(offset, length);
}

export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}
