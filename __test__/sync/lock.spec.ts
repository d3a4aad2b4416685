import test from 'ava';
import { Event, Lock, RuntimeError, Thread, Value, ValueError } from 'spindle';
import { addUnderLock, holdLock } from '../fixtures/sync-targets.mjs';
import { runFixture } from '../helpers/child.js';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

test('a Lock starts unlocked; acquire() takes it and release() frees it', async (t) => {
  const lock = new Lock();
  t.false(lock.locked());
  t.is(String(lock), '<unlocked Lock>');
  t.true(await lock.acquire());
  t.true(lock.locked());
  t.is(String(lock), '<locked Lock>');
  lock.release();
  t.false(lock.locked());
});

test('acquire(false) and acquire(true, timeout) resolve false while the lock is held', async (t) => {
  const lock = new Lock();
  await lock.acquire();
  t.false(await lock.acquire(false));
  t.false(await lock.acquire(true, 0.02));
  t.false(await lock.acquire(true, 0));
  t.true(lock.locked());
});

test('a waiting acquire() resolves once the holder releases', async (t) => {
  const lock = new Lock();
  await lock.acquire();
  const waiting = lock.acquire();
  const timed = lock.acquire(true, 30);
  setTimeout(() => lock.release(), 10);
  t.true(await waiting);
  lock.release();
  t.true(await timed);
  lock.release();
  t.false(lock.locked());
});

test('release() of an unlocked lock throws RuntimeError, as Python does', (t) => {
  const lock = new Lock();
  const error = t.throws(() => lock.release(), { instanceOf: RuntimeError });
  t.is(error?.message, 'release unlocked lock');
  t.is(error?.code, 'ERR_SPINDLE_RUNTIME');
});

test('a Lock has no owner: another thread may release it', async (t) => {
  const lock = new Lock();
  const holder = new Thread({ target: () => lock.acquire() });
  holder.start();
  await holder.join();
  t.true(lock.locked());
  lock.release();
  t.false(lock.locked());
});

test('many contending flows each get the lock, never two at once', async (t) => {
  const lock = new Lock();
  let inside = 0;
  let most = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      await lock.acquire();
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setImmediate(r));
      inside--;
      done++;
      lock.release();
    }),
  );
  t.is(done, 50);
  t.is(most, 1);
  t.false(lock.locked());
});

test('acquire checks its arguments as CPython does', async (t) => {
  const lock = new Lock();
  const nonBlocking = await t.throwsAsync(lock.acquire(false, 1), { instanceOf: ValueError });
  t.is(nonBlocking?.message, "can't specify a timeout for a non-blocking call");
  const negative = await t.throwsAsync(lock.acquire(true, -2), { instanceOf: ValueError });
  t.is(negative?.message, 'timeout value must be a non-negative number');
  await t.throwsAsync(lock.acquire('yes' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(lock.acquire(true, '1' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(lock.acquire(true, Number.NaN), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.false(lock.locked(), 'a rejected acquire takes nothing');
  // -1, null and Infinity all mean "wait forever"; false with -1 is a plain non-blocking try.
  t.true(await lock.acquire(true, -1));
  t.false(await lock.acquire(false, -1));
  lock.release();
  t.true(await lock.acquire(true, null));
  lock.release();
  t.true(await lock.acquire(true, Number.POSITIVE_INFINITY));
});

test('a Lock passed to a worker thread is the same lock there', async (t) => {
  const lock = new Lock();
  const holding = new Event();
  const release = new Event();
  const th = new Thread({ target: holdLock, args: [lock, holding, release], module });
  th.start();
  t.true(await holding.wait(60));
  t.true(lock.locked());
  t.false(await lock.acquire(false));
  t.false(await lock.acquire(true, 0.02));
  const waiting = lock.acquire();
  release.set();
  t.true(await waiting, 'the worker’s release wakes the main thread');
  await th.join();
  t.is(th.result, 'released');
  lock.release();
});

test("the seed's lost update, fixed: two worker threads add 20 000 each under a Lock, exactly", async (t) => {
  const lock = new Lock();
  const counter = new Value('i', 0);
  const threads = [1, 2].map(() => new Thread({ target: addUnderLock, args: [lock, counter, 20_000], module }));
  for (const th of threads) th.start();
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(
    threads.map((th) => th.exception),
    [undefined, undefined],
  );
  t.not(threads[0]?.result, threads[1]?.result, 'two different worker threads');
  t.is(counter.value, 40_000);
  t.false(lock.locked());
});

test('timed waits keep the process alive until their deadline, then resolve', async (t) => {
  const child = await runFixture('sync-timed-wait.mjs');
  t.is(child.code, 0, child.stderr);
  t.deepEqual(child.stdout.trim().split('\n'), [
    'lock false',
    'event false',
    'semaphore false',
    'condition false',
    'queue ERR_SPINDLE_QUEUE_EMPTY',
  ]);
});
