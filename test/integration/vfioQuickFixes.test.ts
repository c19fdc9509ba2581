// Quick fixes and the struct views in a real VS Code, on the fixture workspace (targets
// Ubuntu 5.4–5.19), through the public API: vscode.executeCodeActionProvider, applyEdit, commands.
// Edits are never saved: each test reverts its editor, so the files stay as the other tests expect.
// The file name sorts after vfio.test.js on purpose: the suite runs files in name order, and
// that file's first test must see the extension not yet activated.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, diagnosticsAfter, fixtureUri, openInEditor, seenDiagnostics, type SeenDiagnostic } from './helpers';

const OPEN_RANGE = new vscode.Range(16, 2, 16, 6);
const VFIO_OPS = 'struct vfio_device_ops';

const unguardedFindings: SeenDiagnostic[] = [
  {
    range: [16, 2, 16, 6],
    severity: 'Warning',
    code: 'callback-signature',
    source: 'kernel-compat',
    message:
      '`fixture_open` does not fit `.open` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *)',
  },
  {
    range: [16, 2, 16, 6],
    severity: 'Warning',
    code: 'missing-member',
    source: 'kernel-compat',
    message: '`open` is not in struct vfio_device_ops on 5.15–5.19: replaced by `open_device` in 5.15',
  },
];

/** After the guard: `.open` is gone from 5.15 on; the callback's own parameter type is a separate finding on both sides. */
const guardedFindings: SeenDiagnostic[] = [
  {
    range: [18, 2, 18, 13],
    severity: 'Warning',
    code: 'callback-signature',
    source: 'kernel-compat',
    message:
      '`fixture_open` does not fit `.open_device` of struct vfio_device_ops on 5.15–5.19: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *)',
  },
  {
    range: [20, 2, 20, 6],
    severity: 'Warning',
    code: 'callback-signature',
    source: 'kernel-compat',
    message:
      '`fixture_open` does not fit `.open` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *)',
  },
];

const GUARD_TITLE = 'Guard this initializer by kernel version: `open_device` from 5.15, `open` before';
const IGNORE_TITLE = 'Ignore on this line: add /* kernel-compat-ignore */';

const deadGuardFinding: SeenDiagnostic = {
  range: [7, 0, 7, 48],
  severity: 'Hint',
  code: 'dead-guard',
  source: 'kernel-compat',
  message: '`LINUX_VERSION_CODE < KERNEL_VERSION(4, 0, 0)` is always false for the targeted kernels 5.4–5.19: the code under it is never compiled',
};

/**
 * The code actions at a range. The API command returns titles, kinds, edits, commands and
 * isPreferred, but not the diagnostics an action fixes; the fixture files draw no other
 * provider's actions, so every action here is this extension's.
 */
async function actionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range);
}

const titled = (actions: vscode.CodeAction[], title: string) => {
  const found = actions.find((a) => a.title === title);
  assert.ok(found, `no action '${title}' among ${JSON.stringify(actions.map((a) => a.title))}`);
  return found;
};

async function revertActiveEditor(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

/** Waits until an editor shows a document of the report scheme whose path ends with `pathEnd`. */
function reportEditor(pathEnd: string): vscode.TextEditor {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'kernel-compat-report' && e.document.uri.path.endsWith(pathEnd));
  assert.ok(editor, `no editor shows …${pathEnd}; visible: ${vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ')}`);
  return editor;
}

