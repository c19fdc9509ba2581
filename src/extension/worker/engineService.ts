// Everything that needs the parser or the kernel database, answered in the checking thread:
// checks (with the Kbuild scope and the include context the host used to build), hovers,
// quick fixes, reports, the image list. It owns the engine, the workspace's type index and
// each open document's latest result. No 'vscode' here: this runs in a worker thread.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as afterQueuedMessages } from 'node:timers/promises';
import type { Parser } from 'web-tree-sitter';
import { buildScope } from '../../core/check/buildScope';
import { Checker, describeStop, type BuildContext } from '../../core/check/checker';
import { createIncludeResolver, kbuildFlags, noBuildFlags, outsideKernelNames, type TextReader } from '../../core/c/includes';
import { buildContextOf } from '../../core/check/buildContext';
import { IncludedSources } from '../../core/c/includedSources';
import { expandsElsewhere, MacroUsesElsewhere, ReadSources } from '../../core/c/macroUsesElsewhere';
import type { ExpandingSource } from '../../core/c/macroBodyCalls';
import { loadCParser } from '../../core/c/parser';
import type { WorkspaceTypeIndex } from '../../core/c/workspaceTypeIndex';
import { quickFixesFor } from '../../core/edits/quickFixes';
import { addImportedKernels, importKernel, IMPORTED_KERNEL_SUFFIX, serializeImportedKernel, type ImportedKernel } from '../../core/kernels/importedKernels';
import { KernelDatabase } from '../../core/kernels/database';
import { closestNames, reportText } from '../../core/kernels/report';
import { targetChangesText } from '../../core/kernels/targetChanges';
import { DEFAULT_TARGETS, parseTargets } from '../../core/kernels/targets';
import { DEFAULT_SEVERITIES } from '../../core/rules';
import { hoverAnswer, type CheckedDocument } from './hoverAnswer';
import type { CheckAnswer, CheckRequest, Method, ReportRequest, Requests, WorkerInit } from './protocol';
import { buildWorkspaceIndex, readSmallFile } from './workspaceIndex';
import { KeptResolvers } from './keptResolvers';

interface Engine {
  db: KernelDatabase;
  checker: Checker;
}

/** How the service speaks to the host besides answers. */
export interface ServiceOutput {
  log(line: string): void;
  warning(message: string): void;
}

type Handlers = { [M in Method]: (params: Requests[M]['params'], id: number) => Requests[M]['answer'] | Promise<Requests[M]['answer']> };

export class EngineService {
  private parsing?: Promise<Parser>;
  private loading?: Promise<Engine>;
  private readonly indexing: Promise<WorkspaceTypeIndex>;
  private readonly documents = new Map<string, CheckedDocument>();
  /** The newest check request per document: an older one still queued is not worth running. */
  private readonly latestCheck = new Map<string, number>();
  /** Include resolvers kept from check to check while the files they read are unchanged. */
  private readonly resolvers = new KeptResolvers();
  /** The .c files read for header macros, kept across checks by their texts: a keystroke in a header blanks none of them again. */
  private readonly includerSources = new ReadSources();
  /** A kernel read from BTF, waiting for the label the user gives it. */
  private readKernel?: ImportedKernel;

  constructor(
    private readonly init: WorkerInit,
    private readonly output: ServiceOutput,
  ) {
    // Read while the host waits for nothing: the first check needs it anyway.
    this.indexing = this.parser().then((parser) => buildWorkspaceIndex(parser, init.workspace, (line) => output.log(line)));
    this.indexing.catch(() => undefined);
  }

  answer<M extends Method>(method: M, params: Requests[M]['params'], id: number): Promise<Requests[M]['answer']> {
    const handler = this.handlers[method] as Handlers[M] | undefined;
    if (!handler) return Promise.reject(new Error(`unknown request '${String(method)}'`));
    return Promise.resolve(handler(params, id));
  }

