/**
 * spindle's error classes. Every error spindle raises where Python raises carries Python's
 * message text and a stable `code`, so callers branch on `err.code`, never on messages.
 *
 * @packageDocumentation
 */

/**
 * Stable codes of spindle's own errors: branch on `err.code`, never on the message.
 *
 * | code | class | raised when |
 * | --- | --- | --- |
 * | `ERR_SPINDLE_RUNTIME` | {@link RuntimeError} | an operation is not valid in the object's state (`threads can only be started once`) |
 * | `ERR_SPINDLE_VALUE` | {@link ValueError} | a value or object is not usable (`process object is closed`, `Pool not running`) |
 * | `ERR_SPINDLE_BROKEN_BARRIER` | {@link BrokenBarrierError} | a `Barrier` was aborted or reset, or a wait timed out |
 * | `ERR_SPINDLE_TIMEOUT` | {@link TimeoutError} | `AsyncResult.get(timeout)` ran out of time |
 * | `ERR_SPINDLE_CANCELLED` | {@link CancelledError} | pending work was cancelled by `shutdown()` or `pool.terminate()` |
 * | `ERR_SPINDLE_QUEUE_EMPTY` | {@link QueueEmpty} | `queue.get()` found nothing in time |
 * | `ERR_SPINDLE_QUEUE_FULL` | {@link QueueFull} | `queue.put()` found no room in time |
 * | `ERR_SPINDLE_INVALID_IMAGE` | {@link SpindleError} | `kernels.ela` was given bytes that are not a decodable JPEG |
 * | `ERR_SPINDLE_NATIVE_UNAVAILABLE` | {@link SpindleError} | the native backend was requested but cannot load |
 * | `ERR_SPINDLE_NATIVE_PANIC` | {@link SpindleError} | a native kernel panicked (a bug in spindle; the process lives on) |
 * | `ERR_SPINDLE_NATIVE` | {@link SpindleError} | the native binding failed in another way |
 * | `ERR_SPINDLE_JS_WORKER` | {@link SpindleError} | a js-backend kernel worker could not start or died |
 * | `ERR_SPINDLE_WORKER_EXITED` | {@link SpindleError} | the worker thread or child process running a `Pool`, `ThreadPool` or `Thread` target died (exited, was killed, ran out of memory); a pool replaces it |
 * | `ERR_SPINDLE_TARGET_IMPORT` | {@link SpindleError} | a target's module is missing or threw while loading |
 * | `ERR_SPINDLE_TARGET_NOT_EXPORTED` | `TypeError` | the target is not exported by its module under its own name |
 * | `ERR_SPINDLE_DATA_CLONE` | `TypeError` | arguments cannot be sent to a worker or child (functions, sockets…) |
 * | `ERR_SPINDLE_NOT_SHAREABLE` | `TypeError` | a shared object cannot cross to where it was sent |
 * | `ERR_SPINDLE` | {@link SpindleError} | a `SpindleError` constructed without a code (spindle itself always gives one) |
 * | `ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED` | {@link SpindleError} | `spindle/cluster`: a job names a module outside the worker's `root` and `allow` list; the worker refuses it and lives on |
 * | `ERR_SPINDLE_CLUSTER_MODULE_OUTSIDE_ROOT` | `TypeError` | `spindle/cluster`: a Pool's `module` is not under its `root`, so it has no name a worker could resolve |
 * | `ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE` | `RangeError` | `spindle/cluster`: one job's encoded arguments (or a task's encoded result) exceed `maxPayload` bytes; refused before anything is queued |
 * | `ERR_SPINDLE_CLUSTER_UNKNOWN_KERNEL` | {@link SpindleError} | `spindle/cluster`: a job names a kernel this worker's spindle does not have (an older version) |
 * | `ERR_SPINDLE_CLUSTER_JOB_FAILED` | {@link SpindleError} | `spindle/cluster`: BullMQ failed a job outside the target (e.g. it stalled more often than allowed) |
 * | `ERR_SPINDLE_CLUSTER_JOB_LOST` | {@link SpindleError} | `spindle/cluster`: a job vanished from Redis before it reported (Redis restarted without persistence, or someone removed it) |
 * | `ERR_SPINDLE_CLUSTER_CONNECTION` | {@link SpindleError} | `spindle/cluster`: Redis could not be reached while work was outstanding |
 *
 * Besides these, invalid arguments get Node's own codes before any work starts: `TypeError`
 * `ERR_INVALID_ARG_TYPE` and `RangeError` `ERR_OUT_OF_RANGE`; aborted calls reject with
 * {@link AbortError} (`ABORT_ERR`).
 *
 * @example ERR_SPINDLE_RUNTIME
 * ```ts
 * const t = new Thread({ target: () => {} });
 * t.start();
 * try { t.start(); } catch (err) { err.code; } // 'ERR_SPINDLE_RUNTIME': threads can only be started once
 * ```
 * @example ERR_SPINDLE_VALUE
 * ```ts
 * const pool = new ThreadPool({ processes: 2, module: import.meta.url });
 * pool.close();
 * await pool.map(square, [1, 2]).catch((err) => err.code); // 'ERR_SPINDLE_VALUE': Pool not running
 * ```
 * @example ERR_SPINDLE_BROKEN_BARRIER
 * ```ts
 * const barrier = new Barrier(2);
 * const waiting = barrier.wait().catch((err) => err.code);
 * barrier.abort();
 * await waiting; // 'ERR_SPINDLE_BROKEN_BARRIER'
 * ```
 * @example ERR_SPINDLE_TIMEOUT
 * ```ts
 * const result = pool.applyAsync(slow, [10]);
 * await result.get(0.1).catch((err) => err.code); // 'ERR_SPINDLE_TIMEOUT'
 * ```
 * @example ERR_SPINDLE_CANCELLED
 * ```ts
 * const pending = kernels.countPrimes(1e10);
 * await shutdown();
 * await pending.catch((err) => err.code); // 'ERR_SPINDLE_CANCELLED'
 * ```
 * @example ERR_SPINDLE_QUEUE_EMPTY and ERR_SPINDLE_QUEUE_FULL
 * ```ts
 * const q = new Queue(1);
 * await q.get(false).catch((err) => err.code); // 'ERR_SPINDLE_QUEUE_EMPTY'
 * await q.put('a');
 * await q.put('b', false).catch((err) => err.code); // 'ERR_SPINDLE_QUEUE_FULL'
 * ```
 * @example ERR_SPINDLE_INVALID_IMAGE
 * ```ts
 * await kernels.ela(new Uint8Array([1, 2, 3])).catch((err) => err.code); // 'ERR_SPINDLE_INVALID_IMAGE'
 * ```
 * @example ERR_SPINDLE_NATIVE_UNAVAILABLE, ERR_SPINDLE_NATIVE_PANIC, ERR_SPINDLE_NATIVE, ERR_SPINDLE_JS_WORKER
 * ```ts
 * try {
 *   await kernels.sha256(data, { backend: 'native' });
 * } catch (err) {
 *   if (err.code === 'ERR_SPINDLE_NATIVE_UNAVAILABLE') console.log(backend().reason); // why it did not load
 *   else if (err.code === 'ERR_SPINDLE_NATIVE_PANIC' || err.code === 'ERR_SPINDLE_NATIVE') reportBug(err);
 *   else if (err.code === 'ERR_SPINDLE_JS_WORKER') console.log(err.cause); // why the worker failed
 * }
 * ```
 * @example ERR_SPINDLE_DATA_CLONE and ERR_SPINDLE_NOT_SHAREABLE
 * ```ts
 * const p = new Process({ target: work, module: import.meta.url, args: [() => 1] });
 * try { p.start(); } catch (err) { err.code; } // 'ERR_SPINDLE_DATA_CLONE': a function cannot be sent
 * ```
 */
