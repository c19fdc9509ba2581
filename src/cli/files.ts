// Finding the C files to check, reading them safely, and resolving their #includes inside
// the folders the user named (the workspace, for the CLI).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createIncludeResolver, HeaderTexts, kbuildFlags, outsideKernelNames } from '../core/c/includes';
import { buildContextOf } from '../core/check/buildContext';
import { countedCache } from '../core/countedCache';
import type { BuildContext } from '../core/check/checker';
import type { IncludeResolver } from '../core/c/preprocessor';
import { enclosingKernelTree, inKernelHeaders } from '../core/c/kernelTree';
import { readWorkspaceFile } from '../core/c/workspaceTypes';
import { WorkspaceTypeIndex } from '../core/c/workspaceTypeIndex';
import type { WorkspaceTypeLookup } from '../core/c/workspaceTypeLookup';
import type { PlacedFile } from '../core/c/packedWorkspaceTypes';
import type { Parser } from 'web-tree-sitter';
import { withLoneCarriageReturnsAsLineFeeds } from '../core/c/lineBreaks';

export const MAX_FILE_BYTES = 2 * 1024 * 1024;
const SOURCE_EXTENSIONS = /\.(c|h)$/i;
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.tmp_versions']);

export interface SourceFile {
  path: string;
  text: string;
}

export interface Skipped {
  path: string;
  reason: string;
}

/** All .c and .h files under the given paths (files named explicitly are taken whatever their extension). */
export function collectFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(full);
      else if (entry.isFile() && SOURCE_EXTENSIONS.test(entry.name)) files.push(full);
    }
  };
  for (const path of paths) {
    const full = resolve(path);
    if (!existsSync(full)) missing.push(path);
    else if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
  return { files: [...new Set(files)], missing };
}

/** The names in a folder; none when it cannot be read. */
export function folderEntries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/**
 * Decodes bytes as UTF-8; invalid bytes become U+FFFD, so positions stay stable and nothing
 * throws. Lines end where gcc ends them (lineBreaks.ts).
 */
