// Composition only: wires the features together. Nothing heavy happens here, nor anywhere in
// the extension host: the parser and the database load, on first need, in the checking thread
// (see engine.ts).
import * as vscode from 'vscode';
import { KernelCompatCodeActions } from './codeActions';
import { DiagnosticsController } from './diagnostics';
import { Engine } from './engine';
import { JudgedStatus } from './judgedStatus';
import { KernelHoverProvider, SHOW_REPORT_COMMAND } from './hover';
import { ADD_KERNEL_COMMAND, addKernelFromBtf, REMOVE_KERNEL_COMMAND, removeImportedKernel } from './importKernel';
import { REPORT_SCHEME, ReportDocuments, SHOW_CHANGES_COMMAND } from './reportDocument';
import { SELECT_TARGETS_COMMAND, TargetsStatus } from './targetsPicker';
import { workspaceFiles } from './workspaceTypes';

export interface KernelCompatApi {
  diagnostics: DiagnosticsController;
  judgedStatus: JudgedStatus;
}

export function activate(context: vscode.ExtensionContext): KernelCompatApi {
  const log = vscode.window.createOutputChannel('Kernel Compat');
  let errorShown = false;
  // A dead checking thread fails every request it held with the same error: logged once.
  const reported = new WeakSet<object>();
  const reportError = (error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    log.appendLine(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!errorShown) {
      errorShown = true;
      void vscode.window.showErrorMessage(`Kernel Compat: ${error instanceof Error ? error.message : String(error)} (see the Kernel Compat output)`);
    }
  };
  const engine = new Engine(context.extensionUri, context.globalStorageUri, workspaceFiles, log, reportError);
  const diagnostics = new DiagnosticsController(engine, log, reportError);
  const reports = new ReportDocuments(engine);
  const status = new TargetsStatus(engine);
  const judgedStatus = new JudgedStatus(diagnostics);
  const selector: vscode.DocumentSelector = [{ language: 'c' }];
  // An imported or removed kernel changes what every open file is judged against.
  const kernelsChanged = () => {
    diagnostics.recheckAll();
    void status.refresh();
  };

  context.subscriptions.push(
    log,
    engine,
    diagnostics,
    status,
    judgedStatus,
    vscode.languages.registerHoverProvider(selector, new KernelHoverProvider(engine, diagnostics)),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (target?: string) => reports.show(target).catch(reportError)),
    vscode.commands.registerCommand(SHOW_CHANGES_COMMAND, (target?: string, targets?: string[]) => reports.showChanges(target, targets).catch(reportError)),
    vscode.languages.registerCodeActionsProvider(selector, new KernelCompatCodeActions(engine, diagnostics), {
      providedCodeActionKinds: KernelCompatCodeActions.providedCodeActionKinds,
    }),
    vscode.commands.registerCommand(SELECT_TARGETS_COMMAND, () => status.pick().catch(reportError)),
    vscode.commands.registerCommand(ADD_KERNEL_COMMAND, () => addKernelFromBtf(context.globalStorageUri, engine, kernelsChanged).catch(reportError)),
    vscode.commands.registerCommand(REMOVE_KERNEL_COMMAND, () => removeImportedKernel(context.globalStorageUri, engine, kernelsChanged).catch(reportError)),
  );
  diagnostics.recheckAll();
  return { diagnostics, judgedStatus };
}

export function deactivate(): void {}
