// `npm run bench:self`: the false-warning rate on a kernel's own source checked against that
// same kernel. Nothing in Debian's 6.1 source breaks the build of Debian's 6.1 kernel, so every
// warning `check --targets 6.1` gives there is false. Runs the built CLI on a sample of the tree
// (the tree root as the workspace, so its Kbuild files and quoted includes are read as the
// kernel's build reads them) and prints warnings per 1,000 lines by code, and the causes that
// give most of them.
//
//   node dist/bench-self.js [--tree <dir>] [--target 6.1] [--top 15] [--json <file>] [folders…]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Folders of the tree checked by default: network and USB drivers, sound, a file system (about 1.2 M lines). */
const DEFAULT_SAMPLE = ['fs/ext4', 'drivers/usb', 'drivers/net/ethernet/intel', 'drivers/net/ethernet/realtek', 'sound/core', 'sound/usb', 'sound/pci'];
const DEFAULT_TREE = '/work/kernel-src/linux-source-6.1';
/** The rate the checker must stay under: false warnings per 1,000 lines. */
const GOAL_PER_1000 = 0.05;

interface JsonFinding {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
  struct?: string;
  member?: string;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { tree: { type: 'string' }, target: { type: 'string' }, top: { type: 'string' }, json: { type: 'string' } },
  });
  const tree = resolve(values.tree ?? DEFAULT_TREE);
  if (!existsSync(join(tree, 'Kbuild'))) throw new Error(`${tree} is not a kernel source tree (no Kbuild): give one with --tree`);
  const target = values.target ?? '6.1';
  const sample = (positionals.length > 0 ? positionals : DEFAULT_SAMPLE).map((folder) => join(tree, folder));
  const missing = sample.filter((folder) => !existsSync(folder));
  if (missing.length > 0) throw new Error(`not in the tree: ${missing.join(', ')}`);

  const lines = countLines(sample);
  const started = Date.now();
  const findings = runCheck(tree, target, sample);
  const seconds = (Date.now() - started) / 1000;
  const warnings = findings.filter((f) => f.severity === 'warning' || f.severity === 'error');

  console.log(`Kernel self-check: ${relative(process.cwd(), tree) || tree} against ${target}, ${sample.map((f) => relative(tree, f)).join(', ')}`);
  console.log(`${lines.toLocaleString('en-US')} lines in ${countFiles(sample)} files, checked in ${seconds.toFixed(0)} s`);
  console.log(`false warnings: ${warnings.length}, ${perThousand(warnings.length, lines)} per 1,000 lines (goal: at most ${GOAL_PER_1000})`);
  console.log('\nby code (per 1,000 lines):');
  for (const [code, count] of countBy(warnings, (f) => f.code)) console.log(`  ${code.padEnd(20)} ${String(count).padStart(6)}  ${perThousand(count, lines)}`);
  console.log(`\ntop causes:`);
  const top = Number(values.top ?? 15);
  for (const [cause, count] of countBy(warnings, causeOf).slice(0, top)) {
    const example = warnings.find((f) => causeOf(f) === cause)!;
    console.log(`  ${String(count).padStart(5)}  ${cause}\n         e.g. ${relative(tree, example.file)}:${example.line}: ${example.message}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ tree, target, sample, lines, seconds, warnings }, null, 2));
}

/** What a warning is about, so repeats of one mistake count together: the code and its struct member or called name. */
function causeOf(finding: JsonFinding): string {
  if (finding.struct) return `${finding.code} ${finding.struct}.${finding.member ?? ''}`;
  const named = /`([^`]+)`|<([^>]+)>/.exec(finding.message);
  return `${finding.code} ${named ? (named[1] ?? named[2]) : finding.message.slice(0, 60)}`;
}

function runCheck(tree: string, target: string, sample: string[]): JsonFinding[] {
  const cli = join(__dirname, '..', 'bin', 'kernel-compat.js');
  let out: string;
  try {
    out = execFileSync(process.execPath, [cli, 'check', '--format', 'json', '--targets', target, '--workspace', tree, ...sample], {
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    }).toString();
  } catch (error) {
    // Exit code 1 means findings: the output is still the report.
    const failed = error as { status?: number; stdout?: Buffer };
    if (failed.status !== 1 || !failed.stdout) throw error;
    out = failed.stdout.toString();
  }
  return JSON.parse(out) as JsonFinding[];
}

function sourceFiles(folders: string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (/\.[ch]$/.test(path)) files.push(path);
  };
  for (const folder of folders) walk(folder);
  return files;
}

function countFiles(folders: string[]): number {
  return sourceFiles(folders).length;
}

function countLines(folders: string[]): number {
  let lines = 0;
  for (const file of sourceFiles(folders)) {
    const text = readFileSync(file, 'latin1');
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  }
  return lines;
}

function perThousand(count: number, lines: number): string {
  return ((count * 1000) / Math.max(lines, 1)).toFixed(3);
}

function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

try {
  main();
} catch (error) {
  console.error(`bench:self: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
