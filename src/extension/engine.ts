// The host's handle on the checking thread (engineClient.ts): where the thread finds the WASM
// files, the database and the imported kernels, and what the workspace holds when it starts.
// Nothing loads in activate: the thread starts on the first request, so opening a non-C file
// costs nothing.
import * as vscode from 'vscode';
import type { KernelImage } from '../core/kernels/schema';
import { EngineClient } from './engineClient';
import { importedKernelsFolder } from './importKernel';
import type { Method, Requests, WorkspaceFiles } from './worker/protocol';

export class Engine implements vscode.Disposable {
  private readonly client: EngineClient;
  private images?: Promise<KernelImage[]>;

  /** `globalStorageUri`: where imported kernels are kept (none are loaded without it). */
  constructor(
    extensionUri: vscode.Uri,
    globalStorageUri: vscode.Uri | undefined,
    workspaceFiles: () => Promise<WorkspaceFiles>,
    log: vscode.OutputChannel,
    reportError: (error: unknown) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.client = new EngineClient({
      workerPath: vscode.Uri.joinPath(dist, 'checkWorker.js').fsPath,
      init: async () => ({
        runtimeWasmPath: vscode.Uri.joinPath(dist, 'tree-sitter.wasm').fsPath,
        grammarWasmPath: vscode.Uri.joinPath(dist, 'tree-sitter-c.wasm').fsPath,
        dataDir: vscode.Uri.joinPath(extensionUri, 'data').fsPath,
        importedKernelsFolder: globalStorageUri && importedKernelsFolder(globalStorageUri).fsPath,
        workspace: await workspaceFiles(),
      }),
      log: (line) => log.appendLine(line),
      warning: (message) => void vscode.window.showWarningMessage(message),
      died: (error) => {
        this.images = undefined;
        reportError(error);
      },
    });
  }

  request<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['answer']> {
    return this.client.request(method, params);
  }

  /** For state a new thread reads afresh anyway (workspace files): undefined while no thread runs. */
  requestIfRunning<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['answer']> | undefined {
    return this.client.requestIfRunning(method, params);
  }

  /** The kernel images, bundled and imported: small, asked often (status bar), so kept until a reload. */
  kernelImages(): Promise<KernelImage[]> {
    if (!this.images) {
      this.images = this.client.request('images', {});
      this.images.catch(() => (this.images = undefined));
    }
    return this.images;
  }

  /** The imported kernels changed: the thread loads the database again, with them as stored now. */
  reload(): Promise<void> {
    this.images = undefined;
    return this.client.requestIfRunning('reload', {}) ?? Promise.resolve();
  }

  dispose(): void {
    this.client.dispose();
  }
}
