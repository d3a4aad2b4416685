/** Kernels on spindle's own Rust thread pool, through the napi-rs binding. */
import { CancelledError, SpindleError } from '../errors.js';
import type { KernelArgs, KernelName, KernelResults } from '../kernel-args.js';
import type { NativeBinding } from './native-binding.js';
import type { JobControl, KernelBackend } from './types.js';

type Handle = InstanceType<NativeBinding['CancelHandle']>;
type Progress = ((fraction: number) => void) | undefined;

/** Keep in sync with `crates/napi/src/errors.rs`. */
const PANIC_PREFIX = 'ERR_SPINDLE_NATIVE_PANIC: ';

const calls: {
  [K in KernelName]: (b: NativeBinding, args: KernelArgs[K], h: Handle, p: Progress) => Promise<KernelResults[K]>;
} = {
  spin: (b, [iterations], h, p) => b.spin(iterations, h, p),
  countPrimes: (b, [limit], h, p) => b.countPrimes(limit, h, p),
  sha256: (b, [data], h, p) => b.sha256(data, h, p),
  mandelbrot: (b, [options], h, p) => b.mandelbrot(options, h, p),
  matmul: (b, [a, b2, n], h, p) => b.matmul(a, b2, n, h, p),
  sortFloat64: (b, [data], h, p) => b.sortFloat64(data, h, p),
};

/** Turns a rejection from the binding into spindle's error classes. */
export function fromNative(error: unknown): Error {
  if (!(error instanceof Error)) return new SpindleError(String(error), 'ERR_SPINDLE_NATIVE');
  const { code } = error as { code?: unknown };
  if (code === 'Cancelled') {
    return new CancelledError('the kernel was cancelled by shutdown()', { cause: error });
  }
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
      const handle = new binding.CancelHandle();
      const cancel = (): void => handle.cancel();
      job.signal.addEventListener('abort', cancel, { once: true });
      const call = calls[kernel](binding, args, handle, job.onProgress);
      inFlight.add(call);
      try {
        return await call;
      } catch (error) {
        throw fromNative(error);
      } finally {
        inFlight.delete(call);
        job.signal.removeEventListener('abort', cancel);
      }
    },

    threads: () => binding.poolInfo().threads,

    setThreads: (threads) => binding.setThreads(threads),

    async shutdown() {
      const pending = [...inFlight];
      await binding.shutdown();
      await Promise.allSettled(pending);
      // One macrotask turn: the callers' own rejection handlers (microtasks) run before
      // shutdown() resolves, so "pending work was cancelled" is observable in order.
      await new Promise((resolve) => setImmediate(resolve));
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