export type SpindleErrorCode =
  | 'ERR_SPINDLE'
  | 'ERR_SPINDLE_RUNTIME'
  | 'ERR_SPINDLE_VALUE'
  | 'ERR_SPINDLE_BROKEN_BARRIER'
  | 'ERR_SPINDLE_TIMEOUT'
  | 'ERR_SPINDLE_CANCELLED'
  | 'ERR_SPINDLE_QUEUE_EMPTY'
  | 'ERR_SPINDLE_QUEUE_FULL'
  | 'ERR_SPINDLE_INVALID_IMAGE'
  | 'ERR_SPINDLE_NATIVE_UNAVAILABLE'
  | 'ERR_SPINDLE_NATIVE_PANIC'
  | 'ERR_SPINDLE_NATIVE'
  | 'ERR_SPINDLE_JS_WORKER'
  | 'ERR_SPINDLE_WORKER_EXITED'
  | 'ERR_SPINDLE_TARGET_IMPORT'
  | 'ERR_SPINDLE_TARGET_NOT_EXPORTED'
  | 'ERR_SPINDLE_DATA_CLONE'
  | 'ERR_SPINDLE_NOT_SHAREABLE'
  | 'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED'
  | 'ERR_SPINDLE_CLUSTER_MODULE_OUTSIDE_ROOT'
  | 'ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE'
  | 'ERR_SPINDLE_CLUSTER_UNKNOWN_KERNEL'
  | 'ERR_SPINDLE_CLUSTER_JOB_FAILED'
  | 'ERR_SPINDLE_CLUSTER_JOB_LOST'
  | 'ERR_SPINDLE_CLUSTER_CONNECTION';

