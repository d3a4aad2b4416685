/**
 * What every kernel call goes through: check options and arguments (before any work is queued),
 * honour an already-aborted signal, pick the backend, wire abort and progress, settle once.
 */

import { abortError } from '../core/errors.js';
import {
  checkOptionalBoolean,
  checkOptionalChoice,
  checkOptionalFunction,
  checkOptionalSignal,
  checkOptions,
} from '../core/validate.js';
import { selectBackend } from './backend/select.js';
import { type BackendName, NEVER_ABORTED } from './backend/types.js';
import { ProgressGate } from './progress-gate.js';
import { descriptor, type KernelName, type KernelResults } from './registry.js';

/**
 * Options every kernel accepts as its last argument.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const primes = await kernels.countPrimes(1e9, {
 *   signal: controller.signal, // controller.abort() rejects the call with an AbortError
 *   onProgress: (fraction) => console.log(`${(fraction * 100).toFixed(0)} %`),
 *   backend: 'js', // this call only
 * });
 * ```
 */
export interface KernelOptions {
  /** Aborting rejects the call with an `AbortError` at once and stops the work. */
  signal?: AbortSignal;
  /**
   * Progress fractions in [0, 1]: never decreasing, at most about every 50 ms, and a final `1`
   * once the kernel has succeeded, before its Promise resolves. If it throws, the kernel is
   * stopped and its Promise rejects with that error.
   */
  onProgress?: (fraction: number) => void;
  /** Run on this backend rather than the configured one. */
  backend?: BackendName;
  /**
   * `false`: the pending call does not keep the process alive (as the `ref` option of
   * `timers/promises`); a daemon thread's kernel runs so. Honoured by the native backend; on the
   * js backend the worker running the twin holds the process until it finishes.
   */
  ref?: boolean;
}

const BACKENDS = ['native', 'js'] as const;

/**
 * Runs `kernel` with the user's raw arguments and options. Bad input rejects the returned
 * Promise (it never throws synchronously), before any work is queued.
 */
export function runKernel<K extends KernelName>(
  kernel: K,
  rawArgs: readonly unknown[],
  rawOptions: unknown,
): Promise<KernelResults[K]> {
  // Not an async function: the common call hands back the backend's own Promise, where an async
  // function would wrap it in one more (and two more microtask turns) on the dispatch path.
  try {
    return start(kernel, rawArgs, rawOptions);
  } catch (error) {
    return Promise.reject(error);
  }
}

function start<K extends KernelName>(
  kernel: K,
  rawArgs: readonly unknown[],
  rawOptions: unknown,
): Promise<KernelResults[K]> {
  const options = checkOptions<KernelOptions>('options', rawOptions);
  const signal = checkOptionalSignal('options.signal', options.signal);
  const onProgress = checkOptionalFunction<(fraction: number) => void>('options.onProgress', options.onProgress);
  const requested = checkOptionalChoice('options.backend', options.backend, BACKENDS);
  checkOptionalBoolean('options.ref', options.ref);
  const args = descriptor(kernel).normalise(rawArgs);
  if (signal?.aborted) throw abortError(signal);
  const backend = selectBackend(requested);
  const keepAlive = options.ref !== false;

  // Nothing to race and nothing to gate: the backend's own Promise is the answer.
  if (signal === undefined && onProgress === undefined) {
    return backend.run(kernel, args, { signal: NEVER_ABORTED, onProgress: undefined, keepAlive });
  }

  return new Promise<KernelResults[K]>((resolve, reject) => {
    // The backend sees only this controller: it fires on the caller's abort and when the
    // progress listener throws, and it never leaks the caller's signal into native code.
    const stop = new AbortController();
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      gate?.close();
      signal?.removeEventListener('abort', onAbort);
      stop.abort(error);
      reject(error);
    };
    const onAbort = (): void => fail(abortError(signal as AbortSignal));
    const gate = onProgress ? new ProgressGate(onProgress, fail) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });

    backend.run(kernel, args, { signal: stop.signal, onProgress: gate?.report, keepAlive }).then((value) => {
      if (settled) return;
      gate?.finish();
      if (settled) return; // the final progress call threw
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    }, fail);
  });
}
