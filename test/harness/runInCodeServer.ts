// Runs the integration suite (test/integration) inside code-server against the installed
// .vsix: the workbench is opened with a test payload, the suite runs in the real extension
// host and writes mocha JSON results to a file, and this harness reads that file. It fails on
// any failed test, on missing results and on a time-out.
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLED_EXTENSIONS_ENV, RESULTS_ENV } from '../integration/contract';
import type { SuiteResults } from '../integration/resultsReporter';
import { CODE_SERVER_ENTRY, installVsix, launchChromium, startCodeServer, withTimeLimit, type RunningChromium, type RunningCodeServer } from './codeServer';
import { ARTIFACTS, FIXTURE_WORKSPACE, prepareSandbox, requireFile, SUITE_INDEX, VSIX } from './sandbox';

/** The whole run, start-up included; the suite itself takes well under a minute. */
const TIME_LIMIT_MS = 3 * 60_000;

/** Polls for the results file; `whyGone` names a reason to stop waiting (the page crashed or closed). */
function waitForResults(file: string, whyGone: () => string | undefined): Promise<SuiteResults> {
  return new Promise((resolveResults, reject) => {
    const poll = setInterval(() => {
      const gone = whyGone();
      if (gone) {
        clearInterval(poll);
        reject(new Error(gone));
      } else if (existsSync(file)) {
        clearInterval(poll);
        try {
          resolveResults(JSON.parse(readFileSync(file, 'utf8')) as SuiteResults);
        } catch (error) {
          reject(error);
        }
      }
    }, 250);
  });
}

function report(results: SuiteResults): boolean {
  const marks = { passed: '✓', failed: '✗', pending: '-' };
  for (const test of results.tests) {
    const mark = marks[test.state];
    console.log(`  ${mark} ${test.fullTitle}${test.duration !== undefined ? ` (${test.duration} ms)` : ''}`);
  }
  for (const failure of results.failures) console.log(`\n✗ ${failure.fullTitle}\n${failure.err.stack ?? failure.err.message ?? ''}`);
  if (results.error) console.log(`\nthe suite did not run: ${results.error}`);
  const { passes, failures, pending } = results.stats;
  // The plain closing line CI reads.
  console.log(`\nintegration: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
  return failures === 0 && !results.error && passes > 0;
}

async function main(): Promise<number> {
  const started = Date.now();
  requireFile(CODE_SERVER_ENTRY, 'run scripts/setup-editor.sh');
  requireFile(VSIX, 'run npm run package');
  requireFile(SUITE_INDEX, 'run npm run compile-tests');
  const sandbox = prepareSandbox('integration', FIXTURE_WORKSPACE);
  const installedAt = installVsix(sandbox);
  console.log(`installed ${VSIX} into ${installedAt}`);
  const resultsFile = join(sandbox.root, 'results.json');
  const serverLog = join(ARTIFACTS, 'integration-code-server.log');
  const consoleLog = join(ARTIFACTS, 'integration-browser-console.log');
  const failureScreenshot = join(ARTIFACTS, 'integration-failure.png');
  writeFileSync(consoleLog, '');
  rmSync(failureScreenshot, { force: true });

  let server: RunningCodeServer | undefined;
  let chromium: RunningChromium | undefined;
  const stopAll = async () => {
    await chromium?.stop();
    await server?.stop();
  };
  try {
    return await withTimeLimit(
      TIME_LIMIT_MS,
      'the integration suite in code-server',
      async () => {
        server = await startCodeServer(sandbox, { [RESULTS_ENV]: resultsFile, [INSTALLED_EXTENSIONS_ENV]: sandbox.extensionsDir }, serverLog);
        chromium = await launchChromium();
        const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
        let crashed: string | undefined;
        page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
        page.on('crash', () => (crashed = 'the workbench page crashed'));
        const remote = (path: string) => `vscode-remote://127.0.0.1:${server!.port}${path}`;
        // The workbench runs tests only for a development extension: name the folder the .vsix
        // was unpacked into, so the extension under test is the installed package, not the source tree.
        const payload = JSON.stringify([
          ['extensionDevelopmentPath', remote(installedAt)],
          ['extensionTestsPath', remote(SUITE_INDEX)],
        ]);
        await page.goto(server.url({ payload }));
        const results = await waitForResults(resultsFile, () => crashed ?? (page.isClosed() ? 'the workbench page closed before the suite wrote its results' : undefined));
        const passed = report(results);
        if (!passed) await page.screenshot({ path: failureScreenshot }).catch(() => undefined);
        console.log(`integration suite in code-server: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return passed ? 0 : 1;
      },
      stopAll,
    );
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`integration: ${error instanceof Error ? error.message : String(error)}`);
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
