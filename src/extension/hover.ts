// Hover on a kernel struct member or struct name: its history across the kernel images.
import * as vscode from 'vscode';
import { aggregateHover, memberHover, stopHover } from '../core/check/hover';
import { includeHover } from '../core/rules/missingHeader';
import { callHover } from '../core/check/callHover';
import type { KernelDatabase } from '../core/kernels/database';
import type { AggregateRef } from '../core/kernels/database';
import { toRange } from './convert';
import type { DiagnosticsController } from './diagnostics';
import type { EngineLoader } from './engine';
import { SHOW_CHANGES_COMMAND } from './reportDocument';

export const SHOW_REPORT_COMMAND = 'kernelCompat.showReport';

function reportLink(ref: AggregateRef): string {
  const args = encodeURIComponent(JSON.stringify([`${ref.kind} ${ref.name}`]));
  return `[Open the ${ref.kind} report](command:${SHOW_REPORT_COMMAND}?${args})`;
}

/** The struct narrowed to the kernels this document is checked against. */
function changesLink(ref: AggregateRef, targetLabels: string[]): string {
  const args = encodeURIComponent(JSON.stringify([`${ref.kind} ${ref.name}`, targetLabels]));
  return `[Changes across the targeted kernels](command:${SHOW_CHANGES_COMMAND}?${args})`;
}

export class KernelHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly engine: EngineLoader,
    private readonly diagnostics: DiagnosticsController,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const current = this.diagnostics.resultFor(document);
    if (!current) return undefined;
    const { db } = await this.engine.get();
    const offset = document.offsetAt(position);
    const contains = (r: { startIndex: number; endIndex: number }) => offset >= r.startIndex && offset <= r.endIndex;
    const usage = current.result.usages.find((u) => contains(u.usage.range));
    let markdown: string | undefined;
    let range: vscode.Range | undefined;
    let ref: AggregateRef | undefined;
    if (usage) {
      ref = usage.usage.aggregate;
      markdown = memberHover(db, ref, usage.usage.member, current.targets, usage.targets);
      range = toRange(usage.usage.range);
    } else {
      const mention = current.result.mentions.find((m) => contains(m.range));
      if (!mention) {
        const stop = current.result.stops.find((s) => s.line === position.line);
        if (stop) return new vscode.Hover(new vscode.MarkdownString(stopHover(db, stop.targets, current.targets)), document.lineAt(position.line).range);
        const include = current.result.includes?.find((i) => i.line === position.line && position.character >= i.startColumn && position.character <= i.endColumn);
        if (!include) return this.callHover(document, position, db, current.targets);
        const range = new vscode.Range(include.line, include.startColumn, include.line, include.endColumn);
        return new vscode.Hover(new vscode.MarkdownString(includeHover(db, include.name, current.targets)), range);
      }
      ref = mention.aggregate;
      markdown = aggregateHover(db, ref, current.targets);
      range = toRange(mention.range);
    }
    const labels = current.targets.map((t) => db.images[t].label);
    const content = new vscode.MarkdownString(`${markdown}\n\n${reportLink(ref)}\n\n${changesLink(ref, labels)}`);
    content.isTrusted = { enabledCommands: [SHOW_REPORT_COMMAND, SHOW_CHANGES_COMMAND] };
    return new vscode.Hover(content, range);
  }

  /** On a call (`name(`): how each targeted kernel declares the function or macro. */
  private callHover(document: vscode.TextDocument, position: vscode.Position, db: KernelDatabase, targets: readonly number[]): vscode.Hover | undefined {
    const word = document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
    if (!word) return undefined;
    const after = document.lineAt(word.end.line).text.slice(word.end.character);
    if (!/^\s*\(/.test(after)) return undefined;
    const markdown = callHover(db, document.getText(word), targets);
    return markdown ? new vscode.Hover(new vscode.MarkdownString(markdown), word) : undefined;
  }
}
