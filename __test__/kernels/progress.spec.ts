import test from 'ava';
import { kernels } from 'spindle';

test('progress is monotone, within [0, 1], and ends with 1 before the Promise resolves', async (t) => {
  const seen: number[] = [];
  const result = await kernels.spin(3e9, { onProgress: (f) => seen.push(f) });
  t.is(result, 3e9);
  t.true(seen.length >= 1);
  t.is(seen.at(-1), 1);
  t.is(seen.filter((f) => f === 1).length, 1);
  for (const f of seen) t.true(f >= 0 && f <= 1, `${f}`);
  for (let i = 1; i < seen.length; i++) t.true((seen[i] as number) >= (seen[i - 1] as number));
});

test('every kernel reports its final 1', async (t) => {
  const calls: [string, (p: (f: number) => void) => Promise<unknown>][] = [
    ['spin', (onProgress) => kernels.spin(1000, { onProgress })],
    ['countPrimes', (onProgress) => kernels.countPrimes(1e6, { onProgress })],
    ['sha256', (onProgress) => kernels.sha256('abc', { onProgress })],
    ['mandelbrot', (onProgress) => kernels.mandelbrot({ width: 50, height: 50, maxIterations: 50 }, { onProgress })],
    ['matmul', (onProgress) => kernels.matmul(new Float64Array(16), new Float64Array(16), 4, { onProgress })],
    ['sortFloat64', (onProgress) => kernels.sortFloat64(new Float64Array([2, 1]), { onProgress })],
  ];
  for (const [name, call] of calls) {
    const seen: number[] = [];
    await call((f) => seen.push(f));
    t.is(seen.at(-1), 1, name);
  }
});

test('long kernels report intermediate fractions', async (t) => {
  const seen: number[] = [];
  // Several hundred milliseconds of sieving on either backend: the 50 ms gate opens.
  await kernels.countPrimes(3e9, { onProgress: (f) => seen.push(f) });
  t.true(
    seen.some((f) => f > 0 && f < 1),
    JSON.stringify(seen),
  );
});

test('no progress arrives after an aborted kernel rejected', async (t) => {
  const controller = new AbortController();
  const seen: number[] = [];
  const running = kernels.spin(2 ** 52, { signal: controller.signal, onProgress: (f) => seen.push(f) });
  await new Promise((resolve) => setTimeout(resolve, 200));
  controller.abort();
  await t.throwsAsync(running, { name: 'AbortError' });
  const count = seen.length;
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.is(seen.length, count);
  t.false(seen.includes(1));
});

test('a throwing onProgress stops the kernel and rejects with its error', async (t) => {
  const boom = new Error('progress listener failed');
  await t.throwsAsync(
    kernels.spin(2 ** 52, {
      onProgress: () => {
        throw boom;
      },
    }),
    { is: boom },
  );
  // The process is intact and the pool free.
  t.is(await kernels.countPrimes(100), 25);
});
