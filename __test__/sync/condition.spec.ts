import test from 'ava';
import { Condition, Event, Lock, RLock, RuntimeError, Semaphore, Thread, Value } from 'spindle';
import { bumpAndNotify, waitForCount, waitOnce } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

/** Waiters on one Condition over a plain Lock, counting how many have reached wait(). */
function waiters(cond: Condition) {
  const woke: string[] = [];
  let waiting = 0;
  return {
    woke,
    /** A waiter that records its name when it wakes. */
    async start(name: string, timeout?: number): Promise<boolean> {
      await cond.acquire();
      try {
        // Counted under the lock, and wait() queues up before it releases the lock: whoever
        // holds the lock next and sees the count knows this waiter is queued.
        waiting++;
        const notified = await cond.wait(timeout);
        woke.push(name);
        return notified;
      } finally {
        waiting--;
        cond.release();
      }
    },
    /** Takes the lock once `n` waiters are queued, runs `body`, and releases. */
    async whenWaiting(n: number, body: () => void = () => {}): Promise<void> {
      for (;;) {
        await cond.acquire();
        if (waiting >= n) break;
        cond.release();
        await new Promise((r) => setImmediate(r));
      }
      try {
        body();
      } finally {
        cond.release();
      }
    },
  };
}

/** Acquires, runs `body`, releases. */
async function holding(cond: Condition, body: () => void): Promise<void> {
  await cond.acquire();
  try {
    body();
  } finally {
    cond.release();
  }
}

test('wait, notify and notifyAll need the lock: RuntimeError otherwise', async (t) => {
  const cond = new Condition();
  const wait = await t.throwsAsync(cond.wait(0), { instanceOf: RuntimeError });
  t.is(wait?.message, 'cannot wait on un-acquired lock');
  t.throws(() => cond.notify(), { instanceOf: RuntimeError, message: 'cannot notify on un-acquired lock' });
  t.throws(() => cond.notifyAll(), { instanceOf: RuntimeError, message: 'cannot notify on un-acquired lock' });
  await t.throwsAsync(
    cond.waitFor(() => false, 0),
    { message: 'cannot wait on un-acquired lock' },
  );
});

