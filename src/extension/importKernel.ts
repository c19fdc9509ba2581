// "Kernel Compat: Add Kernel from BTF…" and "Kernel Compat: Remove Imported Kernel…". Kernels
// live in the extension's global storage, one `<label>.kernel.json.gz` each, so they follow
// the user across workspaces; the core does the reading and converting, and the checking
// thread loads the stored ones into its database (worker/engineService.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { release as unameRelease } from 'node:os';
import * as vscode from 'vscode';
import { BtfError } from '../core/kernels/btf/errors';
import { DatabaseError } from '../core/kernels/database';
import {
  configCandidates,
  findConfig,
  imageNameFromFile,
  importedKernelFileName,
  IMPORTED_KERNEL_SUFFIX,
  inferRelease,
  labelProblem,
  releaseFromName,
  runningKernelRequest,
  RUNNING_KERNEL_BTF_DIR,
  type FileSystem,
  type ImportRequest,
} from '../core/kernels/importRequests';
import type { Engine } from './engine';
import { EngineRequestError } from './engineClient';
import type { ReadKernelAnswer } from './worker/protocol';
import { readSettings, SECTION } from './settings';

export const ADD_KERNEL_COMMAND = 'kernelCompat.addKernelFromBtf';
export const REMOVE_KERNEL_COMMAND = 'kernelCompat.removeImportedKernel';

/** Where imported kernels are kept: the extension's global storage, so every workspace sees them. */
export function importedKernelsFolder(globalStorageUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorageUri, 'kernels');
}

const nodeFileSystem: FileSystem = {
  read(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

async function storedKernelFiles(folder: vscode.Uri): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(folder);
    return entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith(IMPORTED_KERNEL_SUFFIX)).map(([name]) => name).sort();
  } catch {
    return []; // no folder yet: nothing imported
  }
}

interface SourceChoice extends vscode.QuickPickItem {
  source: 'running' | 'files';
}

/** Asks where the kernel comes from and gathers its files; undefined when the user cancels. */
async function chooseRequest(): Promise<ImportRequest | undefined> {
  const uname = unameRelease();
  const items: SourceChoice[] = [];
  if (existsSync(`${RUNNING_KERNEL_BTF_DIR}/vmlinux`)) {
    const modules = nodeFileSystem.list(RUNNING_KERNEL_BTF_DIR).filter((name) => name !== 'vmlinux').length;
    items.push({
      source: 'running',
      label: '$(vm) This machine\'s kernel',
      description: `Linux ${uname}`,
      detail: `${RUNNING_KERNEL_BTF_DIR}/vmlinux and the BTF of its ${modules} loaded module${modules === 1 ? '' : 's'}, with its config when readable`,
    });
  }
  items.push({
    source: 'files',
    label: '$(file-binary) BTF files…',
    detail: 'A vmlinux (ELF or raw BTF) or a btfhub-archive <release>.btf.tar.xz, and optionally module .ko or split BTF files',
  });
  const source = await vscode.window.showQuickPick(items, { title: 'Kernel Compat: add a kernel from BTF', placeHolder: 'Which kernel?' });
  if (!source) return undefined;
  if (source.source === 'running') return runningKernelRequest(nodeFileSystem, uname, 'pending');

  const files = await vscode.window.showOpenDialog({
    title: 'Kernel Compat: the kernel\'s BTF (and its modules\', if any)',
    openLabel: 'Import',
    canSelectMany: true,
    filters: { 'BTF, ELF or archives': ['btf', 'xz', 'gz', 'ko', 'o', '*'] },
  });
  if (!files || files.length === 0) return undefined;
  const read = async (uri: vscode.Uri) => ({ uri, bytes: await vscode.workspace.fs.readFile(uri) });
  const loaded = await Promise.all(files.map(read));
  // The kernel is the file named like one, else the biggest: vmlinux BTF is megabytes, a module's kilobytes.
  const isKernelName = (uri: vscode.Uri) => /(^|\/)vmlinux[^/]*$|\.btf\.tar\.xz$/.test(uri.path);
  const kernel = loaded.find((f) => isKernelName(f.uri)) ?? loaded.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
  const modules = loaded.filter((f) => f !== kernel);
  const name = (uri: vscode.Uri) => (uri.scheme === 'file' ? uri.fsPath : uri.toString());
  const imageName = imageNameFromFile(kernel.uri.path);
  const request: ImportRequest = {
    label: 'pending',
    kernel: { name: name(kernel.uri), source: kernel.bytes },
    modules: modules.map((m) => ({ name: name(m.uri), source: m.bytes })),
  };
  request.config = await chooseConfig(releaseFromName(imageName) ? imageName : undefined);
  return request;
}

