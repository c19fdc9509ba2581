// A workspace can be a kernel source tree itself (someone working on an in-tree driver opens
// the whole tree). Its include/ and arch/<arch>/include/ are then the kernel's headers, the
// very ones the database describes: the structs they define are the kernel's, not a driver's.
import { dirname, join, relative } from 'node:path';
import { isWithin } from '../paths';
import type { TextReader } from './includes';

/** Whether `root` is a kernel source tree: a Kbuild, a top Makefile that sets `VERSION =`, include/linux/ and arch/. */
export function isKernelTree(root: string, read: TextReader, isDirectory: (path: string) => boolean): boolean {
  if (read(join(root, 'Kbuild')) === undefined) return false;
  const makefile = read(join(root, 'Makefile'));
  if (makefile === undefined || !/^VERSION\s*=\s*\d+/m.test(makefile.slice(0, 4096))) return false;
  return isDirectory(join(root, 'include', 'linux')) && isDirectory(join(root, 'arch'));
}

/** Folders above a workspace looked at for the kernel tree it lies in (drivers/net/ethernet/intel/e1000e is 5 deep). */
const MAX_TREE_DEPTH = 8;

/**
 * The kernel source tree that `folder` is, or lies in (`linux-6.1/drivers/usb` opened or named
 * alone): its Kbuild decides what is built there as for the whole tree, and a config symbol no
 * kernel sets is off there, not a symbol the driver's own make files may set.
 */
export function enclosingKernelTree(folder: string, read: TextReader, isDirectory: (path: string) => boolean): string | undefined {
  let current = folder;
  for (let depth = 0; depth <= MAX_TREE_DEPTH; depth++) {
    if (isKernelTree(current, read, isDirectory)) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** Whether `path` lies in the kernel's own headers of the tree at `root`: include/ or arch/<arch>/include/. */
export function inKernelHeaders(path: string, root: string): boolean {
  if (!isWithin(path, root)) return false;
  return /^(?:include|arch\/[^/]+\/include)\//.test(relative(root, path).split('\\').join('/'));
}
