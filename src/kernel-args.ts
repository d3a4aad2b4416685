/**
 * The one place that checks and normalises kernel arguments, before either backend sees them,
 * so a bad input gets the same error class, code and message on both.
 */
import { invalidArgType, invalidArgValue, outOfRange } from './arg-errors.js';
import { checkFinite, checkInteger, checkOptionalChoice, checkOptions } from './validate.js';

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

const U32_MAX = 2 ** 32 - 1;

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

const PRECISIONS: readonly MatmulPrecision[] = ['exact', 'fast'];

/** Normalised arguments per kernel: exactly what each backend's implementation takes. */
export interface KernelArgs {
  spin: [iterations: number];
  countPrimes: [limit: number];
  sha256: [data: Uint8Array];
  mandelbrot: [options: MandelbrotArgs];
  /** `precision` left out means `'exact'`. */
  matmul: [a: Float64Array, b: Float64Array, n: number, precision?: MatmulPrecision];
  sortFloat64: [data: Float64Array];
  ela: [jpeg: Uint8Array, options: ElaArgs];
}

/** Each kernel's result. */
export interface KernelResults {
  spin: number;
  countPrimes: number;
  sha256: string;
  mandelbrot: Uint32Array;
  matmul: Float64Array;
  sortFloat64: Float64Array;
  ela: ElaResult;
}

/** A kernel's name. */
export type KernelName = keyof KernelArgs;

const utf8 = new TextEncoder();

/**
 * The intrinsic `%TypedArray%.prototype` getters. A subclass (or an own property) can override
 * `length`, `buffer` and `byteOffset` on an instance; these read the view's internal slots.
 */
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slot = (key: 'length' | 'buffer' | 'byteOffset'): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(typedArrayProto, key)?.get as (this: unknown) => unknown;
const realLength = slot('length');
const realBuffer = slot('buffer');
const realByteOffset = slot('byteOffset');

/**
 * A typed-array argument, checked by brand as Node's own APIs do (`util.types`): not
 * `instanceof`, which `Object.create(Float64Array.prototype)` passes and a `Proxy` of a real
 * array passes too, and both fail later, uncoded. Returns a plain view of the same memory read
 * through the internal slots, so a subclass whose `length` getter lies is measured by its real
 * length and both backends see the same elements. A detached view, or one left out of bounds by
 * a shrunk resizable buffer, reads as empty through every getter: it is refused here rather than
 * hashed or sorted as "nothing".
 */
function checkView<T extends Uint8Array | Float64Array>(
  name: string,
  value: unknown,
  type: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
  expected: string,
): T {
  const { types } = process.getBuiltinModule('node:util');
  const branded = type === (Float64Array as unknown) ? types.isFloat64Array(value) : types.isUint8Array(value);
  if (!branded) throw invalidArgType(name, expected, value);
  const length = realLength.call(value) as number;
  const buffer = realBuffer.call(value) as ArrayBufferLike;
  if (length === 0) {
    // Only an empty reading is ambiguous: constructing from a view refuses a detached or
    // out-of-bounds one (V8 says "detached" for both).
    try {
      new Uint8Array(value as Uint8Array);
    } catch {
      const resizable = buffer instanceof ArrayBuffer && (buffer as { resizable?: boolean }).resizable === true;
      throw invalidArgValue(name, value, resizable ? 'is out of bounds of its resized ArrayBuffer' : 'is detached');
    }
  }
  return new type(buffer, realByteOffset.call(value) as number, length);
}

function checkFloat64Array(name: string, value: unknown): Float64Array {
  return checkView(name, value, Float64Array, 'an instance of Float64Array');
}

/** Checks and normalises each kernel's raw arguments (everything before `options`). */
export const normaliseArgs: { [K in KernelName]: (raw: readonly unknown[]) => KernelArgs[K] } = {
  spin: ([iterations]) => [checkInteger('iterations', iterations, 0, Number.MAX_SAFE_INTEGER)],

  countPrimes: ([limit]) => [checkInteger('limit', limit, 0, Number.MAX_SAFE_INTEGER)],

  sha256: ([data]) => {
    // Strings hash as UTF-8, lone surrogates as U+FFFD, exactly as node:crypto's update().
    if (typeof data === 'string') return [utf8.encode(data)];
    return [checkView('data', data, Uint8Array, 'of type string or an instance of Uint8Array')];
  },

  mandelbrot: ([raw]) => {
    if (raw === undefined) throw invalidArgType('options', 'of type object', raw);
    const o = checkOptions<MandelbrotOptions>('options', raw);
    const width = checkInteger('options.width', o.width, 0, U32_MAX);
    const height = checkInteger('options.height', o.height, 0, U32_MAX);
    if (width * height > MAX_MANDELBROT_PIXELS) {
      throw outOfRange('options.width * options.height', `<= ${MAX_MANDELBROT_PIXELS}`, width * height);
    }
    return [
      {
        width,
        height,
        maxIterations: checkInteger('options.maxIterations', o.maxIterations, 0, U32_MAX),
        xMin: checkFinite('options.xMin', o.xMin === undefined ? -2 : o.xMin),
        xMax: checkFinite('options.xMax', o.xMax === undefined ? 1 : o.xMax),
        yMin: checkFinite('options.yMin', o.yMin === undefined ? -1.5 : o.yMin),
        yMax: checkFinite('options.yMax', o.yMax === undefined ? 1.5 : o.yMax),
      },
    ];
  },

  // The fourth raw argument is the call's options (already checked to be an object or
  // undefined by runKernel), for its `precision`.
  matmul: ([a, b, n, options]) => {
    const raw = (options as { precision?: unknown } | undefined)?.precision;
    const precision = checkOptionalChoice('options.precision', raw, PRECISIONS) ?? 'exact';
    const left = checkFloat64Array('a', a);
    const right = checkFloat64Array('b', b);
    const size = checkInteger('n', n, 0, Number.MAX_SAFE_INTEGER);
    // Checked before anything is allocated: a huge n can only match arrays that exist already.
    if (left.length !== size * size) throw outOfRange('a.length', `n * n = ${size * size}`, left.length);
    if (right.length !== size * size) throw outOfRange('b.length', `n * n = ${size * size}`, right.length);
    return [left, right, size, precision];
  },

  sortFloat64: ([data]) => [checkFloat64Array('data', data)],

  ela: ([jpeg, raw]) => {
    const bytes = checkView('jpeg', jpeg, Uint8Array, 'an instance of Uint8Array');
    const o = checkOptions<ElaOptions>('options', raw);
    const quality = checkInteger('options.quality', o.quality === undefined ? 90 : o.quality, 1, 100);
    const scale = checkFinite('options.scale', o.scale === undefined ? 15 : o.scale);
    if (!(scale > 0 && scale <= 255)) throw outOfRange('options.scale', '> 0 && <= 255', scale);
    return [bytes, { quality, scale }];
  },
};
