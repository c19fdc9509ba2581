// Hover on a kernel struct member or struct name: its history across the kernel images. The
// checking thread writes the text from the document's latest result; this adds the links.
import * as vscode from 'vscode';
import type { AggregateRef } from '../core/kernels/database';
import { toRange } from './convert';
import { isMacroStyleName } from '../core/c/kernelMacros';
import type { DiagnosticsController } from './diagnostics';
import type { Engine } from './engine';
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

/** The called name under the pointer (`name(`), for the declarations of a function or macro. */
function calledName(document: vscode.TextDocument, position: vscode.Position): vscode.Range | undefined {
  const word = document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
  if (!word) return undefined;
  const after = document.lineAt(word.end.line).text.slice(word.end.character);
  return /^\s*\(/.test(after) ? word : undefined;
}

/** A name in capitals under the pointer that is not called (`BIO_MAX_PAGES`), for a kernel constant's presence. */
function constantName(document: vscode.TextDocument, position: vscode.Position): vscode.Range | undefined {
  const word = document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
  return word && isMacroStyleName(document.getText(word)) ? word : undefined;
}

export class KernelHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly engine: Engine,
    private readonly diagnostics: DiagnosticsController,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const current = this.diagnostics.resultFor(document);
    if (!current) return undefined;
    const call = calledName(document, position);
    const constant = call ? undefined : constantName(document, position);
    const typeName = call || constant ? undefined : document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
    const answer = await this.engine.request('hover', {
      key: document.uri.toString(),
      version: current.version,
      offset: document.offsetAt(position),
      line: position.line,
      character: position.character,
      ...(call ? { call: document.getText(call) } : {}),
      ...(constant ? { constant: document.getText(constant) } : {}),
      ...(typeName ? { typeName: document.getText(typeName) } : {}),
    });
    if (!answer) return undefined;
    const range = answer.range ? toRange(answer.range) : (call ?? constant ?? typeName);
    if (!answer.aggregate) return new vscode.Hover(new vscode.MarkdownString(answer.markdown), range);
    const content = new vscode.MarkdownString(`${answer.markdown}\n\n${reportLink(answer.aggregate)}\n\n${changesLink(answer.aggregate, current.targetLabels)}`);
    content.isTrusted = { enabledCommands: [SHOW_REPORT_COMMAND, SHOW_CHANGES_COMMAND] };
    return new vscode.Hover(content, range);
  }
}
