/**
 * The CPU kernels: each runs on spindle's native Rust thread pool (or its TypeScript twin on
 * worker threads under the js backend), truly in parallel, never blocking the event loop. Each
 * is also a valid `target` for `Thread`, `Timer`, `Process`, `Pool` and `Scheduler` actions.
 */

import { descriptor, type KernelName, type KernelResults } from './registry.js';
import { type KernelOptions, runKernel } from './run.js';
import type { ElaOptions, ElaResult, MandelbrotOptions, MatmulPrecision } from './shapes.js';

/** Documented on `kernels.spin`. */
function spin(iterations: number, options?: KernelOptions): Promise<number> {
  return runKernel('spin', [iterations], options);
}

/** Documented on `kernels.countPrimes`. */
function countPrimes(limit: number, options?: KernelOptions): Promise<number> {
  return runKernel('countPrimes', [limit], options);
}

/** Documented on `kernels.sha256`. */
function sha256(data: Uint8Array | string, options?: KernelOptions): Promise<string> {
  return runKernel('sha256', [data], options);
}

/** Documented on `kernels.mandelbrot`. */
function mandelbrot(region: MandelbrotOptions, options?: KernelOptions): Promise<Uint32Array> {
  return runKernel('mandelbrot', [region], options);
}

/**
 * `matmul`'s options: those of every kernel, and how it may round.
 *
 * @example
 * ```ts
 * const options: MatmulOptions = { precision: 'fast', signal: AbortSignal.timeout(5000) };
 * const c = await kernels.matmul(a, b, 1024, options); // FMA where the CPU has it
 * ```
 */
export interface MatmulOptions extends KernelOptions {
  /**
   * `'exact'` (default): bit-identical to the naive loop, every element summed from +0 in
   * ascending k with a rounded multiply and a rounded add per term, on both backends and every
   * CPU path. `'fast'`: the native backend may use fused multiply-adds (where the CPU has them),
   * about 1.5× faster; each element then differs from the exact one by at most
   * `n·ε·Σₖ|a[i][k]·b[k][j]| / (1 − n·ε/2)` with `ε = 2⁻⁵²` (`Number.EPSILON`), while no product
   * or partial sum overflows or is subnormal. The js backend's twin stays exact in either mode.
   * Any other value is a `TypeError` (`ERR_INVALID_ARG_VALUE`).
   */
  precision?: MatmulPrecision;
}

/**
 * The product of two n×n row-major matrices. By default each element sums its products in
 * ascending order without fused multiply-add, so both backends give bit-identical results (NaN
 * payloads aside); `{ precision: 'fast' }` trades that for speed within a stated bound (see
 * `MatmulOptions.precision`). Like `sha256`, reads `a` and `b` in place when they live in a
 * `SharedArrayBuffer`, and copies them otherwise.
 */
function matmul(a: Float64Array, b: Float64Array, n: number, options?: MatmulOptions): Promise<Float64Array> {
  return runKernel('matmul', [a, b, n, options], options);
}

/** Documented on `kernels.sortFloat64`. */
function sortFloat64(data: Float64Array, options?: KernelOptions): Promise<Float64Array> {
  return runKernel('sortFloat64', [data], options);
}

/** Documented on `kernels.ela`. */
function ela(jpeg: Uint8Array, settings?: ElaOptions, options?: KernelOptions): Promise<ElaResult> {
  return runKernel('ela', [jpeg, settings], options);
}

/**
 * The CPU kernels. Each returns a Promise and takes, last, optional {@link KernelOptions}; each is
 * also a `target` for `Thread`, `Timer`, `Process`, `Pool` and `Scheduler` actions.
 *
 * @example
 * ```ts
 * import { kernels, Thread } from 'spindle';
 *
 * console.log(await kernels.countPrimes(1e7)); // 664579, on every core
 * const t = new Thread({ target: kernels.sha256, args: ['abc'] });
 * t.start();
 * await t.join();
 * t.result; // the digest
 * ```
 * @namespace
 */
