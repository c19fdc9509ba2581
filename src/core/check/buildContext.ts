// The flags a driver's build adds to a file (kbuildFlags), as a check takes them. The CLI and
// the extension read the make files alike; they differ only in how includes are resolved and
// where the workspace's files are listed.
import { computedForcedIncludes, computedIncludeFolderHas, extraCflagsFolder, type BuildFlags, type TextReader } from '../c/includes';
import { resolve } from 'node:path';
import type { IncludeResolver } from '../c/preprocessor';
import type { BuildContext } from './checker';
import { isWithin } from '../paths';

/** What the shell knows of the workspace a file is checked in, where it keeps an index of its files. */
export interface WorkspaceSight {
  /** The workspace's files whose paths end with a spec. */
  pathsEndingWith: (spec: string) => readonly string[];
  /** The folders the workspace spans. */
  roots: readonly string[];
  /** The file is part of a kernel source tree (its includes reach the tree's own headers). */
  inKernelTree: boolean;
}

export function buildContextOf(flags: BuildFlags, file: string, resolveInclude: IncludeResolver, read: TextReader, workspace?: WorkspaceSight): BuildContext {
  const pathsEndingWith = workspace?.pathsEndingWith;
  const computedFolderHas = pathsEndingWith && computedIncludeFolderHas(flags, pathsEndingWith);
  return {
    resolveInclude,
    forcedIncludes: pathsEndingWith ? [...flags.forcedIncludes, ...computedForcedIncludes(flags, file, pathsEndingWith)] : flags.forcedIncludes,
    defines: flags.defines,
    unreadFlags: flags.unread,
    ...(flags.unreadUntil !== undefined ? { unreadFlagsUntil: flags.unreadUntil } : {}),
    namesCStandard: flags.namesStandard,
    ...(flags.dateTimeAllowed ? { dateTimeAllowed: flags.dateTimeAllowed } : {}),
    extraCflagsFolder: extraCflagsFolder(read, flags),
    ...(computedFolderHas ? { computedIncludeFolderHas: computedFolderHas } : {}),
    ...(workspace && everyIncludeFolderKnown(flags, workspace) ? { angleIncludesKnown: true } : {}),
  };
}

/**
 * Whether every folder the build searches for `#include <…>` besides the kernel's own is one
 * the workspace index covers: the flags were read in full, no `-I` is computed, every `-I`
 * lies inside the workspace, and the file is no part of a kernel tree.
 */
function everyIncludeFolderKnown(flags: BuildFlags, workspace: WorkspaceSight): boolean {
  if (workspace.inKernelTree || flags.unread || flags.computedIncludeTails.length > 0 || flags.computedForcedIncludeTails.length > 0) return false;
  return flags.includeDirs.every((dir) => workspace.roots.some((root) => isWithin(resolve(dir), resolve(root))));
}

