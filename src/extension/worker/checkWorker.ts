// The checking thread's entry (bundled as dist/checkWorker.js): a thin shell that hands each
// request to the EngineService and posts back its answer, or its error as text. A failing
// request must never take the thread down: the host would lose every open file's engine.
import { parentPort, workerData } from 'node:worker_threads';
import { BtfError } from '../../core/kernels/btf/errors';
import { DatabaseError } from '../../core/kernels/database';
import { EngineService } from './engineService';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('checkWorker.js runs as a worker thread of the extension');
  const post = (message: FromWorker) => port.postMessage(message);
  const service = new EngineService(workerData as WorkerInit, {
    log: (line) => post({ log: line }),
    warning: (message) => post({ warning: message }),
  });
  port.on('message', (message: ToWorker) => {
    service.answer(message.method, message.params, message.id).then(
      (answer) => post({ id: message.id, answer }),
      (error: unknown) => post(failure(message.id, error)),
    );
  });
}

function failure(id: number, error: unknown): FromWorker {
  if (!(error instanceof Error)) return { id, error: String(error) };
  const inputProblem = error instanceof BtfError || error instanceof DatabaseError;
  return { id, error: error.message, stack: error.stack, ...(inputProblem ? { inputProblem } : {}) };
}

serve();
