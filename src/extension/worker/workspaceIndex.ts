// Builds the index of the driver's own type definitions (core/c/workspaceTypes.ts) in the
// checking thread, from the file list the host found: texts of unsaved editors first, the
// disk otherwise. Later changes arrive one file at a time (EngineService.workspaceFile).
import { readFileSync, statSync } from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import { enclosingKernelTree } from '../../core/c/kernelTree';
import { withLoneCarriageReturnsAsLineFeeds } from '../../core/c/lineBreaks';
import { WorkspaceTypeIndex } from '../../core/c/workspaceTypeIndex';
import { MAX_INDEXED_FILES, type WorkspaceFiles } from './protocol';
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A file's text from disk (lines ending where gcc ends them), or undefined when it is missing or too large to be a driver's source. */
export function readSmallFile(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size <= MAX_FILE_BYTES ? withLoneCarriageReturnsAsLineFeeds(readFileSync(path, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

export function buildWorkspaceIndex(parser: Parser, workspace: WorkspaceFiles, log: (line: string) => void): WorkspaceTypeIndex {
  const index = new WorkspaceTypeIndex(parser, kernelTrees(workspace.folders));
  const started = Date.now();
  // A kernel tree's own headers are left out first, so the driver's files fit under the limit.
  const files = workspace.files.filter((path) => index.covers(path));
  for (const path of files.slice(0, MAX_INDEXED_FILES)) index.update(path, workspace.texts[path] ?? readSmallFile(path));
  if (files.length > MAX_INDEXED_FILES) log(`more than ${MAX_INDEXED_FILES} source files: only ${MAX_INDEXED_FILES} were read for the driver's own type definitions`);
  log(`read the type definitions of ${index.size} workspace file(s) in ${Date.now() - started} ms`);
  return index;
}

/** The kernel source trees the workspace folders are, or lie in. */
function kernelTrees(folders: readonly string[]): string[] {
  const isDirectory = (path: string) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  };
  // Only the Kbuild and top Makefile of each folder up are read, from disk: a tree's root is
  // decided by files nobody edits while working on a driver.
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const trees = new Set<string>();
  for (const folder of folders) {
    const tree = enclosingKernelTree(folder, read, isDirectory);
    if (tree !== undefined) trees.add(tree);
  }
  return [...trees];
}
