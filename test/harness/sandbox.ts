// Where the harnesses find what they test and keep what they make: the packaged .vsix, the
// fixture workspace, and one fresh folder per run so that no editor state leaks between runs
// and the fixtures are only ever changed in copies.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const VSIX = join(REPO_ROOT, 'kernel-compat.vsix');
export const ARTIFACTS = join(REPO_ROOT, '.test-artifacts');
export const SUITE_INDEX = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test', 'fixtures', 'workspace');
export const EXTENSION_ID = 'kernel-compat.kernel-compat';

/** Settings that keep the workbench quiet: no welcome page, tips, trust prompt or update checks. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
};

/** Fails with the command that makes the missing piece. */
export function requireFile(path: string, howToMake: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${howToMake}`);
}

export interface Sandbox {
  root: string;
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
}

/** A fresh .vscode-test/runs/<name>/ holding a copy of `workspaceSource`, empty extensions and a user profile. */
export function prepareSandbox(name: string, workspaceSource: string): Sandbox {
  const root = join(REPO_ROOT, '.vscode-test', 'runs', name);
  rmSync(root, { recursive: true, force: true });
  const sandbox: Sandbox = {
    root,
    workspace: join(root, 'workspace'),
    extensionsDir: join(root, 'extensions'),
    userDataDir: join(root, 'user-data'),
  };
  cpSync(workspaceSource, sandbox.workspace, { recursive: true });
  mkdirSync(sandbox.extensionsDir, { recursive: true });
  mkdirSync(join(sandbox.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(sandbox.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  mkdirSync(ARTIFACTS, { recursive: true });
  return sandbox;
}
