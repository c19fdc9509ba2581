// The struct report as a read-only virtual document (kernel-compat-report:/struct/NAME), and
// its narrowing to the targeted kernels (kernel-compat-report:/changes/struct/NAME?targets=…).
import * as vscode from 'vscode';
import type { AggregateKind } from '../core/kernels/database';
import { parseTargets } from '../core/kernels/targets';
import type { Engine } from './engine';
import { readSettings } from './settings';

export const REPORT_SCHEME = 'kernel-compat-report';
export const SHOW_CHANGES_COMMAND = 'kernelCompat.showChanges';
/** The first path segment of a changes view; report paths start with the aggregate kind instead. */
const CHANGES_PREFIX = 'changes';

export class ReportDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly engine: Engine) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const segments = uri.path.replace(/^\//, '').replace(/\.kcreport$/, '').split('/');
    const isChanges = segments[0] === CHANGES_PREFIX;
    const [kind, name] = isChanges ? segments.slice(1) : segments;
    if (!isChanges) return this.engine.request('report', { kind: kind as AggregateKind, name });
    const spec = new URLSearchParams(uri.query).get('targets');
    return this.engine.request('report', { kind: kind as AggregateKind, name, changesTargets: spec ? spec.split(',') : [] });
  }

  /** Opens the report of `struct NAME` / `union NAME` / a bare name, asking for one when none is given. */
  async show(target?: string): Promise<void> {
    const wanted = target ?? (await this.pickAggregate('struct report'));
    if (!wanted) return;
    const { kind, name } = splitAggregate(wanted);
    await this.open(vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${kind}/${name}.kcreport` }));
  }

  /**
   * Opens what changed in a struct across the targeted kernels: `targets` as labels, or the
   * targets set for the active editor's file when none are given.
   */
  async showChanges(target?: string, targets?: readonly string[]): Promise<void> {
    const wanted = target ?? (await this.pickAggregate('changes across the targeted kernels'));
    if (!wanted) return;
    const labels = targets ?? (await this.targetLabels());
    const { kind, name } = splitAggregate(wanted);
    const query = new URLSearchParams({ targets: labels.join(',') }).toString();
    await this.open(vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${CHANGES_PREFIX}/${kind}/${name}.kcreport`, query }));
  }

  /** The labels of the kernels the active editor's file is checked against. */
  private async targetLabels(): Promise<string[]> {
    const images = await this.engine.kernelImages();
    return parseTargets(readSettings(vscode.window.activeTextEditor?.document.uri).targets, images).images.map((i) => images[i].label);
  }

  private async pickAggregate(what: string): Promise<string | undefined> {
    return vscode.window.showQuickPick(
      this.engine.request('aggregateNames', {}),
      { title: `Kernel Compat: ${what}`, placeHolder: 'struct name' },
    );
  }

  private async open(uri: vscode.Uri): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'kernel-compat-report');
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

/** `struct NAME`, `union NAME`, `enum NAME` or a bare struct name. */
function splitAggregate(wanted: string): { kind: string; name: string } {
  const match = /^(struct|union|enum)\s+(\S+)$/.exec(wanted.trim());
  return match ? { kind: match[1], name: match[2] } : { kind: 'struct', name: wanted.trim() };
}
