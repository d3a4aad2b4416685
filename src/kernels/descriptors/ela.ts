/** `ela`: Error Level Analysis of a JPEG. */
import { checkFinite, checkInteger, checkOptions, outOfRange } from '../../core/validate.js';
import { defineKernel } from '../descriptor.js';
import type { ElaArgs, ElaOptions, ElaResult } from '../shapes.js';
import { checkView } from '../typed-arrays.js';

export const elaKernel = defineKernel<[jpeg: Uint8Array, options: ElaArgs], ElaResult>({
  arity: 2,
  normalise: ([jpeg, raw]) => {
    const bytes = checkView('jpeg', jpeg, Uint8Array, 'an instance of Uint8Array');
    const o = checkOptions<ElaOptions>('options', raw);
    const quality = checkInteger('options.quality', o.quality === undefined ? 90 : o.quality, 1, 100);
    const scale = checkFinite('options.scale', o.scale === undefined ? 15 : o.scale);
    if (!(scale > 0 && scale <= 255)) throw outOfRange('options.scale', '> 0 && <= 255', scale);
    return [bytes, { quality, scale }];
  },
  typedArrays: [0],
  native: (b, [jpeg, options], h, p, s) => b.ela(jpeg, options, h, p, s),
  twin: (t, [jpeg, options], progress) => t.ela(jpeg, options, progress),
});
