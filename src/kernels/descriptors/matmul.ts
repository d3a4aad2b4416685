/** `matmul`: the product of two n×n row-major matrices. */
import { checkInteger, checkOptionalChoice, outOfRange } from '../../core/validate.js';
import { defineKernel } from '../descriptor.js';
import type { MatmulPrecision } from '../shapes.js';
import { checkFloat64Array } from '../typed-arrays.js';

const PRECISIONS: readonly MatmulPrecision[] = ['exact', 'fast'];

/** `precision` left out means `'exact'`. */
export const matmulKernel = defineKernel<
  [a: Float64Array, b: Float64Array, n: number, precision?: MatmulPrecision],
  Float64Array
>({
  arity: 3,
  // The fourth raw argument is the call's options, for its `precision`.
  normalise: ([a, b, n, options]) => {
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
  typedArrays: [0, 1],
  native: (b, [a, b2, n, precision], h, p, s) => b.matmul(a, b2, n, precision === 'fast', h, p, s),
  // The twin is exact in either mode (see `MatmulOptions.precision`).
  twin: (t, [a, b, n], progress) => t.matmul(a, b, n, progress),
});
