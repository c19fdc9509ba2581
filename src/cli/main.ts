// `kernel-compat`: the command-line twin of the extension. Parses arguments, reads files,
// prints, and maps outcomes to exit codes; every answer comes from src/core.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseError, type AggregateKind, type AggregateRef, type KernelDatabase } from '../core/database';
import { closestNames, reportJson, reportText } from '../core/report';
import { DEFAULT_TARGETS, parseTargets } from '../core/targets';
import { openBundledDatabase } from './database';
import { collectFiles, readSource, workspaceIncludeResolver } from './files';
import { packageRoot } from './paths';
import { formatSarif, formatText, toJsonFindings, type FileFindings } from './formats';
import { createChecker } from './runtime';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage:
  kernel-compat check [--targets <spec>] [--format text|json|sarif] <files or folders…>
      Checks .c and .h files (folders recursively) against the targeted kernels.
      <spec>: labels and ranges, comma-separated: 5.4..6.8, >=5.10, 5.15, arm64, aws,
      versions (the default), arch, flavor, all.
  kernel-compat report <struct> [--json] [--kind struct|union|enum]
      The struct's status on every kernel image and what changed between them.

Options:
  -h, --help     show this help
  --version      show the version

Exit codes: 0 success, 1 findings (check), 2 usage or input error.`;

export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const KINDS: AggregateKind[] = ['struct', 'union', 'enum'];

/** `struct foo`, `union foo` or a bare name, looked up as struct, then union, then enum. */
function resolveAggregate(db: KernelDatabase, words: string[], kindOption?: string): AggregateRef {
  let name = words.join(' ').trim();
  let kinds = KINDS;
  const prefixed = /^(struct|union|enum)\s+(\S+)$/.exec(name);
  if (prefixed) {
    kinds = [prefixed[1] as AggregateKind];
    name = prefixed[2];
  }
  if (kindOption) {
    if (!KINDS.includes(kindOption as AggregateKind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
    kinds = [kindOption as AggregateKind];
  }
  for (const kind of kinds) if (db.knows({ kind, name })) return { kind, name };
  const suggestions = closestNames(kinds.flatMap((kind) => db.names(kind)), name);
  throw new UsageError(
    `no ${kinds.length === 1 ? kinds[0] : 'struct, union or enum'} named '${name}' in the kernel database` +
      (suggestions.length ? `. Closest names: ${suggestions.join(', ')}` : ''),
  );
}

function runReport(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, kind: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(USAGE + '\n');
    return EXIT_CLEAN;
  }
  if (positionals.length === 0) throw new UsageError('report needs a struct name, e.g. kernel-compat report vfio_device_ops');
  const db = openBundledDatabase();
  const ref = resolveAggregate(db, positionals, values.kind);
  io.out(values.json ? JSON.stringify(reportJson(db, ref), null, 2) + '\n' : reportText(db, ref));
  return EXIT_CLEAN;
}

const VERSION: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;

async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      targets: { type: 'string', short: 't', multiple: true },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE + '\n');
    return EXIT_CLEAN;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  if (positionals.length === 0) throw new UsageError('check needs files or folders, e.g. kernel-compat check drivers/');
  const { checker, db } = await createChecker();
  const selection = parseTargets(values.targets ?? DEFAULT_TARGETS, db.images);
  if (selection.errors.length > 0) throw new UsageError(`--targets: ${selection.errors.join('; ')}`);
  if (selection.images.length === 0) throw new UsageError('--targets selects no kernel image');

  const { files, missing } = collectFiles(positionals);
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const roots = positionals.map((p) => (/\.(c|h)$/i.test(p) ? dirname(resolve(p)) : resolve(p)));
  const resolveInclude = workspaceIncludeResolver(roots);
  const results: FileFindings[] = [];
  let inputProblems = 0;
  for (const path of files) {
    const source = readSource(path);
    if (!('text' in source)) {
      io.err(`kernel-compat: ${path}: ${source.reason}\n`);
      inputProblems++;
      continue;
    }
    const { findings } = checker.check(source.text, { fileName: path, targets: selection.images, resolveInclude });
    results.push({ path, findings });
  }
  if (format === 'json') io.out(JSON.stringify(toJsonFindings(db, results), null, 2) + '\n');
  else if (format === 'sarif') io.out(formatSarif(db, results, VERSION));
  else io.out(formatText(results));
  const serious = results.some((r) => r.findings.some((f) => f.severity === 'warning' || f.severity === 'error'));
  if (format === 'text') {
    const count = results.reduce((n, r) => n + r.findings.length, 0);
    io.err(`kernel-compat: ${files.length - inputProblems} file(s) checked against ${selection.images.length} kernel(s), ${count} finding(s)\n`);
  }
  return serious ? EXIT_FINDINGS : inputProblems > 0 && results.length === 0 ? EXIT_USAGE : EXIT_CLEAN;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'report':
        return runReport(rest, io);
      case '--version':
        io.out(`${VERSION}\n`);
        return EXIT_CLEAN;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE + '\n');
        return command === undefined ? EXIT_USAGE : EXIT_CLEAN;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kernel-compat: ${(error as Error).message}\n${error instanceof UsageError ? '' : USAGE + '\n'}`);
      return EXIT_USAGE;
    }
    if (error instanceof DatabaseError) {
      io.err(`kernel-compat: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function main(): void {
  // Write through the stream and set exitCode (no process.exit) so piped output is never cut short.
  run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`kernel-compat: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

if (require.main === module) main();
