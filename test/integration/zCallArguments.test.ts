// Rule call-arguments in a real VS Code: the warning on a call whose argument count a targeted
// kernel does not take, the hover on the call, and the guard fix applied and re-checked.
// Targets are set to 6.1..7.3 (Debian 6.1, 6.12, 7.2, 7.3 with header data, Ubuntu 6.2–6.8
// without) and put back after.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsAfter, fixtureUri, hoverText, openInEditor, withWorkspaceTargets, type SeenDiagnostic } from './helpers';

const TOO_MANY: SeenDiagnostic = {
  range: [9, 17, 9, 29],
  severity: 'Warning',
  code: 'call-arguments',
  source: 'kernel-compat',
  message: '`class_create` takes 1 argument on 6.12–7.3 (`struct class *class_create(const char *)`); the call passes 2, so it does not compile there',
};
const GUARD_TITLE = 'Guard this call by kernel version: `class_create("fixture")` from 6.12, as written otherwise';

describe('Kernel Compat on calls whose parameters changed, in VS Code', () => {
  const file = fixtureUri('class_device.c');
  const config = withWorkspaceTargets(file);

  it('warns on the call on the kernels that take one argument, and hovers each kernel\'s declaration', async () => {
    await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['6.1..7.3'], vscode.ConfigurationTarget.Workspace), [TOO_MANY]);
    const hover = await hoverText(file, new vscode.Position(9, 20));
    for (const line of [
      '**`class_create`** on the targeted kernels',
      '- 6.1: a macro of 2 arguments',
      '- 6.12–7.3: `struct class *class_create(const char *)`',
      'Not known on 6.2–6.8: the data has no headers of those kernels.',
    ]) {
      assert.ok(hover.split('\n').includes(line), `hover lacks ${JSON.stringify(line)}:\n${hover}`);
    }
  });

  it('guards the call with THIS_MODULE dropped from the boundary on, and the warning goes', async () => {
    const editor = await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['6.1..7.3'], vscode.ConfigurationTarget.Workspace), [TOO_MANY]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, new vscode.Range(9, 17, 9, 29));
    const guard = actions.find((a) => a.title === GUARD_TITLE);
    assert.ok(guard?.edit, `no '${GUARD_TITLE}' among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(guard.isPreferred, true);
    await diagnosticsAfter(file, () => vscode.workspace.applyEdit(guard.edit!), []);
    assert.deepEqual(editor.document.getText().split('\n').slice(2, 16), [
      '#include <linux/module.h>',
      '#include <linux/device.h>',
      '#include <linux/version.h>',
      '',
      'static struct class *fixture_class;',
      '',
      'static int __init fixture_init(void)',
      '{',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)',
      '\tfixture_class = class_create("fixture");',
      '#else',
      '\tfixture_class = class_create(THIS_MODULE, "fixture");',
      '#endif',
      '\treturn PTR_ERR_OR_ZERO(fixture_class);',
    ]);
  });
});
