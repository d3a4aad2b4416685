/**
 * The worker threads behind `Thread` targets given with `module`. Elastic, not a fixed pool:
 * each started thread gets a worker at once (an idle one when there is one, else a new one), so
 * threads never queue silently behind each other; a finished worker waits a few seconds, unref'd,
 * for the next thread, so that one does not pay a full worker start.
 */
import type { Worker } from 'node:worker_threads';
import { restoreCode, SpindleError } from '../core/errors.js';
import { childExecArgv } from '../core/exec-argv.js';
import { entryFile } from '../core/package-files.js';
import { decode, encode } from '../wire/codec.js';
import type { WorkerRequest, WorkerResponse } from '../wire/messages.js';

/** How long an idle worker waits for another thread before it exits. */
const IDLE_SECONDS = 5;

const entry = entryFile('thread-worker');
const idle: Worker[] = [];
const idleTimers = new Map<Worker, NodeJS.Timeout>();

function spawnWorker(): Worker {
  // Loaded on first use, like every module spindle's import does not need (a faster cold start).
  const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(entry, { execArgv: childExecArgv() });
  // A worker that exits or fails while idle must never be handed out again.
  worker.once('exit', () => forget(worker));
  return worker;
}

function forget(worker: Worker): void {
  const at = idle.indexOf(worker);
  if (at >= 0) idle.splice(at, 1);
  const timer = idleTimers.get(worker);
  if (timer) clearTimeout(timer);
  idleTimers.delete(worker);
}

function takeWorker(): Worker {
  const worker = idle.pop();
  if (!worker) return spawnWorker();
  forget(worker);
  return worker;
}

function giveBack(worker: Worker): void {
  worker.unref();
  idle.push(worker);
  const timer = setTimeout(() => {
    forget(worker);
    void worker.terminate();
  }, IDLE_SECONDS * 1000);
  timer.unref();
  idleTimers.set(worker, timer);
}

/** A target running on a worker. */
export interface WorkerRun {
  /** Settles with the target's return value or error. */
  readonly outcome: Promise<unknown>;
}

/**
 * Sends `request` to a worker now (so arguments that cannot be cloned throw here, synchronously)
 * and returns its run. `keepAlive: false` (a daemon thread) lets the process exit meanwhile.
 */
export function runOnWorker(request: WorkerRequest, keepAlive: boolean): WorkerRun {
  const worker = takeWorker();
  try {
    const { value: args, transfer } = encode(request.args);
    worker.postMessage({ ...request, args }, transfer);
  } catch (error) {
    giveBack(worker);
    throw error;
  }
  const outcome = new Promise<unknown>((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (response: WorkerResponse): void => {
      cleanup();
      giveBack(worker);
      if (response.ok) resolve(decode(response.value));
      else reject(restoreCode(response.error, response.code));
    };
    const onError = (error: unknown): void => {
      // An uncaught error inside the worker (e.g. thrown from a timer the target left behind):
      // the worker is gone, the thread ends with that error.
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      // process.exit() inside the target ends its thread; a non-zero code is reported.
      if (code === 0) resolve(undefined);
      else {
        reject(
          new SpindleError(
            `the worker thread running ${request.name} exited with code ${code}`,
            'ERR_SPINDLE_WORKER_EXITED',
          ),
        );
      }
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  // After the listeners: adding a 'message' listener refs the worker's port again.
  if (keepAlive) worker.ref();
  else worker.unref();
  return { outcome };
}
