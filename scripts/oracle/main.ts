// `npm run bench:oracle`: the compile oracle. Builds real out-of-tree drivers against real
// Debian kernels and scores the checker's warnings against what gcc says, line by line.
// A bench, not a test: it downloads hundreds of MB the first time and compiles drivers.
//
//   node dist/oracle.js [--drivers enhanceio,apfs] [--kernels 6.1,6.12] [--pins <drivers.json>] [--jobs N]
//
// --pins reads another driver list (same format as scripts/oracle/drivers.json), to try a
// driver before pinning it; --jobs is make's -j (default: one per core).
//
// The cache is $KERNEL_COMPAT_CACHE/debian (default ~/.cache/kernel-compat/debian), shared
// with `npm run build:data`; the oracle's own files go to its oracle/ folder: the private
// root with the kernels' headers and Kbuild tools, the drivers, the build copies and their
// logs, and report.json.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../src/cli/paths';
import { cacheRoot, fetchPinnedPackages, readManifest, type Manifest, type PinnedKernel } from '../debian/packages';
import type { AptContext } from './debs';
import { CLAIMS } from './score';
import { driverName, prepareDriver, readDriverPins, type Driver, type DriverPin } from './drivers';
import { oracleDir, prepareKernelTree, readKernelPins, type KernelTree, type OracleKernelPin } from './kernels';
import { formatFindings, formatProblems, formatSummary, formatTable, reportJson } from './report';
import { runDriverOnKernel, type RunResult } from './run';

const log = (line: string) => console.error(`oracle: ${line}`);

const USAGE = `usage: node dist/oracle.js [--drivers a,b] [--kernels 6.1,6.12] [--pins <drivers.json>] [--jobs N]
  --drivers  only these drivers of the pins (names as in the pins file)
  --kernels  only these kernels of scripts/oracle/kernels.json
  --pins     another driver list, in the format of scripts/oracle/drivers.json
  --jobs     make's -j for each build (default: ${availableParallelism()}, one per core)
Builds each driver against each kernel's Debian headers and scores kernel-compat's warnings
against gcc's errors; see scripts/oracle/README.md.`;


function selected<T>(items: T[], wanted: string | undefined, names: (item: T) => string[], what: string): T[] {
  if (!wanted) return items;
  const words = wanted.split(',').map((w) => w.trim()).filter(Boolean);
  const unknown = words.filter((w) => !items.some((i) => names(i).includes(w)));
  if (unknown.length) throw new Error(`no ${what} named ${unknown.join(', ')} (known: ${items.map((i) => names(i)[0]).join(', ')})`);
  return items.filter((i) => names(i).some((n) => words.includes(n)));
}

function manifestKernels(manifest: Manifest, pins: OracleKernelPin[]): { kernel: PinnedKernel; pin: OracleKernelPin }[] {
  return pins.map((pin) => {
    const kernel = manifest.kernels.find((k) => k.label === pin.label);
    if (!kernel) throw new Error(`kernels.json names ${pin.label}, which scripts/debian/manifest.json does not pin`);
    return { kernel, pin };
  });
}

/** Each kernel that could be set up; the others are named in `problems` and left out. */
function prepareKernels(apt: AptContext, wanted: { kernel: PinnedKernel; pin: OracleKernelPin }[], problems: string[]): KernelTree[] {
  const trees: KernelTree[] = [];
  for (const { kernel, pin } of wanted) {
    try {
      trees.push(prepareKernelTree(apt, kernel, pin));
    } catch (error) {
      problems.push(`kernel ${kernel.label} left out: ${(error as Error).message}`);
    }
  }
  return trees;
}

function prepareDrivers(apt: AptContext, pins: DriverPin[], problems: string[], pinnedIn: string | undefined): Driver[] {
  const drivers: Driver[] = [];
  for (const pin of pins) {
    try {
      drivers.push(prepareDriver(apt, pin, pinnedIn));
    } catch (error) {
      problems.push(`driver ${pin.name} ${pin.version} left out: ${(error as Error).message}`);
    }
  }
  return drivers;
}

function runAll(drivers: Driver[], kernels: KernelTree[], cache: string, cliPath: string, jobs: number): RunResult[] {
  const runs: RunResult[] = [];
  for (const driver of drivers) {
    for (const kernel of kernels) {
      const run = runDriverOnKernel(driver, kernel, cache, cliPath, jobs);
      const c = run.score?.counts;
      // All codes' warnings here; the table's column counts the struct-member ones.
      const figures = c ? `, ${c['struct-member'].errorLines} struct error lines, ${CLAIMS.reduce((sum, claim) => sum + c[claim].warnings, 0)} warnings of all codes` : run.problem ? ` (${run.problem})` : '';
      log(`${run.driver}@${run.kernel}: ${run.status}, ${run.objects} objects in ${run.buildSeconds.toFixed(0)} s${figures}`);
      runs.push(run);
    }
  }
  return runs;
}

function main(): number {
  const started = performance.now();
  const values = options();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  const cliPath = join(packageRoot, 'dist', 'cli.js');
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build (npm run bench:oracle does)`);

  const manifest = readManifest();
  const cache = cacheRoot();
  const wanted = manifestKernels(manifest, selected(readKernelPins(), values.kernels, (p) => [p.label], 'kernel'));
  const pinsPath = values.pins === undefined ? undefined : resolve(values.pins);
  const pins = selected(readDriverPins(pinsPath), values.drivers, (p) => [driverName(p), p.name], 'driver');
  const problems: string[] = [];

  // The headers packages are the manifest's: fetched and checked as build:data does.
  fetchPinnedPackages({ ...manifest, kernels: wanted.map((w) => w.kernel) }, cache, log);
  const apt: AptContext = { cache, manifest, log };
  const kernels = prepareKernels(apt, wanted, problems);
  const drivers = prepareDrivers(apt, pins, problems, pinsPath);
  const runs = runAll(drivers, kernels, cache, cliPath, jobs);

  const seconds = (performance.now() - started) / 1000;
  const reportPath = join(oracleDir(cache), 'report.json');
  mkdirSync(oracleDir(cache), { recursive: true });
  writeFileSync(reportPath, JSON.stringify(reportJson(runs, kernels, problems, seconds), null, 2) + '\n');

  console.log(formatTable(runs, kernels.map((k) => k.label)));
  console.log();
  console.log(formatSummary(runs, seconds));
  console.log();
  console.log(formatFindings(runs));
  console.log();
  console.log(formatProblems(problems, runs));
  console.log(`\nReport: ${reportPath}`);
  return 0;
}

function options(): { drivers?: string; kernels?: string; pins?: string; jobs?: string; help?: boolean } {
  let values;
  try {
    ({ values } = parseArgs({ options: { drivers: { type: 'string' }, kernels: { type: 'string' }, pins: { type: 'string' }, jobs: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.jobs !== undefined && !/^[1-9]\d*$/.test(values.jobs)) throw new Error(`--jobs must be a whole number, 1 or more, not '${values.jobs}'\n${USAGE}`);
  return values;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`oracle: ${(error as Error).message}`);
  process.exitCode = 2;
}
