// Mocha's spec output for a person, plus the results as mocha JSON in a file for a harness
// that cannot see the extension host's console (code-server shows it only in the browser).
// The file is written whole and then renamed into place, so a reader never sees half of it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Mocha from 'mocha';
import { RESULTS_ENV } from './contract';

export interface TestRecord {
  state: 'passed' | 'failed' | 'pending';
  title: string;
  fullTitle: string;
  duration?: number;
  err: { message?: string; stack?: string };
}

/** The shape of mocha's own `json` reporter, with `error` set when the suite could not run at all. */
export interface SuiteResults {
  stats: { suites: number; tests: number; passes: number; pending: number; failures: number; start?: string; end?: string; duration?: number };
  tests: TestRecord[];
  passes: TestRecord[];
  failures: TestRecord[];
  pending: TestRecord[];
  error?: string;
}

export function writeResults(results: SuiteResults): void {
  const target = process.env[RESULTS_ENV];
  if (!target) return;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  writeFileSync(partial, JSON.stringify(results, null, 2));
  renameSync(partial, target);
}

function record(state: TestRecord['state'], test: Mocha.Test, error?: Error): TestRecord {
  return {
    state,
    title: test.title,
    fullTitle: test.fullTitle(),
    duration: test.duration,
    err: error ? { message: error.message, stack: error.stack } : {},
  };
}

export class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    const passes: TestRecord[] = [];
    const failures: TestRecord[] = [];
    const pending: TestRecord[] = [];
    const tests: TestRecord[] = [];
    runner.on(EVENT_TEST_PASS, (test) => {
      passes.push(record('passed', test));
      tests.push(record('passed', test));
    });
    // Hook failures ("before all" and the like) arrive here too, so a broken setup is a failure, not a silence.
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      failures.push(record('failed', test, error));
      tests.push(record('failed', test, error));
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      pending.push(record('pending', test));
      tests.push(record('pending', test));
    });
    runner.once(EVENT_RUN_END, () => {
      const stats = this.stats;
      writeResults({
        stats: {
          suites: stats.suites,
          tests: stats.tests,
          passes: stats.passes,
          pending: stats.pending,
          failures: stats.failures,
          start: stats.start?.toISOString(),
          end: stats.end?.toISOString(),
          duration: stats.duration,
        },
        tests,
        passes,
        failures,
        pending,
      });
    });
  }
}
