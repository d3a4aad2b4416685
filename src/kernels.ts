/**
 * The CPU kernels: each runs on spindle's native Rust thread pool (or its TypeScript twin on
 * worker threads under the js backend), truly in parallel, never blocking the event loop. Each
 * is also a valid `target` for `Thread`, `Timer`, `Process`, `Pool` and `Scheduler` actions.
 */
import type { MandelbrotOptions } from './kernel-args.js';
import { type KernelOptions, runKernel } from './run-kernel.js';

/**
 * Python's `for i in range(iterations): pass`, kept honest: every iteration is a real step the
 * optimiser cannot delete. Resolves to the number of iterations done.
 * @param iterations An integer in [0, 2^53 − 1].
 */
function spin(iterations: number, options?: KernelOptions): Promise<number> {
  return runKernel('spin', [iterations], options);
}

/**
 * The number of primes below `limit` (a parallel segmented sieve): `countPrimes(1e7)` is 664 579.
 * @param limit An integer in [0, 2^53 − 1].
 */
function countPrimes(limit: number, options?: KernelOptions): Promise<number> {
  return runKernel('countPrimes', [limit], options);
}

/**
 * The SHA-256 digest of `data` as lowercase hex, equal to `node:crypto`'s. Strings are hashed as
 * UTF-8. Do not modify `data` until the Promise settles.
 */
function sha256(data: Uint8Array | string, options?: KernelOptions): Promise<string> {
  return runKernel('sha256', [data], options);
}

/**
 * Escape counts of the Mandelbrot set over a `width` × `height` grid, row-major. Pixel
 * (px, py) samples c = (xMin + px·(xMax − xMin)/width, yMin + py·(yMax − yMin)/height).
 */
function mandelbrot(region: MandelbrotOptions, options?: KernelOptions): Promise<Uint32Array> {
  return runKernel('mandelbrot', [region], options);
}

/**
 * The product of two n×n row-major matrices. Each element sums its products in ascending order
 * without fused multiply-add, so both backends give bit-identical results.
 */
function matmul(a: Float64Array, b: Float64Array, n: number, options?: KernelOptions): Promise<Float64Array> {
  return runKernel('matmul', [a, b, n], options);
}

/**
 * A new sorted copy of `data` in `Float64Array.prototype.sort` order (−0 before +0, NaN last);
 * `data` is left untouched.
 */
function sortFloat64(data: Float64Array, options?: KernelOptions): Promise<Float64Array> {
  return runKernel('sortFloat64', [data], options);
}

/** The CPU kernels. */
export const kernels = Object.freeze({ spin, countPrimes, sha256, mandelbrot, matmul, sortFloat64 });

/** How many arguments each kernel takes before its options object. */
const arity = new Map<unknown, number>([
  [spin, 1],
  [countPrimes, 1],
  [sha256, 1],
  [mandelbrot, 1],
  [matmul, 3],
  [sortFloat64, 1],
]);

/** Whether `fn` is one of spindle's kernels (so a `target` can treat it as one). */
export function isKernel(fn: unknown): boolean {
  return arity.has(fn);
}

/** The kernel's name, so a child process can find the same kernel in its own copy of spindle. */
export function kernelNameOf(fn: unknown): KernelFunctionName | undefined {
  for (const [name, kernel] of Object.entries(kernels)) if (kernel === fn) return name as KernelFunctionName;
  return undefined;
}

/**
 * A kernel's arguments with `ref: false` added to its options (creating them if absent), so the
 * call does not keep the process alive; options of the wrong type are left for validation.
 */
export function unrefKernelArgs(fn: unknown, args: readonly unknown[]): unknown[] {
  const n = arity.get(fn);
  if (n === undefined) return [...args];
  const options = args[n];
  if (options !== undefined && (options === null || typeof options !== 'object')) return [...args];
  return [...args.slice(0, n), ...Array(Math.max(0, n - args.length)).fill(undefined), { ...options, ref: false }];
}

/** The kernels' names. */
export type KernelFunctionName = keyof typeof kernels;

export type { KernelOptions, MandelbrotOptions };
