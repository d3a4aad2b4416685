import test from 'ava';
import { kernels } from 'spindle';

type Expectation = { instanceOf: typeof TypeError | typeof RangeError; code: string };
const type: Expectation = { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' };
const range: Expectation = { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' };
const value: Expectation = { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' };

// `as never` lets the tests pass what TypeScript users could not, as JavaScript users can.
const bad = (v: unknown): never => v as never;
const f64 = (n: number): Float64Array => new Float64Array(n);

const cases: [string, () => Promise<unknown>, Expectation][] = [
  ['spin(-1)', () => kernels.spin(-1), range],
  ['spin(1.5)', () => kernels.spin(1.5), range],
  ['spin(NaN)', () => kernels.spin(Number.NaN), range],
  ['spin(2 ** 53)', () => kernels.spin(2 ** 53), range],
  ["spin('10')", () => kernels.spin(bad('10')), type],
  ['spin(10n)', () => kernels.spin(bad(10n)), type],
  ['countPrimes(-5)', () => kernels.countPrimes(-5), range],
  ['countPrimes(Infinity)', () => kernels.countPrimes(Number.POSITIVE_INFINITY), range],
  ['countPrimes(null)', () => kernels.countPrimes(bad(null)), type],
  ['sha256(42)', () => kernels.sha256(bad(42)), type],
  ['sha256(Float64Array)', () => kernels.sha256(bad(f64(3))), type],
  ['sha256(ArrayBuffer)', () => kernels.sha256(bad(new ArrayBuffer(4))), type],
  ['mandelbrot()', () => kernels.mandelbrot(bad(undefined)), type],
  ['mandelbrot(null)', () => kernels.mandelbrot(bad(null)), type],
  ['mandelbrot width -1', () => kernels.mandelbrot({ width: -1, height: 2, maxIterations: 3 }), range],
  ['mandelbrot width missing', () => kernels.mandelbrot(bad({ height: 2, maxIterations: 3 })), type],
  ['mandelbrot maxIterations 2^32', () => kernels.mandelbrot({ width: 1, height: 1, maxIterations: 2 ** 32 }), range],
  ['mandelbrot xMin NaN', () => kernels.mandelbrot({ width: 1, height: 1, maxIterations: 3, xMin: Number.NaN }), range],
  ["mandelbrot yMax '1'", () => kernels.mandelbrot(bad({ width: 1, height: 1, maxIterations: 3, yMax: '1' })), type],
  ['mandelbrot 10^5 × 10^5 pixels', () => kernels.mandelbrot({ width: 1e5, height: 1e5, maxIterations: 1 }), range],
  ['matmul(n = 10^6)', () => kernels.matmul(f64(4), f64(4), 1e6), range],
  ['matmul with a short b', () => kernels.matmul(f64(9), f64(8), 3), range],
  ['matmul with n = 1.5', () => kernels.matmul(f64(1), f64(1), 1.5), range],
  ['matmul with an array', () => kernels.matmul(bad([1, 2, 3, 4]), f64(4), 2), type],
  ['matmul with a Float32Array', () => kernels.matmul(f64(4), bad(new Float32Array(4)), 2), type],
  ['sortFloat64([3, 1])', () => kernels.sortFloat64(bad([3, 1])), type],
  ['options not an object', () => kernels.spin(1, bad('fast')), type],
  ['options.signal not a signal', () => kernels.spin(1, bad({ signal: {} })), type],
  ['options.onProgress not a function', () => kernels.spin(1, bad({ onProgress: 1 })), type],
  ["options.backend 'gpu'", () => kernels.spin(1, bad({ backend: 'gpu' })), value],
  ["options.ref 'no'", () => kernels.spin(1, bad({ ref: 'no' })), type],
];

for (const [name, call, expected] of cases) {
  test(`${name} rejects with ${expected.instanceOf.name} ${expected.code}`, async (t) => {
    const error = await t.throwsAsync(call(), { instanceOf: expected.instanceOf });
    t.is((error as Error & { code?: string }).code, expected.code);
    t.regex(error?.message ?? '', /^The /);
  });
}

test('bad arguments reject rather than throw synchronously', (t) => {
  let promise: Promise<unknown> | undefined;
  t.notThrows(() => {
    promise = kernels.spin(-1);
  });
  t.true(promise instanceof Promise);
  return t.throwsAsync(promise as Promise<unknown>, { instanceOf: RangeError });
});

test('messages name the argument and what was received, as Node does', async (t) => {
  await t.throwsAsync(kernels.spin(-1), {
    message:
      'The value of "iterations" is out of range. It must be an integer >= 0 && <= 9007199254740991. Received -1',
  });
  await t.throwsAsync(kernels.sha256(bad(42)), {
    message: 'The "data" argument must be of type string or an instance of Uint8Array. Received type number (42)',
  });
  await t.throwsAsync(kernels.matmul(f64(4), f64(4), 1e6), {
    message: 'The value of "a.length" is out of range. It must be n * n = 1000000000000. Received 4',
  });
});

test('arguments are checked before an abort signal is consulted', async (t) => {
  const controller = new AbortController();
  controller.abort();
  await t.throwsAsync(kernels.spin(-1, { signal: controller.signal }), { instanceOf: RangeError });
});
