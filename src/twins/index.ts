/**
 * The TypeScript twins of the native kernels: pure functions of the normalised arguments
 * (never mutating them) plus a progress callback, with the same results as the Rust kernels.
 * The js backend runs them on Tinypool worker threads (see `src/entry/kernel-worker.ts`).
 */
import type { KernelArgs, KernelName, KernelResults } from '../kernel-args.js';
import { countPrimes } from './count-primes.js';
import { ela } from './ela.js';
import { mandelbrot } from './mandelbrot.js';
import { matmul } from './matmul.js';
import type { Progress } from './progress.js';
import { sha256 } from './sha256.js';
import { sortFloat64 } from './sort-float64.js';
import { spin } from './spin.js';

export { noProgress, type Progress } from './progress.js';
export { countPrimes, ela, mandelbrot, matmul, sha256, sortFloat64, spin };

/** Each kernel's twin, called with its normalised arguments. */
export const twins: { [K in KernelName]: (args: KernelArgs[K], progress: Progress) => KernelResults[K] } = {
  spin: ([iterations], progress) => spin(iterations, progress),
  countPrimes: ([limit], progress) => countPrimes(limit, progress),
  sha256: ([data], progress) => sha256(data, progress),
  mandelbrot: ([options], progress) => mandelbrot(options, progress),
  matmul: ([a, b, n], progress) => matmul(a, b, n, progress),
  sortFloat64: ([data], progress) => sortFloat64(data, progress),
  ela: ([jpeg, options], progress) => ela(jpeg, options, progress),
};
