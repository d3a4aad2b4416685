/**
 * `matmul`'s precision modes on both backends: `'exact'` (the default) equals the naive
 * ascending-k loop bit for bit (NaN payloads aside) on whatever CPU path the process uses (run
 * under `SPINDLE_CPU=baseline|avx2|avx512` to check each); `'fast'` stays within the bound its
 * TSDoc states; any other precision is refused before work starts.
 */
import test from 'ava';
import { kernels } from 'spindle';
import { matmulReference, randomFloats, sameBits } from '../helpers/reference.js';

const BACKENDS = ['native', 'js'] as const;

/** Matrices with ±0, huge and tiny magnitudes, infinities and a NaN mixed into random values. */
function special(n: number, seed: number): Float64Array {
  const m = randomFloats(n * n, seed);
  for (let i = 0; i < m.length; i++) {
    if (i % 7 === 3) m[i] = -0;
    if (i % 11 === 5) m[i] = 0;
    if (i % 13 === 4) m[i] = (m[i] as number) * 1e280;
    if (i % 17 === 6) m[i] = (m[i] as number) * 1e-300;
  }
  if (n > 2) {
    m[n + 1] = Infinity;
    m[2 * n - 1] = -Infinity;
    m[n * n - 2] = Number.NaN;
  }
  return m;
}

/** The bound of `MatmulOptions.precision: 'fast'`, for element (i, j). */
function fastBound(a: Float64Array, b: Float64Array, n: number, i: number, j: number): number {
  let magnitude = 0;
  for (let k = 0; k < n; k++) magnitude += Math.abs((a[i * n + k] as number) * (b[k * n + j] as number));
  const ne = n * Number.EPSILON;
  // The sum of magnitudes is itself rounded (relatively by at most n·ε/2): allow for that.
  return ((ne * magnitude) / (1 - ne / 2)) * (1 + ne);
}

for (const backend of BACKENDS) {
  test(`${backend}: exact matmul equals the naive loop bit for bit, by default and when asked`, async (t) => {
    const sizes = [1, 2, 3, 5, 6, 7, 8, 9, 13, 31, 32, 33, 47, 64, 65, 97, 130];
    for (const n of sizes) {
      const a = randomFloats(n * n, 3 + n);
      const b = randomFloats(n * n, 71 + n);
      const expected = matmulReference(a, b, n);
      t.true(sameBits(await kernels.matmul(a, b, n, { backend }), expected), `n = ${n}`);
      t.true(sameBits(await kernels.matmul(a, b, n, { backend, precision: 'exact' }), expected), `n = ${n}`);
    }
  });

  test(`${backend}: exact matmul keeps ±0, NaN, infinities and extreme magnitudes exact`, async (t) => {
    for (const n of [1, 4, 7, 19, 40]) {
      const a = special(n, 5 + n);
      const b = special(n, 9 + n);
      t.true(sameBits(await kernels.matmul(a, b, n, { backend }), matmulReference(a, b, n)), `n = ${n}`);
    }
    // +0 + (−0·1) is +0: sums start from +0.
    const negZero = await kernels.matmul(Float64Array.of(-0), Float64Array.of(1), 1, { backend });
    t.true(Object.is(negZero[0], 0));
  });

  test(`${backend}: fast matmul stays within its documented error bound`, async (t) => {
    for (const n of [1, 3, 8, 33, 100, 352]) {
      const a = randomFloats(n * n, 17 + n);
      const b = randomFloats(n * n, 29 + n);
      const exact = matmulReference(a, b, n);
      const fast = await kernels.matmul(a, b, n, { backend, precision: 'fast' });
      t.is(fast.length, n * n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const error = Math.abs((fast[i * n + j] as number) - (exact[i * n + j] as number));
          worst = Math.max(worst, error / fastBound(a, b, n, i, j));
        }
      }
      t.true(worst <= 1, `n = ${n}: an error reaches ${worst} of the bound`);
    }
  });

  test(`${backend}: a precision other than 'exact' or 'fast' is a TypeError before any work`, async (t) => {
    const m = new Float64Array([1, 2, 3, 4]);
    for (const precision of ['FAST', 'double', '', 1, null, true, {}]) {
      await t.throwsAsync(kernels.matmul(m, m, 2, { backend, precision: precision as never }), {
        instanceOf: TypeError,
        code: 'ERR_INVALID_ARG_VALUE',
        message: /options\.precision/,
      });
    }
    // Undefined means the default.
    t.deepEqual([...(await kernels.matmul(m, m, 2, { backend, precision: undefined as never }))], [7, 10, 15, 22]);
  });
}

test('the js twin is exact in fast mode too', async (t) => {
  const n = 45;
  const a = randomFloats(n * n, 1);
  const b = randomFloats(n * n, 2);
  t.true(sameBits(await kernels.matmul(a, b, n, { backend: 'js', precision: 'fast' }), matmulReference(a, b, n)));
});

test('small-integer products are exact in fast mode on native too', async (t) => {
  // Every product and partial sum is an exactly representable integer, so fusing changes nothing.
  const n = 67;
  const a = Float64Array.from({ length: n * n }, (_, i) => ((i * 7) % 19) - 9);
  const b = Float64Array.from({ length: n * n }, (_, i) => ((i * 5) % 23) - 11);
  t.true(sameBits(await kernels.matmul(a, b, n, { precision: 'fast' }), matmulReference(a, b, n)));
});
