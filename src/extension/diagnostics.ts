// Keeps the Problems panel in step with the open C files: check on open, on edit
// (debounced; a newer edit cancels the pending run), on settings or target change; clear on
// close. The latest result per document is kept for hovers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { describeStop, type BuildContext, type CheckResult } from '../core/check/checker';
import { buildScope } from '../core/check/buildScope';
import { IncludedSources } from '../core/c/includedSources';
import { createIncludeResolver, kbuildFlags } from '../core/c/includes';
import { parseTargets } from '../core/kernels/targets';
import { toDiagnostic } from './convert';
import type { EngineLoader } from './engine';
import { WorkspaceTypesController } from './workspaceTypes';
import type { WorkspaceTypeIndex } from '../core/c/workspaceTypes';
import { readSettings } from './settings';

const MAX_DOCUMENT_CHARS = 2 * 1024 * 1024;

export interface DocumentResult {
  version: number;
  targets: number[];
  result: CheckResult;
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

/** A header's or make file's text; open editors win over the disk. */
function readBuildInput(candidate: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === candidate);
  if (open) return open.getText();
  try {
    return statSync(candidate).isFile() && statSync(candidate).size <= MAX_DOCUMENT_CHARS ? readFileSync(candidate, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The names in a folder; none when it cannot be read. */
function folderEntries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/**
 * Includes resolve in the document's workspace folder (and the `-I` folders of its Kbuild).
 * The Kbuild's `-include` headers come first, as in the build.
 */
function includeContext(document: vscode.TextDocument, workspace: WorkspaceTypeIndex): BuildContext {
  const roots = rootsOf(document);
  const read = readBuildInput;
  const flags = document.uri.scheme === 'file' ? kbuildFlags(document.uri.fsPath, roots, read, workspace.kernelTreeOf(document.uri.fsPath)) : { forcedIncludes: [], includeDirs: [], defines: [] };
  const findInWorkspace = (spec: string) => workspace.pathsEndingWith(spec);
  return { resolveInclude: createIncludeResolver(roots, read, flags.includeDirs, findInWorkspace, (path) => !workspace.covers(path)), forcedIncludes: flags.forcedIncludes, defines: flags.defines };
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('kernel-compat');
  private readonly results = new Map<string, DocumentResult>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were replaced. */
  readonly onDidCheck = this.changed.event;

  private readonly workspaceTypes: WorkspaceTypesController;

  constructor(
    private readonly engine: EngineLoader,
    private readonly log: vscode.OutputChannel,
    private readonly reportError: (error: unknown) => void,
  ) {
    // A struct or typedef the driver defines changed: accesses through it read differently.
    this.workspaceTypes = new WorkspaceTypesController(engine, log, () => this.recheckOthers(undefined));
    this.disposables.push(
      this.workspaceTypes,
      this.collection,
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
      this.results.delete(key);
      return;
    }
    try {
      const { db, checker } = await this.engine.get();
      const workspaceTypes = await this.workspaceTypes.index();
      // A newer edit arrived while loading: its own run will follow.
      if (this.pending.has(key) || document.isClosed) return;
      const text = document.getText();
      if (text.length > MAX_DOCUMENT_CHARS) {
        this.log.appendLine(`${document.uri.fsPath}: not checked, ${text.length} characters is over the ${MAX_DOCUMENT_CHARS} limit`);
        this.collection.delete(document.uri);
        return;
      }
      const selection = parseTargets(settings.targets, db.images);
      if (selection.errors.length > 0) this.log.appendLine(`kernelCompat.targets: ${selection.errors.join('; ')}`);
      const version = document.version;
      const started = Date.now();
      // Only what the build compiles, on the kernels whose config builds it, is judged.
      // Read afresh on every check: the includer may have changed since.
      const includers = new IncludedSources(folderEntries, readBuildInput);
      const scope =
        document.uri.scheme === 'file'
          ? buildScope(document.uri.fsPath, rootsOf(document), readBuildInput, db, selection.images, workspaceTypes.inKernelTree(document.uri.fsPath), (file) => includers.includerOf(file))
          : undefined;
      for (const problem of scope?.problems ?? []) this.log.appendLine(problem);
      if (scope?.notBuilt !== undefined) {
        this.results.set(key, { version, targets: selection.images, result: { findings: [], usages: [], mentions: [], variants: 0, stops: [] }, notJudged: scope.notBuilt });
        this.collection.set(document.uri, []);
        this.log.appendLine(`${document.uri.fsPath}: ${scope.notBuilt}: not checked`);
        this.changed.fire(document.uri);
        return;
      }
      if (scope?.configuredOff) this.log.appendLine(`${document.uri.fsPath}: ${scope.configuredOff.why}`);
      const targets = scope?.targets ?? selection.images;
      const result = checker.check(text, {
        fileName: document.uri.fsPath,
        targets,
        ...includeContext(document, workspaceTypes),
        severities: settings.severities,
        documentKey: key,
        workspaceTypes,
      });
      if (document.version !== version) return;
      this.results.set(key, { version, targets, result, ...(result.userspace !== undefined ? { notJudged: 'not kernel code' } : {}) });
      this.collection.set(document.uri, result.findings.map(toDiagnostic));
      if (result.userspace !== undefined) this.log.appendLine(`${document.uri.fsPath}: not kernel code (it includes <${result.userspace}>): not checked`);
      else this.log.appendLine(`${document.uri.fsPath}: ${result.findings.length} finding(s), ${result.variants} variant(s), ${Date.now() - started} ms`);
      for (const stop of result.stops) {
        this.log.appendLine(`  line ${stop.line + 1}: ${describeStop(db, stop.targets, targets)}`);
      }
      this.changed.fire(document.uri);
    } catch (error) {
      this.reportError(error);
    }
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.results.delete(key);
    this.collection.delete(document.uri);
    void this.engine.get().then(({ checker }) => checker.forget(key), () => undefined);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
