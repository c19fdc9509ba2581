// The flags a driver's build adds to a file (kbuildFlags), as a check takes them. The CLI and
// the extension read the make files alike; they differ only in how includes are resolved and
// where the workspace's files are listed.
import { computedForcedIncludes, computedIncludeFolderHas, extraCflagsFolder, type BuildFlags, type TextReader } from '../c/includes';
import type { IncludeResolver } from '../c/preprocessor';
import type { BuildContext } from './checker';

export function buildContextOf(
  flags: BuildFlags,
  file: string,
  resolveInclude: IncludeResolver,
  read: TextReader,
  /** The workspace's files whose paths end with a spec, where a workspace index is known. */
  pathsEndingWith?: (spec: string) => readonly string[],
): BuildContext {
  const computedFolderHas = pathsEndingWith && computedIncludeFolderHas(flags, pathsEndingWith);
  return {
    resolveInclude,
    forcedIncludes: pathsEndingWith ? [...flags.forcedIncludes, ...computedForcedIncludes(flags, file, pathsEndingWith)] : flags.forcedIncludes,
    defines: flags.defines,
    unreadFlags: flags.unread,
    namesCStandard: flags.namesStandard,
    extraCflagsFolder: extraCflagsFolder(read, flags),
    ...(computedFolderHas ? { computedIncludeFolderHas: computedFolderHas } : {}),
  };
}
