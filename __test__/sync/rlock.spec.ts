import test from 'ava';
import { RLock, RuntimeError, Thread, Value } from 'spindle';
import { addUnderValueLock, probeForeignRLock } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

/** Runs `body` as the target of a spindle Thread on the main loop; resolves with its result. */
async function inThread<T>(body: () => T | Promise<T>): Promise<T> {
  const th = new Thread({ target: body });
  th.start();
  await th.join();
  if (th.failed) throw th.exception;
  return th.result as T;
}

test('an RLock is re-entrant for its owner and unlocks at the last release', async (t) => {
  const rlock = new RLock();
  t.true(await rlock.acquire());
  t.true(await rlock.acquire());
  t.true(await rlock.acquire(false));
  t.regex(String(rlock), /^<locked RLock owner=thread \d+ count=3>$/);
  rlock.release();
  rlock.release();
  t.true(rlock.locked());
  rlock.release();
  t.false(rlock.locked());
  t.is(String(rlock), '<unlocked RLock owner=none count=0>');
});

test('release() by anyone but the owner throws RuntimeError', async (t) => {
  const rlock = new RLock();
  const unowned = t.throws(() => rlock.release(), { instanceOf: RuntimeError });
  t.is(unowned?.message, 'cannot release un-acquired lock');
  await rlock.acquire();
  const other = await inThread(() => {
    try {
      rlock.release();
      return 'released';
    } catch (error) {
      return (error as Error).message;
    }
  });
  t.is(other, 'cannot release un-acquired lock');
  t.true(rlock.locked());
  rlock.release();
});

test('two Threads on the main loop are two owners', async (t) => {
  const rlock = new RLock();
  let release: () => void = () => {};
  const holder = new Thread({
    target: async () => {
      await rlock.acquire();
      await new Promise<void>((r) => (release = r));
      rlock.release();
    },
  });
  holder.start();
  while (!rlock.locked()) await new Promise((r) => setImmediate(r));
  t.deepEqual(await inThread(async () => [await rlock.acquire(false), await rlock.acquire(true, 0.02)]), [
    false,
    false,
  ]);
  t.false(await rlock.acquire(false), 'nor is the main program its owner');
  release();
  await holder.join();
  t.false(rlock.locked());
});

test('one async flow stays one owner across awaits and timers', async (t) => {
  const rlock = new RLock();
  const result = await inThread(async () => {
    await rlock.acquire();
    await new Promise((r) => setTimeout(r, 5));
    const again = await new Promise<boolean>((resolve) => {
      setTimeout(() => void rlock.acquire(false).then(resolve), 1);
    });
    rlock.release();
    rlock.release();
    return again;
  });
  t.true(result);
  t.false(rlock.locked());
});

test('a worker thread is another owner: it can neither re-enter nor release the main program’s RLock', async (t) => {
  const rlock = new RLock();
  await rlock.acquire();
  const th = new Thread({ target: probeForeignRLock, args: [rlock], module });
  th.start();
  await th.join();
  t.deepEqual(th.result, {
    acquired: false,
    releaseError: { name: 'RuntimeError', message: 'cannot release un-acquired lock', isRuntimeError: true },
    locked: true,
  });
  rlock.release();
  t.false(rlock.locked());
});

test('a waiting owner gets the RLock when the other owner releases its last level', async (t) => {
  const rlock = new RLock();
  await rlock.acquire();
  await rlock.acquire();
  const other = inThread(async () => {
    const ok = await rlock.acquire(true, 30);
    rlock.release();
    return ok;
  });
  rlock.release();
  await new Promise((r) => setTimeout(r, 5));
  t.true(rlock.locked(), 'still held at one level');
  rlock.release();
  t.true(await other);
});

test('worker threads re-entering a Value’s RLock keep the count exact', async (t) => {
  const counter = new Value('i', 0);
  t.true(counter.getLock() instanceof RLock);
  const threads = [1, 2].map(() => new Thread({ target: addUnderValueLock, args: [counter, 10_000], module }));
  for (const th of threads) th.start();
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(
    threads.map((th) => th.exception),
    [undefined, undefined],
  );
  t.is(counter.value, 20_000);
  t.false(counter.getLock().locked());
});

test('acquire checks its arguments as Lock does', async (t) => {
  const rlock = new RLock();
  await t.throwsAsync(rlock.acquire(false, 1), { message: "can't specify a timeout for a non-blocking call" });
  await t.throwsAsync(rlock.acquire(true, -3), { message: 'timeout value must be a non-negative number' });
  await t.throwsAsync(rlock.acquire(1 as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.false(rlock.locked());
});
