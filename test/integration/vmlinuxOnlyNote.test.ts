// The note on structs the targets' data lacks, in a real VS Code, on the fixture workspace
// (targets Ubuntu 5.4, 5.8, 5.11..5.19, known from their vmlinux BTF only): a file that uses
// two module structs gets one note naming both, not one note per struct.
// The file name sorts after vfio.test.js on purpose: the suite runs files in name order, and
// that file's first test must see the extension not yet activated.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, diagnosticsAfter, fixtureUri, openInEditor, seenDiagnostics, type SeenDiagnostic } from './helpers';

const NOTE_START = '2 structs are not in the data of some targeted kernels';

/** What `kernel-compat check --targets 5.4,5.8,5.11..5.19` prints for the file, at 13:15 (`minor` of `vdev->minor`). */
const TWO_STRUCTS_NOTE: SeenDiagnostic = {
  range: [12, 14, 12, 19],
  severity: 'Information',
  code: 'struct-not-in-image',
  source: 'kernel-compat',
  message:
    `${NOTE_START}, so their members are not checked there: struct video_device (5.4–5.19), struct snd_card (5.4–5.19). ` +
    'Kernels known from vmlinux only may build them as modules: import such a kernel with its modules (Add Kernel from BTF) to check them',
};

describe('Kernel Compat notes on structs the targets lack, in VS Code', () => {
  const twoStructs = fixtureUri('two_module_structs.c');

  before(async () => {
    await activateExtension();
  });

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('gives one struct-not-in-image note for a file using two module structs (V4L2, ALSA), naming both', async () => {
    await diagnosticsAfter(twoStructs, () => openInEditor(twoStructs), [TWO_STRUCTS_NOTE]);
    const notes = seenDiagnostics(twoStructs).filter((d) => d.code === 'struct-not-in-image');
    assert.equal(notes.length, 1, `expected one note, got:\n${notes.map((d) => d.message).join('\n')}`);
    assert.equal(notes[0].severity, 'Information');
    assert.ok(notes[0].message.startsWith(NOTE_START), notes[0].message);
  });
});
