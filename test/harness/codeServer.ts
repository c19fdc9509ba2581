// A real VS Code for the tests: code-server (installed by scripts/setup-editor.sh) with the
// packaged .vsix installed into an extensions folder of its own, shown in Debian's Chromium
// through playwright-core. Everything started here is stopped by its own process id (the
// whole process group), on success, on failure and on time-out.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { EXTENSION_ID, REPO_ROOT, VSIX, type Sandbox } from './sandbox';

export const CODE_SERVER_ENTRY = join(REPO_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function codeServerArgs(sandbox: Sandbox): string[] {
  // code-server writes a default config (with a password) to ~/.config unless given one.
  const configFile = join(sandbox.root, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n');
  return ['--config', configFile, '--extensions-dir', sandbox.extensionsDir, '--user-data-dir', sandbox.userDataDir];
}

/** Installs the packaged extension, as a user does, and returns the folder it was unpacked into. */
export function installVsix(sandbox: Sandbox): string {
  const result = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...codeServerArgs(sandbox), '--install-extension', VSIX], {
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  if (result.status !== 0) throw new Error(`code-server --install-extension failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  const installed = readdirSync(sandbox.extensionsDir).filter((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (installed.length !== 1) throw new Error(`expected one ${EXTENSION_ID} folder in ${sandbox.extensionsDir}, found: ${installed.join(', ') || 'none'}`);
  return join(sandbox.extensionsDir, installed[0]);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolveHealth) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, (response) => {
      response.resume();
      resolveHealth(response.statusCode === 200);
    });
    request.on('error', () => resolveHealth(false));
    request.on('timeout', () => request.destroy());
  });
}

const delay = (ms: number) => new Promise((resolveDelay) => setTimeout(resolveDelay, ms));

/** Resolves when the process exits or after `ms`, whichever comes first, leaving no timer behind. */
function exitOrTimeout(exited: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([exited, new Promise<void>((resolveLater) => (timer = setTimeout(resolveLater, ms)))]).finally(() => clearTimeout(timer));
}

function signalGroup(leader: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-leader, signal);
  } catch {
    // No process is left in the group.
  }
}

/**
 * Stops a process and everything it started: it leads its own process group (spawned
 * detached), so the group id is its pid. SIGTERM first, for a clean shutdown; SIGKILL to the
 * group after the grace time or once the leader is gone, for children that outlived it.
 */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    signalGroup(child.pid, 'SIGTERM');
    await exitOrTimeout(exited, graceMs);
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  } else {
    signalGroup(child.pid, 'SIGKILL');
  }
}

/** Groups still running when this process exits for any reason: killed synchronously on the way out. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export interface RunningCodeServer {
  port: number;
  /** The workbench URL for the sandbox's workspace, with optional extra query parameters. */
  url(query?: Record<string, string>): string;
  stop(): Promise<void>;
}

export async function startCodeServer(sandbox: Sandbox, env: Record<string, string>, logFile: string): Promise<RunningCodeServer> {
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      ...codeServerArgs(sandbox),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      sandbox.workspace,
    ],
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } },
  );
  closeSync(log);
  liveGroups.add(child.pid!);
  const stop = async () => {
    await stopGroup(child, 5_000);
    liveGroups.delete(child.pid!);
  };
  const deadline = Date.now() + 60_000;
  while (!(await healthy(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${logFile}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server was not ready within 60 s; see ${logFile}`);
    }
    await delay(250);
  }
  return {
    port,
    url: (query = {}) => {
      const params = new URLSearchParams({ folder: sandbox.workspace, ...query });
      return `http://127.0.0.1:${port}/?${params.toString()}`;
    },
    stop,
  };
}

export interface RunningChromium {
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * Debian's Chromium, never a downloaded browser. Started as a browser server so that its
 * process is ours to stop: Playwright makes it the leader of its own process group.
 */
export async function launchChromium(): Promise<RunningChromium> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  const child = server.process();
  liveGroups.add(child.pid!);
  const stop = async () => {
    // Closing the server closes the browser cleanly; the group is then killed for anything left.
    await server.close().catch(() => undefined);
    await stopGroup(child, 5_000);
    liveGroups.delete(child.pid!);
  };
  try {
    return { browser: await chromium.connect(server.wsEndpoint(), { timeout: 60_000 }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs `work` with a hard limit: past it the run fails with that reason, and `onTimeout` stops what was started. */
export async function withTimeLimit<T>(ms: number, what: string, work: () => Promise<T>, onTimeout: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: stopping the editor makes `work` fail too, with a less useful reason.
      reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`));
      void onTimeout();
    }, ms);
  });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}
