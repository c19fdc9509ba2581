// Keeps the Problems panel in step with the open C files: check on open, on edit
// (debounced; a newer edit cancels the pending run), on settings or target change; clear on
// close. The checks run in the checking thread (engine.ts), so the extension host stays free
// while they do; the latest result per document is kept here for hovers, quick fixes and the
// status bar.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/check/findings';
import { IncluderFindings } from '../core/check/includerFindings';
import { toDiagnostic } from './convert';
import type { Engine } from './engine';
import { readSettings } from './settings';
import { WorkspaceTypesController } from './workspaceTypes';

const MAX_DOCUMENT_CHARS = 2 * 1024 * 1024;

export interface DocumentResult {
  version: number;
  /** The image indices judged, and their labels. */
  targets: number[];
  targetLabels: string[];
  findings: Finding[];
  /** Why nothing in the file is judged (`not kernel code`, `not built by Kbuild (…)`), for the status bar. */
  notJudged?: string;
}

/** Files whose text changes what a C file compiles: headers and the driver's Kbuild/Makefile. */
function isBuildInput(uri: vscode.Uri): boolean {
  return /(?:\.h|\/Kbuild|\/Makefile)$/.test(uri.path);
}

function watchBuildInputs(changed: (uri: vscode.Uri) => void): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher('**/{*.h,Kbuild,Makefile}');
  return [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
}

function isCheckable(document: vscode.TextDocument): boolean {
  return document.languageId === 'c' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled' || document.uri.scheme === 'vscode-remote');
}

/** The folders a document's includes and Kbuild files are looked for in: its workspace folder. */
function rootsOf(document: vscode.TextDocument): string[] {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  return folder ? [folder] : [dirname(document.uri.fsPath)];
}

/**
 * Unsaved files, whose editors' texts win over the disk for includes and Kbuild flags (the
 * checking thread reads everything else itself).
 */
function unsavedTexts(except: vscode.TextDocument): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const document of vscode.workspace.textDocuments) {
    if (document !== except && document.isDirty && document.uri.scheme === 'file') texts[document.uri.fsPath] = document.getText();
  }
  return texts;
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('kernel-compat');
  /** What the checks of open .c files find at lines of the headers they read: a header checked alone cannot know its includers' macros. */
  readonly headerCollection = vscode.languages.createDiagnosticCollection('kernel-compat-includers');
  private readonly includerFindings = new IncluderFindings();
  private readonly results = new Map<string, DocumentResult>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checking = new vscode.EventEmitter<vscode.Uri>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's text is handed to the checking thread. */
  readonly onWillCheck = this.checking.event;
  /** Fires after a document's diagnostics were replaced. */
  readonly onDidCheck = this.changed.event;

  constructor(
    private readonly engine: Engine,
    private readonly log: vscode.OutputChannel,
    private readonly reportError: (error: unknown) => void,
  ) {
    this.disposables.push(
      // A struct or typedef the driver defines changed: accesses through it read differently.
      new WorkspaceTypesController(engine, () => this.recheckOthers(undefined), reportError),
      this.collection,
      this.headerCollection,
      this.checking,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.schedule(e.document);
        if (isBuildInput(e.document.uri)) this.recheckOthers(e.document);
      }),
      // Saved or changed outside an editor (git checkout, a generator): the same dependents.
      ...watchBuildInputs((uri) => {
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) this.recheckOthers(undefined);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('kernelCompat')) this.recheckAll();
      }),
    );
  }

  recheckAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /**
   * A header or Kbuild file changed: every open C file may include or be built by it, so each
   * is checked again after the usual pause (a header's text is read from its editor while open).
   */
  private recheckOthers(changed: vscode.TextDocument | undefined): void {
    for (const document of vscode.workspace.textDocuments) if (document !== changed) this.schedule(document);
  }

  resultFor(document: vscode.TextDocument): DocumentResult | undefined {
    const result = this.results.get(document.uri.toString());
    return result && result.version === document.version ? result : undefined;
  }

  schedule(document: vscode.TextDocument, delay?: number): void {
    if (!isCheckable(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    const wait = delay ?? readSettings(document.uri).debounceMs;
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.run(document);
      }, wait),
    );
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const settings = readSettings(document.uri);
    if (!settings.enable || document.isClosed) {
      this.collection.delete(document.uri);
      this.showHeaderFindings(key, []);
      this.results.delete(key);
      return;
    }
    const text = document.getText();
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.log.appendLine(`${document.uri.fsPath}: not checked, ${text.length} characters is over the ${MAX_DOCUMENT_CHARS} limit`);
      this.collection.delete(document.uri);
      this.showHeaderFindings(key, []);
      return;
    }
    const version = document.version;
    try {
      this.checking.fire(document.uri);
      const answer = await this.engine.request('check', {
        key,
        version,
        text,
        fileName: document.uri.fsPath,
        onDisk: document.uri.scheme === 'file',
        roots: rootsOf(document),
        targets: settings.targets,
        severities: settings.severities,
        openTexts: unsavedTexts(document),
      });
      // A newer text was sent meanwhile, or has changed since: its own result will follow.
      if (answer.superseded || document.isClosed || document.version !== version) return;
      const { targets, targetLabels, findings, notJudged } = answer;
      this.results.set(key, { version, targets, targetLabels, findings, ...(notJudged !== undefined ? { notJudged } : {}) });
      this.collection.set(document.uri, findings.map(toDiagnostic));
      this.showHeaderFindings(key, answer.headerFindings ?? []);
      this.changed.fire(document.uri);
    } catch (error) {
      this.reportError(error);
    }
  }

  /** Replaces what the check of the file under `key` found at headers' lines, in the headers' diagnostics. */
  private showHeaderFindings(key: string, found: readonly { path: string; findings: Finding[] }[]): void {
    for (const path of this.includerFindings.set(key, found)) this.headerCollection.set(vscode.Uri.file(path), this.includerFindings.of(path).map(toDiagnostic));
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.results.delete(key);
    this.collection.delete(document.uri);
    this.showHeaderFindings(key, []);
    this.engine.requestIfRunning('forget', { key })?.catch(() => undefined);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
