/**
 * Kernels as TypeScript twins (`src/twins/`) on one shared Tinypool pool of worker threads:
 * the backend when the native binding cannot load, or when asked for.
 */
import { availableParallelism } from 'node:os';
import type { Tinypool } from 'tinypool';
import { CancelledError, errorFromCode, SpindleError } from '../../core/errors.js';
import { childExecArgv } from '../../core/exec-argv.js';
import { loadTinypool } from '../../core/load-tinypool.js';
import { entryFile } from '../../core/package-files.js';
import { MAX_THREADS } from '../../core/validate.js';
import { KERNEL_FAILURE, type KernelFailure, type KernelTask } from '../../wire/messages.js';
import { descriptor, type KernelArgs, type KernelName, type KernelResults } from '../registry.js';
import { type JobControl, type KernelBackend, NEVER_ABORTED } from './types.js';

/** The worker entry. */
const WORKER_FILE = entryFile('kernel-worker');

/**
 * How long an idle worker lives. Idle workers never keep the process alive (Tinypool unrefs
 * them), so a finished script exits at once either way; this only bounds how long threads are
 * held between bursts of kernels, against the ~70 ms a fresh worker takes to start.
 */
const IDLE_TIMEOUT_MS = 5_000;

/**
 * Tinypool's own cap on workers. The number of kernels running at once is spindle's
 * `threads()`, enforced by the queue below, so `configure({ threads })` takes effect without
 * replacing the pool; this cap only has to be at least `configure()`'s maximum.
 */
const POOL_CAP = MAX_THREADS;

/** A call waiting for a free thread. */
interface Waiter {
  start(): void;
  cancel(error: Error): void;
}

/** The shared pool and spindle's queue in front of it. */
interface TwinPool {
  readonly tinypool: Tinypool;
  running: number;
  readonly waiting: Waiter[];
  /** Set by `shutdown()`: whatever fails now was cancelled, not broken. */
  destroyed: boolean;
  /** Why the pool was given up, when a worker died outside any task (e.g. at startup). */
  broken: unknown;
}

/**
 * How a typed array reaches a worker. A view of a `SharedArrayBuffer` goes as it is: the worker
 * sees the same memory, nothing is copied. Any other view is copied once, into shared memory:
 * the caller's buffer is never detached, and the copy survives its trip to a worker, so the same
 * task can be posted again if its first worker was terminated under it (see `call`).
 */
function send<T extends Uint8Array | Float64Array>(view: T): T {
  if (view.buffer instanceof SharedArrayBuffer) return view;
  const Ctor = (view instanceof Float64Array ? Float64Array : Uint8Array) as unknown as new (b: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(view.byteLength));
  // Not `view.slice()`: on a Buffer that returns a view of the same memory.
  (copy as Uint8Array | Float64Array).set(view as never);
  return copy;
}

/** The arguments as a worker gets them: each typed array (the descriptor says which) via `send`. */
function forWorker<K extends KernelName>(kernel: K, args: KernelArgs[K]): KernelArgs[K] {
  const { typedArrays } = descriptor(kernel);
  if (typedArrays.length === 0) return args;
  const sent = [...args] as unknown[];
  for (const at of typedArrays) sent[at] = send(sent[at] as Uint8Array | Float64Array);
  return sent as unknown as KernelArgs[K];
}

/** A worker's answer: its result, or the twin's coded failure made an error again (a rejection). */
function settleTwin<K extends KernelName>(result: unknown): Promise<KernelResults[K]> {
  const failure = failureOf(result);
  return failure ? Promise.reject(failure) : Promise.resolve(result as KernelResults[K]);
}

/** A twin's coded failure, returned as data by the worker (see `KernelFailure`), or `undefined`. */
function failureOf(result: unknown): Error | undefined {
  if (result === null || typeof result !== 'object' || !Object.hasOwn(result, KERNEL_FAILURE)) return undefined;
  const { code, message } = (result as KernelFailure)[KERNEL_FAILURE];
  return errorFromCode(code, message) ?? new SpindleError(message, 'ERR_SPINDLE_JS_WORKER');
}

