// The messages between the extension host and the checking thread (checkWorker.ts). Only plain
// data crosses: the host keeps no parser and no database, the thread sees no editor. Neither
// side of this file may import 'vscode'.
import type { Finding, Severity } from '../../core/check/findings';
import type { SourceRange } from '../../core/c/usages';
import type { QuickFix } from '../../core/edits/textEdits';
import type { AggregateKind, AggregateRef } from '../../core/kernels/database';
import type { ImportRequest, ImportSummary } from '../../core/kernels/importedKernels';
import type { KernelImage } from '../../core/kernels/schema';
import type { Code } from '../../core/rules';

/** What a thread loads when it starts (its workerData). Asked again for every new thread. */
export interface WorkerInit {
  /** web-tree-sitter's runtime and the C grammar. */
  runtimeWasmPath: string;
  grammarWasmPath: string;
  /** The bundled database. */
  dataDir: string;
  /** Where imported kernels are stored; none are loaded without it. */
  importedKernelsFolder?: string;
  workspace: WorkspaceFiles;
}

/** As the CLI: a workspace larger than this is indexed only in part. */
export const MAX_INDEXED_FILES = 5000;

/** The driver's own files, for the index of its type definitions. */
export interface WorkspaceFiles {
  /** The workspace folders on disk (kernel trees are found from them). */
  folders: string[];
  /** The .c and .h files to index, read from disk by the thread. */
  files: string[];
  /** Texts of unsaved editors, which win over the disk. */
  texts: Record<string, string>;
}

export interface CheckRequest {
  /** The document's URI: the key of its parse trees and of its latest result. */
  key: string;
  version: number;
  text: string;
  fileName: string;
  /** Only a file on disk has a Kbuild around it. */
  onDisk: boolean;
  /** The folders its includes and Kbuild files are looked for in. */
  roots: string[];
  /** The `kernelCompat.targets` setting, unparsed. */
  targets: string[];
  /** `kernelCompat.severity`: unknown codes are ignored, codes not set keep their defaults. */
  severities: Partial<Record<Code, Severity>>;
  /** Unsaved headers and make files: their editors' texts win over the disk. */
  openTexts: Record<string, string>;
}

export type CheckAnswer =
  | { superseded: true }
  | {
      superseded?: undefined;
      /** The image indices judged, and their labels. */
      targets: number[];
      targetLabels: string[];
      findings: Finding[];
      /** Findings at lines of the workspace headers the file reads (CheckResult.headerFindings). */
      headerFindings?: { path: string; findings: Finding[] }[];
      /** Why nothing in the file is judged (`not kernel code`, `not built by Kbuild (…)`). */
      notJudged?: string;
    };

/**
 * A hover asked of a document's latest result; `call` is the called name under the pointer, if
 * any, `constant` a name in capitals that is not called, `typeName` any other name not called.
 */
export interface HoverRequest {
  key: string;
  version: number;
  offset: number;
  line: number;
  character: number;
  call?: string;
  constant?: string;
  typeName?: string;
}

export interface HoverAnswer {
  markdown: string;
  /** Where the hover applies; the host uses the called name's range when absent. */
  range?: SourceRange;
  /** The struct hovered, for the links to its report and changes. */
  aggregate?: AggregateRef;
}

export interface ReportRequest {
  kind: AggregateKind;
  name: string;
  /** For the changes view: the targeted kernels, as labels or specs. */
  changesTargets?: string[];
}

/** What reading a kernel's BTF found; the kernel itself stays in the thread until taken. */
export type ReadKernelAnswer = Omit<ImportSummary, 'kernel'> & { release: string };

/** Every request: its parameters and its answer. */
export interface Requests {
  check: { params: CheckRequest; answer: CheckAnswer };
  /** The document closed: its trees and result go. */
  forget: { params: { key: string }; answer: void };
  hover: { params: HoverRequest; answer: HoverAnswer | undefined };
  /** Quick fixes of findings of a document's latest result, by their index in its findings. */
  quickFixes: { params: { key: string; version: number; findings: number[] }; answer: QuickFix[][] };
  images: { params: Record<string, never>; answer: KernelImage[] };
  aggregateNames: { params: Record<string, never>; answer: string[] };
  report: { params: ReportRequest; answer: string };
  /** The imported kernels changed on disk: the database loads again on next need. */
  reload: { params: Record<string, never>; answer: void };
  /** A workspace file changed (text given), changed on disk (no text), or was deleted. */
  workspaceFile: { params: { path: string; text?: string; deleted?: boolean }; answer: { changed: boolean } };
  /** Reads a kernel's BTF (seconds for a vmlinux) and keeps it for takeKernel. */
  readKernel: { params: { request: ImportRequest }; answer: ReadKernelAnswer };
  /** The kernel read last, labelled and serialized as its stored file; without a label it is dropped. */
  takeKernel: { params: { label?: string }; answer: Uint8Array | undefined };
}

export type Method = keyof Requests;

export interface ToWorker<M extends Method = Method> {
  id: number;
  method: M;
  params: Requests[M]['params'];
}

export type FromWorker =
  | { id: number; answer: unknown }
  /**
   * A request that failed: the error's message and, for the log, its stack. `inputProblem`:
   * the user's files are at fault (BTF or a kernel's data), shown as they are.
   */
  | { id: number; error: string; stack?: string; inputProblem?: boolean }
  /** A line for the output channel. */
  | { log: string }
  /** Something the user should see once (an imported kernel that could not be read). */
  | { warning: string };
