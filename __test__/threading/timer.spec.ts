import test from 'ava';
import { kernels, Thread, Timer } from 'spindle';
import { runFixture } from '../helpers/child.js';

test('a Timer is a Thread that calls its function once after the interval', async (t) => {
  const calls: unknown[][] = [];
  const timer = new Timer(0.05, (...args: unknown[]) => calls.push(args), ['a', 1], { k: 'v' });
  t.true(timer instanceof Thread);
  t.regex(timer.name, /^Thread-\d+$/);
  t.is(timer.interval, 0.05);
  timer.start();
  t.deepEqual(calls, []);
  t.false(timer.finished.isSet());
  await timer.join();
  t.deepEqual(calls, [['a', 1, { k: 'v' }]]);
  t.true(timer.finished.isSet());
  t.false(timer.isAlive());
});

test('args and kwargs default to a fresh [] and {} per timer, and add no trailing argument', async (t) => {
  const seen: unknown[][] = [];
  const f = (...args: unknown[]): void => {
    seen.push(args);
  };
  const a = new Timer(0, f);
  const b = new Timer(0, f);
  t.deepEqual(a.args, []);
  t.deepEqual(a.kwargs, {});
  t.not(a.args, b.args);
  t.not(a.kwargs, b.kwargs);
  a.start();
  await a.join();
  t.deepEqual(seen, [[]]);
});

test('cancel() before firing: the function never runs and the timer ends promptly', async (t) => {
  let ran = false;
  const timer = new Timer(3600, () => {
    ran = true;
  });
  timer.start();
  await new Promise((r) => setTimeout(r, 10));
  timer.cancel();
  await timer.join(); // an hour-long timer ends at once
  t.false(ran);
  t.true(timer.finished.isSet());
  t.false(timer.isAlive());
});

test('cancel() after firing is a no-op; cancel() before start() prevents the call', async (t) => {
  let count = 0;
  const timer = new Timer(0, () => count++);
  timer.start();
  await timer.join();
  timer.cancel();
  t.is(count, 1);
  const early = new Timer(0, () => count++);
  early.cancel();
  early.start();
  await early.join();
  t.is(count, 1);
});

test('a kernel as the function runs on the pool and is awaited', async (t) => {
  const timer = new Timer(0.01, kernels.countPrimes, [1e5]);
  timer.start();
  await timer.join();
  t.is(timer.result, 9592);
});

test('an async function is awaited before finished is set', async (t) => {
  const order: string[] = [];
  const timer = new Timer(0, async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push('function done');
  });
  timer.start();
  await timer.finished.wait();
  order.push('finished');
  t.deepEqual(order, ['function done', 'finished']);
});

test("the seed's self-re-arming timer runs every interval", async (t) => {
  // The seed re-arms `threading.Timer(5.0, run_check)`; here 20 ms, stopped after 4 runs.
  const lines: string[] = [];
  await new Promise<void>((resolve) => {
    function runCheck(): void {
      lines.push('Fonksiyon çalıştı.');
      if (lines.length === 4) {
        resolve();
        return;
      }
      new Timer(0.02, runCheck).start();
    }
    runCheck();
  });
  t.is(lines.length, 4);
});

test('constructor arguments are checked', (t) => {
  t.throws(() => new Timer('5' as never, () => {}), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Timer(Number.NaN, () => {}), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new Timer(1, 'f' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Timer(1, () => {}, 'x' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
});

test('a pending non-daemon timer keeps the process alive; a daemon one does not', async (t) => {
  const plain = await runFixture('timer-exit.mjs', {}, ['non-daemon']);
  t.is(plain.code, 0, plain.stderr);
  t.deepEqual(plain.stdout.trim().split('\n'), ['main done', 'timer fired']);
  const daemon = await runFixture('timer-exit.mjs', {}, ['daemon']);
  t.is(daemon.code, 0, daemon.stderr);
  t.deepEqual(daemon.stdout.trim().split('\n'), ['main done']);
});

test('an interval beyond the 24.8-day timer limit does not fire early', async (t) => {
  let ran = false;
  const timer = new Timer(30 * 24 * 3600, () => {
    ran = true;
  });
  timer.daemon = true;
  timer.start();
  // Node fires an over-long setTimeout after 1 ms; give that plenty of chances to go wrong.
  await new Promise((r) => setTimeout(r, 100));
  t.false(ran);
  t.true(timer.isAlive());
  timer.cancel();
  await timer.join();
  t.false(ran);
});
