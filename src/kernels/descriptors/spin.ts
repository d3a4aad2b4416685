/** `spin`: Python's `for i in range(iterations): pass`, kept honest. */
import { checkInteger } from '../../core/validate.js';
import { defineKernel } from '../descriptor.js';

export const spinKernel = defineKernel<[iterations: number], number>({
  arity: 1,
  normalise: ([iterations]) => [checkInteger('iterations', iterations, 0, Number.MAX_SAFE_INTEGER)],
  typedArrays: [],
  native: (b, [iterations], h, p, s) => b.spin(iterations, h, p, s),
  twin: (t, [iterations], progress) => t.spin(iterations, progress),
});