  private readonly handlers: Handlers = {
    check: (params, id) => this.check(params, id),
    forget: (params) => this.forget(params.key),
    hover: async (params) => {
      const { db } = await this.engine();
      const document = this.documents.get(params.key);
      return document?.version === params.version ? hoverAnswer(db, document, params) : undefined;
    },
    quickFixes: async (params) => {
      const { db } = await this.engine();
      const document = this.documents.get(params.key);
      if (document?.version !== params.version) return params.findings.map(() => []);
      return params.findings.map((index) => quickFixesFor(document.result.findings[index], document.text, document.result.usages, db));
    },
    images: async () => (await this.engine()).db.images,
    aggregateNames: async () => {
      const { db } = await this.engine();
      return db.names('struct').map((name) => `struct ${name}`).concat(db.names('union').map((name) => `union ${name}`));
    },
    report: (params) => this.report(params),
    reload: () => {
      this.loading = undefined;
      this.resolvers.clear();
    },
    workspaceFile: async ({ path, text, deleted }) => {
      const index = await this.indexing;
      return { changed: index.update(path, deleted ? undefined : (text ?? readSmallFile(path))) };
    },
    readKernel: async ({ request }) => {
      this.readKernel = undefined;
      const { kernel, ...summary } = await importKernel(request);
      this.readKernel = kernel;
      return { ...summary, release: kernel.image.release };
    },
    takeKernel: ({ label }) => {
      const kernel = this.readKernel;
      this.readKernel = undefined;
      if (!kernel || label === undefined) return undefined;
      return serializeImportedKernel({ ...kernel, image: { ...kernel.image, label } });
    },
  };

  /** The one parser of the thread (the index and every checker share it). */
  private parser(): Promise<Parser> {
    if (!this.parsing) {
      this.parsing = loadCParser({ runtimeWasmPath: this.init.runtimeWasmPath, grammar: readFileSync(this.init.grammarWasmPath) }).then(({ parser }) => parser);
      this.parsing.catch(() => (this.parsing = undefined));
    }
    return this.parsing;
  }

  /** The parser, the database and the stored imported kernels, loaded on first need and after a reload. */
  private engine(): Promise<Engine> {
    if (!this.loading) {
      this.loading = this.load();
      this.loading.catch(() => (this.loading = undefined));
    }
    return this.loading;
  }

  private async load(): Promise<Engine> {
    const parser = await this.parser();
    const db = KernelDatabase.open((name) => readFileSync(join(this.init.dataDir, name)));
    if (this.init.importedKernelsFolder) this.addStoredKernels(db, this.init.importedKernelsFolder);
    return { db, checker: new Checker(db, parser) };
  }

  /** One imported kernel that cannot be read is skipped with a warning naming it: it must not take the checker down. */
  private addStoredKernels(db: KernelDatabase, folder: string): void {
    let names: string[];
    try {
      names = readdirSync(folder).filter((name) => name.endsWith(IMPORTED_KERNEL_SUFFIX)).sort();
    } catch {
      return; // no folder yet: nothing imported
    }
    const { problems } = addImportedKernels(db, names.map((name) => ({ name, read: () => readFileSync(join(folder, name)) })));
    if (problems.length > 0) {
      this.output.warning(`Kernel Compat: skipped ${problems.length === 1 ? 'an imported kernel' : `${problems.length} imported kernels`}: ${problems.join('; ')}`);
    }
  }

  private async check(request: CheckRequest, id: number): Promise<CheckAnswer> {
    this.latestCheck.set(request.key, id);
    const { db, checker } = await this.engine();
    const workspaceTypes = await this.indexing;
    // Requests that arrived during the previous check are delivered now: a newer text of this
    // document among them makes this one pointless.
    await afterQueuedMessages();
    if (this.latestCheck.get(request.key) !== id) return { superseded: true };

    const log = (line: string) => this.output.log(line);
    const selection = parseTargets(request.targets, db.images);
    if (selection.errors.length > 0) log(`kernelCompat.targets: ${selection.errors.join('; ')}`);
    const started = Date.now();
    const read = buildInputReader(request);
    const labels = (targets: readonly number[]) => targets.map((t) => db.images[t].label);
    // Only what the build compiles, on the kernels whose config builds it, is judged. The
    // includers of a .c file are read afresh on every check: one may have changed since.
    const includers = new IncludedSources(folderEntries, read);
    const scope = request.onDisk
      ? buildScope(request.fileName, request.roots, read, db, selection.images, workspaceTypes.inKernelTree(request.fileName), (file) => includers.includerOf(file))
      : undefined;
    for (const problem of scope?.problems ?? []) log(problem);
    if (scope?.notBuilt !== undefined) {
      const result = { findings: [], usages: [], mentions: [], variants: 0, stops: [] };
      this.documents.set(request.key, { version: request.version, targets: selection.images, result, text: request.text });
      log(`${request.fileName}: ${scope.notBuilt}: not checked`);
      return { targets: selection.images, targetLabels: labels(selection.images), findings: [], notJudged: scope.notBuilt };
    }
    if (scope?.configuredOff) log(`${request.fileName}: ${scope.configuredOff.why}`);
    const targets = scope?.targets ?? selection.images;
    const result = checker.check(request.text, {
      fileName: request.fileName,
      targets,
      ...includeContext(request, read, workspaceTypes, db, this.resolvers),
      severities: knownCodes(request.severities),
      documentKey: request.key,
      workspaceTypes,
      namedByKbuild: scope?.named,
      ...(request.onDisk && expandsElsewhere(request.fileName, workspaceTypes) ? { macroExpandingSource: expandingSourceOf(request.fileName, read, this.includerSources) } : {}),
    });
    this.documents.set(request.key, { version: request.version, targets, result, text: request.text });
    if (result.userspace !== undefined) log(`${request.fileName}: not kernel code (it includes <${result.userspace}>): not checked`);
    else log(`${request.fileName}: ${result.findings.length} finding(s), ${result.variants} variant(s), ${Date.now() - started} ms`);
    for (const stop of result.stops) log(`  line ${stop.line + 1}: ${describeStop(db, stop.targets, targets)}`);
    return {
      targets,
      targetLabels: labels(targets),
      findings: result.findings,
      ...(result.headerFindings ? { headerFindings: result.headerFindings } : {}),
      ...(result.userspace !== undefined ? { notJudged: 'not kernel code' } : {}),
    };
  }

