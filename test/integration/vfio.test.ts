// The extension in a real VS Code, on the fixture workspace (test/fixtures/workspace), whose
// settings target 5.4, 5.8 and 5.11..5.19: the Ubuntu kernels whose vmlinux BTF has struct vfio_device_ops.
// Everything is observed through the public API, as the Problems panel and hovers see it.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import {
  activateExtension,
  checkedAfter,
  diagnosticsAfter,
  EXTENSION_ID,
  fixtureUri,
  hoverText,
  openInEditor,
  positionOf,
  seenDiagnostics,
  type SeenDiagnostic,
} from './helpers';
import { INSTALLED_EXTENSIONS_ENV } from './contract';

const OPEN_RANGE: SeenDiagnostic['range'] = [16, 2, 16, 6];
const OPEN_SIGNATURE_ON_5_13: SeenDiagnostic = {
  range: OPEN_RANGE,
  severity: 'Warning',
  code: 'callback-signature',
  source: 'kernel-compat',
  message:
    '`fixture_open` does not fit `.open` of struct vfio_device_ops on 5.13: its parameter 1 is void *, not struct vfio_device *; the member there is int (*)(struct vfio_device *)',
};
const openMissingOn = (targets: string): SeenDiagnostic => ({
  range: OPEN_RANGE,
  severity: 'Warning',
  code: 'missing-member',
  source: 'kernel-compat',
  message: `\`open\` is not in struct vfio_device_ops on ${targets}: replaced by \`open_device\` in 5.15`,
});
const STRUCT_NOT_IN_VMLINUX: SeenDiagnostic = {
  range: [15, 2, 15, 6],
  severity: 'Information',
  code: 'struct-not-in-image',
  source: 'kernel-compat',
  message:
    'struct vfio_device_ops is not in the vmlinux BTF of 4.4–5.3, 5.10, 6.2–6.8 (it may be built as a module or configured off there), so its members are not checked on those kernels',
};
/** The unguarded file against the workspace's targets, Ubuntu 5.4–5.19. */
const UNGUARDED_FINDINGS = [OPEN_SIGNATURE_ON_5_13, openMissingOn('5.15–5.19')];
const REPORT_LINK = '[Open the struct report](command:kernelCompat.showReport?%5B%22struct%20vfio_device_ops%22%5D)';

/** Read while mocha loads the test files, before any test of any file has opened a C file. */
const activeBeforeAnyTest = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;

