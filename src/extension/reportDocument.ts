// The struct report as a read-only virtual document (kernel-compat-report:/struct/NAME).
import * as vscode from 'vscode';
import type { AggregateKind } from '../core/database';
import { closestNames, reportText } from '../core/report';
import type { EngineLoader } from './engine';

export const REPORT_SCHEME = 'kernel-compat-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly engine: EngineLoader) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { db } = await this.engine.get();
    const [kind, name] = uri.path.replace(/^\//, '').replace(/\.kcreport$/, '').split('/');
    const ref = { kind: kind as AggregateKind, name };
    if (!db.knows(ref)) return `No ${kind} named '${name}' in the kernel database. Closest: ${closestNames(db.names(ref.kind), name).join(', ')}\n`;
    return reportText(db, ref);
  }

  /** Opens the report of `struct NAME` / `union NAME` / a bare name, asking for one when none is given. */
  async show(target?: string): Promise<void> {
    const { db } = await this.engine.get();
    let wanted = target;
    if (!wanted) {
      const picked = await vscode.window.showQuickPick(
        db.names('struct').map((name) => `struct ${name}`).concat(db.names('union').map((name) => `union ${name}`)),
        { title: 'Kernel Compat: struct report', placeHolder: 'struct name' },
      );
      if (!picked) return;
      wanted = picked;
    }
    const match = /^(struct|union|enum)\s+(\S+)$/.exec(wanted.trim());
    const kind = match ? match[1] : 'struct';
    const name = match ? match[2] : wanted.trim();
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${kind}/${name}.kcreport` });
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'kernel-compat-report');
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
