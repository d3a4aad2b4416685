/**
 * The shapes of the kernels' structured arguments and results, and their size limits: what a
 * descriptor's normaliser produces and its twin consumes (twins are loaded apart, in workers,
 * so what both need lives here rather than in either).
 */

/** The largest `Uint32Array` a `mandelbrot` may produce: 2^28 pixels (1 GiB). */
export const MAX_MANDELBROT_PIXELS = 2 ** 28;

/** A fully specified Mandelbrot region, as both backends receive it. */
export interface MandelbrotArgs {
  width: number;
  height: number;
  maxIterations: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The user's Mandelbrot options: size and iterations required, region defaulted.
 *
 * @example
 * ```ts
 * await kernels.mandelbrot({ width: 400, height: 300, maxIterations: 500, xMin: -0.75, xMax: -0.74, yMin: 0.1, yMax: 0.11 });
 * ```
 */
export interface MandelbrotOptions {
  /** Pixels per row (integer ≥ 0). */
  width: number;
  /** Rows (integer ≥ 0); `width * height` ≤ 2^28. */
  height: number;
  /** Iteration cap per pixel (integer in [0, 2^32 − 1]). */
  maxIterations: number;
  /** Left edge of the region (default −2). */
  xMin?: number;
  /** Right edge (default 1). */
  xMax?: number;
  /** Edge of row 0 (default −1.5). */
  yMin?: number;
  /** Edge past the last row (default 1.5). */
  yMax?: number;
}

/** The most pixels an `ela` input may have: 2^26 (e.g. 8192 × 8192), read from its header. */
export const MAX_ELA_PIXELS = 2 ** 26;

/**
 * The user's `ela` options.
 *
 * @example
 * ```ts
 * await kernels.ela(jpeg, { quality: 75, scale: 20 });
 * ```
 */
export interface ElaOptions {
  /** JPEG quality of the re-encode: an integer in [1, 100], IJG's scale (default 90). */
  quality?: number;
  /** What each difference is multiplied by in the map: a number in (0, 255] (default 15). */
  scale?: number;
}

/** `ela` options with their defaults applied, as both backends receive them. */
export interface ElaArgs {
  quality: number;
  scale: number;
}

/**
 * What `ela` resolves to; see `kernels.ela` for the exact definitions.
 *
 * @example
 * ```ts
 * const { png, width, height, maxDifference, meanDifference } = await kernels.ela(jpeg);
 * console.log(`${width}×${height}: max ${maxDifference}, mean ${meanDifference.toFixed(2)}`);
 * await writeFile('map.png', png);
 * ```
 */
export interface ElaResult {
  /** The error-level map: a PNG, 8-bit RGB, not interlaced, `width` × `height`. */
  png: Uint8Array;
  /** The image's width in pixels. */
  width: number;
  /** The image's height in pixels. */
  height: number;
  /** The largest unscaled difference of any channel of any pixel, an integer in [0, 255]. */
  maxDifference: number;
  /** The mean unscaled difference over every channel (R, G, B) of every pixel. */
  meanDifference: number;
}

/**
 * How `matmul` may round: `'exact'` (the default) is bit-identical to the naive ascending-k loop
 * without fused multiply-add; `'fast'` may fuse (see `kernels.matmul` for its error bound).
 *
 * @example
 * ```ts
 * const precision: MatmulPrecision = process.env.EXACT ? 'exact' : 'fast';
 * await kernels.matmul(a, b, n, { precision });
 * ```
 */
export type MatmulPrecision = 'exact' | 'fast';