describe('Kernel Compat quick fixes and struct views in VS Code', () => {
  const unguarded = fixtureUri('vfio_open_unguarded.c');
  const deadGuard = fixtureUri('vfio_dead_guard.c');

  before(async () => {
    await activateExtension();
  });

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('offers the guard (preferred), one ignore comment for the line, and the struct views on `.open`', async () => {
    await diagnosticsAfter(unguarded, () => openInEditor(unguarded), unguardedFindings);
    const actions = await actionsAt(unguarded, OPEN_RANGE);
    // One ignore comment serves both findings of the line; no rename: 5.4–5.13 lack open_device.
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred ?? false]),
      [
        [GUARD_TITLE, true],
        [IGNORE_TITLE, false],
        [`Show report of ${VFIO_OPS}`, false],
        [`Show changes of ${VFIO_OPS} across the targeted kernels`, false],
      ],
    );
    for (const action of actions) assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind), `${action.title} is not a quick fix`);
  });

  it('applies the guard: `.open` is no longer missing, and linux/version.h is included', async () => {
    const editor = await diagnosticsAfter(unguarded, () => openInEditor(unguarded), unguardedFindings);
    try {
      const guard = titled(await actionsAt(unguarded, OPEN_RANGE), GUARD_TITLE);
      assert.ok(guard.edit, 'the guard carries a workspace edit');
      await diagnosticsAfter(unguarded, () => vscode.workspace.applyEdit(guard.edit!), guardedFindings);
      const lines = editor.document.getText().split('\n');
      assert.deepEqual(lines.slice(6, 9), ['#include <linux/module.h>', '#include <linux/version.h>', '#include <linux/vfio.h>']);
      assert.deepEqual(lines.slice(17, 22), [
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)',
        '\t.open_device = fixture_open,',
        '#else',
        '\t.open = fixture_open,',
        '#endif',
      ]);
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await revertActiveEditor();
    }
  });

  it('applies the ignore comment on a line of its own above: both findings of the line are silenced', async () => {
    const editor = await diagnosticsAfter(unguarded, () => openInEditor(unguarded), unguardedFindings);
    try {
      const ignore = titled(await actionsAt(unguarded, OPEN_RANGE), IGNORE_TITLE);
      await diagnosticsAfter(unguarded, () => vscode.workspace.applyEdit(ignore.edit!), []);
      assert.equal(editor.document.lineAt(16).text, '\t/* kernel-compat-ignore */');
      assert.equal(editor.document.lineAt(17).text, '\t.open = fixture_open,');
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await revertActiveEditor();
    }
  });

  it('opens the struct report from the quick fix menu, as a read-only document in the report language', async () => {
    await diagnosticsAfter(unguarded, () => openInEditor(unguarded), unguardedFindings);
    const report = titled(await actionsAt(unguarded, OPEN_RANGE), `Show report of ${VFIO_OPS}`);
    await vscode.commands.executeCommand(report.command!.command, ...(report.command!.arguments ?? []));
    const { document } = reportEditor('/struct/vfio_device_ops.kcreport');
    assert.equal(document.languageId, 'kernel-compat-report');
    assert.ok(document.getText().startsWith(`${VFIO_OPS}\nSource: `), document.getText().slice(0, 200));
    assert.ok(document.getText().includes('\n5.13 and 5.15 ⚠️\n'));
  });

  it('opens the changes across the targeted kernels, for the workspace targets', async () => {
    await diagnosticsAfter(unguarded, () => openInEditor(unguarded), unguardedFindings);
    const changes = titled(await actionsAt(unguarded, OPEN_RANGE), `Show changes of ${VFIO_OPS} across the targeted kernels`);
    assert.deepEqual(changes.command!.arguments, [VFIO_OPS, ['5.4', '5.8', '5.11', '5.13', '5.15', '5.19']]);
    await vscode.commands.executeCommand(changes.command!.command, ...(changes.command!.arguments ?? []));
    const { document } = reportEditor('/changes/struct/vfio_device_ops.kcreport');
    assert.equal(document.languageId, 'kernel-compat-report');
    const lines = document.getText().split('\n');
    assert.deepEqual(lines.slice(0, 2), [VFIO_OPS, 'Targets: 5.4–5.8, 5.11–5.19']);
    assert.ok(lines.includes('Oldest and newest') && lines.includes('5.4 and 5.19 ⚠️'), document.getText());
  });

  it('hints a dead guard and removes it with the preferred fix', async () => {
    const editor = await diagnosticsAfter(deadGuard, () => openInEditor(deadGuard), [deadGuardFinding]);
    try {
      const actions = await actionsAt(deadGuard, new vscode.Range(7, 0, 7, 48));
      assert.deepEqual(
        actions.map((a) => [a.title, a.isPreferred ?? false]),
        [
          ['Remove the #if branch that no targeted kernel compiles', true],
          [IGNORE_TITLE, false],
        ],
      );
      await diagnosticsAfter(deadGuard, () => vscode.workspace.applyEdit(actions[0].edit!), []);
      assert.deepEqual(editor.document.getText().split('\n').slice(5), ['#include <linux/version.h>', '', 'static int fixture_always;', '']);
      assert.deepEqual(seenDiagnostics(deadGuard), []);
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await revertActiveEditor();
    }
  });
});