/** The kernel's config: one found under /boot, or a file the user picks, or none. */
async function chooseConfig(imageName: string | undefined): Promise<ImportRequest['config']> {
  const found = findConfig(nodeFileSystem, configCandidates(imageName, false));
  type ConfigChoice = vscode.QuickPickItem & { pick: 'found' | 'file' | 'none' };
  const items: ConfigChoice[] = [
    ...(found ? [{ pick: 'found' as const, label: `$(check) ${found.name}`, description: 'found for this release' }] : []),
    { pick: 'file', label: '$(file) Choose the kernel config…', description: '.config, config-<release> or config.gz' },
    { pick: 'none', label: '$(circle-slash) No config', description: 'CONFIG_ guards stay undecided on this kernel' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Kernel Compat: the kernel\'s config, for CONFIG_ guards' });
  if (!choice || choice.pick === 'none') return undefined;
  if (choice.pick === 'found') return found;
  const picked = await vscode.window.showOpenDialog({ title: 'Kernel Compat: the kernel\'s config', canSelectMany: false });
  if (!picked?.[0]) return undefined;
  return { name: picked[0].scheme === 'file' ? picked[0].fsPath : picked[0].toString(), bytes: await vscode.workspace.fs.readFile(picked[0]) };
}

/** Reads the BTF in the checking thread (seconds for a vmlinux), which keeps the kernel for takeKernel. */
async function build(request: ImportRequest, engine: Engine): Promise<ReadKernelAnswer | undefined> {
  let withRelease = request;
  if (inferRelease(request) === undefined) {
    // Neither the config nor a file name tells the release: ask.
    const release = await vscode.window.showInputBox({
      title: 'Kernel Compat: which Linux release is this kernel?',
      prompt: 'Its upstream version, e.g. 5.14.0: version comparisons (>=5.10) and #if LINUX_VERSION_CODE use it',
      validateInput: (text) => (/^\d+\.\d+(\.\d+)?$/.test(text.trim()) ? undefined : 'A version like 5.14.0'),
    });
    if (!release) return undefined;
    withRelease = { ...request, release: release.trim() };
  }
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Kernel Compat: reading the kernel\'s BTF…' }, () =>
    engine.request('readKernel', { request: withRelease }),
  );
}

async function addLabelToTargets(label: string): Promise<void> {
  const targets = readSettings(vscode.window.activeTextEditor?.document.uri).targets;
  if (targets.includes(label)) return;
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update('targets', [...targets, label], target);
}

/**
 * Implements "Kernel Compat: Add Kernel from BTF…". `changed` runs once the database holds
 * the new kernel. Problems with the user's files are shown as they are, every time; anything
 * else is rethrown for the extension's error reporting.
 */
export async function addKernelFromBtf(globalStorageUri: vscode.Uri, engine: Engine, changed: () => void): Promise<void> {
  try {
    await addKernel(globalStorageUri, engine, changed);
  } catch (error) {
    const inputProblem = error instanceof BtfError || error instanceof DatabaseError || (error instanceof EngineRequestError && error.inputProblem);
    if (!inputProblem) throw error;
    void vscode.window.showErrorMessage(`Kernel Compat: cannot add this kernel: ${error.message}`);
  }
}

