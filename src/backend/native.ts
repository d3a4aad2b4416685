/** Kernels on spindle's own Rust thread pool, through the napi-rs binding. */
import { CancelledError, SpindleError } from '../errors.js';
import { invalidImageError } from '../invalid-image.js';
import type { KernelArgs, KernelName, KernelResults } from '../kernel-args.js';
import type { NativeBinding } from './native-binding.js';
import { type JobControl, type KernelBackend, NEVER_ABORTED } from './types.js';

/** `undefined` when the call cannot be aborted: the binding then makes the job's token itself. */
type Handle = InstanceType<NativeBinding['CancelHandle']> | undefined;
type Progress = ((fraction: number) => void) | undefined;
/** Given, the job completes through this weak callback and the binding returns no Promise. */
type Settled<T> = ((error: Error | null, value?: T) => void) | undefined;

/** Keep in sync with `crates/napi/src/errors.rs`. */
const PANIC_PREFIX = 'ERR_SPINDLE_NATIVE_PANIC: ';

const calls: {
  [K in KernelName]: (
    b: NativeBinding,
    args: KernelArgs[K],
    h: Handle,
    p: Progress,
    s: Settled<KernelResults[K]>,
  ) => Promise<KernelResults[K]> | null;
} = {
  spin: (b, [iterations], h, p, s) => b.spin(iterations, h, p, s),
  countPrimes: (b, [limit], h, p, s) => b.countPrimes(limit, h, p, s),
  sha256: (b, [data], h, p, s) => b.sha256(data, h, p, s),
  mandelbrot: (b, [options], h, p, s) => b.mandelbrot(options, h, p, s),
  matmul: (b, [a, b2, n, precision], h, p, s) => b.matmul(a, b2, n, precision === 'fast', h, p, s),
  sortFloat64: (b, [data], h, p, s) => b.sortFloat64(data, h, p, s),
  ela: (b, [jpeg, options], h, p, s) => b.ela(jpeg, options, h, p, s),
};

/**
 * Starts a kernel. With `keepAlive`, the binding's Promise (a napi deferred) holds the event
 * loop open while pending; without, completion arrives through a weak callback that does not.
 */
function start<K extends KernelName>(
  binding: NativeBinding,
  kernel: K,
  args: KernelArgs[K],
  handle: Handle,
  job: JobControl,
): Promise<KernelResults[K]> {
  const call = calls[kernel];
  if (job.keepAlive) {
    return call(binding, args, handle, job.onProgress, undefined) as Promise<KernelResults[K]>;
  }
  return new Promise((resolve, reject) => {
    call(binding, args, handle, job.onProgress, (error, value) => {
      if (error) reject(error);
      else resolve(value as KernelResults[K]);
    });
  });
}

/** Turns a rejection from the binding into spindle's error classes. */
export function fromNative(error: unknown): Error {
  if (!(error instanceof Error)) return new SpindleError(String(error), 'ERR_SPINDLE_NATIVE');
  const { code } = error as { code?: unknown };
  if (code === 'Cancelled') {
    return new CancelledError('the kernel was cancelled by shutdown()', { cause: error });
  }
  const invalidImage = invalidImageError(error);
  if (invalidImage) return invalidImage;
  const at = error.message.indexOf(PANIC_PREFIX);
  if (at >= 0) {
    return new SpindleError(error.message.slice(at + PANIC_PREFIX.length), 'ERR_SPINDLE_NATIVE_PANIC');
  }
  return new SpindleError(error.message, 'ERR_SPINDLE_NATIVE', { cause: error });
}

/** The native backend over a loaded binding. */
export function nativeBackend(binding: NativeBinding): KernelBackend {
  // Calls not yet settled, so shutdown() resolves only after each of them has rejected.
  const inFlight = new Set<Promise<unknown>>();

  return {
    name: 'native',

    async run(kernel, args, job: JobControl) {
      // The dispatch path: a handle and an abort listener only for calls that can be aborted.
      const abortable = job.signal !== NEVER_ABORTED;
      const handle = abortable ? new binding.CancelHandle() : undefined;
      const cancel = (): void => handle?.cancel();
      if (abortable) job.signal.addEventListener('abort', cancel, { once: true });
      const call = start(binding, kernel, args, handle, job);
      inFlight.add(call);
      try {
        return await call;
      } catch (error) {
        throw fromNative(error);
      } finally {
        inFlight.delete(call);
        if (abortable) job.signal.removeEventListener('abort', cancel);
      }
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

/** Test hook: a native job that panics (see `crates/napi/src/kernels/panic_for_test.rs`). */
export async function panicForTest(binding: NativeBinding, message: string): Promise<never> {
  try {
    return await binding.__panicForTest(message, new binding.CancelHandle());
  } catch (error) {
    throw fromNative(error);
  }
}
