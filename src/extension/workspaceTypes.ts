// Keeps the index of the driver's own type definitions (src/core/workspaceTypes.ts) for the
// workspace: built once, on the first check, from every .c and .h file of the workspace
// folders; then updated file by file as files change on disk or in an editor.
import * as vscode from 'vscode';
import { readFileSync, statSync } from 'node:fs';
import { enclosingKernelTree } from '../core/c/kernelTree';
import { WorkspaceTypeIndex } from '../core/c/workspaceTypes';
import type { EngineLoader } from './engine';

/** As the CLI: a workspace larger than this is indexed only in part. */
const MAX_INDEXED_FILES = 5000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Editor changes are read after a pause, like checks: typing must not re-read a header per key. */
const EDIT_PAUSE_MS = 400;

export class WorkspaceTypesController implements vscode.Disposable {
  private building?: Promise<WorkspaceTypeIndex>;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  /** `changed` runs after a file's definitions changed, so open files are checked again. */
  constructor(
    private readonly engine: EngineLoader,
    private readonly log: vscode.OutputChannel,
    private readonly changed: () => void,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{c,h}');
    this.disposables.push(
      watcher,
      watcher.onDidChange((uri) => this.readFromDisk(uri)),
      watcher.onDidCreate((uri) => this.readFromDisk(uri)),
      watcher.onDidDelete((uri) => this.apply(uri.fsPath, undefined)),
      vscode.workspace.onDidChangeTextDocument((e) => this.readFromEditor(e.document)),
    );
  }

  /** The index, built on first use. */
  index(): Promise<WorkspaceTypeIndex> {
    if (!this.building) {
      this.building = this.build();
      this.building.catch(() => (this.building = undefined));
    }
    return this.building;
  }

  private async build(): Promise<WorkspaceTypeIndex> {
    const { checker } = await this.engine.get();
    const index = new WorkspaceTypeIndex(checker.parser, await this.kernelTrees());
    const started = Date.now();
    // A kernel tree's own headers are left out first, so the driver's files fit under the limit.
    const files = (await vscode.workspace.findFiles('**/*.{c,h}', '**/{node_modules,.git}/**', 10 * MAX_INDEXED_FILES)).filter((uri) => index.covers(uri.fsPath));
    for (const uri of files.slice(0, MAX_INDEXED_FILES)) index.update(uri.fsPath, await this.readText(uri));
    if (files.length > MAX_INDEXED_FILES) this.log.appendLine(`more than ${MAX_INDEXED_FILES} source files: only ${MAX_INDEXED_FILES} were read for the driver's own type definitions`);
    this.log.appendLine(`read the type definitions of ${index.size} workspace file(s) in ${Date.now() - started} ms`);
    return index;
  }

  /** The kernel source trees the workspace folders are, or lie in. */
  private async kernelTrees(): Promise<string[]> {
    const trees = new Set<string>();
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
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const tree = enclosingKernelTree(folder.uri.fsPath, read, isDirectory);
      if (tree !== undefined) trees.add(tree);
    }
    return [...trees];
  }

  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) return undefined;
      return new TextDecoder('utf-8', { fatal: false }).decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  private readFromDisk(uri: vscode.Uri): void {
    // An open editor's text wins over the disk.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    void this.readText(uri).then((text) => this.apply(uri.fsPath, text));
  }

  private readFromEditor(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !/\.[ch]$/i.test(document.uri.fsPath)) return;
    const path = document.uri.fsPath;
    clearTimeout(this.pending.get(path));
    this.pending.set(
      path,
      setTimeout(() => {
        this.pending.delete(path);
        if (!document.isClosed) this.apply(path, document.getText());
      }, EDIT_PAUSE_MS),
    );
  }

  private apply(path: string, text: string | undefined): void {
    if (!this.building) return;
    void this.building.then((index) => {
      if (index.update(path, text)) this.changed();
    });
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