export const kernels = Object.freeze({
  /**
   * Python's `for i in range(iterations): pass`, kept honest: every iteration is a real step the
   * optimiser cannot delete. Resolves to the number of iterations done.
   * @param iterations An integer in [0, 2^53 − 1].
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * await kernels.spin(10_000_000); // 10000000: the seed's `for i in range(10000000): pass`
   * ```
   */
  spin,
  /**
   * The number of primes below `limit` (a parallel segmented sieve): `countPrimes(1e7)` is 664 579.
   * @param limit An integer in [0, 2^53 − 1].
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * await kernels.countPrimes(1e7); // 664579
   * await kernels.countPrimes(1e9, { onProgress: (f) => console.log(`${Math.round(f * 100)} %`) });
   * ```
   */
  countPrimes,
  /**
   * The SHA-256 digest of `data` as lowercase hex, equal to `node:crypto`'s. Strings are hashed as
   * UTF-8.
   *
   * Bytes in an ordinary `ArrayBuffer` (a `Buffer`, say) are copied on the calling thread before
   * the call returns, since JavaScript could detach the buffer afterwards; natively the copy goes
   * in chunks to a job that hashes each as it lands, so the copy and the hash overlap, but the
   * calling thread is held for the copy (about 0.5 ms per MiB). Bytes in a `SharedArrayBuffer` are
   * read in place on both backends: put large inputs there to skip the copy (and do not write to
   * them until the Promise settles).
   *
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * await kernels.sha256('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
   * await kernels.sha256(await readFile('big.iso'));
   * ```
   */
  sha256,
  /**
   * Escape counts of the Mandelbrot set over a `width` × `height` grid, row-major. Pixel
   * (px, py) samples c = (xMin + px·(xMax − xMin)/width, yMin + py·(yMax − yMin)/height).
   *
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * const counts = await kernels.mandelbrot({ width: 800, height: 600, maxIterations: 1000 });
   * counts.length; // 480000, row-major; a point inside the set counts maxIterations
   * ```
   */
  mandelbrot,
  /**
   * The product of two n×n row-major matrices. By default (`precision: 'exact'`) each element
   * sums its products in ascending order without fused multiply-add, so both backends and every
   * CPU path give bit-identical results; `{ precision: 'fast' }` lets the native backend use FMA
   * within the bound `MatmulOptions.precision` states. Like `sha256`, reads `a` and `b` in place
   * when they live in a `SharedArrayBuffer`, and copies them otherwise.
   *
   * @param options Abort signal, progress callback, backend for this call, `ref`, `precision`.
   * @example
   * ```ts
   * const a = Float64Array.of(1, 2, 3, 4); // [[1, 2], [3, 4]]
   * const b = Float64Array.of(5, 6, 7, 8); // [[5, 6], [7, 8]]
   * await kernels.matmul(a, b, 2); // Float64Array [19, 22, 43, 50]
   * await kernels.matmul(big, big, 1024, { precision: 'fast' }); // FMA, within the stated bound
   * ```
   */
  matmul,
  /**
   * A new sorted copy of `data` in `Float64Array.prototype.sort` order (−0 before +0, NaN last);
   * `data` is left untouched.
   *
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * await kernels.sortFloat64(Float64Array.of(3, NaN, -0, 0, -1)); // Float64Array [-1, -0, 0, 3, NaN]
   * ```
   */
  sortFloat64,
  /**
   * Error Level Analysis (ELA) of a JPEG, the Python seed's `ela`: decode `jpeg`, save it again as
   * a JPEG at `quality`, decode that, and take the absolute difference of every channel of every
   * pixel. Regions pasted in (or saved a different number of times, or at another quality) settle
   * differently from the rest of the image and stand out in the map.
   *
   * - `png`: the map, an 8-bit RGB, non-interlaced PNG of `width` × `height`; each sample is
   *   `min(255, round(difference × scale))` (halves round up).
   * - `maxDifference`: the largest unscaled difference, `max |original − resaved|` over the R, G
   *   and B samples of every pixel: an integer in [0, 255].
   * - `meanDifference`: the mean unscaled difference: the sum of `|original − resaved|` over the R,
   *   G and B samples of every pixel, divided by `3 × width × height`.
   *
   * The native backend runs libjpeg-turbo's own codec at libjpeg's defaults (accurate integer DCT,
   * Annex K tables scaled by IJG's quality formula, 4:2:0 chroma — grayscale for grayscale inputs
   * —, fancy upsampling): its map equals Pillow's `ImageChops.difference(im, resaved)` after
   * `im.save(resaved, 'JPEG', quality=quality)`, bit for bit. The js backend's twin uses the
   * pure-JavaScript jpeg-js codec (float DCT, no chroma subsampling, no fancy upsampling), so its
   * results only approximate those. On a photo saved by a libjpeg-compatible encoder and analysed
   * at a quality of 50 to 95, the twin gives the same `width`, `height` and PNG format,
   * `meanDifference` within a factor of 3 of the native one, `maxDifference` within 12, and
   * unscaled maps within 2.5 levels per sample on average (tested in `__test__/kernels/ela.spec.ts`). On
   * an image jpeg-js itself saved at the analysed quality, the twin reports far less error than
   * native does — ELA measures the distance to its own encoder's fixed point. The twin decodes
   * baseline and progressive Huffman-coded JPEGs only (native also decodes arithmetic-coded and
   * lossless ones).
   *
   * Rejects with a `SpindleError` of code `ERR_SPINDLE_INVALID_IMAGE` when `jpeg` is not a JPEG the
   * kernel can decode: not a JPEG, truncated or corrupt (libjpeg's warnings count), CMYK/YCCK, more
   * than 8 bits per sample, more than 500 progressive scans, or larger than 2^26 pixels (refused
   * from the header, before anything is allocated). A `quality` that is not an integer in
   * [1, 100] or a `scale` outside (0, 255] is a `RangeError` (`ERR_OUT_OF_RANGE`) before any work.
   * Do not modify `jpeg` until the Promise settles.
   *
   * @param settings `quality` of the re-save (default 90) and `scale` of the map (default 15).
   * @param options Abort signal, progress callback, backend for this call, `ref`.
   * @example
   * ```ts
   * const { png, maxDifference, meanDifference } = await kernels.ela(await readFile('photo.jpg'), { quality: 90 });
   * await writeFile('photo.ela.png', png);
   * ```
   */
  ela,
} satisfies { [K in KernelName]: (...args: never[]) => Promise<KernelResults[K]> });

