/**
 * The twins against the native kernels: random valid inputs give equal results on both
 * backends (bit for bit where floats are involved), random invalid inputs the same error.
 * Known answers and `node:crypto` / `Float64Array.prototype.sort` anchor both.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { type BackendName, kernels, type MandelbrotOptions } from 'spindle';

/** Runs `call` on both backends. */
async function onBoth<T>(call: (backend: BackendName) => Promise<T>): Promise<{ native: T; js: T }> {
  const [native, js] = await Promise.all([call('native'), call('js')]);
  return { native, js };
}

/** What a call did, as plain data: its value, or its error's class, code and message. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { error: { class: e.constructor.name, name: e.name, code: e.code, message: e.message } };
  }
}

/** Float arrays equal element by element under `Object.is` (−0 ≠ +0, NaN = NaN). */
function sameFloats(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Interesting doubles: anything, including ±0, ±Infinity and NaN, plus ordinary small ones. */
const anyDouble = fc.oneof(fc.double(), fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: -5, max: 5 }));

// ---------------------------------------------------------------- valid inputs, equal results

test('spin returns its iteration count on both backends', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 3_000_000 }), async (n) => {
      const { native, js } = await onBoth((backend) => kernels.spin(n, { backend }));
      return native === n && js === n;
    }),
    { numRuns: 40 },
  );
  t.pass();
});

