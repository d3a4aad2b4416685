/** `mandelbrot`: escape counts over a grid. */
import { checkFinite, checkInteger, checkOptions, invalidArgType, outOfRange } from '../../core/validate.js';
import { defineKernel } from '../descriptor.js';
import { MAX_MANDELBROT_PIXELS, type MandelbrotArgs, type MandelbrotOptions } from '../shapes.js';

const U32_MAX = 2 ** 32 - 1;

export const mandelbrotKernel = defineKernel<[options: MandelbrotArgs], Uint32Array>({
  arity: 1,
  normalise: ([raw]) => {
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
  typedArrays: [],
  native: (b, [options], h, p, s) => b.mandelbrot(options, h, p, s),
  twin: (t, [options], progress) => t.mandelbrot(options, progress),
});
