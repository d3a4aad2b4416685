/** `countPrimes`: the primes below a limit. */
import { checkInteger } from '../../core/validate.js';
import { defineKernel } from '../descriptor.js';

export const countPrimesKernel = defineKernel<[limit: number], number>({
  arity: 1,
  normalise: ([limit]) => [checkInteger('limit', limit, 0, Number.MAX_SAFE_INTEGER)],
  typedArrays: [],
  native: (b, [limit], h, p, s) => b.countPrimes(limit, h, p, s),
  twin: (t, [limit], progress) => t.countPrimes(limit, progress),
});