  private async forget(key: string): Promise<void> {
    this.documents.delete(key);
    this.latestCheck.delete(key);
    const engine = await this.loading?.catch(() => undefined);
    engine?.checker.forget(key);
  }

  private async report({ kind, name, changesTargets }: ReportRequest): Promise<string> {
    const { db } = await this.engine();
    const ref = { kind, name };
    if (!db.knows(ref)) return `No ${kind} named '${name}' in the kernel database. Closest: ${closestNames(db.names(ref.kind), name).join(', ')}\n`;
    if (changesTargets === undefined) return reportText(db, ref);
    return targetChangesText(db, ref, parseTargets(changesTargets.length > 0 ? changesTargets : DEFAULT_TARGETS, db.images).images);
  }
}

function knownCodes(severities: CheckRequest['severities']): CheckRequest['severities'] {
  return Object.fromEntries(Object.entries(severities).filter(([code]) => code in DEFAULT_SEVERITIES));
}

/** The names in a folder; none when it cannot be read. */
function folderEntries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/** A header's or make file's text: the host's unsaved editors win over the disk. */
function buildInputReader(request: CheckRequest): TextReader {
  return (path) => (path === request.fileName ? request.text : (request.openTexts[path] ?? readSmallFile(path)));
}

/** Where the .c files that include the header expand its macros, their texts read afresh on every check (an includer may be open and edited). */
function expandingSourceOf(header: string, read: TextReader, kept: ReadSources): ExpandingSource {
  const uses = new MacroUsesElsewhere(folderEntries, read, kept);
  return (macro, functionLike, callee) => uses.expandingSource(header, macro, functionLike, callee);
}

/**
 * Includes resolve in the document's workspace folder (and the `-I` folders of its Kbuild).
 * The Kbuild's `-include` headers come first, as in the build. The resolver is kept across
 * checks while the files it read are unchanged (keptResolvers.ts); it reads headers from
 * unsaved editors and the disk, never the document's own text, which changes with each check.
 */
function includeContext(request: CheckRequest, read: TextReader, workspace: WorkspaceTypeIndex, db: KernelDatabase, resolvers: KeptResolvers): BuildContext {
  const flags = request.onDisk ? kbuildFlags(request.fileName, request.roots, read, workspace.kernelTreeOf(request.fileName)) : noBuildFlags();
  const unsaved = Object.entries(request.openTexts).sort(([a], [b]) => (a < b ? -1 : 1));
  const setting = JSON.stringify([request.roots, flags.includeDirs, workspace.generation, unsaved]);
  const resolveInclude = resolvers.resolver(
    setting,
    (path) => request.openTexts[path] ?? readSmallFile(path),
    (stamped) => {
      const findInWorkspace = outsideKernelNames((spec) => workspace.pathsEndingWith(spec), (spec) => db.headers().isKernelHeader(spec), stamped);
      return createIncludeResolver(request.roots, stamped, flags.includeDirs, findInWorkspace, (path) => !workspace.covers(path));
    },
  );
  return buildContextOf(flags, request.fileName, resolveInclude, read, {
    pathsEndingWith: (spec) => workspace.pathsEndingWith(spec),
    roots: request.roots,
    inKernelTree: workspace.kernelTreeOf(request.fileName) !== undefined,
  });
}
