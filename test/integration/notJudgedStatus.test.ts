// The status bar says when the active C file is not judged at all, and why, so an empty
// Problems panel does not read as "checked and clean".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, checkedAfter, fixtureUri, openInEditor, seenDiagnostics } from './helpers';

describe('the status bar on files Kernel Compat does not judge', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('names the object lists that leave out a file the Kbuild does not build, and clears on a built one', async () => {
    const { api } = await activateExtension();
    const leftover = fixtureUri('kbuild/leftover.c');
    await checkedAfter(api, leftover, () => openInEditor(leftover));
    assert.deepEqual(seenDiagnostics(leftover), []);
    assert.equal(api.judgedStatus.text, '$(circle-slash) Kernel Compat: not built by Kbuild (leftover.o is not in obj-m, demo-y)');

    const built = fixtureUri('kbuild/demo_main.c');
    await checkedAfter(api, built, () => openInEditor(built));
    assert.equal(api.judgedStatus.text, undefined);
  });

  it('says a userspace program is not kernel code', async () => {
    const { api } = await activateExtension();
    const tool = fixtureUri('tools/tool.c');
    await checkedAfter(api, tool, () => openInEditor(tool));
    assert.deepEqual(seenDiagnostics(tool), []);
    assert.equal(api.judgedStatus.text, '$(circle-slash) Kernel Compat: not kernel code');
  });
});
