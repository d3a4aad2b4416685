/** `matmul`: the twin of `crates/core/src/kernels/matmul.rs`, bit for bit. */
import { PROGRESS_STRIDE, type Progress } from './progress.js';

/**
 * The product of two n×n row-major matrices.
 *
 * Each element starts at +0 and adds a[i][k]·b[k][j] for k = 0, 1, …, n − 1 in that order, one
 * rounding per multiply and per add (JavaScript never fuses them), exactly as the native kernel
 * does. The i-k-j loop order only changes which element is updated when, not any element's
 * sequence of operations, and it walks `b` and `c` along rows, which keeps them in cache.
 *
 * `a` and `b` are only read; each must hold n² elements (validated by the caller).
 */
export function matmul(a: Float64Array, b: Float64Array, n: number, progress: Progress): Float64Array {
  const c = new Float64Array(n * n);
  let work = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k] as number;
      const bRow = k * n;
      for (let j = 0; j < n; j++) {
        c[row + j] = (c[row + j] as number) + aik * (b[bRow + j] as number);
      }
    }
    work += n * n;
    if (work >= PROGRESS_STRIDE) {
      work = 0;
      progress((i + 1) / n);
    }
  }
  return c;
}
