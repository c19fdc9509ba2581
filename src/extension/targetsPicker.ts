// The status bar item that shows the targeted kernels and opens a quick pick to change them.
import * as vscode from 'vscode';
import { describeImages } from '../core/history';
import { parseTargets } from '../core/targets';
import type { EngineLoader } from './engine';
import { readSettings, SECTION } from './settings';

export const SELECT_TARGETS_COMMAND = 'kernelCompat.selectTargets';

export class TargetsStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kernelCompat.targets', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly engine: EngineLoader) {
    this.item.name = 'Kernel Compat targets';
    this.item.command = SELECT_TARGETS_COMMAND;
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
    );
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      this.item.hide();
      return;
    }
    const settings = readSettings(editor.document.uri);
    // The label needs only the small image list, never the type tables.
    const { db } = await this.engine.get();
    const selection = parseTargets(settings.targets, db.images);
    const all = db.images.map((_, i) => i);
    this.item.text = `$(server) Kernels: ${selection.images.length ? describeImages(db.images, selection.images, all) : 'none'}`;
    this.item.tooltip = selection.errors.length ? `kernelCompat.targets: ${selection.errors.join('; ')}` : 'Kernel Compat: choose the kernels to check against';
    this.item.show();
  }

  async pick(): Promise<void> {
    const { db } = await this.engine.get();
    const settings = readSettings(vscode.window.activeTextEditor?.document.uri);
    const selected = new Set(parseTargets(settings.targets, db.images).images);
    const items = db.images.map((image, index) => ({
      label: image.label,
      description: `${image.distribution === 'debian' ? 'Debian' : image.group === 'imported' ? 'imported' : 'Ubuntu'} ${image.image} · Linux ${image.release}`,
      detail: image.group === 'version' ? (image.btf === 'vmlinux+modules' ? 'vmlinux and modules' : undefined) : `${image.group} image`,
      picked: selected.has(index),
      index,
    }));
    const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Kernel Compat: kernels to check against' });
    if (!chosen) return;
    const labels = chosen.map((c) => c.label);
    await vscode.workspace.getConfiguration(SECTION).update('targets', labels, vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
