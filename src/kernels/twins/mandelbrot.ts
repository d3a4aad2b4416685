/** `mandelbrot`: the twin of `crates/core/src/kernels/mandelbrot.rs`, bit for bit. */
import type { MandelbrotArgs } from '../shapes.js';
import { PROGRESS_STRIDE, type Progress } from './progress.js';

/**
 * Escape counts over a `width` × `height` grid, row-major.
 *
 * Pixel (px, py) samples c = (xMin + px·dx, yMin + py·dy) with dx = (xMax − xMin)/width and
 * dy = (yMax − yMin)/height, and iterates z ← z² + c from 0 while |z|² ≤ 4, at most
 * `maxIterations` times. Every floating-point operation is the native kernel's, in the same
 * order (JavaScript never fuses a multiply-add), so both backends give identical counts.
 */
export function mandelbrot(options: MandelbrotArgs, progress: Progress): Uint32Array {
  const { width, height, maxIterations, xMin, xMax, yMin, yMax } = options;
  const pixels = width * height;
  const out = new Uint32Array(pixels);
  const dx = (xMax - xMin) / width;
  const dy = (yMax - yMin) / height;
  // Work since the last progress call: one unit per pixel plus one per iteration.
  let work = 0;
  for (let py = 0; py < height; py++) {
    const cy = yMin + py * dy;
    const row = py * width;
    for (let px = 0; px < width; px++) {
      const cx = xMin + px * dx;
      let x = 0;
      let y = 0;
      let i = 0;
      while (i < maxIterations) {
        const x2 = x * x;
        const y2 = y * y;
        if (x2 + y2 > 4) break;
        y = 2 * x * y + cy;
        x = x2 - y2 + cx;
        i++;
      }
      out[row + px] = i;
      work += i + 1;
      if (work >= PROGRESS_STRIDE) {
        work = 0;
        progress((row + px + 1) / pixels);
      }
    }
  }
  return out;
}