/** The classes spindle's errors have. */
type ErrorClassName =
  | 'SpindleError'
  | 'RuntimeError'
  | 'ValueError'
  | 'BrokenBarrierError'
  | 'TimeoutError'
  | 'CancelledError'
  | 'QueueEmpty'
  | 'QueueFull'
  | 'TypeError'
  | 'RangeError';

/**
 * The one table of spindle's own error codes: each code and the class its errors have. Typed by
 * {@link SpindleErrorCode} (spelled out above so the reference shows every code), the compiler
 * holds the two together: a code missing here, or one here that the union lacks, does not
 * compile. An error that crosses from native code or a worker carries its code as data;
 * {@link errorFromCode} makes it the class named here again.
 */
const ERROR_CODES: { readonly [C in SpindleErrorCode]: ErrorClassName } = {
  ERR_SPINDLE: 'SpindleError',
  ERR_SPINDLE_RUNTIME: 'RuntimeError',
  ERR_SPINDLE_VALUE: 'ValueError',
  ERR_SPINDLE_BROKEN_BARRIER: 'BrokenBarrierError',
  ERR_SPINDLE_TIMEOUT: 'TimeoutError',
  ERR_SPINDLE_CANCELLED: 'CancelledError',
  ERR_SPINDLE_QUEUE_EMPTY: 'QueueEmpty',
  ERR_SPINDLE_QUEUE_FULL: 'QueueFull',
  ERR_SPINDLE_INVALID_IMAGE: 'SpindleError',
  ERR_SPINDLE_NATIVE_UNAVAILABLE: 'SpindleError',
  ERR_SPINDLE_NATIVE_PANIC: 'SpindleError',
  ERR_SPINDLE_NATIVE: 'SpindleError',
  ERR_SPINDLE_JS_WORKER: 'SpindleError',
  ERR_SPINDLE_WORKER_EXITED: 'SpindleError',
  ERR_SPINDLE_TARGET_IMPORT: 'SpindleError',
  ERR_SPINDLE_TARGET_NOT_EXPORTED: 'TypeError',
  ERR_SPINDLE_DATA_CLONE: 'TypeError',
  ERR_SPINDLE_NOT_SHAREABLE: 'TypeError',
  ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED: 'SpindleError',
  ERR_SPINDLE_CLUSTER_MODULE_OUTSIDE_ROOT: 'TypeError',
  ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE: 'RangeError',
  ERR_SPINDLE_CLUSTER_UNKNOWN_KERNEL: 'SpindleError',
  ERR_SPINDLE_CLUSTER_JOB_FAILED: 'SpindleError',
  ERR_SPINDLE_CLUSTER_JOB_LOST: 'SpindleError',
  ERR_SPINDLE_CLUSTER_CONNECTION: 'SpindleError',
};

/** The codes whose errors are `TypeError`s (with the code), not `SpindleError`s. */
export type SpindleTypeErrorCode =
  | 'ERR_SPINDLE_TARGET_NOT_EXPORTED'
  | 'ERR_SPINDLE_DATA_CLONE'
  | 'ERR_SPINDLE_NOT_SHAREABLE';

/** Whether `code` is one of spindle's own codes. */
export function isSpindleErrorCode(code: unknown): code is SpindleErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** A `TypeError` with one of spindle's codes (arguments that cannot cross, a missing export…). */
export function codedTypeError(
  code: SpindleTypeErrorCode,
  message: string,
  options?: ErrorOptions,
): TypeError & { code: SpindleTypeErrorCode } {
  return Object.assign(new TypeError(message, options), { code });
}

/**
 * The base of every spindle error: `code` is one of {@link SpindleErrorCode}.
 *
 * @example
 * ```ts
 * try {
 *   await kernels.ela(notAJpeg);
 * } catch (err) {
 *   if (err instanceof SpindleError && err.code === 'ERR_SPINDLE_INVALID_IMAGE') console.log('not a JPEG');
 *   else throw err;
 * }
 * ```
 */
