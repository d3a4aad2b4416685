import { createHash } from 'node:crypto';
import test from 'ava';
import { kernels } from 'spindle';
import {
  mandelbrotReference,
  matmulReference,
  primesBelowByTrialDivision,
  randomFloats,
  sameBits,
} from '../helpers/reference.js';

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

test('spin resolves to the number of iterations it ran', async (t) => {
  t.is(await kernels.spin(0), 0);
  t.is(await kernels.spin(1), 1);
  t.is(await kernels.spin(10_000_000), 10_000_000);
  t.is(await kernels.spin(2 ** 31 + 7), 2 ** 31 + 7);
});

test('countPrimes matches the known values of π(10^k)', async (t) => {
  const known = [0, 4, 25, 168, 1229, 9592, 78_498, 664_579, 5_761_455];
  for (const [k, pi] of known.entries()) {
    t.is(await kernels.countPrimes(10 ** k), k === 0 ? 0 : pi, `π(10^${k})`);
  }
});

test('countPrimes counts primes strictly below the limit, like trial division', async (t) => {
  for (const limit of [0, 1, 2, 3, 4, 5, 97, 98, 1000, 4099, 65_537, 65_538]) {
    t.is(await kernels.countPrimes(limit), primesBelowByTrialDivision(limit), `limit ${limit}`);
  }
});

test('sha256 equals node:crypto on the NIST vectors', async (t) => {
  const vectors = ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'a'.repeat(1_000_000)];
  t.is(await kernels.sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (const v of vectors) t.is(await kernels.sha256(v), sha(v));
});

test('sha256 hashes strings as UTF-8, lone surrogates included, like node:crypto', async (t) => {
  for (const s of ['çğıöşü — İstanbul', '🧵🎎', 'lone \ud800 surrogate', '\udfff']) {
    t.is(await kernels.sha256(s), sha(s), JSON.stringify(s));
  }
});

test('sha256 reads exactly the view it is given, over several MiB', async (t) => {
  const big = new Uint8Array(5 * 1024 * 1024 + 3);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
  t.is(await kernels.sha256(big), sha(big));
  const view = big.subarray(1000, 2_000_123);
  t.is(await kernels.sha256(view), sha(view));
  t.is(await kernels.sha256(Buffer.from('a Buffer is a Uint8Array')), sha('a Buffer is a Uint8Array'));
});

test('mandelbrot equals the textbook escape-time loop, pixel for pixel', async (t) => {
  const region = { width: 123, height: 77, maxIterations: 200, xMin: -2, xMax: 1, yMin: -1.5, yMax: 1.5 };
  const image = await kernels.mandelbrot({ width: 123, height: 77, maxIterations: 200 });
  t.true(image instanceof Uint32Array);
  t.deepEqual(image, mandelbrotReference(region));
  const zoom = { width: 64, height: 48, maxIterations: 1000, xMin: -0.75, xMax: -0.74, yMin: 0.1, yMax: 0.11 };
  t.deepEqual(await kernels.mandelbrot(zoom), mandelbrotReference(zoom));
});

test('mandelbrot gives known escape counts and empty images for empty grids', async (t) => {
  // c = 0 never escapes; c = 1 escapes after 0 → 1 → 2 → 5: three iterations keep |z| ≤ 2.
  const center = await kernels.mandelbrot({
    width: 1,
    height: 1,
    maxIterations: 77,
    xMin: 0,
    xMax: 1,
    yMin: 0,
    yMax: 1,
  });
  t.deepEqual([...center], [77]);
  const one = await kernels.mandelbrot({ width: 1, height: 1, maxIterations: 50, xMin: 1, xMax: 2, yMin: 0, yMax: 1 });
  t.deepEqual([...one], [3]);
  t.is((await kernels.mandelbrot({ width: 0, height: 10, maxIterations: 5 })).length, 0);
  t.is((await kernels.mandelbrot({ width: 10, height: 0, maxIterations: 5 })).length, 0);
  t.deepEqual([...(await kernels.mandelbrot({ width: 2, height: 2, maxIterations: 0 }))], [0, 0, 0, 0]);
});

test('matmul is bit-identical to the triple loop', async (t) => {
  t.deepEqual(
    [...(await kernels.matmul(new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), 2))],
    [19, 22, 43, 50],
  );
  for (const n of [0, 1, 3, 17, 64, 130]) {
    const a = randomFloats(n * n, 11 + n);
    const b = randomFloats(n * n, 97 + n);
    t.true(sameBits(await kernels.matmul(a, b, n), matmulReference(a, b, n)), `n = ${n}`);
  }
});

test('matmul with the identity returns the other matrix and leaves inputs untouched', async (t) => {
  const n = 33;
  const id = new Float64Array(n * n);
  for (let i = 0; i < n; i++) id[i * n + i] = 1;
  const m = randomFloats(n * n, 5);
  const before = m.slice();
  t.true(sameBits(await kernels.matmul(m, id, n), m));
  t.true(sameBits(m, before));
});