async function addKernel(globalStorageUri: vscode.Uri, engine: Engine, changed: () => void): Promise<void> {
  const request = await chooseRequest();
  if (!request) return;
  const summary = await build(request, engine);
  if (!summary) return;
  const folder = importedKernelsFolder(globalStorageUri);
  let chosen: string | undefined;
  try {
    chosen = await chooseLabel(folder, engine, summary.release);
  } finally {
    // Cancelled: the thread need not keep the kernel it read.
    if (chosen === undefined) engine.requestIfRunning('takeKernel', {})?.catch(() => undefined);
  }
  if (chosen === undefined) return;
  const bytes = await engine.request('takeKernel', { label: chosen });
  if (!bytes) throw new Error('the checking thread no longer holds the kernel it read (it was restarted); add the kernel again');
  await vscode.workspace.fs.createDirectory(folder);
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, importedKernelFileName(chosen)), bytes);
  await engine.reload();
  changed();
  const count = (n: number) => n.toLocaleString('en-US');
  const config = request.config ? `config from ${request.config.name}` : 'no config, so CONFIG_ guards stay undecided on it';
  const skipped = summary.skippedModules.length ? ` Left out ${summary.skippedModules.length} unreadable module${summary.skippedModules.length === 1 ? '' : 's'}: ${summary.skippedModules.join('; ')}.` : '';
  const answer = await vscode.window.showInformationMessage(
    `Kernel Compat: added '${chosen}' (Linux ${summary.release}): ${count(summary.structs)} structs, ${count(summary.unions)} unions, ` +
      `${count(summary.enums)} enums from vmlinux${summary.modules ? ` and ${summary.modules} module${summary.modules === 1 ? '' : 's'}` : ''}; ${config}.${skipped}`,
    'Check Against It',
  );
  if (answer === 'Check Against It') await addLabelToTargets(chosen);
}

/** The label the user gives the kernel: never a bundled image's; an imported one's only to replace it. */
async function chooseLabel(folder: vscode.Uri, engine: Engine, release: string): Promise<string | undefined> {
  const images = await engine.kernelImages();
  const stored = new Set((await storedKernelFiles(folder)).map((name) => name.slice(0, -IMPORTED_KERNEL_SUFFIX.length)));
  const label = await vscode.window.showInputBox({
    title: 'Kernel Compat: a label for this kernel',
    prompt: 'Targets, hovers and reports name the kernel by it',
    value: release,
    validateInput: (text) => {
      const value = text.trim();
      const problem = labelProblem(value);
      if (problem) return problem;
      if (images.some((image) => image.label === value) && !stored.has(value)) return `'${value}' is a bundled kernel image; choose another label`;
      return undefined;
    },
  });
  if (!label) return undefined;
  const chosen = label.trim();
  if (stored.has(chosen)) {
    const replace = await vscode.window.showWarningMessage(`An imported kernel is already labelled '${chosen}'. Replace it?`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return undefined;
  }
  return chosen;
}

/** Implements "Kernel Compat: Remove Imported Kernel…". */
export async function removeImportedKernel(globalStorageUri: vscode.Uri, engine: Engine, changed: () => void): Promise<void> {
  const folder = importedKernelsFolder(globalStorageUri);
  const files = await storedKernelFiles(folder);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Kernel Compat: no imported kernels. Add one with "Kernel Compat: Add Kernel from BTF…".');
    return;
  }
  const images = await engine.kernelImages();
  const items = files.map((file) => {
    const label = file.slice(0, -IMPORTED_KERNEL_SUFFIX.length);
    const image = images.find((candidate) => candidate.label === label);
    return { label, description: image ? `${image.image} · Linux ${image.release}` : 'not loaded (unreadable?)', file };
  });
  const chosen = await vscode.window.showQuickPick(items, { title: 'Kernel Compat: remove imported kernels', canPickMany: true });
  if (!chosen || chosen.length === 0) return;
  for (const item of chosen) await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, item.file));
  // A label left in the targets would match nothing and show as an error in the status bar.
  const removed = new Set(chosen.map((c) => c.label));
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const inspected = configuration.inspect<string[]>('targets');
  for (const [value, target] of [
    [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [inspected?.globalValue, vscode.ConfigurationTarget.Global],
  ] as const) {
    if (value?.some((t) => removed.has(t))) await configuration.update('targets', value.filter((t) => !removed.has(t)), target);
  }
  await engine.reload();
  changed();
  void vscode.window.showInformationMessage(`Kernel Compat: removed ${chosen.map((c) => `'${c.label}'`).join(', ')}.`);
}