/**
 * Tinypool's rejection of a task whose worker it terminated. Besides `shutdown()` (then the pool
 * is marked destroyed), that happens to a task that was never aborted: Tinypool terminates the
 * worker of an aborted task, and a response the dying worker had already posted makes Tinypool
 * hand that same worker the next queued task, which then dies with it (tinypool 2.x `onMessage`
 * calls `maybeAvailable` on a worker it has already removed). Such a task is posted again.
 */
function terminatedUnder(error: unknown): boolean {
  return error instanceof Error && error.message === 'Terminating worker thread';
}

/** How often one call is posted again after its worker was terminated for another call's abort. */
const MAX_REPOSTS = 16;

/**
 * Tinypool runs any number of queued tasks, but it only starts a worker for its queue when a
 * new task arrives, so a task queued behind one whose worker an abort terminated could wait
 * forever. spindle therefore queues calls itself and hands Tinypool at most `threads()` tasks:
 * each finds an idle worker or a free slot for a new one, and an abort simply frees its slot.
 */
function acquire(pool: TwinPool, limit: number, signal: AbortSignal): Promise<void> | undefined {
  if (pool.running < limit) {
    pool.running++;
    return undefined;
  }
  // Calls nobody can abort share one signal: listening on it would add a listener per queued
  // call to one object (a MaxListenersExceededWarning past 10) for an event that never comes.
  const abortable = signal !== NEVER_ABORTED;
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      start: () => {
        if (abortable) signal.removeEventListener('abort', onAbort);
        resolve();
      },
      cancel: (error) => {
        if (abortable) signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    // A queued call is dropped at once: it never reaches a worker.
    const onAbort = (): void => {
      const at = pool.waiting.indexOf(waiter);
      if (at >= 0) pool.waiting.splice(at, 1);
      reject(signal.reason);
    };
    if (abortable) signal.addEventListener('abort', onAbort, { once: true });
    pool.waiting.push(waiter);
  });
}

/** Frees a slot: the next waiter takes it over, or the pool has one more idle thread. */
function release(pool: TwinPool, limit: number): void {
  if (pool.running <= limit) {
    const next = pool.waiting.shift();
    if (next) {
      next.start();
      return;
    }
  }
  pool.running--;
}

