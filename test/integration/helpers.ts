// What the integration tests share: the extension under test, the fixture workspace, and
// waiting for the Problems panel through the public API, never by sleeping.
import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import type { KernelCompatApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'kernel-compat.kernel-compat';
/** Long enough for a cold start (WASM and database load) on a slow CI machine. */
export const WAIT_MS = 30_000;

export async function activateExtension(): Promise<{ extension: vscode.Extension<KernelCompatApi>; api: KernelCompatApi }> {
  const extension = vscode.extensions.getExtension<KernelCompatApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  assert.ok(api?.diagnostics, 'activate() did not return the diagnostics controller');
  return { extension, api };
}

export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** A diagnostic reduced to what a person reads in the Problems panel, for exact comparison. */
export interface SeenDiagnostic {
  range: [number, number, number, number];
  severity: 'Error' | 'Warning' | 'Information' | 'Hint';
  code: string;
  source: string | undefined;
  message: string;
}

function describe(diagnostic: vscode.Diagnostic): SeenDiagnostic {
  const { start, end } = diagnostic.range;
  return {
    range: [start.line, start.character, end.line, end.character],
    severity: vscode.DiagnosticSeverity[diagnostic.severity] as SeenDiagnostic['severity'],
    code: String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code),
    source: diagnostic.source,
    message: diagnostic.message,
  };
}

/** This extension's diagnostics for a file, in a stable order. */
export function seenDiagnostics(uri: vscode.Uri): SeenDiagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'kernel-compat')
    .map(describe)
    .sort((a, b) => a.range.join(',').localeCompare(b.range.join(','), 'en', { numeric: true }) || a.code.localeCompare(b.code));
}

/**
 * Runs `action` and resolves with its result once the file's diagnostics, after at least one
 * change event for it, equal `expected`. Subscribing before the action means a quick re-check
 * cannot be missed, and requiring an event means a stale state that happens to match does not
 * count. On time-out the test fails with the difference between what was last seen and what
 * was expected.
 */
export async function diagnosticsAfter<T>(uri: vscode.Uri, action: () => Thenable<T>, expected: SeenDiagnostic[]): Promise<T> {
  const key = uri.toString();
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const settled = new Promise<void>((resolve, reject) => {
    listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === key) && isDeepStrictEqual(seenDiagnostics(uri), expected)) resolve();
    });
    timer = setTimeout(() => {
      try {
        assert.deepEqual(seenDiagnostics(uri), expected);
        reject(new Error(`no diagnostics change for ${vscode.workspace.asRelativePath(uri)} within ${WAIT_MS} ms`));
      } catch (difference) {
        const detail = difference instanceof Error ? difference.message : String(difference);
        reject(new Error(`diagnostics of ${vscode.workspace.asRelativePath(uri)} after ${WAIT_MS} ms are not the expected ones:\n${detail}`));
      }
    }, WAIT_MS);
  });
  try {
    const result = await action();
    await settled;
    return result;
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

/** Runs `action` and resolves after the extension's next completed check of the file. */
export async function checkedAfter(api: KernelCompatApi, uri: vscode.Uri, action: () => Thenable<unknown>): Promise<void> {
  const key = uri.toString();
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const checked = new Promise<void>((resolve, reject) => {
    listener = api.diagnostics.onDidCheck((checkedUri) => checkedUri.toString() === key && resolve());
    timer = setTimeout(() => reject(new Error(`${vscode.workspace.asRelativePath(uri)} was not checked within ${WAIT_MS} ms`)), WAIT_MS);
  });
  try {
    await action();
    await checked;
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

/**
 * Opens a file in an editor the way a person does (Quick Open, Explorer). Not through
 * `showTextDocument(uri)`: that opens the document for the extension API, and VS Code then
 * keeps it open for up to three minutes after its editor closes, so closing would not close it.
 */
export async function openInEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const key = uri.toString();
  const isOurs = (editor: vscode.TextEditor | undefined) => editor?.document.uri.toString() === key;
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const shown = new Promise<vscode.TextEditor>((resolve, reject) => {
    listener = vscode.window.onDidChangeActiveTextEditor((editor) => isOurs(editor) && resolve(editor!));
    timer = setTimeout(() => reject(new Error(`${vscode.workspace.asRelativePath(uri)} did not open within ${WAIT_MS} ms`)), WAIT_MS);
  });
  try {
    await vscode.commands.executeCommand('vscode.open', uri);
    const active = vscode.window.activeTextEditor;
    return isOurs(active) ? active! : await shown;
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

/** The Markdown of every hover the editor would show at a position, joined. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n---\n');
}

/** The position of the first occurrence of `text` in the document, plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const index = document.getText().indexOf(text);
  assert.ok(index >= 0, `'${text}' is not in ${vscode.workspace.asRelativePath(document.uri)}`);
  return document.positionAt(index + offset);
}

/**
 * For a suite that sets the workspace's targets for one fixture: activates the extension,
 * reverts and closes editors after each test, and puts the targets back after the suite.
 * Returns the fixture's configuration.
 */
export function withWorkspaceTargets(file: vscode.Uri): () => vscode.WorkspaceConfiguration {
  const config = () => vscode.workspace.getConfiguration('kernelCompat', file);
  let original: string[] | undefined;
  before(async () => {
    await activateExtension();
    original = config().inspect<string[]>('targets')?.workspaceValue;
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => config().update('targets', original, vscode.ConfigurationTarget.Workspace));
  return config;
}
