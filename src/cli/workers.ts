// `check` over many files on every core: worker threads each load the checker once and take
// batches of files (a folder's files together, so they share header lookups and texts); the
// main thread hands out batches as workers free up and passes outcomes on in file order, so the
// output is exactly the single-threaded one. The workspace's type index, which every worker
// needs whole, is read once: each worker reads a share of its files and packs it into a shared
// buffer (packedWorkspaceTypes.ts), and the main thread hands every worker all the shards.
import { dirname } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { FileRunner, type CheckJob, type FileOutcome } from './checkFiles';
import { packWorkspaceTypes, PackedWorkspaceTypes } from '../core/c/packedWorkspaceTypes';
import { shareCaches } from '../core/cacheBudget';
import { planWorkspaceIndex, readPlannedFiles, type IndexedWorkspace, type WorkspacePlan } from './files';

const WORKER_ROLE = 'kernel-compat-check';
/** Files per batch at most: small enough to balance the load, large enough to keep a folder together. */
const BATCH_FILES = 16;
/**
 * A worker's old-generation heap, at most. Without a limit V8 lets garbage grow to several
 * times what a worker keeps before collecting (4.5 GB over drivers/ on 2 threads). What it
 * keeps is bounded: the checker (about 40 MB), its caches' share (below), one file's work.
 *
 * Each worker's caches take 1/threads of their default sizes (cacheBudget.ts), so the threads
 * together keep what one thread would. A worker checks a folder's files together and needs that
 * folder's headers at once, not a driver's whole closure from file to file as the editor does.
 * Over all of drivers/ of Debian's 6.1 source on 2 threads (one run each, one after the other):
 * whole caches and 640 MB peaked at 1,278 MB in 179 s (337 s of CPU); half caches and 384 MB at
 * 954 MB in 194 s (364 s); quartered caches at 921 MB in 209 s (395 s) with 640 MB, and at 732
 * MB in 233 s (411 s) with 256 MB. The caches' share costs time where the files of a run read
 * more different headers than its caches hold, so the middle was chosen.
 */
const WORKER_HEAP_MB = 384;
/** Batches handed out beyond the oldest unfinished one: bounds the outcomes held back for ordering. */
const BATCHES_AHEAD = 64;

type ToWorker = { shards: SharedArrayBuffer[] } | { batch: number; paths: string[] } | { done: true };
type FromWorker = { shard: SharedArrayBuffer } | { ready: true } | { batch: number; outcomes: FileOutcome[] } | { failed: string };

/** What a worker starts with: the job, the workspace files to index, and which share of them it reads. */
interface WorkerStart {
  role: typeof WORKER_ROLE;
  job: CheckJob;
  plan: WorkspacePlan;
  share: { thread: number; threads: number };
}

/** Consecutive files of one folder, at most BATCH_FILES each, in the files' order. */
export function batchesOf(files: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || dirname(current[0]) !== dirname(file))) {
      batches.push(current);
      current = [];
    }
    current.push(file);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Checks `files` in `threads` worker threads and calls `onOutcome` for each file in the order
 * of `files`. Rejects when a worker fails (the message names the file it was checking).
 */
