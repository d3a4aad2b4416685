/** The interface both kernel backends implement: native (Rust pool) and js (Tinypool twins). */
import type { KernelArgs, KernelName, KernelResults } from '../registry.js';

/**
 * A backend's name.
 *
 * @example
 * ```ts
 * await kernels.sha256('abc', { backend: 'js' });
 * ```
 */
export type BackendName = 'native' | 'js';

/** The signal of calls nobody can abort: backends skip their abort wiring for it. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** What a backend gets besides the kernel's arguments. */
export interface JobControl {
  /** Aborted when the caller aborts, or when progress reporting failed: stop the work. */
  readonly signal: AbortSignal;
  /** Raw progress fractions; `undefined` when nobody listens (then do not report at all). */
  readonly onProgress: ((fraction: number) => void) | undefined;
  /** Whether the pending call holds the process open (the default); false for `ref: false`. */
  readonly keepAlive: boolean;
}

/** One way of running kernels. */
export interface KernelBackend {
  readonly name: BackendName;
  /**
   * Runs `kernel` on already-validated `args`. Rejects with a spindle error (e.g.
   * `CancelledError` when `shutdown()` cancelled it); an abort through `job.signal` may reject
   * with anything, since the caller has already rejected with an `AbortError`.
   */
  run<K extends KernelName>(kernel: K, args: KernelArgs[K], job: JobControl): Promise<KernelResults[K]>;
  /** Threads the backend runs kernels on. */
  threads(): number;
  /** The CPU code path its kernels use (`'avx512'`, `'avx2'`, `'baseline'`, `'neon'`); native only. */
  cpu?(): string;
  /** Whether `ela`'s libjpeg-turbo runs its SIMD code (`'simd'`) or its C code (`'c'`); native only. */
  jpeg?(): 'simd' | 'c';
  /** Sets the number of threads (already validated). */
  setThreads(threads: number): void;
  /** Cancels pending work and releases every thread; later calls start afresh. */
  shutdown(): Promise<void>;
}
