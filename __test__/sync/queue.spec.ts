import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Lock, Queue, QueueEmpty, QueueFull, SpindleError, Thread } from 'spindle';
import { attachChild, encode } from '../../dist/internal.js';
import { consume, produce } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);
const childFile = fileURLToPath(new URL('../fixtures/queue-child.mjs', import.meta.url));

test('items come out first in, first out; qsize, empty and full follow', async (t) => {
  const q = new Queue<number>(3);
  t.is(q.maxsize, 3);
  t.true(q.empty());
  t.false(q.full());
  await q.put(1);
  await q.put(2);
  await q.put(3);
  t.is(q.qsize(), 3);
  t.true(q.full());
  t.is(String(q), '<Queue size=3 maxsize=3>');
  t.deepEqual([await q.get(), await q.get(), await q.get()], [1, 2, 3]);
  t.true(q.empty());
  t.false(new Queue().full(), 'an unbounded queue is never full');
});

test('get() on an empty queue rejects with QueueEmpty when non-blocking or timed out', async (t) => {
  const q = new Queue();
  const error = await t.throwsAsync(q.get(false), { instanceOf: QueueEmpty });
  t.true(error instanceof SpindleError);
  t.is(error?.code, 'ERR_SPINDLE_QUEUE_EMPTY');
  await t.throwsAsync(q.get(true, 0.02), { instanceOf: QueueEmpty });
  await t.throwsAsync(q.get(true, -1), { instanceOf: QueueEmpty });
  await t.throwsAsync(q.getNowait(), { instanceOf: QueueEmpty });
});

test('put() on a full queue rejects with QueueFull when non-blocking or timed out', async (t) => {
  const q = new Queue(1);
  await q.put('a');
  const error = await t.throwsAsync(q.put('b', false), { instanceOf: QueueFull });
  t.is(error?.code, 'ERR_SPINDLE_QUEUE_FULL');
  await t.throwsAsync(q.put('b', true, 0.02), { instanceOf: QueueFull });
  await t.throwsAsync(q.putNowait('b'), { instanceOf: QueueFull });
  t.is(q.qsize(), 1, 'failed puts leave nothing behind');
  t.is(await q.get(), 'a');
});

test('a blocked get() wakes on the next put(); a blocked put() on the next get()', async (t) => {
  const q = new Queue<string>(1);
  const getting = q.get();
  setTimeout(() => void q.put('late'), 5);
  t.is(await getting, 'late');
  await q.put('first');
  const putting = q.put('second');
  t.is(await q.get(), 'first');
  await putting;
  t.is(await q.get(), 'second');
});

test('items are structured-cloned copies, types intact', async (t) => {
  const q = new Queue();
  const item = {
    date: new Date(0),
    map: new Map([[1, 'one']]),
    set: new Set(['x']),
    bytes: new Float64Array([1.5, -0]),
    big: 10n,
    nested: [{ deep: true }],
    missing: undefined,
  };
  await q.put(item);
  const copy = (await q.get()) as typeof item;
  t.deepEqual(copy, item);
  t.not(copy, item);
  t.true(copy.date instanceof Date);
  t.true(copy.bytes instanceof Float64Array);
  t.true(Object.is(copy.bytes[1], -0));
});

test('an item that cannot be cloned, or carries a shared object, is refused with a TypeError', async (t) => {
  const q = new Queue();
  const clone = await t.throwsAsync(q.put({ fn: () => 1 }), { instanceOf: TypeError });
  t.is((clone as (TypeError & { code?: string }) | undefined)?.code, 'ERR_SPINDLE_DATA_CLONE');
  const shared = await t.throwsAsync(q.put([{ lock: new Lock() }]), { instanceOf: TypeError });
  t.is((shared as (TypeError & { code?: string }) | undefined)?.code, 'ERR_SPINDLE_NOT_SHAREABLE');
  t.regex(shared?.message ?? '', /^a Lock cannot be shared with another thread through a Queue; pass it in the args/);
  t.true(q.empty());
});

test('items larger than the shared buffer stream through it', async (t) => {
  const q = new Queue(0, { bufferSize: 4096 });
  const big = Float64Array.from({ length: 200_000 }, (_, i) => i);
  const putting = q.put(big);
  const small = q.put('after');
  const got = (await q.get()) as Float64Array;
  await putting;
  t.is(got.length, big.length);
  t.is(got[199_999], 199_999);
  t.is(await q.get(), 'after');
  await small;
});

