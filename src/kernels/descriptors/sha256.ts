/** `sha256`: the digest of bytes or a string (hashed as UTF-8). */
import { defineKernel } from '../descriptor.js';
import { checkView } from '../typed-arrays.js';

const utf8 = new TextEncoder();

export const sha256Kernel = defineKernel<[data: Uint8Array], string>({
  arity: 1,
  normalise: ([data]) => {
    // Strings hash as UTF-8, lone surrogates as U+FFFD, exactly as node:crypto's update().
    if (typeof data === 'string') return [utf8.encode(data)];
    return [checkView('data', data, Uint8Array, 'of type string or an instance of Uint8Array')];
  },
  typedArrays: [0],
  native: (b, [data], h, p, s) => b.sha256(data, h, p, s),
  twin: (t, [data], progress) => t.sha256(data, progress),
});
