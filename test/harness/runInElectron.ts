// `npm run test:vscode`: the integration suite in desktop VS Code through @vscode/test-electron,
// the ecosystem's standard way. It needs a machine that can download VS Code (and, on Linux
// without a display, `xvfb-run -a npm run test:vscode`). Like the code-server harness it
// installs the packaged .vsix into an extensions folder of its own and names the unpacked
// folder as the development extension, so the package is what is tested.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { INSTALLED_EXTENSIONS_ENV, RESULTS_ENV } from '../integration/contract';
import { ARTIFACTS, EXTENSION_ID, FIXTURE_WORKSPACE, prepareSandbox, requireFile, SUITE_INDEX, VSIX } from './sandbox';

/** `stable` by default; KERNEL_COMPAT_VSCODE_VERSION=1.90.0 tests the oldest VS Code that engines.vscode allows. */
const VSCODE_VERSION = process.env.KERNEL_COMPAT_VSCODE_VERSION ?? 'stable';

async function main(): Promise<number> {
  requireFile(VSIX, 'run npm run package');
  requireFile(SUITE_INDEX, 'run npm run compile-tests');
  const sandbox = prepareSandbox('electron', FIXTURE_WORKSPACE);
  const vscodeExecutablePath = await downloadAndUnzipVSCode(VSCODE_VERSION);
  const [cli] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
  const profile = ['--extensions-dir', sandbox.extensionsDir, '--user-data-dir', sandbox.userDataDir];
  const install = spawnSync(cli, [...profile, '--install-extension', VSIX], { encoding: 'utf8', stdio: 'inherit', timeout: 120_000 });
  if (install.status !== 0) throw new Error(`installing ${VSIX} failed (${install.error?.message ?? `exit ${install.status}`})`);
  const [installed] = readdirSync(sandbox.extensionsDir).filter((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (!installed) throw new Error(`${VSIX} did not install into ${sandbox.extensionsDir}`);
  return runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: join(sandbox.extensionsDir, installed),
    extensionTestsPath: SUITE_INDEX,
    extensionTestsEnv: {
      [RESULTS_ENV]: join(ARTIFACTS, 'integration-electron-results.json'),
      [INSTALLED_EXTENSIONS_ENV]: sandbox.extensionsDir,
    },
    launchArgs: [sandbox.workspace, ...profile, '--disable-workspace-trust'],
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`test:vscode: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