describe('Kernel Compat in VS Code', () => {
  const unguarded = fixtureUri('vfio_open_unguarded.c');
  const guarded = fixtureUri('vfio_open_guarded.c');
  const openUnguarded = () => diagnosticsAfter(unguarded, () => openInEditor(unguarded), UNGUARDED_FINDINGS);

  // Every test opens its file afresh; closing the editor closes the document (see openInEditor).
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('is the packaged extension the harness installed from the .vsix', function () {
    const installedInto = process.env[INSTALLED_EXTENSIONS_ENV];
    if (!installedInto) this.skip();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    assert.ok(extension.extensionPath.startsWith(installedInto + sep), `${extension.extensionPath} is not under ${installedInto}`);
    assert.ok(existsSync(join(extension.extensionPath, '.vsixmanifest')), 'the extension folder was not unpacked from a .vsix');
    assert.ok(!existsSync(join(extension.extensionPath, 'src')), 'the extension folder holds sources: that is a source tree, not the package');
  });

  it('activates when a C file opens, and reports `.open` of an unguarded vfio_device_ops table on the kernels where it breaks', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    assert.equal(activeBeforeAnyTest, false, 'active before any C file was opened: check activationEvents');
    await openUnguarded();
    assert.equal(extension.isActive, true);
  });

  it('reports nothing for the guarded variant', async () => {
    const { api } = await activateExtension();
    await checkedAfter(api, guarded, () => openInEditor(guarded));
    assert.deepEqual(seenDiagnostics(guarded), []);
  });

  it('reports the #error on the kernels a driver refuses with it, and what fails after it there (gcc goes on), and says so on the #error line', async () => {
    const refused = fixtureUri('vfio_refused.c');
    const { api } = await activateExtension();
    await checkedAfter(api, refused, () => openInEditor(refused));
    assert.deepEqual(seenDiagnostics(refused), [
      {
        range: [10, 0, 10, 54],
        severity: 'Warning',
        code: 'error-directive',
        source: 'kernel-compat',
        message: 'This #error is reached on 5.13–5.19, so the build fails there: "this driver supports kernels before 5.13 only"',
      },
      { ...OPEN_SIGNATURE_ON_5_13, range: [20, 2, 20, 6] },
      { ...openMissingOn('5.15–5.19'), range: [20, 2, 20, 6] },
    ]);
    const document = await vscode.workspace.openTextDocument(refused);
    const text = await hoverText(refused, positionOf(document, '#error "this driver', 2));
    assert.equal(
      text,
      '**Kernel Compat** · the build fails here on 5.13–5.19 (an `#error` that is certainly reached).\n\n' +
        'gcc goes on compiling the rest of the file there, and the rest is checked as it compiles it.',
    );
  });

  it('hovers `.open` with the member history across the kernels', async () => {
    const { document } = await openUnguarded();
    const position = positionOf(document, '\t.open = fixture_open', 3);
    const text = await hoverText(unguarded, position);
    const lines = text.split('\n');
    assert.equal(lines[0], '**struct vfio\\_device\\_ops** · member `open`');
    // The verdict first, for the targeted kernels that build the line; then the history on them; then the rest.
    assert.equal(lines[2], '**Missing on 5.15–5.19**: replaced by `open_device` in 5.15. Present on 5.4–5.13.');
    for (const line of [
      '*On the targeted kernels*',
      '- 5.4–5.11: `int (*open)(void *)`',
      '- 5.13: `int (*open)(struct vfio_device *)`',
      '- 5.15–5.19: no `open`',
      '*Other versions*',
      '- 4.4–5.3, 5.10: struct not in vmlinux BTF',
      '- 6.12–7.3: no `open`',
      REPORT_LINK,
    ]) {
      assert.ok(lines.includes(line), `hover lacks the line ${JSON.stringify(line)}:\n${text}`);
    }
    const [hover] = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', unguarded, position);
    const range = hover.range!;
    assert.deepEqual([range.start.line, range.start.character, range.end.line, range.end.character], OPEN_RANGE);
  });

  it('hovers the struct name with its presence and changes on the targeted kernels', async () => {
    const { document } = await openUnguarded();
    const text = await hoverText(unguarded, positionOf(document, 'vfio_device_ops fixture_ops', 4));
    const lines = text.split('\n');
    assert.equal(lines[0], '**struct vfio\\_device\\_ops**');
    for (const line of [
      'Present on 5.4–5.19.',
      'Changes across the targeted kernels:',
      '- 5.13 → 5.15: added `open_device`, `close_device`; removed `open`, `release`',
      REPORT_LINK,
    ]) {
      assert.ok(lines.includes(line), `hover lacks the line ${JSON.stringify(line)}:\n${text}`);
    }
  });

  it('follows changes of kernelCompat.targets', async () => {
    await openUnguarded();
    const config = () => vscode.workspace.getConfiguration('kernelCompat', unguarded);
    const original = config().inspect<string[]>('targets')?.workspaceValue;
    assert.deepEqual(original, ['5.4', '5.8', '5.11..5.19'], 'the fixture workspace settings changed');
    const setTargets = (targets: string[]) => () => config().update('targets', targets, vscode.ConfigurationTarget.Workspace);
    try {
      // The default, all 22 version images (Ubuntu and Debian): vfio_device_ops is absent from
      // the vmlinux data of some; Debian 6.1–7.3 have it in vfio.ko, without `open`.
      await diagnosticsAfter(unguarded, setTargets(['versions']), [STRUCT_NOT_IN_VMLINUX, OPEN_SIGNATURE_ON_5_13, openMissingOn('5.15–6.1, 6.12–7.3')]);
      await diagnosticsAfter(unguarded, setTargets(['5.15']), [openMissingOn('5.15')]);
      const hover = await hoverText(unguarded, new vscode.Position(OPEN_RANGE[0], OPEN_RANGE[1] + 1));
      assert.ok(hover.split('\n').includes('**Missing on 5.15**: replaced by `open_device` in 5.15.'), hover);
      await diagnosticsAfter(unguarded, setTargets(['5.4', '5.8', '5.11']), []);
    } finally {
      await diagnosticsAfter(unguarded, setTargets(original!), UNGUARDED_FINDINGS);
    }
  });

  it('re-checks as the file is edited: a guard silences `.open`, removing it brings the findings back', async () => {
    const editor = await openUnguarded();
    const openLine = OPEN_RANGE[0];
    try {
      await diagnosticsAfter(
        unguarded,
        () =>
          editor.edit((edit) => {
            edit.insert(new vscode.Position(openLine, 0), '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)\n');
            edit.insert(new vscode.Position(openLine + 1, 0), '#endif\n');
          }),
        [],
      );
      assert.equal(editor.document.lineAt(openLine + 1).text, '\t.open = fixture_open,');
      await diagnosticsAfter(
        unguarded,
        () =>
          editor.edit((edit) => {
            edit.delete(editor.document.lineAt(openLine).rangeIncludingLineBreak);
            edit.delete(editor.document.lineAt(openLine + 2).rangeIncludingLineBreak);
          }),
        UNGUARDED_FINDINGS,
      );
    } finally {
      // Back to the file on disk, so that closing it asks nothing.
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('re-checks a C file when the compat header it includes is edited', async () => {
    const user = fixtureUri('compat/vfio_compat.c');
    const header = fixtureUri('compat/compat.h');
    const { api } = await activateExtension();
    await checkedAfter(api, user, () => openInEditor(user));
    assert.deepEqual(seenDiagnostics(user), []);
    const headerEditor = await openInEditor(header);
    const boundary = positionOf(headerEditor.document, 'KERNEL_VERSION(5, 15, 0)', 'KERNEL_VERSION(5, '.length);
    try {
      // The guard now keeps `.open` on 5.15, where open_device had already replaced it.
      await diagnosticsAfter(user, () => headerEditor.edit((edit) => edit.replace(new vscode.Range(boundary, boundary.translate(0, 2)), '16')), [
        {
          range: [10, 2, 10, 6],
          severity: 'Warning',
          code: 'missing-member',
          source: 'kernel-compat',
          message: '`open` is not in struct vfio_device_ops on 5.15: replaced by `open_device` in 5.15',
        },
      ]);
      await diagnosticsAfter(user, () => headerEditor.edit((edit) => edit.replace(new vscode.Range(boundary, boundary.translate(0, 2)), '15')), []);
    } finally {
      await vscode.window.showTextDocument(headerEditor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('clears the findings when the file is closed', async () => {
    await openUnguarded();
    await diagnosticsAfter(unguarded, () => vscode.commands.executeCommand('workbench.action.closeActiveEditor'), []);
  });
});
