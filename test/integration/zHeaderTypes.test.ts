// Findings at a header's lines from the check of a .c file that includes it, in a real VS Code:
// gcc reports a header's declarations and the #error it reaches in every file that includes
// it, and the header checked alone cannot know what its includers define. Targets are set to 5.10..6.12 and put back after.
import * as vscode from 'vscode';
import { diagnosticsAfter, fixtureUri, openInEditor, withWorkspaceTargets } from './helpers';

describe("Kernel Compat at a header's lines, from the file that includes it, in VS Code", () => {
  const file = fixtureUri('header_types.c');
  const header = fixtureUri('header_types.h');
  const config = withWorkspaceTargets(file);
  const message = '`blk_mode_t` is a type no kernel header of 5.10, 6.1 defines, so the declaration does not compile there (gcc: unknown type name); 6.12 defines it in <linux/blkdev.h>';

  it("shows the header's unknown types and the #error it reaches once the .c file is checked, and takes them back when it closes", async () => {
    await openInEditor(file);
    await diagnosticsAfter(header, () => config().update('targets', ['5.10..6.12'], vscode.ConfigurationTarget.Workspace), [
      { range: [7, 1, 7, 11], severity: 'Warning', code: 'unknown-type', source: 'kernel-compat', message },
      { range: [10, 44, 10, 54], severity: 'Warning', code: 'unknown-type', source: 'kernel-compat', message },
      {
        range: [15, 0, 15, 46],
        severity: 'Warning',
        code: 'error-directive',
        source: 'kernel-compat',
        message: 'This #error is reached on 6.8–6.12, so the build fails there: "header_types is not ported to 6.8 yet"',
      },
    ]);
    await diagnosticsAfter(header, () => vscode.commands.executeCommand('workbench.action.closeAllEditors'), []);
  });
});