test('countPrimes agrees on both backends', async (t) => {
  // Around powers of two and multiples of the segment spans, where sieves go wrong.
  const edges = fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -3, max: 3 }))
    .map(([k, d]) => Math.max(0, k * 65_536 + d));
  const limit = fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3_000_000 }), edges);
  await fc.assert(
    fc.asyncProperty(limit, async (n) => {
      const { native, js } = await onBoth((backend) => kernels.countPrimes(n, { backend }));
      return native === js;
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('countPrimes gives the known values of π(10^k) on both backends', async (t) => {
  const known = [0, 4, 25, 168, 1_229, 9_592, 78_498, 664_579];
  for (const [k, pi] of known.entries()) {
    const limit = k === 0 ? 1 : 10 ** k;
    t.deepEqual(await onBoth((backend) => kernels.countPrimes(limit, { backend })), { native: pi, js: pi }, `10^${k}`);
  }
});

test('sha256 equals node:crypto on both backends, for bytes, views and strings', async (t) => {
  // Strings include lone surrogates, which both hash as U+FFFD, as node:crypto does.
  const unit = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  );
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 5_000 }),
    // A view into a larger buffer: only its own bytes count.
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 3_000 }), fc.nat(), fc.nat()).map(([bytes, a, b]) => {
      const start = a % bytes.length;
      return bytes.subarray(start, start + (b % (bytes.length - start + 1)));
    }),
    fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit, maxLength: 500 }),
  );
  await fc.assert(
    fc.asyncProperty(input, async (data) => {
      const before = typeof data === 'string' ? data : Uint8Array.from(data);
      const expected = sha(data);
      const { native, js } = await onBoth((backend) => kernels.sha256(data, { backend }));
      // The caller's array is neither detached nor changed.
      const untouched =
        typeof data === 'string' || (data.byteLength === before.length && data.every((x, i) => x === before[i]));
      return native === expected && js === expected && untouched;
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('sha256 gives the FIPS 180-2 digests on both backends', async (t) => {
  const vectors: [string | Uint8Array, string][] = [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ];
  for (const [data, digest] of vectors) {
    t.deepEqual(await onBoth((backend) => kernels.sha256(data, { backend })), { native: digest, js: digest });
  }
});

test('mandelbrot is identical on both backends', async (t) => {
  const coordinate = fc.oneof(
    fc.double({ min: -3, max: 3, noNaN: true }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const region = fc.record(
    {
      width: fc.integer({ min: 0, max: 32 }),
      height: fc.integer({ min: 0, max: 32 }),
      maxIterations: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5_000 })),
      xMin: coordinate,
      xMax: coordinate,
      yMin: coordinate,
      yMax: coordinate,
    },
    { requiredKeys: ['width', 'height', 'maxIterations'] },
  );
  await fc.assert(
    fc.asyncProperty(region, async (options: MandelbrotOptions) => {
      const { native, js } = await onBoth((backend) => kernels.mandelbrot(options, { backend }));
      return (
        native instanceof Uint32Array &&
        js instanceof Uint32Array &&
        native.length === options.width * options.height &&
        js.length === native.length &&
        js.every((count, i) => count === native[i])
      );
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('mandelbrot gives known escape counts on both backends', async (t) => {
  // One pixel each: c = 0 never escapes; c = 2 + 2i escapes after one step; c = −2 (the tip
  // of the set) never escapes; c = 1 escapes after three (0 → 1 → 2 → 5).
  const pixel = (x: number, y: number, maxIterations: number): MandelbrotOptions => ({
    width: 1,
    height: 1,
    maxIterations,
    xMin: x,
    xMax: x + 1,
    yMin: y,
    yMax: y + 1,
  });
  const cases: [MandelbrotOptions, number][] = [
    [pixel(0, 0, 100), 100],
    [pixel(2, 2, 100), 1],
    [pixel(-2, 0, 1000), 1000],
    [pixel(1, 0, 100), 3],
    [pixel(0, 0, 0), 0],
  ];
  for (const [options, count] of cases) {
    const { native, js } = await onBoth((backend) => kernels.mandelbrot(options, { backend }));
    t.deepEqual([...native], [count]);
    t.deepEqual([...js], [count]);
  }
});

test('matmul is identical on both backends, bit for bit', async (t) => {
  const matrices = fc.integer({ min: 0, max: 9 }).chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(anyDouble, { minLength: n * n, maxLength: n * n }).map((v) => Float64Array.from(v)),
      fc.array(anyDouble, { minLength: n * n, maxLength: n * n }).map((v) => Float64Array.from(v)),
    ),
  );
  await fc.assert(
    fc.asyncProperty(matrices, async ([n, a, b]) => {
      const [a0, b0] = [a.slice(), b.slice()];
      const { native, js } = await onBoth((backend) => kernels.matmul(a, b, n, { backend }));
      return native.length === n * n && sameFloats(native, js) && sameFloats(a, a0) && sameFloats(b, b0);
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('matmul gives a known product on both backends', async (t) => {
  const a = Float64Array.from([1, 2, 3, 4]);
  const b = Float64Array.from([5, 6, 7, 8]);
  const { native, js } = await onBoth((backend) => kernels.matmul(a, b, 2, { backend }));
  t.deepEqual([...native], [19, 22, 43, 50]);
  t.deepEqual([...js], [19, 22, 43, 50]);
  // Sums start at +0: (−0)·1 + (−0)·1 is +0 + −0 + −0 = +0.
  const negZero = await onBoth((backend) =>
    kernels.matmul(Float64Array.from([-0]), Float64Array.from([1]), 1, { backend }),
  );
  t.true(Object.is(negZero.native[0], 0) && Object.is(negZero.js[0], 0));
});

test('sortFloat64 equals Float64Array.prototype.sort on both backends; the input is untouched', async (t) => {
  const data = fc.oneof(
    fc.float64Array({ maxLength: 3_000 }),
    fc
      .array(fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1), { maxLength: 200 })
      .map((v) => Float64Array.from(v)),
  );
  await fc.assert(
    fc.asyncProperty(data, async (values) => {
      const before = values.slice();
      const expected = values.slice().sort();
      const { native, js } = await onBoth((backend) => kernels.sortFloat64(values, { backend }));
      return sameFloats(native, expected) && sameFloats(js, expected) && sameFloats(values, before) && js !== values;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

// ------------------------------------------------------------ invalid inputs, the same error

/** Asserts that `call` rejects, with the same class, code and message, on both backends. */
async function sameRejection(call: (backend: BackendName) => Promise<unknown>): Promise<boolean> {
  const [native, js] = await Promise.all([outcome(call('native')), outcome(call('js'))]);
  const rejected = (o: unknown): boolean => typeof o === 'object' && o !== null && 'error' in o;
  if (!rejected(native) || !rejected(js)) return false;
  return JSON.stringify(native) === JSON.stringify(js);
}

/** Values that are not a safe integer ≥ 0. */
const notACount = fc.oneof(
  fc.double().filter((x) => !(Number.isSafeInteger(x) && x >= 0)),
  fc.integer({ max: -1 }),
  fc.constantFrom(2 ** 53, 1.5, NaN, Infinity, -0.5),
  fc.string(),
  fc.bigInt(),
  fc.constantFrom(null, undefined, true, {}, [], [3]),
);

/** Values that are neither a string nor a Uint8Array. */
const notBytes = fc.oneof(
  fc.anything().filter((v) => typeof v !== 'string' && !(v instanceof Uint8Array)),
  fc.float64Array({ maxLength: 4 }),
  fc.int8Array({ maxLength: 4 }),
  fc.constant(new ArrayBuffer(4)),
);

/** Values that are not a Float64Array. */
const notFloats = fc.oneof(
  fc.anything().filter((v) => !(v instanceof Float64Array)),
  fc.float32Array({ maxLength: 4 }),
  fc.uint8Array({ maxLength: 4 }),
  fc.array(fc.double(), { maxLength: 4 }),
);

test('spin and countPrimes reject bad counts alike on both backends', async (t) => {
  await fc.assert(
    fc.asyncProperty(notACount, async (n) => {
      const spin = await sameRejection((backend) => kernels.spin(n as number, { backend }));
      const primes = await sameRejection((backend) => kernels.countPrimes(n as number, { backend }));
      return spin && primes;
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('sha256 rejects non-bytes alike on both backends', async (t) => {
  await fc.assert(
    fc.asyncProperty(notBytes, (data) => sameRejection((backend) => kernels.sha256(data as Uint8Array, { backend }))),
    { numRuns: 150 },
  );
  t.pass();
});

test('mandelbrot rejects bad regions alike on both backends', async (t) => {
  const valid: MandelbrotOptions = { width: 4, height: 3, maxIterations: 10, xMin: -2, xMax: 1, yMin: -1, yMax: 1 };
  const badSize = fc.oneof(notACount, fc.constantFrom(2 ** 32, 2 ** 40));
  // (`null` is not here: like `undefined`, it selects the default edge.)
  const badEdge = fc.oneof(fc.constantFrom(NaN, Infinity, -Infinity, '1', true, {}, 1n), fc.string());
  const broken = fc
    .oneof(
      fc.tuple(fc.constantFrom('width', 'height', 'maxIterations'), badSize),
      fc.tuple(fc.constantFrom('xMin', 'xMax', 'yMin', 'yMax'), badEdge),
    )
    .map(([key, value]) => ({ ...valid, [key]: value }));
  // Too many pixels is refused before anything is allocated.
  const tooLarge = fc
    .tuple(fc.integer({ min: 2 ** 15, max: 2 ** 20 }), fc.integer({ min: 2 ** 14, max: 2 ** 20 }))
    .map(([width, height]) => ({ ...valid, width, height }));
  const notAnObject = fc.oneof(fc.constantFrom(undefined, null, [], 'region', 7), fc.func(fc.anything()));
  await fc.assert(
    fc.asyncProperty(fc.oneof(broken, tooLarge, notAnObject), (options) =>
      sameRejection((backend) => kernels.mandelbrot(options as MandelbrotOptions, { backend })),
    ),
    { numRuns: 200 },
  );
  t.pass();
});

test('matmul rejects bad matrices alike on both backends', async (t) => {
  const square = (n: number) => new Float64Array(n * n);
  const cases = fc.oneof(
    fc.tuple(notFloats, fc.constant(square(2)), fc.constant(2)),
    fc.tuple(fc.constant(square(2)), notFloats, fc.constant(2)),
    fc.tuple(fc.constant(square(2)), fc.constant(square(2)), notACount),
    // Lengths that do not match n × n, including a huge n that must not allocate anything.
    fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
      .filter(([n, la, lb]) => la !== n * n || lb !== n * n)
      .map(([n, la, lb]) => [new Float64Array(la), new Float64Array(lb), n] as const),
    fc.constant([square(3), square(3), 2 ** 40] as const),
  );
  await fc.assert(
    fc.asyncProperty(cases, ([a, b, n]) =>
      sameRejection((backend) => kernels.matmul(a as Float64Array, b as Float64Array, n as number, { backend })),
    ),
    { numRuns: 200 },
  );
  t.pass();
});

test('sortFloat64 rejects non-Float64Arrays alike on both backends', async (t) => {
  await fc.assert(
    fc.asyncProperty(notFloats, (data) =>
      sameRejection((backend) => kernels.sortFloat64(data as Float64Array, { backend })),
    ),
    { numRuns: 150 },
  );
  t.pass();
});

test('bad kernel options are refused alike on both backends', async (t) => {
  const options = fc.oneof(
    fc.record({ signal: fc.anything().filter((v) => v !== undefined) }),
    fc.record({ onProgress: fc.anything().filter((v) => v !== undefined && typeof v !== 'function') }),
  );
  await fc.assert(
    fc.asyncProperty(options, (extra) =>
      sameRejection((backend) => kernels.countPrimes(10, { ...(extra as object), backend })),
    ),
    { numRuns: 100 },
  );
  t.pass();
});