/** Each public kernel function's name. */
const names = new Map<unknown, KernelName>(Object.entries(kernels).map(([name, fn]) => [fn, name as KernelName]));

/** Whether `fn` is one of spindle's kernels (so a `target` can treat it as one). */
export function isKernel(fn: unknown): boolean {
  return names.has(fn);
}

/** The kernel's name, so a child process can find the same kernel in its own copy of spindle. */
export function kernelNameOf(fn: unknown): KernelFunctionName | undefined {
  return names.get(fn);
}

/**
 * A kernel's arguments with `ref: false` added to its options (creating them if absent), so the
 * call does not keep the process alive; options of the wrong type are left for validation.
 */
export function unrefKernelArgs(fn: unknown, args: readonly unknown[]): unknown[] {
  const name = names.get(fn);
  if (name === undefined) return [...args];
  const n = descriptor(name).arity;
  const options = args[n];
  if (options !== undefined && (options === null || typeof options !== 'object')) return [...args];
  return [...args.slice(0, n), ...Array(Math.max(0, n - args.length)).fill(undefined), { ...options, ref: false }];
}

/**
 * The kernels' names.
 *
 * @example
 * ```ts
 * const name: KernelFunctionName = 'countPrimes';
 * await kernels[name](1000); // 168
 * ```
 */
export type KernelFunctionName = keyof typeof kernels;

export type { ElaOptions, ElaResult, KernelOptions, MandelbrotOptions, MatmulPrecision };
