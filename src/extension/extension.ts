// Composition only: wires the features together. Nothing heavy happens here; the parser and
// the database load on first need (see engine.ts).
import * as vscode from 'vscode';
import { DiagnosticsController } from './diagnostics';
import { EngineLoader } from './engine';
import { KernelHoverProvider, SHOW_REPORT_COMMAND } from './hover';
import { REPORT_SCHEME, ReportDocuments } from './reportDocument';
import { SELECT_TARGETS_COMMAND, TargetsStatus } from './targetsPicker';

export interface KernelCompatApi {
  diagnostics: DiagnosticsController;
}

export function activate(context: vscode.ExtensionContext): KernelCompatApi {
  const log = vscode.window.createOutputChannel('Kernel Compat');
  let errorShown = false;
  const reportError = (error: unknown) => {
    log.appendLine(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!errorShown) {
      errorShown = true;
      void vscode.window.showErrorMessage(`Kernel Compat: ${error instanceof Error ? error.message : String(error)} (see the Kernel Compat output)`);
    }
  };
  const engine = new EngineLoader(context.extensionUri);
  const diagnostics = new DiagnosticsController(engine, log, reportError);
  const reports = new ReportDocuments(engine);
  const status = new TargetsStatus(engine);
  const selector: vscode.DocumentSelector = [{ language: 'c' }];

  context.subscriptions.push(
    log,
    diagnostics,
    status,
    vscode.languages.registerHoverProvider(selector, new KernelHoverProvider(engine, diagnostics)),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (target?: string) => reports.show(target).catch(reportError)),
    vscode.commands.registerCommand(SELECT_TARGETS_COMMAND, () => status.pick().catch(reportError)),
  );
  diagnostics.recheckAll();
  return { diagnostics };
}

export function deactivate(): void {}
