/**
 * Independent references for the kernels: the plainest possible implementations, written from
 * the definitions in API.md, sharing no code with spindle.
 */

/** Primes below `limit` by trial division. */
export function primesBelowByTrialDivision(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** The textbook escape-time loop over the documented sampling grid. */
export function mandelbrotReference(o: {
  width: number;
  height: number;
  maxIterations: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}): Uint32Array {
  const out = new Uint32Array(o.width * o.height);
  const dx = (o.xMax - o.xMin) / o.width;
  const dy = (o.yMax - o.yMin) / o.height;
  for (let py = 0; py < o.height; py++) {
    for (let px = 0; px < o.width; px++) {
      const cx = o.xMin + px * dx;
      const cy = o.yMin + py * dy;
      let x = 0;
      let y = 0;
      let i = 0;
      while (i < o.maxIterations) {
        const x2 = x * x;
        const y2 = y * y;
        if (x2 + y2 > 4) break;
        y = 2 * x * y + cy;
        x = x2 - y2 + cx;
        i++;
      }
      out[py * o.width + px] = i;
    }
  }
  return out;
}

/** The i-j-k triple loop, summing each element's products in ascending k from +0. */
export function matmulReference(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (a[i * n + k] as number) * (b[k * n + j] as number);
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** A small deterministic generator (xorshift32), so failures reproduce. */
export function randomFloats(length: number, seed: number, scale = 1000): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

/** Whether two float arrays hold the same bits (so −0 ≠ +0 and NaN = NaN). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      // All NaNs sort alike; their payloads may differ between sort implementations.
      if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
      return false;
    }
  }
  return true;
}

/** The backend the suite runs under (npm test runs it once per backend). */
export const suiteBackend: 'native' | 'js' = process.env.SPINDLE_BACKEND === 'js' ? 'js' : 'native';
