// Rule undeclared-constant in a real VS Code: the warnings on constants that left the kernel,
// on exactly the kernels whose headers never spell them, and the hover that says so. Targets
// are set to 6.1..7.3 (Debian 6.1, 6.12, 7.2, 7.3 with header data, Ubuntu 6.2–6.8 without)
// and put back after.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsAfter, fixtureUri, hoverText, openInEditor, withWorkspaceTargets } from './helpers';

describe('Kernel Compat on constants that left the kernel, in VS Code', () => {
  const file = fixtureUri('old_constants.c');
  const config = withWorkspaceTargets(file);

  it('warns at each use on the kernels whose headers never spell the name, and hovers how each kernel has it', async () => {
    await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['6.1..7.3'], vscode.ConfigurationTarget.Workspace), [
      {
        range: [8, 8, 8, 21],
        severity: 'Warning',
        code: 'undeclared-constant',
        source: 'kernel-compat',
        message: '`BIO_MAX_PAGES` is declared by no kernel header of 6.1, 6.12–7.3 (no macro, enumerator or variable of that name), so the use does not compile there',
      },
      {
        range: [13, 20, 13, 37],
        severity: 'Warning',
        code: 'undeclared-constant',
        source: 'kernel-compat',
        message: '`QUEUE_FLAG_NONROT` is declared by no kernel header of 6.12–7.3 (no macro, enumerator or variable of that name), so the use does not compile there',
      },
    ]);
    const hover = await hoverText(file, new vscode.Position(13, 25));
    for (const line of [
      '**`QUEUE_FLAG_NONROT`** on the targeted kernels',
      '- 6.1: a macro of the kernel headers',
      '- 6.12–7.3: **not declared**: no kernel header spells it, so a use does not compile there',
      'Not known on 6.2–6.8: the data has no headers of those kernels.',
    ]) {
      assert.ok(hover.split('\n').includes(line), `hover lacks ${JSON.stringify(line)}:\n${hover}`);
    }
  });
});