export function checkInWorkers(job: CheckJob, files: readonly string[], threads: number, onOutcome: (outcome: FileOutcome) => void): Promise<void> {
  const batches = batchesOf(files);
  const finished = new Map<number, FileOutcome[]>();
  let nextToHand = 0;
  let nextToEmit = 0;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  /** The batch each worker is checking: a worker that dies can say nothing, so its files are named for it. */
  const inHand = new Map<Worker, number>();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const stopAll = () => {
      for (const worker of workers) void worker.terminate();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(error);
    };
    const handOut = () => {
      while (idle.length > 0 && nextToHand < batches.length && nextToHand - nextToEmit < BATCHES_AHEAD) {
        const worker = idle.pop()!;
        inHand.set(worker, nextToHand);
        worker.postMessage({ batch: nextToHand, paths: batches[nextToHand] } satisfies ToWorker);
        nextToHand++;
      }
      if (nextToEmit === batches.length && !settled) {
        settled = true;
        for (const worker of workers) worker.postMessage({ done: true } satisfies ToWorker);
        resolve();
      }
    };
    const emitReady = () => {
      for (let outcomes = finished.get(nextToEmit); outcomes !== undefined; outcomes = finished.get(nextToEmit)) {
        finished.delete(nextToEmit++);
        for (const outcome of outcomes) onOutcome(outcome);
      }
    };
    const whileChecking = (worker: Worker) => {
      const batch = inHand.get(worker);
      return batch === undefined ? '' : ` while checking one of ${batches[batch].join(', ')}`;
    };
    const count = Math.max(1, Math.min(threads, batches.length));
    const plan = planWorkspaceIndex(job.roots, job.files);
    const shards: SharedArrayBuffer[] = [];
    const handOverIndex = (shard: SharedArrayBuffer) => {
      shards.push(shard);
      if (shards.length === count) for (const worker of workers) worker.postMessage({ shards } satisfies ToWorker);
    };
    for (let i = 0; i < count; i++) {
      const start: WorkerStart = { role: WORKER_ROLE, job, plan, share: { thread: i, threads: count } };
      const worker = new Worker(__filename, { workerData: start, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        if ('failed' in message) return fail(new Error(message.failed));
        if ('shard' in message) return handOverIndex(message.shard);
        if ('batch' in message) {
          inHand.delete(worker);
          finished.set(message.batch, message.outcomes);
          try {
            emitReady();
          } catch (error) {
            return fail(error as Error);
          }
        }
        idle.push(worker);
        handOut();
      });
      worker.on('error', (error: Error & { code?: string }) =>
        fail(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`a checking thread used more than its ${WORKER_HEAP_MB} MB of heap${whileChecking(worker)}; check with --jobs 1 instead`) : error),
      );
      worker.on('exit', (code) => {
        if (!settled && code !== 0) fail(new Error(`a checking thread stopped with exit code ${code}${whileChecking(worker)}`));
      });
    }
    if (batches.length === 0) handOut();
  });
}

/** The worker side: load once, read its share of the index, then check each batch handed over. */
async function serveBatches({ job, plan, share }: WorkerStart): Promise<void> {
  const port = parentPort!;
  shareCaches(1 / share.threads);
  let runner: FileRunner;
  try {
    runner = await FileRunner.withWorkspace(job, (parser) => sharedWorkspace(plan, share, parser, port));
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromWorker);
    return;
  }
  port.on('message', (message: ToWorker) => {
    if ('done' in message) {
      port.close();
      return;
    }
    if (!('batch' in message)) return;
    let current = '';
    try {
      const outcomes = message.paths.map((path) => runner.check((current = path)));
      port.postMessage({ batch: message.batch, outcomes } satisfies FromWorker);
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      port.postMessage({ failed: `while checking ${current}: ${reason}` } satisfies FromWorker);
    }
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

/** Reads this thread's share of the workspace's files (every n-th), packs it into a shard for all threads, and waits for everyone's. */
function sharedWorkspace(plan: WorkspacePlan, share: WorkerStart['share'], parser: Parser, port: MessagePort): Promise<IndexedWorkspace> {
  const positions = [...plan.files.keys()].filter((position) => position % share.threads === share.thread);
  const shard = packWorkspaceTypes(readPlannedFiles(plan, parser, positions), plan.kernelTrees);
  return new Promise((resolve) => {
    port.once('message', (message: ToWorker) => {
      if ('shards' in message) resolve({ index: new PackedWorkspaceTypes(message.shards, plan.kernelTrees), truncated: plan.truncated });
    });
    port.postMessage({ shard } satisfies FromWorker);
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  void serveBatches(workerData as WorkerStart);
}
