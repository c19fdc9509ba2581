// The extension host's side of the checking thread: it starts the thread on first need, sends
// requests and matches answers by id. The host never runs the parser or reads the database, so
// a long check cannot freeze hovers, typing or other extensions. A thread that dies (a crash,
// its heap limit) fails what it had in hand with one clear error, and the next request starts
// a new thread. No 'vscode' here, so that unit tests can drive it on plain Node.
import { Worker } from 'node:worker_threads';
import type { FromWorker, Method, Requests, ToWorker, WorkerInit } from './worker/protocol';

/**
 * The thread's old-generation heap, at most, as for the CLI's threads (src/cli/workers.ts):
 * what it keeps is bounded, and without a limit V8 lets garbage grow to several times that.
 */
export const WORKER_HEAP_MB = 1024;

/** A request the thread failed; `inputProblem` when the user's files are at fault (shown as is). */
export class EngineRequestError extends Error {
  override readonly name = 'EngineRequestError';
  constructor(
    message: string,
    readonly inputProblem: boolean,
  ) {
    super(message);
  }
}

export interface EngineClientOptions {
  /** The bundled thread entry (dist/checkWorker.js). */
  workerPath: string;
  /** What a new thread loads; asked again for each thread, so that it sees the workspace as it is then. */
  init: () => Promise<WorkerInit>;
  heapMb?: number;
  /** Lines for the output channel. */
  log: (line: string) => void;
  /** Messages for the user (an imported kernel skipped). */
  warning: (message: string) => void;
  /** The thread died; called once per thread, with the error its pending requests were failed with (to log and show). */
  died: (error: Error) => void;
}

interface Pending {
  resolve: (answer: never) => void;
  reject: (error: Error) => void;
}

export class EngineClient {
  private thread?: Promise<Worker>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** Whether a thread is running or starting (so that it holds state worth keeping up to date). */
  get running(): boolean {
    return this.thread !== undefined;
  }

  request<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['answer']> {
    if (this.disposed) return Promise.reject(new Error('Kernel Compat has stopped'));
    const thread = (this.thread ??= this.start());
    const id = this.nextId++;
    return new Promise<Requests[M]['answer']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      const fail = (error: Error) => this.settle(id, (p) => p.reject(error));
      thread.then((worker) => {
        try {
          worker.postMessage({ id, method, params } satisfies ToWorker<M>);
        } catch (error) {
          fail(error as Error); // parameters that cannot be copied to the thread
        }
      }, fail);
    });
  }

  /** A request worth sending only to a running thread: a new one reads everything afresh anyway. */
  requestIfRunning<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['answer']> | undefined {
    return this.running ? this.request(method, params) : undefined;
  }

  dispose(): void {
    this.disposed = true;
    const thread = this.thread;
    this.thread = undefined;
    this.failPending(new Error('Kernel Compat has stopped'));
    void thread?.then((worker) => worker.terminate(), () => undefined);
  }

  private async start(): Promise<Worker> {
    let init: WorkerInit;
    try {
      init = await this.options.init();
    } catch (error) {
      this.thread = undefined;
      throw error;
    }
    const heapMb = this.options.heapMb ?? WORKER_HEAP_MB;
    const worker = new Worker(this.options.workerPath, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    // The thread must not keep a process alive that is otherwise done (the CLI, unit tests).
    worker.unref();
    let gone = false;
    const died = (why: string) => {
      if (gone) return;
      gone = true;
      if (this.disposed) return;
      this.thread = undefined;
      const error = new Error(`the checking thread ${why}; it starts again on the next check`);
      // The host's stack says nothing of why a thread died: the message is the whole story.
      error.stack = `Error: ${error.message}`;
      this.failPending(error);
      this.options.died(error);
    };
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error: Error & { code?: string }) =>
      died(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `used more than its ${heapMb} MB of heap and was stopped` : `failed: ${error.stack ?? error.message}`),
    );
    worker.on('exit', (code) => died(`stopped with exit code ${code}`));
    return worker;
  }

  private receive(message: FromWorker): void {
    if ('log' in message) return this.options.log(message.log);
    if ('warning' in message) return this.options.warning(message.warning);
    if ('error' in message) {
      const error = new EngineRequestError(message.error, message.inputProblem === true);
      if (message.stack) error.stack = message.stack;
      return this.settle(message.id, (p) => p.reject(error));
    }
    this.settle(message.id, (p) => p.resolve(message.answer as never));
  }

  private settle(id: number, how: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    how(pending);
  }

  private failPending(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const pending of all) pending.reject(error);
  }
}
