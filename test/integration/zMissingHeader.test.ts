// Rule missing-header in a real VS Code: the warning on an include a targeted kernel's headers
// lack, its hover, and the guard fix applied and re-checked. Targets are set to 6.1..7.3 for
// these tests (Debian 6.1, 6.12, 7.2, 7.3, whose headers the data has, and Ubuntu 6.2–6.8) and
// put back after. The file name sorts after vfio.test.js on purpose: that file's first test
// must see the extension not yet activated.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsAfter, fixtureUri, hoverText, openInEditor, withWorkspaceTargets, type SeenDiagnostic } from './helpers';

const MISSING_UNALIGNED: SeenDiagnostic = {
  range: [3, 10, 3, 25],
  severity: 'Warning',
  code: 'missing-header',
  source: 'kernel-compat',
  message: '`<asm/unaligned.h>` is not in the kernel headers of 6.12–7.3: `<linux/unaligned.h>` has its name there',
};
const GUARD_TITLE = 'Guard this include by kernel version: `<linux/unaligned.h>` from 6.12, `<asm/unaligned.h>` before';

describe('Kernel Compat on headers that left the kernel, in VS Code', () => {
  const file = fixtureUri('old_headers.c');
  const config = withWorkspaceTargets(file);

  it('warns on the include on the kernels whose headers lack it, and hovers the kernels that have it', async () => {
    await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['6.1..7.3'], vscode.ConfigurationTarget.Workspace), [MISSING_UNALIGNED]);
    const hover = await hoverText(file, new vscode.Position(3, 14));
    for (const line of [
      '**`<asm/unaligned.h>`**',
      'In the kernel headers of 6.1.',
      '**Not in the kernel headers of 6.12–7.3**: the build stops at this line there.',
      'Not known on 6.2–6.8: the data has no headers of those kernels.',
    ]) {
      assert.ok(hover.split('\n').includes(line), `hover lacks ${JSON.stringify(line)}:\n${hover}`);
    }
  });

  it('guards the include with its successor, and the warning goes', async () => {
    const editor = await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['6.1..7.3'], vscode.ConfigurationTarget.Workspace), [MISSING_UNALIGNED]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, new vscode.Range(3, 10, 3, 25));
    const guard = actions.find((a) => a.title === GUARD_TITLE);
    assert.ok(guard?.edit, `no '${GUARD_TITLE}' among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(guard.isPreferred, true);
    await diagnosticsAfter(file, () => vscode.workspace.applyEdit(guard.edit!), []);
    assert.deepEqual(editor.document.getText().split('\n').slice(2, 9), [
      '#include <linux/module.h>',
      '#include <linux/version.h>',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)',
      '#include <linux/unaligned.h>',
      '#else',
      '#include <asm/unaligned.h>',
      '#endif',
    ]);
  });
});
