// Rule unknown-type in a real VS Code: the warnings on declarations typed by a typedef some
// kernels' headers lack, on exactly those kernels, and the hover on the type's name. Targets are set to 5.10..6.12 (Debian 5.10,
// 6.1 and 6.12 with header data, Ubuntu 5.11–6.8 without) and put back after.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsAfter, fixtureUri, hoverText, openInEditor, withWorkspaceTargets } from './helpers';

describe('Kernel Compat on typedefs that came and went, in VS Code', () => {
  const file = fixtureUri('new_types.c');
  const config = withWorkspaceTargets(file);

  it('warns at each declaration on the kernels whose headers define no typedef of the name, and hovers where each kernel defines it', async () => {
    await openInEditor(file);
    await diagnosticsAfter(file, () => config().update('targets', ['5.10..6.12'], vscode.ConfigurationTarget.Workspace), [
      {
        range: [8, 1, 8, 10],
        severity: 'Warning',
        code: 'unknown-type',
        source: 'kernel-compat',
        message: '`blk_opf_t` is a type no kernel header of 5.10 defines, so the declaration does not compile there (gcc: unknown type name); 6.1, 6.12 define it in <linux/blk_types.h>',
      },
      {
        range: [9, 1, 9, 12],
        severity: 'Warning',
        code: 'unknown-type',
        source: 'kernel-compat',
        message: '`fop_flags_t` is a type no kernel header of 5.10, 6.1 defines, so the declaration does not compile there (gcc: unknown type name); 6.12 defines it in <linux/fs.h>',
      },
    ]);
    const hover = await hoverText(file, new vscode.Position(8, 4));
    for (const line of [
      '**`blk_opf_t`** on the targeted kernels',
      '- 5.10: **not defined**: no kernel header defines a typedef of that name, so a declaration of that type does not compile there',
      '- 6.1, 6.12: a typedef of `<linux/blk_types.h>`',
    ]) {
      assert.ok(hover.split('\n').includes(line), `hover lacks ${JSON.stringify(line)}:\n${hover}`);
    }
  });
});
