// A workspace can be a kernel source tree itself (someone working on an in-tree driver opens
// the whole tree). Its include/ and arch/<arch>/include/ are then the kernel's headers, the
// very ones the database describes: the structs they define are the kernel's, not a driver's.
import { isAbsolute, join, relative } from 'node:path';
import type { TextReader } from './includes';

/** Whether `root` is a kernel source tree: a Kbuild, a top Makefile that sets `VERSION =`, include/linux/ and arch/. */
export function isKernelTree(root: string, read: TextReader, isDirectory: (path: string) => boolean): boolean {
  if (read(join(root, 'Kbuild')) === undefined) return false;
  const makefile = read(join(root, 'Makefile'));
  if (makefile === undefined || !/^VERSION\s*=\s*\d+/m.test(makefile.slice(0, 4096))) return false;
  return isDirectory(join(root, 'include', 'linux')) && isDirectory(join(root, 'arch'));
}

/** Whether `path` lies in the kernel's own headers of the tree at `root`: include/ or arch/<arch>/include/. */
export function inKernelHeaders(path: string, root: string): boolean {
  const inside = relative(root, path);
  if (inside.startsWith('..') || isAbsolute(inside)) return false;
  return /^(?:include|arch\/[^/]+\/include)\//.test(inside.split('\\').join('/'));
}