/** The js backend, on `threads` threads (default `os.availableParallelism()`). */
export function jsBackend(initialThreads?: number): KernelBackend {
  let threads = initialThreads;
  let current: TwinPool | undefined;
  /** Bumped by shutdown(): a call that was still loading Tinypool then must not start a pool. */
  let generation = 0;

  /** `os.availableParallelism()` asks the OS each time: read once, on first use. */
  let cores: number | undefined;
  const limit = (): number => {
    if (threads !== undefined) return threads;
    cores ??= availableParallelism();
    return cores;
  };

  function pool(TinypoolClass: typeof Tinypool): TwinPool {
    if (current) return current;
    const tinypool = new TinypoolClass({
      runtime: 'worker_threads',
      filename: WORKER_FILE.href,
      name: 'runTwin',
      minThreads: 0,
      maxThreads: POOL_CAP,
      idleTimeout: IDLE_TIMEOUT_MS,
      // Only the options that load user code: see exec-argv.ts (Node 24's `node --test` children
      // carry process-wide options a Worker refuses).
      execArgv: childExecArgv(),
    });
    const created: TwinPool = { tinypool, running: 0, waiting: [], destroyed: false, broken: undefined };
    // Tinypool reports a worker that dies with no task of its own here; the realistic case is
    // a worker that cannot start (a bad Node option, a missing file). Tasks queued for it
    // would wait forever, so the pool is given up: its calls reject with this error as the
    // cause, and the next call starts a fresh pool. (Without a listener, 'error' would crash
    // the process.)
    tinypool.on('error', (error: unknown) => {
      if (created.broken !== undefined || created.destroyed) return;
      created.broken = error;
      if (current === created) current = undefined;
      const failed = toSpindleError(error, created, false);
      for (const waiter of created.waiting.splice(0)) waiter.cancel(failed);
      tinypool.destroy().catch(() => {});
    });
    current = created;
    return created;
  }

  /** What a call on `from` rejects with when Tinypool or the queue failed it with `error`. */
  function toSpindleError(error: unknown, from: TwinPool, aborted: boolean): Error {
    if (from.destroyed) return new CancelledError('the kernel was cancelled by shutdown()', { cause: error });
    // The caller has already rejected with an AbortError; this rejection goes nowhere.
    if (aborted) return error instanceof Error ? error : new Error(String(error));
    const cause = from.broken ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new SpindleError(`a js kernel worker failed: ${message}`, 'ERR_SPINDLE_JS_WORKER', { cause });
  }

  /** Calls not yet settled, so shutdown() resolves only after each of them has rejected. */
  const inFlight = new Set<Promise<unknown>>();

  async function call<K extends KernelName>(
    kernel: K,
    args: KernelArgs[K],
    job: JobControl,
  ): Promise<KernelResults[K]> {
    // Copied now, before the first await: once the kernel call has returned, the caller may
    // change, transfer or detach its buffers.
    const sent = forWorker(kernel, args);
    const started = generation;
    const TinypoolClass = await loadTinypool();
    if (generation !== started) {
      // shutdown() ran while this call waited for Tinypool to load: it is cancelled too.
      throw new CancelledError('the kernel was cancelled by shutdown()');
    }
    const used = pool(TinypoolClass);
    try {
      await acquire(used, limit(), job.signal);
    } catch (error) {
      throw toSpindleError(error, used, job.signal.aborted);
    }
    const { onProgress } = job;
    // Tinypool runs a task with a signal only on a worker with nothing else in flight, and
    // terminates that worker on abort: give it one only when the call can be aborted.
    const abortable = job.signal !== NEVER_ABORTED;
    try {
      for (let attempt = 0; ; attempt++) {
        // Progress travels on a port of its own: Tinypool's `channel` is not available to
        // worker_threads. The worker closes its end when the task ends; so does this side.
        const channel = onProgress ? new MessageChannel() : undefined;
        try {
          if (channel && onProgress) {
            channel.port1.on('message', (fraction: unknown) => {
              if (typeof fraction === 'number') onProgress(fraction);
            });
          }
          const task: KernelTask<K, KernelArgs[K]> = { kernel, args: sent, progress: channel?.port2 };
          const transferList = channel ? [channel.port2] : [];
          const result: unknown = await used.tinypool.run(
            task,
            abortable ? { signal: job.signal, transferList } : { transferList },
          );
          // Thrown from here it would be taken for a worker's failure below.
          return settleTwin<K>(result);
        } catch (error) {
          // Terminated for another call's abort: the inputs live in shared memory (see `send`),
          // the twins are pure, so the same task runs again (progress never goes back: the
          // ProgressGate drops lower fractions).
          const repost = !used.destroyed && used.broken === undefined && !job.signal.aborted;
          if (repost && terminatedUnder(error) && attempt < MAX_REPOSTS) continue;
          throw toSpindleError(error, used, job.signal.aborted);
        } finally {
          channel?.port1.close();
        }
      }
    } finally {
      release(used, limit());
    }
  }

  return {
    name: 'js',

    run(kernel, args, job) {
      // The copy of the inputs happens now, inside `call`, before its first await.
      const running = call(kernel, args, job);
      inFlight.add(running);
      const forget = (): void => void inFlight.delete(running);
      running.then(forget, forget);
      return running;
    },

    threads: limit,

    setThreads(n) {
      threads = n;
      // More threads: start waiting calls now. Fewer: running calls finish, and release()
      // starts no more until the count is below the new limit.
      const p = current;
      while (p && p.running < n) {
        const next = p.waiting.shift();
        if (!next) break;
        p.running++;
        next.start();
      }
    },

    async shutdown() {
      generation++;
      const pending = [...inFlight];
      const p = current;
      current = undefined;
      if (p) {
        p.destroyed = true;
        const cancelled = new CancelledError('the kernel was cancelled by shutdown()');
        for (const waiter of p.waiting.splice(0)) waiter.cancel(cancelled);
        await p.tinypool.destroy();
      }
      // Including calls still loading Tinypool: they see the new generation and reject.
      await Promise.allSettled(pending);
    },
  };
}
