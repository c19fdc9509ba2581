// `kernel-compat`: the command-line twin of the extension. Parses arguments, reads files,
// prints, and maps outcomes to exit codes; every answer comes from src/core.
import { parseArgs } from 'node:util';
import { DatabaseError, type AggregateKind, type AggregateRef, type KernelDatabase } from '../core/database';
import { closestNames, reportJson, reportText } from '../core/report';
import { openBundledDatabase } from './database';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage:
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

export function run(argv: string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'report':
        return runReport(rest, io);
      case '--version':
        io.out(`${require('../../package.json').version}\n`);
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
  process.exitCode = run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

if (require.main === module) main();