export class SpindleError extends Error {
  /** A stable, machine-readable code. */
  readonly code: SpindleErrorCode;

  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** The class's name (`'RuntimeError'`, `'QueueEmpty'`…), as Python prints it. */
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * Python's `RuntimeError`: an operation is not valid in the object's current state. Code
 * `ERR_SPINDLE_RUNTIME`.
 *
 * @example
 * ```ts
 * const t = new Thread({ target: () => {} });
 * await t.join().catch((err) => err instanceof RuntimeError); // cannot join thread before it is started
 * ```
 */
export class RuntimeError extends SpindleError {
  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE_RUNTIME', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/**
 * Python's `ValueError`: a value or object is not usable (e.g. a closed process). Code
 * `ERR_SPINDLE_VALUE`.
 *
 * @example
 * ```ts
 * const p = new Process({ target: kernels.spin, args: [1000] });
 * p.start();
 * await p.join();
 * p.close();
 * try { p.pid; } catch (err) { err instanceof ValueError; } // process object is closed
 * ```
 */
export class ValueError extends SpindleError {
  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE_VALUE', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/**
 * Python's `threading.BrokenBarrierError`: the barrier was aborted, reset or a wait timed out.
 * Code `ERR_SPINDLE_BROKEN_BARRIER`.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(2);
 * await barrier.wait(0.1).catch((err) => err instanceof BrokenBarrierError); // true: nobody came
 * ```
 */
export class BrokenBarrierError extends RuntimeError {
  constructor(message = '', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_BROKEN_BARRIER', options);
  }
}

/**
 * Python's `TimeoutError` (e.g. `AsyncResult.get(timeout)`). Code `ERR_SPINDLE_TIMEOUT`.
 *
 * @example
 * ```ts
 * const result = pool.applyAsync(slow, [10]);
 * await result.get(0.5).catch((err) => err instanceof TimeoutError); // true after half a second
 * ```
 */
export class TimeoutError extends SpindleError {
  constructor(message = '', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_TIMEOUT', options);
  }
}

/**
 * Work that was cancelled by spindle itself, e.g. pending kernels when `shutdown()` runs. Code
 * `ERR_SPINDLE_CANCELLED`.
 *
 * @example
 * ```ts
 * const pending = kernels.spin(1e12);
 * await shutdown();
 * await pending.catch((err) => err instanceof CancelledError); // true
 * ```
 */
export class CancelledError extends SpindleError {
  constructor(message = 'the work was cancelled', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_CANCELLED', options);
  }
}

/**
 * What an aborted call rejects with, as Node's own APIs do: `name === 'AbortError'`,
 * `code === 'ABORT_ERR'`, `cause` = the signal's reason.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const call = kernels.countPrimes(1e10, { signal: controller.signal });
 * controller.abort('no longer needed');
 * await call.catch((err) => [err.name, err.code, err.cause]); // ['AbortError', 'ABORT_ERR', 'no longer needed']
 * ```
 */
export class AbortError extends Error {
  /** Node's code for an aborted operation. */
  readonly code = 'ABORT_ERR' as const;

  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super(message, options);
  }

  /** Always `'AbortError'`, as Node's own aborted calls. */
  override get name(): 'AbortError' {
    return 'AbortError';
  }
}

/** The `AbortError` for an aborted `signal`. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

/**
 * `ERR_SPINDLE_DATA_CLONE`: `subject` (e.g. "the arguments of work cannot be sent to a worker
 * thread") could not be cloned, for the reason `error` gives.
 */
export function dataCloneError(subject: string, error: unknown): TypeError & { code: 'ERR_SPINDLE_DATA_CLONE' } {
  const reason = error instanceof Error ? error.message : String(error);
  return codedTypeError('ERR_SPINDLE_DATA_CLONE', `${subject}: ${reason}`, { cause: error }) as TypeError & {
    code: 'ERR_SPINDLE_DATA_CLONE';
  };
}

/**
 * The error a failure that crossed a boundary as data (`{ code, message }` from native code or
 * a worker) stands for: the class {@link ERROR_CODES} names for the code, or `undefined` for a
 * code that is not spindle's (the caller then keeps the error it has). Queue errors are revived
 * where their classes live (`sync/queue/`), so here they become plain `SpindleError`s.
 */
export function errorFromCode(code: unknown, message: string, options?: ErrorOptions): Error | undefined {
  if (!isSpindleErrorCode(code)) return undefined;
  switch (ERROR_CODES[code]) {
    case 'TypeError':
      return codedTypeError(code as SpindleTypeErrorCode, message, options);
    case 'RangeError':
      return Object.assign(new RangeError(message, options), { code });
    case 'RuntimeError':
      return new RuntimeError(message, code, options);
    case 'ValueError':
      return new ValueError(message, code, options);
    case 'BrokenBarrierError':
      return new BrokenBarrierError(message, options);
    case 'TimeoutError':
      return new TimeoutError(message, options);
    case 'CancelledError':
      return new CancelledError(message, options);
    default:
      return new SpindleError(message, code, options);
  }
}

/**
 * Puts back the `code` an error lost crossing from a worker thread or child process (structured
 * cloning keeps only an Error's name, message, stack and cause): set when `code` is given and the
 * error is an object without one of its own; a frozen error arrives as it is.
 */
export function restoreCode(error: unknown, code: string | undefined): unknown {
  if (
    code !== undefined &&
    error !== null &&
    typeof error === 'object' &&
    (error as { code?: unknown }).code === undefined
  ) {
    try {
      Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
    } catch {
      // A frozen object: it arrives as it is.
    }
  }
  return error;
}
