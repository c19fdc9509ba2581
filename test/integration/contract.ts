// How a harness tells the suite about the VS Code it runs in: environment variables of the
// editor process, which the extension host inherits. No 'vscode' here, so that the harnesses
// on plain Node can import it too.

/** The file the suite writes its mocha JSON results to; unset means console output only. */
export const RESULTS_ENV = 'KERNEL_COMPAT_TEST_RESULTS';

/** The extensions folder the harness installed the .vsix into; the suite checks it runs from there. */
export const INSTALLED_EXTENSIONS_ENV = 'KERNEL_COMPAT_INSTALLED_EXTENSIONS_DIR';
