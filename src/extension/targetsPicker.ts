// The status bar item that shows the targeted kernels, and the quick pick behind it: the groups
// and ranges people think in (all versions, one distribution, the LTS kernels, a from/to range,
// arches, flavors, imported kernels) or individual kernels. The choice is written as the
// shortest spec that says it (core/targetSpec.ts), so the settings file stays readable.
import * as vscode from 'vscode';
import { describeImages } from '../core/kernels/history';
import type { KernelImage } from '../core/kernels/schema';
import { parseTargets } from '../core/kernels/targets';
import { rangeSeries, seriesOf, shortestTargetSpec, targetGroups } from '../core/kernels/targetSpec';
import type { Engine } from './engine';
import { readSettings, SECTION } from './settings';

export const SELECT_TARGETS_COMMAND = 'kernelCompat.selectTargets';

const TITLE = 'Kernel Compat: kernels to check against';

export class TargetsStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kernelCompat.targets', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly engine: Engine) {
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
    const images = await this.engine.kernelImages();
    const selection = parseTargets(settings.targets, images);
    this.item.text = `$(server) Kernels: ${selection.images.length ? describeAll(images, selection.images) : 'none'}`;
    this.item.tooltip = selection.errors.length ? `kernelCompat.targets: ${selection.errors.join('; ')}` : 'Kernel Compat: choose the kernels to check against';
    this.item.show();
  }

  async pick(): Promise<void> {
    const images = await this.engine.kernelImages();
    const settings = readSettings(vscode.window.activeTextEditor?.document.uri);
    const current = parseTargets(settings.targets, images).images;
    const chosen = await chooseKernels(images, current);
    if (!chosen) return;
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update('targets', shortestTargetSpec(images, chosen), target);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

interface ChoiceItem extends vscode.QuickPickItem {
  /** The images the item stands for, or asks for in a further step; undefined when that step is cancelled. */
  choose?: () => Promise<number[] | undefined>;
}

/** The first step: a group, or a way to choose further (a range, individual kernels). */
async function chooseKernels(images: readonly KernelImage[], current: readonly number[]): Promise<number[] | undefined> {
  const items: ChoiceItem[] = [
    ...targetGroups(images).map((group) => ({
      label: group.title,
      description: `${sameSet(group.images, current) ? 'current · ' : ''}${countAndNames(images, group.images)}`,
      choose: async () => group.images,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: 'Range of versions…', description: 'from one version to another, both distributions', choose: () => chooseRange(images) },
    { label: 'Individual kernels…', description: 'tick each kernel', choose: () => chooseIndividually(images, current) },
  ];
  const now = current.length ? describeAll(images, current) : 'none';
  const picked = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: `Now: ${now}` });
  return picked?.choose?.();
}

/** Two steps, from and to, over the versions the data has; the range takes both distributions, as `5.4..6.8` does. */
async function chooseRange(images: readonly KernelImage[]): Promise<number[] | undefined> {
  const series = rangeSeries(images);
  const item = (version: string): vscode.QuickPickItem => ({ label: version, description: kernelsOfSeries(images, version) });
  const from = await vscode.window.showQuickPick(series.map(item), { title: `${TITLE}: range (1/2)`, placeHolder: 'From: the oldest version to check against' });
  if (!from) return undefined;
  const newer = series.slice(series.indexOf(from.label));
  const to = await vscode.window.showQuickPick(newer.map(item), { title: `${TITLE}: range (2/2)`, placeHolder: `To: the newest version to check against (from ${from.label})` });
  if (!to) return undefined;
  return parseTargets(`${from.label}..${to.label}`, images).images;
}

/** Every kernel as a checkbox, the current targets ticked. */
async function chooseIndividually(images: readonly KernelImage[], current: readonly number[]): Promise<number[] | undefined> {
  const ticked = new Set(current);
  const items = images.map((image, index) => ({
    label: image.label,
    description: kernelDescription(image),
    detail: image.group === 'version' ? (image.btf === 'vmlinux+modules' ? 'vmlinux and modules' : undefined) : `${image.group} image`,
    picked: ticked.has(index),
    index,
  }));
  const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: TITLE });
  return chosen?.map((item) => item.index).sort((a, b) => a - b);
}

/** 'Debian 6.1.0-57-amd64 · Linux 6.1.192'. */
function kernelDescription(image: KernelImage): string {
  const origin = image.distribution === 'debian' ? 'Debian' : image.group === 'imported' ? 'imported' : 'Ubuntu';
  return `${origin} ${image.image} · Linux ${image.release}`;
}

/** The kernels a range end stands for: usually one, more where an imported kernel shares the series. */
function kernelsOfSeries(images: readonly KernelImage[], version: string): string {
  return images
    .filter((image) => (image.group === 'version' || image.group === 'imported') && seriesOf(image) === version)
    .map(kernelDescription)
    .join('; ');
}

/** '17 kernels: 4.4–5.8, 5.11–5.19, 6.2–6.8', as the status bar will read after the choice. */
function countAndNames(images: readonly KernelImage[], chosen: readonly number[]): string {
  return `${chosen.length} ${chosen.length === 1 ? 'kernel' : 'kernels'}: ${describeAll(images, chosen)}`;
}

/** Names chosen images with ranges over every image in database order, as the status bar does. */
function describeAll(images: readonly KernelImage[], chosen: readonly number[]): string {
  return describeImages(images, chosen, images.map((_, index) => index));
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const inB = new Set(b);
  return a.length === inB.size && a.every((index) => inB.has(index));
}
