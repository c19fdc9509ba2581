// Quick fixes on Kernel Compat diagnostics. The fixes themselves are computed in core
// (src/core/edits/quickFixes.ts), in the checking thread, from the same check result the
// diagnostics came from; this file only finds the findings and turns text edits into
// WorkspaceEdits.
import * as vscode from 'vscode';
import type { Finding } from '../core/check/findings';
import type { QuickFix } from '../core/edits/textEdits';
import { DIAGNOSTIC_SOURCE } from './convert';
import type { DiagnosticsController } from './diagnostics';
import type { Engine } from './engine';
import { SHOW_REPORT_COMMAND } from './hover';
import { SHOW_CHANGES_COMMAND } from './reportDocument';

function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return String(typeof code === 'object' ? code.value : code);
}

/** The index of the finding a diagnostic was made from: same code, same range; -1 for none. */
function findingOf(findings: readonly Finding[], diagnostic: vscode.Diagnostic): number {
  const code = diagnosticCode(diagnostic);
  const { start, end } = diagnostic.range;
  return findings.findIndex(
    (f) =>
      f.code === code &&
      f.range.startLine === start.line &&
      f.range.startColumn === start.character &&
      f.range.endLine === end.line &&
      f.range.endColumn === end.character,
  );
}

function toCodeAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: QuickFix): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred;
  if (fix.disabled !== undefined) {
    // VS Code greys it out and shows the reason when the user picks it.
    action.disabled = { reason: fix.disabled };
    return action;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    edit.replace(document.uri, new vscode.Range(e.range.startLine, e.range.startColumn, e.range.endLine, e.range.endColumn), e.newText);
  }
  action.edit = edit;
  return action;
}

export class KernelCompatCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly engine: Engine,
    private readonly diagnostics: DiagnosticsController,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    // A result for an older version of the text would place edits wrongly: offer nothing until the re-check.
    const current = this.diagnostics.resultFor(document);
    if (!current) return [];
    const matched = ours.map((diagnostic) => ({ diagnostic, index: findingOf(current.findings, diagnostic) })).filter((m) => m.index >= 0);
    if (matched.length === 0) return [];
    const fixesOf = await this.engine.request('quickFixes', { key: document.uri.toString(), version: current.version, findings: matched.map((m) => m.index) });
    const fixes: vscode.CodeAction[] = [];
    const views: vscode.CodeAction[] = [];
    const structsShown = new Set<string>();
    // One comment silences every finding of its line: one action per line, for all of them.
    const ignoreByLine = new Map<number, vscode.CodeAction>();
    for (const [position, { diagnostic, index }] of matched.entries()) {
      const finding = current.findings[index];
      for (const fix of fixesOf[position] ?? []) {
        const sameLine = fix.kind === 'ignore' ? ignoreByLine.get(finding.range.startLine) : undefined;
        if (sameLine) {
          sameLine.diagnostics!.push(diagnostic);
          continue;
        }
        const action = toCodeAction(document, diagnostic, fix);
        if (fix.kind === 'ignore') ignoreByLine.set(finding.range.startLine, action);
        fixes.push(action);
      }

      // The struct's history is often the next question: offer it from the same menu, once per struct.
      const ref = finding.aggregate;
      if (!ref) continue;
      const name = `${ref.kind} ${ref.name}`;
      if (structsShown.has(name)) continue;
      structsShown.add(name);
      const report = new vscode.CodeAction(`Show report of ${name}`, vscode.CodeActionKind.QuickFix);
      report.command = { title: report.title, command: SHOW_REPORT_COMMAND, arguments: [name] };
      report.diagnostics = [diagnostic];
      const changes = new vscode.CodeAction(`Show changes of ${name} across the targeted kernels`, vscode.CodeActionKind.QuickFix);
      changes.command = { title: changes.title, command: SHOW_CHANGES_COMMAND, arguments: [name, current.targetLabels] };
      changes.diagnostics = [diagnostic];
      views.push(report, changes);
    }
    return [...fixes, ...views];
  }
}