test('an RLock held by another owner does not count as held', async (t) => {
  const cond = new Condition(new RLock());
  await cond.acquire();
  const th = new Thread({
    target: () => {
      try {
        cond.notify();
        return 'notified';
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  th.start();
  await th.join();
  t.is(th.result, 'cannot notify on un-acquired lock');
  cond.release();
});

test('wait(timeout) resolves false on timeout, holding the lock again', async (t) => {
  const lock = new Lock();
  const cond = new Condition(lock);
  await cond.acquire();
  t.false(await cond.wait(0.02));
  t.true(lock.locked());
  t.false(await cond.wait(0));
  cond.release();
  t.false(lock.locked());
});

test('notify() wakes one waiter, the longest-waiting first', async (t) => {
  const cond = new Condition(new Lock());
  const w = waiters(cond);
  const a = w.start('a');
  await w.whenWaiting(1);
  const b = w.start('b');
  await w.whenWaiting(2);
  const c = w.start('c');
  await w.whenWaiting(3, () => cond.notify());
  t.true(await a);
  t.deepEqual(w.woke, ['a']);
  await holding(cond, () => cond.notify(2));
  t.true(await b);
  t.true(await c);
  t.deepEqual(w.woke, ['a', 'b', 'c']);
});

test('notifyAll() wakes every waiter; notify(0) wakes none', async (t) => {
  const cond = new Condition(new Lock());
  const w = waiters(cond);
  const all = ['a', 'b', 'c'].map((name) => w.start(name));
  await w.whenWaiting(3, () => cond.notify(0));
  await new Promise((r) => setTimeout(r, 5));
  t.deepEqual(w.woke, []);
  await w.whenWaiting(3, () => cond.notifyAll());
  t.deepEqual(await Promise.all(all), [true, true, true]);
  t.deepEqual([...w.woke].sort(), ['a', 'b', 'c']);
  await holding(cond, () => {
    t.throws(() => cond.notify(-1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  });
});

test('a waiter that timed out does not swallow a later notify', async (t) => {
  const cond = new Condition(new Lock());
  const w = waiters(cond);
  t.false(await w.start('early', 0.01));
  const later = w.start('later');
  await w.whenWaiting(1, () => cond.notify());
  t.true(await later);
  t.deepEqual(w.woke, ['early', 'later']);
});

test('more waiters than queue slots: notifyAll still wakes them all, notify(n) at least n', async (t) => {
  const cond = new Condition(new Lock());
  const w = waiters(cond);
  const all = Array.from({ length: 200 }, (_, i) => w.start(String(i)));
  await w.whenWaiting(200, () => cond.notifyAll());
  t.is((await Promise.all(all)).filter(Boolean).length, 200);
  const again = Array.from({ length: 150 }, (_, i) => w.start(String(i)));
  await w.whenWaiting(150, () => cond.notify(140));
  // At least 140 wake (more may: the overflow group wakes together, as CPython allows).
  while (w.woke.length < 200 + 140) await new Promise((r) => setImmediate(r));
  await holding(cond, () => cond.notifyAll());
  t.is((await Promise.all(again)).filter(Boolean).length, 150);
});

test('waitFor() returns the predicate’s value, or its falsy value on timeout', async (t) => {
  const cond = new Condition();
  let items: number[] = [];
  await cond.acquire();
  t.is(await cond.waitFor(() => items.length, 0.02), 0);
  setTimeout(() => {
    void holding(cond, () => {
      items = [1, 2];
      cond.notify();
    });
  }, 5);
  t.is(await cond.waitFor(async () => items.length, 30), 2);
  cond.release();
  await t.throwsAsync(cond.waitFor('nope' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
});

test('over an RLock, wait() releases every level and restores them', async (t) => {
  const rlock = new RLock();
  const cond = new Condition(rlock);
  await cond.acquire();
  await cond.acquire();
  const other = new Thread({
    target: async () => {
      const got = await rlock.acquire(true, 30);
      cond.notify();
      rlock.release();
      return got;
    },
  });
  other.start();
  t.true(await cond.wait(30));
  await other.join();
  t.true(other.result as boolean, 'the other Thread got the lock while we waited');
  cond.release();
  t.true(rlock.locked(), 'both levels came back');
  cond.release();
  t.false(rlock.locked());
});

test('the constructor takes a Lock or an RLock only', (t) => {
  t.throws(() => new Condition({} as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.regex(String(new Condition(new Lock())), /^<Condition\(<unlocked Lock>\)>$/);
});

test('worker threads: a consumer waits on a shared Condition until producers reach the count', async (t) => {
  const cond = new Condition();
  const counter = new Value('i', 0);
  const ready = new Event();
  const consumer = new Thread({ target: waitForCount, args: [cond, counter, 200, ready], module });
  consumer.start();
  t.true(await ready.wait(60));
  const producers = [1, 2].map(() => new Thread({ target: bumpAndNotify, args: [cond, counter, 100], module }));
  for (const th of producers) th.start();
  await Promise.all([consumer, ...producers].map((th) => th.join()));
  t.deepEqual(consumer.result, { ok: true, seen: 200 });
});

test('notify() from the main thread wakes one waiting worker thread', async (t) => {
  const cond = new Condition(new Lock());
  const entered = new Semaphore(0);
  const threads = [1, 2].map(() => new Thread({ target: waitOnce, args: [cond, entered, 1], module }));
  for (const th of threads) th.start();
  t.true(await entered.acquire(true, 60));
  t.true(await entered.acquire(true, 60));
  // Both have released the lock inside wait() once we can take it.
  await holding(cond, () => cond.notify());
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(threads.map((th) => th.result).sort(), [false, true]);
});
