/**
 * `kernels.ela`: Error Level Analysis. The native kernel is libjpeg-turbo's codec and equals
 * Pillow's ELA bit for bit; the js twin (jpeg-js) approximates it within the tolerance below.
 * Inputs: the spliced fixture the Rust tests make (a libjpeg photo with a pasted patch) and
 * photo-like images made here.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { AbortError, type BackendName, backend, type ElaResult, kernels, SpindleError } from 'spindle';
import { insideOverOutside, jpegOf, photo, rgbOfPng, SPLICED } from '../helpers/ela-images.js';
import { expectedJpeg } from '../helpers/jpeg.js';

const BACKENDS: BackendName[] = ['native', 'js'];
const bad = (value: unknown): never => value as never;
const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Max and mean of a map's samples (at scale 1 they are the unscaled differences). */
function stats(map: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (const v of map) {
    if (v > max) max = v;
    sum += v;
  }
  return { max, mean: sum / map.length };
}

/** A copy of `jpeg` claiming other dimensions in its baseline frame header (SOF0). */
function claiming(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(jpeg);
  let sof = -1;
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1] === 0xc0) {
      sof = i;
      break;
    }
  }
  if (sof < 0) throw new Error('no SOF0');
  new DataView(out.buffer).setUint16(sof + 5, height);
  new DataView(out.buffer).setUint16(sof + 7, width);
  return out;
}

// ------------------------------------------------------------------------- results and format

test('ela resolves to { png, width, height, maxDifference, meanDifference }', async (t) => {
  const result = await kernels.ela(SPLICED.jpeg(), { scale: 1 });
  t.deepEqual(Object.keys(result).sort(), ['height', 'maxDifference', 'meanDifference', 'png', 'width']);
  t.true(result.png instanceof Uint8Array);
  t.is(result.width, SPLICED.width);
  t.is(result.height, SPLICED.height);
  t.true(Number.isInteger(result.maxDifference) && result.maxDifference >= 0 && result.maxDifference <= 255);
  t.true(Number.isFinite(result.meanDifference) && result.meanDifference > 0);
});

test('the PNG is 8-bit RGB, not interlaced, width × height, and holds the scaled differences', async (t) => {
  const result = await kernels.ela(SPLICED.jpeg(), { scale: 1 });
  const png = result.png;
  t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'signature');
  const ihdr = new DataView(png.buffer, png.byteOffset + 8, 25);
  t.is(ihdr.getUint32(0), 13);
  t.is(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  t.is(ihdr.getUint32(8), SPLICED.width);
  t.is(ihdr.getUint32(12), SPLICED.height);
  t.is(ihdr.getUint8(16), 8, 'bit depth');
  t.is(ihdr.getUint8(17), 2, 'colour type RGB');
  t.is(ihdr.getUint8(20), 0, 'interlace none');
  const map = rgbOfPng(png);
  t.is(map.width, SPLICED.width);
  t.is(map.height, SPLICED.height);
  t.is(map.data.length, SPLICED.width * SPLICED.height * 3);
  // At scale 1 the map is the raw differences, so the statistics can be checked against it.
  const { max, mean } = stats(map.data);
  t.is(result.maxDifference, max);
  t.true(Math.abs(result.meanDifference - mean) < 1e-12, `${result.meanDifference} vs ${mean}`);
});

test('the defaults are quality 90 and scale 15', async (t) => {
  const jpeg = SPLICED.jpeg();
  t.deepEqual(await kernels.ela(jpeg), await kernels.ela(jpeg, { quality: 90, scale: 15 }));
  t.deepEqual(await kernels.ela(jpeg, {}), await kernels.ela(jpeg, { quality: 90 }));
});

test('scale multiplies, rounds halves up and clamps at 255; the statistics stay unscaled', async (t) => {
  const jpeg = SPLICED.jpeg();
  const raw = await kernels.ela(jpeg, { quality: 50, scale: 1 });
  const rawMap = rgbOfPng(raw.png).data;
  t.true(
    rawMap.some((d) => d > 17),
    'scale 15 must clamp somewhere',
  );
  for (const scale of [15, 0.5, 2.5, 255, 0.001]) {
    const scaled = await kernels.ela(jpeg, { quality: 50, scale });
    const expected = rawMap.map((d) => Math.min(255, Math.round(d * scale)));
    t.true(Buffer.from(rgbOfPng(scaled.png).data).equals(Buffer.from(expected)), `scale ${scale}`);
    t.is(scaled.maxDifference, raw.maxDifference);
    t.is(scaled.meanDifference, raw.meanDifference);
  }
});

