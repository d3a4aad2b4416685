/** Kernels on spindle's own Rust thread pool, through the napi-rs binding. */
import { CancelledError, errorFromCode, SpindleError } from '../../core/errors.js';
import type { NativeHandle } from '../descriptor.js';
import { descriptor, type KernelArgs, type KernelName, type KernelResults } from '../registry.js';
import type { NativeBinding } from './native-binding.js';
import { type JobControl, type KernelBackend, NEVER_ABORTED } from './types.js';

/**
 * Starts a kernel. With `keepAlive`, the binding's Promise (a napi deferred) holds the event
 * loop open while pending; without, completion arrives through a weak callback that does not.
 */
function start<K extends KernelName>(
  binding: NativeBinding,
  kernel: K,
  args: KernelArgs[K],
  handle: NativeHandle,
  job: JobControl,
): Promise<KernelResults[K]> {
  const { native } = descriptor(kernel);
  if (job.keepAlive) {
    return native(binding, args, handle, job.onProgress, undefined) as Promise<KernelResults[K]>;
  }
  return new Promise((resolve, reject) => {
    native(binding, args, handle, job.onProgress, (error, value) => {
      if (error) reject(error);
      else resolve(value as KernelResults[K]);
    });
  });
}

/**
 * Turns a rejection from the binding into spindle's error classes. A job's failure carries its
 * code as data (`crates/napi/src/errors.rs` sets `code` to one of spindle's codes); anything
 * else (a napi error from the binding itself) is `ERR_SPINDLE_NATIVE`.
 */
export function fromNative(error: unknown): Error {
  if (!(error instanceof Error)) return new SpindleError(String(error), 'ERR_SPINDLE_NATIVE');
  const { code } = error as { code?: unknown };
  if (code === 'ERR_SPINDLE_CANCELLED') {
    return new CancelledError('the kernel was cancelled by shutdown()', { cause: error });
  }
  return errorFromCode(code, error.message) ?? new SpindleError(error.message, 'ERR_SPINDLE_NATIVE', { cause: error });
}

/** The native backend over a loaded binding. */
export function nativeBackend(binding: NativeBinding): KernelBackend {
  // Calls not yet settled, so shutdown() resolves only after each of them has rejected.
  const inFlight = new Set<Promise<unknown>>();

  return {
    name: 'native',

    run(kernel, args, job: JobControl) {
      // The dispatch path: a handle and an abort listener only for calls that can be aborted,
      // and one derived Promise per call (an async function would add its own as well).
      const abortable = job.signal !== NEVER_ABORTED;
      const handle = abortable ? new binding.CancelHandle() : undefined;
      const cancel = abortable ? (): void => handle?.cancel() : undefined;
      let call: Promise<KernelResults[typeof kernel]>;
      try {
        call = start(binding, kernel, args, handle, job);
      } catch (error) {
        return Promise.reject(fromNative(error));
      }
      if (cancel) job.signal.addEventListener('abort', cancel, { once: true });
      inFlight.add(call);
      const done = (): void => {
        inFlight.delete(call);
        if (cancel) job.signal.removeEventListener('abort', cancel);
      };
      return call.then(
        (value) => {
          done();
          return value;
        },
        (error: unknown) => {
          done();
          throw fromNative(error);
        },
      );
    },

    threads: () => binding.poolInfo().threads,

    cpu: () => binding.cpuInfo().active,

    jpeg: () => (binding.jpegSimd() ? 'simd' : 'c'),

    setThreads: (threads) => binding.setThreads(threads),

    async shutdown() {
      const pending = [...inFlight];
      await binding.shutdown();
      await Promise.allSettled(pending);
    },
  };
}

/**
 * Test hook: a native job that panics (`crates/napi/src/kernels/panic_for_test.rs`, compiled
 * only with the `test-hooks` feature, as `npm test` builds its addon).
 */
export async function panicForTest(binding: NativeBinding, message: string): Promise<never> {
  const hook = (binding as { __panicForTest?: (message: string, handle: unknown) => Promise<never> }).__panicForTest;
  if (hook === undefined) throw new TypeError('this addon was built without the test-hooks feature');
  try {
    return await hook(message, new binding.CancelHandle());
  } catch (error) {
    throw fromNative(error);
  }
}