test('sortFloat64 equals Float64Array.prototype.sort and leaves its input untouched', async (t) => {
  const special = new Float64Array([3, -0, 0, Number.NaN, -Infinity, Infinity, -1, -Number.NaN, 0, -0, 2.5e-308]);
  const cases = [
    new Float64Array(0),
    new Float64Array([1]),
    special,
    randomFloats(100_003, 3),
    randomFloats(1 << 20, 4),
  ];
  for (const data of cases) {
    const before = data.slice();
    const sorted = await kernels.sortFloat64(data);
    t.not(sorted, data);
    t.true(sameBits(sorted, data.slice().sort()), `length ${data.length}`);
    t.true(sameBits(data, before));
  }
  const zeros = await kernels.sortFloat64(new Float64Array([0, -0, 0, -0]));
  t.deepEqual(
    [...zeros].map((z) => Object.is(z, -0)),
    [true, true, false, false],
  );
});

/** A copy of `view` in a SharedArrayBuffer, `offset` elements into it. */
function inSharedMemory<T extends Uint8Array | Float64Array>(view: T, offset = 3): T {
  const Kind = (view instanceof Float64Array ? Float64Array : Uint8Array) as unknown as new (
    buffer: SharedArrayBuffer,
    byteOffset: number,
    length: number,
  ) => T;
  const size = view.BYTES_PER_ELEMENT;
  const copy = new Kind(new SharedArrayBuffer((view.length + offset) * size), offset * size, view.length);
  copy.set(view);
  return copy;
}

test('inputs in a SharedArrayBuffer give the same answers and stay untouched', async (t) => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 5);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 17) & 0xff;
  const sharedBytes = inSharedMemory(bytes);
  t.is(await kernels.sha256(sharedBytes), sha(bytes));
  t.is(await kernels.sha256(sharedBytes.subarray(7, 1_000_007)), sha(bytes.subarray(7, 1_000_007)));
  t.deepEqual(sharedBytes, bytes);

  const n = 45;
  const a = randomFloats(n * n, 21);
  const b = randomFloats(n * n, 22);
  t.true(sameBits(await kernels.matmul(inSharedMemory(a), inSharedMemory(b, 0), n), matmulReference(a, b, n)));

  const data = randomFloats(200_001, 23);
  const sharedData = inSharedMemory(data);
  const sorted = await kernels.sortFloat64(sharedData);
  t.true(sameBits(sorted, data.slice().sort()));
  t.true(sameBits(sharedData, data));
  t.false(sorted.buffer instanceof SharedArrayBuffer, 'the result is the caller’s own, unshared');
});

test('writing to shared input while a kernel reads it is the caller’s race, never a crash', async (t) => {
  const shared = new Uint8Array(new SharedArrayBuffer(8 * 1024 * 1024));
  const floats = new Float64Array(new SharedArrayBuffer(8 * 300_000)).fill(1.5);
  const digest = kernels.sha256(shared);
  const sorted = kernels.sortFloat64(floats);
  // Scribble over both while the jobs run (on the js backend, in parallel from the workers).
  for (let round = 0; round < 20; round++) {
    shared.fill(round);
    floats.fill(round - 10);
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.regex(await digest, /^[0-9a-f]{64}$/);
  t.is((await sorted).length, floats.length);
});

test('inputs are read when the call is made: changing or transferring them afterwards changes nothing', async (t) => {
  const bytes = new Uint8Array(300_000).map((_, i) => i * 7);
  const n = 20;
  const a = randomFloats(n * n, 31);
  const b = randomFloats(n * n, 32);
  const floats = randomFloats(50_000, 33);
  const expected = {
    sha: sha(bytes),
    product: matmulReference(a, b, n),
    sorted: floats.slice().sort(),
  };
  const [bytesCopy, aCopy, bCopy, floatsCopy] = [bytes.slice(), a.slice(), b.slice(), floats.slice()];
  const pending = [
    kernels.sha256(bytesCopy),
    kernels.matmul(aCopy, bCopy, n),
    kernels.sortFloat64(floatsCopy),
    // Several at once, so on the js backend some wait for a worker before they run.
    kernels.sha256(bytes.slice()),
  ] as const;
  bytesCopy.fill(0);
  aCopy.fill(1);
  structuredClone(bCopy.buffer, { transfer: [bCopy.buffer] });
  structuredClone(floatsCopy.buffer, { transfer: [floatsCopy.buffer] });
  const [digest, product, sorted, again] = await Promise.all(pending);
  t.is(digest, expected.sha);
  t.is(again, expected.sha);
  t.true(sameBits(product, expected.product));
  t.true(sameBits(sorted, expected.sorted));
});

test('kernels run many calls at once and each gets its own answer', async (t) => {
  const limits = Array.from({ length: 40 }, (_, i) => 1000 + i * 997);
  const answers = await Promise.all(limits.map((l) => kernels.countPrimes(l)));
  t.deepEqual(answers, limits.map(primesBelowByTrialDivision));
});

test('ref: false changes nothing about the answer', async (t) => {
  t.is(await kernels.countPrimes(1e6, { ref: false }), 78_498);
  t.deepEqual([...(await kernels.sortFloat64(new Float64Array([2, -1]), { ref: false }))], [-1, 2]);
});

test('each kernel function is named as its key (a Thread names itself after its target)', (t) => {
  for (const [name, fn] of Object.entries(kernels)) t.is(fn.name, name);
});
