import test from 'ava';
import { Barrier, BrokenBarrierError, RuntimeError, Thread, ValueError } from 'spindle';
import { atBarrier } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

/** Lets pending waits reach the barrier. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

test('wait() resolves for all parties together, each with a distinct index 0…n−1', async (t) => {
  const barrier = new Barrier(3);
  t.is(barrier.parties, 3);
  const first = [barrier.wait(), barrier.wait()];
  await settle();
  t.is(barrier.nWaiting, 2);
  first.push(barrier.wait());
  const indices = await Promise.all(first);
  t.deepEqual([...indices].sort(), [0, 1, 2]);
  t.is(barrier.nWaiting, 0);
  t.false(barrier.broken);
});

test('the barrier is reusable: a second cycle hands out the indices again', async (t) => {
  const barrier = new Barrier(2);
  for (let cycle = 0; cycle < 3; cycle++) {
    const indices = await Promise.all([barrier.wait(), barrier.wait()]);
    t.deepEqual([...indices].sort(), [0, 1]);
  }
});

test('the action runs once per cycle, before any party is released', async (t) => {
  const log: string[] = [];
  const barrier = new Barrier(3, () => {
    log.push('action');
  });
  const release = async (): Promise<void> => {
    await barrier.wait();
    log.push('released');
  };
  await Promise.all([release(), release(), release()]);
  await Promise.all([release(), release(), release()]);
  t.deepEqual(log, ['action', 'released', 'released', 'released', 'action', 'released', 'released', 'released']);
});

test('an async action is awaited before the release', async (t) => {
  const log: string[] = [];
  const barrier = new Barrier(2, async () => {
    await new Promise((r) => setTimeout(r, 10));
    log.push('action');
  });
  await Promise.all([barrier.wait().then(() => log.push('a')), barrier.wait().then(() => log.push('b'))]);
  t.is(log[0], 'action');
});

test('a failing action breaks the barrier: the last party gets its error, the others BrokenBarrierError', async (t) => {
  const boom = new Error('action failed');
  const barrier = new Barrier(2, () => {
    throw boom;
  });
  const first = barrier.wait();
  await settle();
  const last = barrier.wait();
  await t.throwsAsync(first, { instanceOf: BrokenBarrierError });
  t.is(await t.throwsAsync(last), boom);
  t.true(barrier.broken);
});

test('a timeout breaks the barrier, for every party and later waits', async (t) => {
  const barrier = new Barrier(3);
  const patient = barrier.wait();
  const error = await t.throwsAsync(barrier.wait(0.02), { instanceOf: BrokenBarrierError });
  t.true(error instanceof RuntimeError);
  t.is(error?.code, 'ERR_SPINDLE_BROKEN_BARRIER');
  await t.throwsAsync(patient, { instanceOf: BrokenBarrierError });
  t.true(barrier.broken);
  t.is(barrier.nWaiting, 0);
  await t.throwsAsync(barrier.wait(), { instanceOf: BrokenBarrierError });
});

test('the constructor timeout is the default for wait()', async (t) => {
  const barrier = new Barrier(2, null, 0.02);
  await t.throwsAsync(barrier.wait(), { instanceOf: BrokenBarrierError });
  t.true(barrier.broken);
});

test('abort() breaks the barrier; reset() makes it usable again', async (t) => {
  const barrier = new Barrier(2);
  const waiting = barrier.wait();
  await settle();
  barrier.abort();
  await t.throwsAsync(waiting, { instanceOf: BrokenBarrierError });
  t.true(barrier.broken);
  barrier.reset();
  t.false(barrier.broken);
  t.is(barrier.nWaiting, 0);
  const indices = await Promise.all([barrier.wait(), barrier.wait()]);
  t.deepEqual([...indices].sort(), [0, 1]);
});

test('reset() under waiting parties makes them raise BrokenBarrierError, then the barrier refills', async (t) => {
  const barrier = new Barrier(3);
  const waiting = [barrier.wait(), barrier.wait()];
  await settle();
  barrier.reset();
  for (const w of waiting) await t.throwsAsync(w, { instanceOf: BrokenBarrierError });
  t.false(barrier.broken);
  const indices = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
  t.deepEqual([...indices].sort(), [0, 1, 2]);
});

test('a barrier of one releases every wait at once with index 0', async (t) => {
  const barrier = new Barrier(1);
  t.is(await barrier.wait(), 0);
  t.is(await barrier.wait(), 0);
});

test('the constructor checks its arguments', (t) => {
  t.throws(() => new Barrier(0), { instanceOf: ValueError, message: 'parties must be >= 1' });
  t.throws(() => new Barrier(1.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new Barrier('2' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Barrier(2, 'go' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Barrier(2, null, Number.NaN), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
});

test('worker threads and the main thread meet at one shared barrier', async (t) => {
  const barrier = new Barrier(3);
  const threads = [1, 2].map(() => new Thread({ target: atBarrier, args: [barrier, 60], module }));
  for (const th of threads) th.start();
  const mine = await barrier.wait(60);
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual([mine, ...threads.map((th) => th.result as number)].sort(), [0, 1, 2]);
});

test('a worker thread timing out breaks the barrier for the main thread too', async (t) => {
  const barrier = new Barrier(3);
  const th = new Thread({ target: atBarrier, args: [barrier, 0.05], module });
  th.start();
  await t.throwsAsync(barrier.wait(60), { instanceOf: BrokenBarrierError });
  await th.join();
  t.is(th.result, 'broken');
});

test('a Barrier with an action cannot go to a worker thread: start() says why', (t) => {
  const barrier = new Barrier(2, () => {});
  const th = new Thread({ target: atBarrier, args: [barrier, 1], module });
  const error = t.throws(() => th.start(), { instanceOf: TypeError });
  t.regex(error?.message ?? '', /a Barrier with an action cannot be shared with another thread/);
  t.is((error?.cause as { code?: string } | undefined)?.code, 'ERR_SPINDLE_NOT_SHAREABLE');
});