test('a flat mid-gray image has no error level on either backend', async (t) => {
  const [width, height] = [40, 24];
  const jpeg = jpegOf(new Uint8Array(width * height * 3).fill(128), width, height, 90);
  for (const backend of BACKENDS) {
    const result = await kernels.ela(jpeg, {}, { backend });
    t.is(result.maxDifference, 0, backend);
    t.is(result.meanDifference, 0, backend);
    t.true(
      rgbOfPng(result.png).data.every((v) => v === 0),
      backend,
    );
  }
});

test('the caller’s buffer may be a Buffer or a view, and is left untouched', async (t) => {
  const jpeg = SPLICED.jpeg();
  const padded = new Uint8Array(jpeg.length + 10);
  padded.set(jpeg, 7);
  const view = padded.subarray(7, 7 + jpeg.length);
  const before = Buffer.from(padded);
  for (const backend of BACKENDS) {
    const expected = await kernels.ela(jpeg, {}, { backend });
    t.deepEqual(await kernels.ela(view, {}, { backend }), expected, backend);
    t.deepEqual(await kernels.ela(Buffer.from(jpeg), {}, { backend }), expected, backend);
    t.true(Buffer.from(padded).equals(before), backend);
  }
});

// ----------------------------------------------------------------------------- known answers

/**
 * Pillow 13 (libjpeg-turbo 3.1) on the fixture: `ImageChops.difference(im, resaved)` after
 * `im.save(resaved, 'JPEG', quality=q)`; the SHA-256 of its bytes, max and sum. The same
 * numbers are checked in `crates/core/src/kernels/ela_test.rs`.
 */
const PILLOW = [
  { quality: 90, sha256: '04c1331e1ec93ba88f8e24ee2a17c0a50b0eb96903ef84bb6b732d45aa9d59c0', max: 26, sum: 378_240 },
  { quality: 75, sha256: '4000966892df0dd8ddeb4a07935e60f0f1a386c3738b7ccb73003810f782df91', max: 41, sum: 403_132 },
];

test('backend().jpeg says whether the native codec runs libjpeg-turbo’s SIMD or its C code', (t) => {
  const info = backend();
  if (info.active === 'js') t.false('jpeg' in info);
  // With either, the native map equals Pillow's (the next test): the codec's bytes are the same.
  else t.is(info.jpeg, expectedJpeg());
});

test('the native map equals Pillow’s ELA, bit for bit', async (t) => {
  for (const { quality, sha256, max, sum } of PILLOW) {
    const result = await kernels.ela(SPLICED.jpeg(), { quality, scale: 1 }, { backend: 'native' });
    t.is(sha(rgbOfPng(result.png).data), sha256, `quality ${quality}`);
    t.is(result.maxDifference, max);
    t.is(result.meanDifference, sum / (SPLICED.width * SPLICED.height * 3));
  }
});

// ------------------------------------------------------------------------ the spliced image

test('the pasted region stands out on both backends', async (t) => {
  // Measured: native 4.73 (as Pillow), js 2.77. The bounds are the algorithm's, not timing.
  const bound = { native: 2, js: 1.5 };
  for (const backend of BACKENDS) {
    const result = await kernels.ela(SPLICED.jpeg(), { scale: 1 }, { backend });
    const ratio = insideOverOutside(rgbOfPng(result.png).data, result.width, SPLICED.patch);
    t.log(`${backend}: mean error level inside the patch / outside = ${ratio.toFixed(2)}`);
    t.true(ratio > bound[backend], `${backend}: ${ratio}`);
  }
});

// --------------------------------------------------------------------- backends vs each other

