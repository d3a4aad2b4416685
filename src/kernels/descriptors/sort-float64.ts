/** `sortFloat64`: a sorted copy, in `Float64Array.prototype.sort` order. */
import { defineKernel } from '../descriptor.js';
import { checkFloat64Array } from '../typed-arrays.js';

export const sortFloat64Kernel = defineKernel<[data: Float64Array], Float64Array>({
  arity: 1,
  normalise: ([data]) => [checkFloat64Array('data', data)],
  typedArrays: [0],
  native: (b, [data], h, p, s) => b.sortFloat64(data, h, p, s),
  twin: (t, [data], progress) => t.sortFloat64(data, progress),
});
