import test from 'ava';
import { BoundedSemaphore, Event, Lock, Semaphore, Thread, Value, ValueError } from 'spindle';
import { limitedSection, takePermit } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

test('a Semaphore hands out its permits, then makes acquire wait or fail', async (t) => {
  const sem = new Semaphore(2);
  t.is(sem.getValue(), 2);
  t.true(await sem.acquire());
  t.true(await sem.acquire(false));
  t.false(await sem.acquire(false));
  t.false(await sem.acquire(true, 0.02));
  t.is(sem.getValue(), 0);
  const waiting = sem.acquire();
  sem.release();
  t.true(await waiting);
  t.is(String(sem), '<Semaphore value=0>');
});

test('the default value is 1, and an unbounded Semaphore may be released above it', async (t) => {
  const sem = new Semaphore();
  t.is(sem.getValue(), 1);
  sem.release(3);
  t.is(sem.getValue(), 4);
  for (let i = 0; i < 4; i++) t.true(await sem.acquire(false));
  t.false(await sem.acquire(false));
});

test('release(n) wakes n waiters, no more', async (t) => {
  const sem = new Semaphore(0);
  const waiters = [sem.acquire(true, 0.3), sem.acquire(true, 0.3), sem.acquire(true, 0.3)];
  sem.release(2);
  const outcomes = await Promise.all(waiters);
  t.is(outcomes.filter(Boolean).length, 2);
  t.is(sem.getValue(), 0);
});

test('a BoundedSemaphore refuses to be released above its initial value', async (t) => {
  const sem = new BoundedSemaphore(2);
  const error = t.throws(() => sem.release(), { instanceOf: ValueError });
  t.is(error?.message, 'Semaphore released too many times');
  t.is(error?.code, 'ERR_SPINDLE_VALUE');
  await sem.acquire();
  t.throws(() => sem.release(2), { message: 'Semaphore released too many times' });
  t.is(sem.getValue(), 1, 'a refused release changes nothing');
  sem.release();
  t.is(sem.getValue(), 2);
  t.true(sem instanceof Semaphore);
  t.is(String(sem), '<BoundedSemaphore value=2/2>');
});

test('constructor and release check their arguments as CPython does', async (t) => {
  t.throws(() => new Semaphore(-1), { instanceOf: ValueError, message: 'semaphore initial value must be >= 0' });
  t.throws(() => new BoundedSemaphore(-1), { instanceOf: ValueError });
  t.throws(() => new Semaphore(1.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new Semaphore('2' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  const sem = new Semaphore(1);
  t.throws(() => sem.release(0), { instanceOf: ValueError, message: 'n must be one or more' });
  await t.throwsAsync(sem.acquire(false, 2), {
    instanceOf: ValueError,
    message: "can't specify a timeout for a non-blocking call",
  });
  await t.throwsAsync(sem.acquire(true, -5), { instanceOf: ValueError });
  t.is(sem.getValue(), 1);
});

test('a Semaphore shared with a worker thread counts permits for both', async (t) => {
  const sem = new Semaphore(1);
  const taken = new Event();
  const done = new Event();
  const th = new Thread({ target: takePermit, args: [sem, taken, done], module });
  th.start();
  t.true(await taken.wait(60));
  t.false(await sem.acquire(false));
  const waiting = sem.acquire(true, 60);
  done.set();
  t.true(await waiting, 'the worker’s release wakes the main thread');
  await th.join();
  t.true(th.result as boolean);
});

test('a Semaphore(2) keeps at most two of four worker threads inside', async (t) => {
  const sem = new BoundedSemaphore(2);
  const lock = new Lock();
  const active = new Value('i', 0);
  const peak = new Value('i', 0);
  const threads = Array.from(
    { length: 4 },
    () => new Thread({ target: limitedSection, args: [sem, lock, active, peak, 20], module }),
  );
  for (const th of threads) th.start();
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(
    threads.map((th) => th.exception),
    [undefined, undefined, undefined, undefined],
  );
  t.true(peak.value >= 1 && peak.value <= 2, `peak ${peak.value}`);
  t.is(active.value, 0);
  t.is(sem.getValue(), 2);
});
