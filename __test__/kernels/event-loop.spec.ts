import os from 'node:os';
import test from 'ava';
import { kernels } from 'spindle';

test('the event loop keeps ticking while every core runs a kernel', async (t) => {
  const cores = os.availableParallelism();
  const controller = new AbortController();
  let settled = 0;
  const running = Array.from({ length: cores }, () =>
    kernels.spin(2 ** 52, { signal: controller.signal }).finally(() => settled++),
  );
  // Count 20 ticks of a 10 ms interval. Were the loop blocked by the kernels, this would never
  // finish (ava's timeout would fail the test); no duration is asserted.
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      ticks++;
      if (ticks === 20) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  t.is(ticks, 20);
  t.is(settled, 0, 'every kernel was still running while the loop ticked');
  controller.abort();
  for (const p of running) await t.throwsAsync(p, { name: 'AbortError' });
});

test('kernels on different threads run at the same time', async (t) => {
  // Two kernels that each only finish when aborted: both must be running at once for the
  // progress of both to advance (with one thread, the second would never start).
  const controller = new AbortController();
  const progressed = [false, false];
  const both = new Promise<void>((resolve) => {
    const mark = (i: number) => () => {
      progressed[i] = true;
      if (progressed[0] && progressed[1]) resolve();
    };
    for (const i of [0, 1]) {
      kernels.spin(2 ** 52, { signal: controller.signal, onProgress: mark(i) }).catch(() => {});
    }
  });
  await both;
  controller.abort();
  t.deepEqual(progressed, [true, true]);
});

test("libuv's threadpool stays free for fs, dns and crypto while kernels run", async (t) => {
  // Four kernels would occupy all four libuv threads if kernels ran there (as napi's AsyncTask
  // does); on spindle's own pool, fs and crypto calls complete while all four still run.
  const { stat } = await import('node:fs/promises');
  const { pbkdf2 } = await import('node:crypto');
  const { promisify } = await import('node:util');
  const controller = new AbortController();
  let settled = 0;
  const running = Array.from({ length: 4 }, () =>
    kernels.spin(2 ** 52, { signal: controller.signal }).finally(() => settled++),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const info = await stat('.');
  const key = await promisify(pbkdf2)('secret', 'salt', 1000, 32, 'sha256');
  t.true(info.isDirectory());
  t.is(
    key.toString('hex'),
    (await import('node:crypto')).pbkdf2Sync('secret', 'salt', 1000, 32, 'sha256').toString('hex'),
  );
  t.is(settled, 0, 'every kernel was still running');
  controller.abort();
  for (const p of running) await t.throwsAsync(p, { name: 'AbortError' });
});
