// The status bar item that says when the active C file is not judged at all, and why: it is
// not kernel code (it includes the C library), or the build does not compile it (its Kbuild's
// object lists do not name it, or no targeted kernel's config turns it on). Without it, an
// empty Problems panel would read as "checked and clean".
import * as vscode from 'vscode';
import type { DiagnosticsController } from './diagnostics';

export class JudgedStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kernelCompat.notJudged', vscode.StatusBarAlignment.Right, 99);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly diagnostics: DiagnosticsController) {
    this.item.name = 'Kernel Compat: file not judged';
    this.disposables.push(
      diagnostics.onDidCheck((uri) => uri.toString() === vscode.window.activeTextEditor?.document.uri.toString() && this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
    );
    this.refresh();
  }

  /** The item's text, or undefined while it is hidden (for tests). */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private shown = false;

  refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    const notJudged = document && this.diagnostics.resultFor(document)?.notJudged;
    this.shown = notJudged !== undefined;
    if (notJudged === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = `$(circle-slash) Kernel Compat: ${notJudged}`;
    this.item.tooltip = `Kernel Compat does not judge this file: ${notJudged}`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
