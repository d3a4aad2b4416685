/**
 * Regression tests for issue 14: defects found by hostile testing. Each test failed before its
 * fix. Serial: several reconfigure the process-wide pool or listen on process-wide events.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { configure, kernels } from 'spindle';

/** countPrimes below 10^k, from the prime-counting function's known values. */
const PI: Record<number, number> = { 1_000: 168, 10_000: 1_229, 100_000: 9_592 };

test.serial('js backend: many concurrent calls without a signal emit no MaxListenersExceededWarning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  configure({ threads: 1 });
  try {
    const results = await Promise.all(Array.from({ length: 40 }, () => kernels.countPrimes(1_000, { backend: 'js' })));
    t.deepEqual(results, Array(40).fill(168));
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
  t.deepEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
});

/** Blocks the event loop: workers' responses pile up unprocessed meanwhile. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

test.serial('js backend: an abort landing after its task finished does not take the next call down', async (t) => {
  // The precise race: the worker has posted its result, the main thread has not read it, and
  // the call is aborted. Tinypool terminates that worker, spindle frees the slot, the next call
  // is queued in Tinypool, and the late response made Tinypool post it to the dying worker.
  configure({ threads: 1 });
  try {
    t.is(await kernels.countPrimes(1_000, { backend: 'js' }), 168); // a warm worker
    for (let round = 0; round < 10; round++) {
      const controller = new AbortController();
      const aborted = kernels.countPrimes(1_000, { backend: 'js', signal: controller.signal });
      const next = kernels.countPrimes(10_000, { backend: 'js' });
      const nextWithSignal = kernels.countPrimes(100_000, { backend: 'js', signal: new AbortController().signal });
      // Let the first call reach its worker (microtasks only), then keep the loop busy while it
      // finishes there, and abort before its response is read.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      busy(30);
      controller.abort();
      await aborted.catch(() => undefined);
      t.is(await next, 1_229);
      t.is(await nextWithSignal, 9_592);
    }
  } finally {
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
});

test.serial('js backend: an abort storm never fails a call that was not aborted', async (t) => {
  // Tinypool terminates the worker of an aborted task; a response that worker had already sent
  // made Tinypool hand it the next queued task, which then died with it ("Terminating worker
  // thread"). A few threads and many short calls make aborts land as tasks finish.
  configure({ threads: 2 });
  try {
    const calls: Promise<void>[] = [];
    let unaborted = 0;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 60; i++) {
        const controller = new AbortController();
        const spin = kernels.spin(20_000 + (i % 7) * 5_000, { backend: 'js', signal: controller.signal });
        calls.push(spin.then(() => undefined, (error: unknown) => {
          // Aborted, or finished before the abort: both fine; anything else is not.
          if ((error as { name?: string }).name !== 'AbortError') throw error;
        }));
        setTimeout(() => controller.abort(), i % 3);
        // Unaborted calls, with and without a signal of their own.
        const limit = [1_000, 10_000, 100_000][i % 3] as number;
        const withSignal = i % 2 === 0 ? { signal: new AbortController().signal } : {};
        unaborted++;
        calls.push(
          kernels.countPrimes(limit, { backend: 'js', ...withSignal }).then((n) => {
            if (n !== PI[limit]) throw new Error(`countPrimes(${limit}) = ${n}`);
          }),
        );
        const bytes = new Uint8Array(64 + i);
        bytes.fill(i);
        unaborted++;
        calls.push(
          kernels.sha256(bytes, { backend: 'js' }).then((hex) => {
            if (hex !== createHash('sha256').update(bytes).digest('hex')) throw new Error('wrong sha256');
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.allSettled(calls);
    const failures = outcomes.filter((o) => o.status === 'rejected');
    t.deepEqual(
      failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3),
      [],
      `${failures.length} of ${unaborted} unaborted calls failed`,
    );
  } finally {
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
});

