// The suite's entry point (extensionTestsPath). VS Code loads this file in the extension host
// and awaits run(), both under @vscode/test-electron and when code-server is opened with a
// test payload. Every *.test.js beside it belongs to the suite.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { ResultsReporter, writeResults } from './resultsReporter';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: ResultsReporter });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (error) {
      // A test file that does not even load must still reach the harness as a failure.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      writeResults({ stats: { suites: 0, tests: 0, passes: 0, pending: 0, failures: 1 }, tests: [], passes: [], failures: [], pending: [], error: message });
      reject(error);
    }
  });
}