export function decodeSource(bytes: Uint8Array): { text: string; valid: boolean } {
  const text = withLoneCarriageReturnsAsLineFeeds(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
  return { text, valid: !text.includes('\uFFFD') };
}

/** Reads a source file, or says why it is skipped (too big, not text). */
export function readSource(path: string): SourceFile | Skipped {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    // A pipe or a device named on the command line would block the read or never end it.
    if (!stat.isFile()) return { path, reason: 'skipped: not a regular file (a pipe, socket or device)' };
    if (stat.size > MAX_FILE_BYTES) return { path, reason: `skipped: ${(stat.size / 1048576).toFixed(1)} MB is over the ${MAX_FILE_BYTES / 1048576} MB limit` };
    bytes = readFileSync(path);
  } catch (error) {
    // Gone or unreadable since it was listed: the run goes on with the other files.
    return { path, reason: `skipped: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (bytes.includes(0)) return { path, reason: 'skipped: not a text file (it contains NUL bytes)' };
  return { path, text: decodeSource(bytes).text };
}

/** A source or header from disk, or undefined when it is missing, too big or not text. */
export function readTextFile(candidate: string): string | undefined {
  try {
    if (!statSync(candidate).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const read = readSource(candidate);
  return 'text' in read ? read.text : undefined;
}

/** Beyond the files named for checking, a workspace larger than this is indexed only in part (the first files in path order). */
export const MAX_INDEXED_FILES = 5000;

/** The files the workspace index reads, in the order it reads them. */
export interface WorkspacePlan {
  files: string[];
  /** Roots that are kernel source trees (their own headers are the kernel's, not indexed). */
  kernelTrees: string[];
  /** More source files than the index reads. */
  truncated: boolean;
}

/**
 * Which files the index of the roots reads: every .c and .h file under them (the driver's
 * workspace, for the CLI). The files under `first` (those named for checking) come first and
 * are all read: each is read for its check anyway, and a header past a limit would leave its
 * definitions unknown to the files beside it (a check of all of drivers/ read only as far as
 * drivers/gpu). Beyond them, up to MAX_INDEXED_FILES: in a workspace over it (a kernel tree),
 * the named folders' definitions count most.
 */
export function planWorkspaceIndex(roots: readonly string[], first: readonly string[] = []): WorkspacePlan {
  const kernelTrees = [...new Set(roots.map((root) => enclosingKernelTree(resolve(root), readTextFile, isDirectory)).filter((tree) => tree !== undefined))];
  const driverFile = (path: string) => !kernelTrees.some((root) => inKernelHeaders(path, root));
  const named = collectFiles(first).files.filter(driverFile);
  const files = [...new Set([...named, ...collectFiles(roots).files])].filter(driverFile);
  const limit = Math.max(MAX_INDEXED_FILES, named.length);
  return { files: files.slice(0, limit), kernelTrees, truncated: files.length > limit };
}

/** Reads the definitions of the plan's files at the given positions (a thread's share of them). */
export function readPlannedFiles(plan: WorkspacePlan, parser: Parser, positions: Iterable<number>): PlacedFile[] {
  const read: PlacedFile[] = [];
  for (const position of positions) {
    const path = plan.files[position];
    const text = readTextFile(path);
    read.push([position, path, text === undefined ? undefined : readWorkspaceFile(parser, path, text)]);
  }
  return read;
}

export interface IndexedWorkspace {
  index: WorkspaceTypeLookup;
  truncated: boolean;
}

/**
 * The type definitions of every .c and .h file under the roots, read in this thread into the
 * editable index (the CLI's threads share packed shards instead: workers.ts).
 */
export function indexWorkspace(roots: readonly string[], parser: Parser, first: readonly string[] = []): IndexedWorkspace {
  const plan = planWorkspaceIndex(roots, first);
  const index = new WorkspaceTypeIndex(parser, plan.kernelTrees);
  for (const [, path, types] of readPlannedFiles(plan, parser, plan.files.keys())) index.store(path, types);
  return { index, truncated: plan.truncated };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Include resolution for the CLI: the roots are the folders the user named. */
export function workspaceIncludeResolver(roots: readonly string[], includeDirs: readonly string[] = []): IncludeResolver {
  return createIncludeResolver(roots, readTextFile, includeDirs);
}

/** Include resolvers kept, each with its lookups and header readings: a kernel tree's drivers/ has hundreds of `-I` sets. */
const RESOLVERS_KEPT = 32;

/**
 * How each file is compiled as far as includes go: the resolver (with the `-I` folders of its
 * Kbuild) and the `-include` headers. Files that share flags share a resolver and its lookups;
 * all share the header texts read from disk.
 */
export function includeContexts(roots: readonly string[], workspace?: WorkspaceTypeLookup, kernelHas: (spec: string) => boolean = () => false): (file: string) => BuildContext {
  // Files come folder by folder: the resolvers of the folders being checked are what is asked again.
  const resolvers = countedCache<string, IncludeResolver>(RESOLVERS_KEPT);
  const texts = new HeaderTexts(readTextFile);
  const read = (path: string) => texts.read(path);
  const findInWorkspace = workspace && outsideKernelNames((spec) => workspace.pathsEndingWith(spec), kernelHas, read);
  const kernelHeader = (path: string) => workspace !== undefined && !workspace.covers(path);
  return (file) => {
    const flags = kbuildFlags(file, roots, read, workspace?.kernelTreeOf(file));
    const key = flags.includeDirs.join('\n');
    let resolveInclude = resolvers.get(key);
    if (!resolveInclude) resolvers.set(key, (resolveInclude = createIncludeResolver(roots, readTextFile, flags.includeDirs, findInWorkspace, kernelHeader, texts)));
    return buildContextOf(flags, file, resolveInclude, read, workspace && { pathsEndingWith: (spec) => workspace.pathsEndingWith(spec), roots, inKernelTree: workspace.kernelTreeOf(file) !== undefined });
  };
}