/**
 * The tolerance between backends, for a photo saved by a libjpeg-compatible encoder (the
 * fixture) and re-saved at 50 to 95: equal dimensions and format, `meanDifference` within a
 * factor of 3, `maxDifference` within 12, and the unscaled maps within 2.5 levels per sample
 * on average. (Measured: factors 0.90–2.31, max within 6, maps within 1.8.)
 */
test('native and js agree within the stated tolerance on a libjpeg photo', async (t) => {
  const jpeg = SPLICED.jpeg();
  for (const quality of [50, 75, 90, 95]) {
    const [native, js] = (await Promise.all(
      BACKENDS.map((backend) => kernels.ela(jpeg, { quality, scale: 1 }, { backend })),
    )) as [ElaResult, ElaResult];
    t.is(js.width, native.width);
    t.is(js.height, native.height);
    const factor = js.meanDifference / native.meanDifference;
    t.true(factor > 1 / 3 && factor < 3, `quality ${quality}: mean ${js.meanDifference} vs ${native.meanDifference}`);
    t.true(
      Math.abs(js.maxDifference - native.maxDifference) <= 12,
      `quality ${quality}: max ${js.maxDifference} vs ${native.maxDifference}`,
    );
    const a = rgbOfPng(native.png).data;
    const b = rgbOfPng(js.png).data;
    let distance = 0;
    for (let i = 0; i < a.length; i++) distance += Math.abs((a[i] as number) - (b[i] as number));
    distance /= a.length;
    t.true(distance <= 2.5, `quality ${quality}: maps differ by ${distance} per sample`);
  }
});

test('each backend sees an image its own encoder saved at that quality as settled', async (t) => {
  // ELA compares an image with its re-encode, so the re-encoding codec matters: jpeg-js re-saving
  // what jpeg-js saved at the same quality changes almost nothing, where libjpeg (4:2:0,
  // integer DCT) does. This is why the backends are only comparable on libjpeg-made photos.
  const [width, height] = [256, 192];
  const jpeg = jpegOf(photo(width, height, 7), width, height, 90);
  const native = await kernels.ela(jpeg, { quality: 90 }, { backend: 'native' });
  const js = await kernels.ela(jpeg, { quality: 90 }, { backend: 'js' });
  t.log(`meanDifference: native ${native.meanDifference.toFixed(3)}, js ${js.meanDifference.toFixed(3)}`);
  t.true(js.meanDifference < native.meanDifference / 2);
});

// -------------------------------------------------------------------------------- bad input

test('bytes that are not a decodable JPEG reject with ERR_SPINDLE_INVALID_IMAGE on both backends', async (t) => {
  const good = SPLICED.jpeg();
  const { png } = await kernels.ela(good);
  const cases: [string, Uint8Array, RegExp?][] = [
    ['empty', new Uint8Array(0), /empty/],
    ['text', new TextEncoder().encode('certainly not a JPEG'), /Not a JPEG/],
    ['a PNG', png, /Not a JPEG/],
    ['SOI only', new Uint8Array([0xff, 0xd8])],
    ['cut inside the header', good.subarray(0, 300)],
    ['cut in half', good.subarray(0, good.length >> 1), /Premature end/],
    ['missing its EOI', good.subarray(0, good.length - 2), /Premature end/],
    ['65500 × 65500 pixels', claiming(good, 65500, 65500), /at most 67108864/],
    ['8193 × 8192 pixels', claiming(good, 8193, 8192), /8193×8192 = 67117056 pixels; ela accepts at most 67108864/],
  ];
  for (const backend of BACKENDS) {
    for (const [name, bytes, message] of cases) {
      const error = await t.throwsAsync(kernels.ela(bytes, {}, { backend }), undefined, `${backend}: ${name}`);
      t.true(error instanceof SpindleError, `${backend}: ${name}: ${error?.constructor.name}`);
      t.is((error as SpindleError).code, 'ERR_SPINDLE_INVALID_IMAGE', `${backend}: ${name}: ${error?.message}`);
      t.false(/ERR_SPINDLE|panick/.test(error?.message ?? ''), `${backend}: ${name}: ${error?.message}`);
      if (message) t.regex(error?.message ?? '', message, `${backend}: ${name}`);
    }
    // And the backend is still there.
    t.is((await kernels.ela(good, {}, { backend })).width, SPLICED.width);
  }
});