test('the arguments are checked', async (t) => {
  t.throws(() => new Queue('3' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Queue(0, { bufferSize: 0 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.is(new Queue(-5).maxsize, 0, 'maxsize ≤ 0 is unbounded, as in Python');
  const q = new Queue();
  await t.throwsAsync(q.put(1, 'yes' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(q.get(true, Number.NaN), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.true(q.empty());
});

test('worker threads put and the main thread gets, through one shared queue', async (t) => {
  const q = new Queue<{ i: number; from: number } | null>(4);
  const producers = [1, 2].map(() => new Thread({ target: produce, args: [q, 500], module }));
  for (const th of producers) th.start();
  const seen = new Map<number, number[]>();
  let ends = 0;
  while (ends < 2) {
    const item = await q.get(true, 60);
    if (item === null) {
      ends++;
      continue;
    }
    const list = seen.get(item.from) ?? [];
    list.push(item.i);
    seen.set(item.from, list);
  }
  await Promise.all(producers.map((th) => th.join()));
  t.is(seen.size, 2);
  const expected = Array.from({ length: 500 }, (_, i) => i);
  for (const list of seen.values()) t.deepEqual(list, expected, 'each producer’s items arrive in its order');
  t.true(q.empty());
});

test('the main thread puts and a worker thread gets', async (t) => {
  const q = new Queue();
  const th = new Thread({ target: consume, args: [q], module });
  th.start();
  for (let i = 0; i < 100; i++) await q.put({ i });
  await q.put(null);
  await th.join();
  t.deepEqual(
    th.result,
    Array.from({ length: 100 }, (_, i) => ({ i })),
  );
});

/** Forks the fixture child, attaches it, and sends it its task with the queues encoded for it. */
function startChild(serialization: 'json' | 'advanced', task: string, args: unknown[]): ChildProcess {
  const child = fork(childFile, [], { serialization, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  attachChild(child);
  child.send({ unrelated: 'traffic on the channel is ignored' });
  child.send({ task, args: encode(args, { via: 'process' }).value });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

for (const serialization of ['advanced', 'json'] as const) {
  test(`a child process uses a Queue its parent serves (${serialization} IPC)`, async (t) => {
    const inbox = new Queue();
    const outbox = new Queue();
    const full = new Queue(1);
    await full.put('occupied');
    const child = startChild(serialization, 'serve', [inbox, outbox, full]);
    const done = exited(child);
    await inbox.put({ n: 1, when: new Date(0), map: new Map([['k', [1]]]) });
    await inbox.put(new Uint8Array([1, 2, 3]));
    const report = (await outbox.get(true, 60)) as Record<string, unknown>;
    t.deepEqual(report, {
      first: { n: 1, when: new Date(0), map: new Map([['k', [1]]]) },
      second: new Uint8Array([1, 2, 3]),
      sizeAfterGets: 0,
      timedGet: 'ERR_SPINDLE_QUEUE_EMPTY',
      nowaitGet: 'ERR_SPINDLE_QUEUE_EMPTY',
      timedPut: 'ERR_SPINDLE_QUEUE_FULL',
      nowaitPut: 'ERR_SPINDLE_QUEUE_FULL',
      fullSeen: true,
    });
    t.is(full.qsize(), 1);
    // The child passes the queue on to a worker thread of its own, which it relays to.
    t.is(await outbox.get(true, 60), 'consumer started');
    for (const i of [1, 2, 3]) await inbox.put({ i });
    await inbox.put(null);
    t.deepEqual(await outbox.get(true, 60), { consumed: [{ i: 1 }, { i: 2 }, { i: 3 }], error: null });
    t.is(await done, 0);
    t.true(inbox.empty());
  });
}

test('a child that dies with a get() pending takes no item with it', async (t) => {
  const inbox = new Queue();
  const outbox = new Queue();
  const child = startChild('advanced', 'die', [inbox, outbox]);
  t.is(await outbox.get(true, 60), 'waiting');
  child.kill('SIGKILL');
  await exited(child);
  await inbox.put('kept');
  t.is(await inbox.get(true, 10), 'kept');
});
