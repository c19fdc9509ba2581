// Path questions several parts ask alike.
import { isAbsolute, relative } from 'node:path';

/** Whether `path` is `folder` or lies under it (both absolute, or both relative to one place). */
export function isWithin(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}