const range = { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' };
const type = { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' };

const badArguments: [string, () => Promise<unknown>, typeof range][] = [
  ['jpeg an ArrayBuffer', () => kernels.ela(bad(new ArrayBuffer(4))), type],
  ['jpeg a string', () => kernels.ela(bad('photo.jpg')), type],
  ['jpeg an array', () => kernels.ela(bad([0xff, 0xd8])), type],
  ['jpeg missing', () => kernels.ela(bad(undefined)), type],
  ['options null', () => kernels.ela(new Uint8Array(4), bad(null)), type],
  ['quality 0', () => kernels.ela(new Uint8Array(4), { quality: 0 }), range],
  ['quality 101', () => kernels.ela(new Uint8Array(4), { quality: 101 }), range],
  ['quality 89.5', () => kernels.ela(new Uint8Array(4), { quality: 89.5 }), range],
  ['quality NaN', () => kernels.ela(new Uint8Array(4), { quality: Number.NaN }), range],
  ["quality '90'", () => kernels.ela(new Uint8Array(4), { quality: bad('90') }), type],
  ['scale 0', () => kernels.ela(new Uint8Array(4), { scale: 0 }), range],
  ['scale -1', () => kernels.ela(new Uint8Array(4), { scale: -1 }), range],
  ['scale 256', () => kernels.ela(new Uint8Array(4), { scale: 256 }), range],
  ['scale Infinity', () => kernels.ela(new Uint8Array(4), { scale: Number.POSITIVE_INFINITY }), range],
  ['scale NaN', () => kernels.ela(new Uint8Array(4), { scale: Number.NaN }), range],
  ["scale '15'", () => kernels.ela(new Uint8Array(4), { scale: bad('15') }), type],
];

for (const [name, call, expected] of badArguments) {
  test(`ela with ${name} rejects with ${expected.instanceOf.name} ${expected.code}`, async (t) => {
    const error = await t.throwsAsync(call(), { instanceOf: expected.instanceOf });
    t.is((error as Error & { code?: string }).code, expected.code);
    t.regex(error?.message ?? '', /^The /);
  });
}

test('ela arguments are checked before anything is queued, even before an abort', async (t) => {
  await t.throwsAsync(kernels.ela(SPLICED.jpeg(), { quality: 0 }, { signal: AbortSignal.abort() }), {
    instanceOf: RangeError,
    message: 'The value of "options.quality" is out of range. It must be an integer >= 1 && <= 100. Received 0',
  });
  await t.throwsAsync(kernels.ela(SPLICED.jpeg(), { scale: 300 }), {
    message: 'The value of "options.scale" is out of range. It must be > 0 && <= 255. Received 300',
  });
});

// ------------------------------------------------------------------------ abort and progress

test('aborting an ela rejects with AbortError at once, and the pool carries on', async (t) => {
  const jpeg = SPLICED.jpeg();
  for (const backend of BACKENDS) {
    const reason = new Error('never mind');
    await t.throwsAsync(kernels.ela(jpeg, {}, { backend, signal: AbortSignal.abort(reason) }), {
      instanceOf: AbortError,
    });
    const controller = new AbortController();
    const running = kernels.ela(jpeg, {}, { backend, signal: controller.signal });
    controller.abort(reason);
    const error = await t.throwsAsync(running, { instanceOf: AbortError });
    t.is(error?.cause, reason);
    t.is((await kernels.ela(jpeg, {}, { backend })).width, SPLICED.width, backend);
  }
});

test('ela progress is monotone, within [0, 1], and ends with one final 1', async (t) => {
  for (const backend of BACKENDS) {
    const seen: number[] = [];
    await kernels.ela(SPLICED.jpeg(), {}, { backend, onProgress: (f) => seen.push(f) });
    t.is(seen.at(-1), 1, backend);
    t.is(seen.filter((f) => f === 1).length, 1, backend);
    for (const f of seen) t.true(f >= 0 && f <= 1, `${backend}: ${f}`);
    for (let i = 1; i < seen.length; i++) t.true((seen[i] as number) >= (seen[i - 1] as number), backend);
  }
});
