// Keeps the checking thread's index of the driver's own type definitions
// (src/core/c/workspaceTypes.ts) in step with the workspace: a new thread is given every .c and
// .h file of the workspace folders (and the unsaved editors' texts) and reads them itself; then
// it is told of each file that changes on disk or in an editor.
import * as vscode from 'vscode';
import type { Engine } from './engine';
import { MAX_INDEXED_FILES, type WorkspaceFiles } from './worker/protocol';

/** Editor changes are sent after a pause, like checks: typing must not re-read a header per key. */
const EDIT_PAUSE_MS = 400;

function isSourceFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && /\.[ch]$/i.test(uri.fsPath);
}

/** What a new checking thread indexes: the workspace's sources as they are now. */
export async function workspaceFiles(): Promise<WorkspaceFiles> {
  // Ten times the limit: the thread leaves out a kernel tree's own headers first.
  const found = await vscode.workspace.findFiles('**/*.{c,h}', '**/{node_modules,.git}/**', 10 * MAX_INDEXED_FILES);
  const texts: Record<string, string> = {};
  for (const document of vscode.workspace.textDocuments) if (document.isDirty && isSourceFile(document.uri)) texts[document.uri.fsPath] = document.getText();
  return {
    folders: (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath),
    files: found.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath),
    texts,
  };
}

export class WorkspaceTypesController implements vscode.Disposable {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  /** `changed` runs after a file's definitions changed, so open files are checked again. */
  constructor(
    private readonly engine: Engine,
    private readonly changed: () => void,
    private readonly reportError: (error: unknown) => void,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{c,h}');
    this.disposables.push(
      watcher,
      watcher.onDidChange((uri) => this.readFromDisk(uri)),
      watcher.onDidCreate((uri) => this.readFromDisk(uri)),
      watcher.onDidDelete((uri) => this.send({ path: uri.fsPath, deleted: true })),
      vscode.workspace.onDidChangeTextDocument((e) => this.readFromEditor(e.document)),
    );
  }

  private readFromDisk(uri: vscode.Uri): void {
    // An open editor's text wins over the disk.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    this.send({ path: uri.fsPath });
  }

  private readFromEditor(document: vscode.TextDocument): void {
    if (!isSourceFile(document.uri)) return;
    const path = document.uri.fsPath;
    clearTimeout(this.pending.get(path));
    this.pending.set(
      path,
      setTimeout(() => {
        this.pending.delete(path);
        if (!document.isClosed) this.send({ path, text: document.getText() });
      }, EDIT_PAUSE_MS),
    );
  }

  private send(change: { path: string; text?: string; deleted?: boolean }): void {
    this.engine.requestIfRunning('workspaceFile', change)?.then(({ changed }) => changed && this.changed(), this.reportError);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
