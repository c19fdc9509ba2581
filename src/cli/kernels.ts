// The file side of imported kernels for the CLI: reading BTF files (a vmlinux with debug info
// can be hundreds of megabytes, so ELF files are read by range), finding the running kernel's
// config, and the `--db` folder of `<label>.kernel.json.gz` files.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from '../core/kernels/btf/bytes';
import { DatabaseError, type KernelDatabase } from '../core/kernels/database';
import { addImportedKernels, IMPORTED_KERNEL_SUFFIX, importedKernelFileName, serializeImportedKernel, type FileSystem, type ImportedKernel } from '../core/kernels/importedKernels';
import { openBundledDatabase } from './database';

/** A file read by range through its descriptor; `close` when done. */
export interface OpenFile extends ByteSource {
  close(): void;
}

export function openFileSource(path: string): OpenFile {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    // Files under /sys report a size of 4096 whatever they hold: read those whole.
    if (!stat.isFile() || path.startsWith('/sys/') || path.startsWith('/proc/')) {
      closeSync(fd);
      const bytes = readFileSync(path);
      return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length), close: () => {} };
    }
    return {
      size: stat.size,
      read(offset, length) {
        const buffer = Buffer.alloc(length);
        let done = 0;
        while (done < length) {
          const got = readSync(fd, buffer, done, length - done, offset + done);
          if (got === 0) break;
          done += got;
        }
        return buffer.subarray(0, done);
      },
      close: () => closeSync(fd),
    };
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    throw error;
  }
}

export const nodeFileSystem: FileSystem = {
  read(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

/** Writes `<label>.kernel.json.gz` into `dir` (created if needed); returns its path and whether it replaced one. */
export function writeImportedKernel(dir: string, kernel: ImportedKernel): { path: string; replaced: boolean } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, importedKernelFileName(kernel.image.label));
  const replaced = existsSync(path);
  writeFileSync(path, serializeImportedKernel(kernel));
  return { path, replaced };
}

/** Adds every imported kernel in `dir` to `db`; any unreadable file is an error (CI should fail loudly). */
export function addImportedKernelsFrom(db: KernelDatabase, dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatabaseError(`--db ${dir}: no such folder`);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(IMPORTED_KERNEL_SUFFIX))
    .map((name) => ({ name: join(dir, name), read: () => readFileSync(join(dir, name)) }));
  if (files.length === 0) throw new DatabaseError(`--db ${dir}: no imported kernels (*${IMPORTED_KERNEL_SUFFIX}) there; create them with kernel-compat import-btf`);
  const { added, problems } = addImportedKernels(db, files);
  if (problems.length > 0) throw new DatabaseError(problems.join('\n'));
  return added;
}

/** The bundled database, plus the imported kernels of `dbDir` when given. */
export function openDatabase(dbDir?: string): KernelDatabase {
  const db = openBundledDatabase();
  if (dbDir) addImportedKernelsFrom(db, dbDir);
  return db;
}
