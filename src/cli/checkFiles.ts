// Checking the files of one `check` run, one after another: what the main thread does alone,
// and what each worker thread does with its share. Everything a file's outcome needs travels
// as plain data, so a worker's outcomes are exactly the main thread's.
import { performance } from 'node:perf_hooks';
import type { Finding } from '../core/check/findings';
import type { KernelDatabase } from '../core/kernels/database';
import type { Checker } from '../core/check/checker';
import { buildScope } from '../core/check/buildScope';
import { IncludedSources } from '../core/c/includedSources';
import { expandsElsewhere, MacroUsesElsewhere } from '../core/c/macroUsesElsewhere';
import type { Parser } from 'web-tree-sitter';
import { includeContexts, indexWorkspace, folderEntries, readSource, readTextFile, type IndexedWorkspace } from './files';
import { openDatabase } from './kernels';
import { createChecker } from './runtime';

/** What a run checks with: the same in every thread. */
export interface CheckJob {
  /** The folders includes resolve in and the driver's own types are read from. */
  roots: string[];
  /** Image indices of the targeted kernels. */
  targets: number[];
  /** `--db`: a folder of imported kernels. */
  db?: string;
  /** The files checked: the workspace index reads them first. */
  files?: string[];
}

/** One file's result, as the output needs it. */
export interface FileOutcome {
  path: string;
  /** The targets the file was judged for: those whose build compiles it. */
  targets: number[];
  findings: Finding[];
  stops: { line: number; targets: number[] }[];
  userspace?: string;
  /** Why the file was not checked (too big, not text). */
  skipped?: string;
  /** Why the build never compiles the file (no object list names it): not checked. */
  notBuilt?: string;
  /** Why some targets do not compile it (an `obj-$(CONFIG_X)` their config turns off). */
  configuredOff?: string;
  /** Findings at lines of the workspace headers the file reads (CheckResult.headerFindings). */
  headerFindings?: { path: string; findings: Finding[] }[];
  /** Problems reading the build's files (an unreadable Makefile), for stderr. */
  problems: string[];
  milliseconds: number;
}

/** Only what the formats read: fixes and hover data stay behind (and need not cross threads). */
function plainFinding(f: Finding): Finding {
  const plain: Finding = { code: f.code, severity: f.severity, message: f.message, range: f.range, targets: f.targets };
  if (f.aggregate) plain.aggregate = { kind: f.aggregate.kind, name: f.aggregate.name };
  if (f.member !== undefined) plain.member = f.member;
  return plain;
}

/**
 * A few lines that make a checker load what it loads on first use (the shard of a common
 * struct, the parser's first tree, and in a one-thread run the editable workspace index's
 * tables by name: 0.18 s over drivers/), so that no file's time includes it; the header tables
 * are read whole before.
 */
const WARM_UP = ['#include <linux/module.h>', 'static int warm_up(struct file *f)', '{', '\treturn f->f_flags + strlen("");', '}', ''].join('\n');

export class FileRunner {
  private readonly includeContext: ReturnType<typeof includeContexts>;
  /** The files of one folder share its Kbuild files: each is read once per run. */
  private readonly makefiles = new Map<string, string | undefined>();
  /** Which .c files other .c files include, read once per folder. */
  private readonly includedSources = new IncludedSources(folderEntries, readTextFile);
  /** Where the .c files that include a header expand its macros. */
  private readonly macroUses = new MacroUsesElsewhere(folderEntries, readTextFile);

  private constructor(
    private readonly checker: Checker,
    readonly db: KernelDatabase,
    private readonly job: CheckJob,
    private readonly workspace: IndexedWorkspace,
  ) {
    this.includeContext = includeContexts(job.roots, this.workspace.index, (spec) => db.headers().isKernelHeader(spec));
    checker.check(WARM_UP, { fileName: 'warm-up.c', targets: job.targets, workspaceTypes: workspace.index });
  }

  /** A runner that indexes the workspace itself. */
  static async create(job: CheckJob, db?: KernelDatabase): Promise<FileRunner> {
    return FileRunner.withWorkspace(job, (parser) => indexWorkspace(job.roots, parser, job.files), db);
  }

  /** A runner whose workspace index comes from `index` (read with other threads, in a worker). */
  static async withWorkspace(job: CheckJob, index: (parser: Parser) => IndexedWorkspace | Promise<IndexedWorkspace>, db?: KernelDatabase): Promise<FileRunner> {
    const created = await createChecker(db ?? openDatabase(job.db));
    return new FileRunner(created.checker, created.db, job, await index(created.checker.parser));
  }

  /** More source files than the workspace index reads. */
  get truncated(): boolean {
    return this.workspace.truncated;
  }

  private readMakefile(path: string): string | undefined {
    if (!this.makefiles.has(path)) this.makefiles.set(path, readTextFile(path));
    return this.makefiles.get(path);
  }

  check(path: string): FileOutcome {
    const started = performance.now();
    const source = readSource(path);
    const elapsed = () => performance.now() - started;
    if (!('text' in source)) return { path, targets: [], findings: [], stops: [], skipped: source.reason, problems: [], milliseconds: elapsed() };
    const scope = buildScope(path, this.job.roots, (file) => this.readMakefile(file), this.db, this.job.targets, this.workspace.index.inKernelTree(path), (file) =>
      this.includedSources.includerOf(file),
    );
    const judged = { path, targets: scope.targets, problems: scope.problems, ...(scope.configuredOff ? { configuredOff: scope.configuredOff.why } : {}) };
    if (scope.notBuilt !== undefined) return { ...judged, findings: [], stops: [], notBuilt: scope.notBuilt, milliseconds: elapsed() };
    const result = this.checker.check(source.text, {
      fileName: path,
      targets: scope.targets,
      workspaceTypes: this.workspace.index,
      namedByKbuild: scope.named,
      ...this.includeContext(path),
      ...(expandsElsewhere(path, this.workspace.index) ? { macroExpandingSource: (macro, functionLike, callee) => this.macroUses.expandingSource(path, macro, functionLike, callee) } : {}),
    });
    return {
      ...judged,
      findings: result.findings.map(plainFinding),
      stops: result.stops,
      userspace: result.userspace,
      ...(result.headerFindings ? { headerFindings: result.headerFindings.map(({ path: header, findings }) => ({ path: header, findings: findings.map(plainFinding) })) } : {}),
      milliseconds: elapsed(),
    };
  }
}
