import { createHash } from 'node:crypto';
import test from 'ava';
import { AbortError, kernels } from 'spindle';

/** Long enough to still be running when it is aborted, on either backend. */
const FOREVER = 2 ** 52;

test('an already-aborted signal rejects at once with AbortError and its reason as cause', async (t) => {
  const reason = new Error('not needed any more');
  const error = await t.throwsAsync(kernels.countPrimes(1e9, { signal: AbortSignal.abort(reason) }));
  t.true(error instanceof AbortError);
  t.is(error?.name, 'AbortError');
  t.is((error as AbortError).code, 'ABORT_ERR');
  t.is(error?.cause, reason);
});

test('aborting a running kernel rejects with AbortError and frees its thread', async (t) => {
  const controller = new AbortController();
  const reason = new Error('user pressed stop');
  const running = kernels.spin(FOREVER, { signal: controller.signal });
  // Give it time to start on the pool, then stop it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort(reason);
  const error = await t.throwsAsync(running, { instanceOf: AbortError });
  t.is(error?.cause, reason);
  // Aborting every kernel on every thread would leave nothing free if cancellation failed.
  const more = Array.from({ length: 4 }, () => {
    const c = new AbortController();
    const p = kernels.spin(FOREVER, { signal: c.signal });
    return { c, p };
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const { c } of more) c.abort();
  for (const { p } of more) await t.throwsAsync(p, { name: 'AbortError' });
  t.is(await kernels.countPrimes(1_000_000), 78_498);
});

test('the default abort reason (a DOMException) becomes the cause', async (t) => {
  const controller = new AbortController();
  const running = kernels.spin(FOREVER, { signal: controller.signal });
  controller.abort();
  const error = await t.throwsAsync(running, { name: 'AbortError' });
  t.true(error?.cause instanceof DOMException);
  t.is((error?.cause as DOMException | undefined)?.name, 'AbortError');
});

test('aborting after a kernel finished changes nothing', async (t) => {
  const controller = new AbortController();
  t.is(await kernels.countPrimes(1000, { signal: controller.signal }), 168);
  controller.abort();
  t.is(await kernels.countPrimes(1000, { signal: controller.signal }).catch((e: Error) => e.name), 'AbortError');
});

test('one signal can abort several kernels at once', async (t) => {
  const controller = new AbortController();
  const running = [
    kernels.spin(FOREVER, { signal: controller.signal }),
    kernels.countPrimes(Number.MAX_SAFE_INTEGER, { signal: controller.signal }),
    kernels.mandelbrot({ width: 16_000, height: 16_000, maxIterations: 1e6 }, { signal: controller.signal }),
  ];
  setTimeout(() => controller.abort(), 30);
  for (const p of running) await t.throwsAsync(p, { instanceOf: AbortError });
});

test('aborting sha256 of a large ordinary buffer (copied in chunks to a running job) rejects, and the next call is right', async (t) => {
  const data = new Uint8Array(48 * 1024 * 1024 + 5);
  for (let i = 0; i < data.length; i += 997) data[i] = i & 0xff;
  const expected = createHash('sha256').update(data).digest('hex');
  const controller = new AbortController();
  const running = kernels.sha256(data, { signal: controller.signal });
  controller.abort();
  await t.throwsAsync(running, { instanceOf: AbortError });
  // Two at once, so on the native backend one job receives its chunks while another hashes.
  t.deepEqual(await Promise.all([kernels.sha256(data), kernels.sha256(data.subarray(3))]), [
    expected,
    createHash('sha256').update(data.subarray(3)).digest('hex'),
  ]);
});
