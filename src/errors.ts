/**
 * spindle's error classes. Every error spindle raises where Python raises carries Python's
 * message text and a stable `code`, so callers branch on `err.code`, never on messages.
 *
 * @packageDocumentation
 */

/**
 * Stable codes of spindle's own errors. Argument errors use Node's codes instead
 * (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`), and an aborted call
 * rejects with `AbortError` (`ABORT_ERR`).
 *
 * - `ERR_SPINDLE_RUNTIME`, `ERR_SPINDLE_VALUE`, `ERR_SPINDLE_BROKEN_BARRIER`,
 *   `ERR_SPINDLE_TIMEOUT`: Python's RuntimeError, ValueError, BrokenBarrierError, TimeoutError.
 * - `ERR_SPINDLE_CANCELLED`: work cancelled by spindle (`shutdown()`, `pool.terminate()`).
 * - `ERR_SPINDLE_NATIVE_PANIC`: a native kernel panicked; only that call fails.
 * - `ERR_SPINDLE_NATIVE_UNAVAILABLE`: the native backend was asked for but cannot load.
 * - `ERR_SPINDLE_NATIVE`: any other failure reported by the native binding.
 * - `ERR_SPINDLE_INVALID_IMAGE`: `ela` input is not a JPEG it can decode.
 * - `ERR_SPINDLE_JS_WORKER`: a js-backend worker failed (e.g. could not start).
 * - `ERR_SPINDLE_WORKER_EXITED`: the worker thread or child process running a Pool, ThreadPool or
 *   Thread target died (exited, was killed, ran out of memory); the pool replaces it.
 * - `ERR_SPINDLE_TARGET_IMPORT`: a target's module is missing or threw while loading.
 * - `ERR_SPINDLE_TARGET_NOT_EXPORTED` (a `TypeError`): the target is not exported by its module.
 * - `ERR_SPINDLE_DATA_CLONE`: an argument or result cannot cross to or from a worker.
 * - `ERR_SPINDLE_NOT_SHAREABLE`: a shared object cannot go where it was sent.
 * - `ERR_SPINDLE_QUEUE_EMPTY`, `ERR_SPINDLE_QUEUE_FULL`: Python's queue.Empty and queue.Full.
 */
export type SpindleErrorCode =
  | 'ERR_SPINDLE_RUNTIME'
  | 'ERR_SPINDLE_VALUE'
  | 'ERR_SPINDLE_BROKEN_BARRIER'
  | 'ERR_SPINDLE_TIMEOUT'
  | 'ERR_SPINDLE_CANCELLED'
  | 'ERR_SPINDLE_NATIVE_PANIC'
  | 'ERR_SPINDLE_NATIVE_UNAVAILABLE'
  | 'ERR_SPINDLE_NATIVE'
  | 'ERR_SPINDLE_INVALID_IMAGE'
  | 'ERR_SPINDLE_JS_WORKER'
  | 'ERR_SPINDLE_WORKER_EXITED'
  | 'ERR_SPINDLE_TARGET_IMPORT'
  | 'ERR_SPINDLE_TARGET_NOT_EXPORTED'
  | 'ERR_SPINDLE_DATA_CLONE'
  | 'ERR_SPINDLE_NOT_SHAREABLE'
  | 'ERR_SPINDLE_QUEUE_EMPTY'
  | 'ERR_SPINDLE_QUEUE_FULL'
  | (string & {});

/** The base of every spindle error. */
export class SpindleError extends Error {
  /** A stable, machine-readable code. */
  readonly code: SpindleErrorCode;

  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** Python's `RuntimeError`: an operation is not valid in the object's current state. */
export class RuntimeError extends SpindleError {
  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE_RUNTIME', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/** Python's `ValueError`: a value or object is not usable (e.g. a closed process). */
export class ValueError extends SpindleError {
  constructor(message: string, code: SpindleErrorCode = 'ERR_SPINDLE_VALUE', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/** Python's `threading.BrokenBarrierError`. */
export class BrokenBarrierError extends RuntimeError {
  constructor(message = '', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_BROKEN_BARRIER', options);
  }
}

/** Python's `TimeoutError` (e.g. `AsyncResult.get(timeout)`). */
export class TimeoutError extends SpindleError {
  constructor(message = '', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_TIMEOUT', options);
  }
}

/** Work that was cancelled by spindle itself, e.g. pending kernels when `shutdown()` runs. */
export class CancelledError extends SpindleError {
  constructor(message = 'the work was cancelled', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_CANCELLED', options);
  }
}

/**
 * What an aborted call rejects with, as Node's own APIs do: `name === 'AbortError'`,
 * `code === 'ABORT_ERR'`, `cause` = the signal's reason.
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR' as const;

  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super(message, options);
  }

  override get name(): 'AbortError' {
    return 'AbortError';
  }
}

/** The `AbortError` for an aborted `signal`. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}
