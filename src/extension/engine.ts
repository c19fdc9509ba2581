// Loads the heavy parts (WASM runtime, C grammar, database) once, on first need, never in
// activate: opening a non-C file must cost nothing.
import * as vscode from 'vscode';
import { Checker } from '../core/check/checker';
import { KernelDatabase } from '../core/kernels/database';
import { loadCParser } from '../core/c/parser';
import { addStoredKernels, importedKernelsFolder } from './importKernel';

export interface Engine {
  db: KernelDatabase;
  checker: Checker;
}

export class EngineLoader {
  private loading?: Promise<Engine>;

  /** `globalStorageUri`: where imported kernels are kept (none are loaded without it). */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly globalStorageUri?: vscode.Uri,
  ) {}

  get(): Promise<Engine> {
    if (!this.loading) {
      this.loading = this.load();
      this.loading.catch(() => (this.loading = undefined));
    }
    return this.loading;
  }

  /** Forgets the loaded engine: the next get() loads again, with the imported kernels as stored now. */
  reload(): void {
    this.loading = undefined;
  }

  private async load(): Promise<Engine> {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const dataDir = vscode.Uri.joinPath(this.extensionUri, 'data');
    const grammar = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dist, 'tree-sitter-c.wasm'));
    const { parser } = await loadCParser({ runtimeWasmPath: vscode.Uri.joinPath(dist, 'tree-sitter.wasm').fsPath, grammar });
    // The database reads synchronously through Node, like the CLI: these are local files of the extension.
    const fs = await import('node:fs');
    const db = KernelDatabase.open((name) => fs.readFileSync(vscode.Uri.joinPath(dataDir, name).fsPath));
    if (this.globalStorageUri) await addStoredKernels(db, importedKernelsFolder(this.globalStorageUri));
    return { db, checker: new Checker(db, parser) };
  }
}
