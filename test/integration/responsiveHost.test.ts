// Checks run in the extension's checking thread, never in the extension host: while a large
// file is being checked, the host goes on answering the editor (here, a code action request,
// which the host answers alone), and the file's diagnostics arrive after that answer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, WAIT_MS } from './helpers';

/** A generated driver file of some 25,000 lines whose check takes long (seconds on a slow machine), ending in one known finding. */
function largeDriver(functions: number): string {
  const lines = ['/* kernel-compat: large file of the responsiveness test */', '#include <linux/fs.h>', '#include <linux/vfio.h>', ''];
  for (let i = 0; i < functions; i++) {
    lines.push(`static int demo_${i}(struct inode *inode, struct file *file)`, '{', '\treturn inode->i_mode + file->f_flags + (int)inode->i_size;', '}', '');
  }
  lines.push('static int demo_open(void *data) { return 0; }', 'static const struct vfio_device_ops demo_ops = {', '\t.open = demo_open,', '};', '');
  return lines.join('\n');
}

function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${WAIT_MS} ms`)), WAIT_MS)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('the extension host while a large file is checked', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('answers the editor before the check ends, and the diagnostics still arrive', async () => {
    const { api } = await activateExtension();
    const content = largeDriver(5000);
    const isLarge = (uri: vscode.Uri) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText().length === content.length;
    const order: string[] = [];
    const subscriptions: vscode.Disposable[] = [];
    try {
      let large: vscode.Uri | undefined;
      // Noted at once, not after an await: a check that blocked the host would end before any await resumed.
      const checkStarted = new Promise<vscode.Uri>((resolve) =>
        subscriptions.push(
          api.diagnostics.onWillCheck((uri) => {
            if (large || !isLarge(uri)) return;
            large = uri;
            resolve(uri);
          }),
        ),
      );
      const checkEnded = new Promise<void>((resolve) =>
        subscriptions.push(
          api.diagnostics.onDidCheck((uri) => {
            if (uri.toString() !== large?.toString()) return;
            order.push('diagnostics');
            resolve();
          }),
        ),
      );
      const document = await vscode.workspace.openTextDocument({ language: 'c', content });
      await vscode.window.showTextDocument(document);
      await within('the large file was not sent for checking', checkStarted);
      assert.ok(large);

      // A request the host answers alone (no diagnostics there yet, so no quick fixes): were the
      // check running in the host, the answer could only come after it.
      await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', large, new vscode.Range(1, 0, 1, 5));
      order.push('answer');
      await within('the large file had no diagnostics', checkEnded);
      assert.deepEqual(order, ['answer', 'diagnostics']);

      // The file's one member access that the targets lack (`.open`, gone in 5.15), and nothing in the generated functions.
      const missing = vscode.languages.getDiagnostics(large).filter((d) => d.source === 'kernel-compat' && d.code === 'missing-member');
      assert.deepEqual(missing.map((d) => d.range.start.line + 1), [document.lineCount - 2]);
    } finally {
      for (const subscription of subscriptions) subscription.dispose();
    }
  });
});
