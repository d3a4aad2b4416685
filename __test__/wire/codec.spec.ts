import test from 'ava';
import { Barrier, BoundedSemaphore, Condition, Event, Lock, Queue, RLock, Semaphore, Thread, Value } from 'spindle';
import { decode, encode } from '../../dist/internal.js';
import { makeShared, touchNested } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

test('values without shared objects pass through untouched, not copied', (t) => {
  const args = [1, 'two', { three: [3, { four: 4 }] }, new Float64Array(2), new Map([[1, new Lock()]]), null];
  const { value, transfer } = encode(args);
  t.is(value, args);
  t.deepEqual(transfer, []);
  t.is(decode(args), args);
});

test('shared objects nested in arrays and plain objects become descriptors; only their path is copied', (t) => {
  const lock = new Lock();
  const untouched = { a: [1, 2] };
  const args = [{ deep: [{ lock }], untouched }, 5];
  const { value } = encode(args);
  const encoded = value as [{ deep: [{ lock: Record<string, unknown> }]; untouched: object }, number];
  t.not(encoded, args);
  t.is(encoded[0].untouched, untouched, 'containers without shared objects are reused');
  t.is(encoded[0].deep[0].lock.__spindleShared, 'Lock');
  t.true(encoded[0].deep[0].lock.buffer instanceof SharedArrayBuffer);
  t.is((args[0] as unknown as { deep: [{ lock: Lock }] }).deep[0].lock, lock, 'the input is not modified');
});

test('decode revives every type over the same memory, one instance per object', async (t) => {
  const lock = new Lock();
  const objects = {
    lock,
    again: lock,
    rlock: new RLock(),
    event: new Event(),
    semaphore: new Semaphore(2),
    bounded: new BoundedSemaphore(1),
    barrier: new Barrier(2, null, 5),
    condition: new Condition(lock),
    value: new Value('d', 1.5),
    queue: new Queue(3),
  };
  // A structured clone, as postMessage makes it.
  const revived = decode(structuredClone(encode(objects).value)) as typeof objects;
  t.true(revived.lock instanceof Lock);
  t.not(revived.lock, lock);
  t.is(revived.again, revived.lock);
  await revived.lock.acquire();
  t.true(lock.locked(), 'same memory');
  lock.release();
  t.true(revived.rlock instanceof RLock);
  revived.event.set();
  t.true(objects.event.isSet());
  t.true(revived.semaphore instanceof Semaphore && !(revived.semaphore instanceof BoundedSemaphore));
  t.true(revived.bounded instanceof BoundedSemaphore);
  t.throws(() => revived.bounded.release(), { message: 'Semaphore released too many times' });
  t.is(revived.barrier.parties, 2);
  t.true(revived.condition instanceof Condition);
  revived.value.value = 7.25;
  t.is(objects.value.value, 7.25);
  t.true(revived.value.getLock() instanceof RLock);
  await revived.queue.put('through the copy');
  t.is(await objects.queue.get(), 'through the copy');
  t.is(revived.queue.maxsize, 3);
});

test('cycles and deep nesting are tolerated', (t) => {
  const cyclic: Record<string, unknown> = { lock: new Lock() };
  cyclic.self = cyclic;
  const { value } = encode(cyclic);
  t.is((value as Record<string, Record<string, unknown>>).lock?.__spindleShared, 'Lock');
  let deep: unknown = new Lock();
  for (let i = 0; i < 1000; i++) deep = [deep];
  t.notThrows(() => encode(deep));
});

test("via 'process' only a Queue may go; other types fail with a TypeError naming them", (t) => {
  const cases: Array<[unknown, string]> = [
    [new Lock(), 'a Lock'],
    [new RLock(), 'an RLock'],
    [new Event(), 'an Event'],
    [new Semaphore(), 'a Semaphore'],
    [new BoundedSemaphore(), 'a BoundedSemaphore'],
    [new Barrier(2), 'a Barrier'],
    [new Condition(), 'a Condition'],
    [new Value('i', 1), 'a Value'],
  ];
  for (const [object, named] of cases) {
    const error = t.throws(() => encode([{ object }], { via: 'process' }), { instanceOf: TypeError });
    t.is(error?.message, `${named} cannot be shared with a child process; use a Queue to talk to it`);
    t.is((error as TypeError & { code?: string }).code, 'ERR_SPINDLE_NOT_SHAREABLE');
  }
  const { value } = encode({ q: new Queue(2) }, { via: 'process' });
  const descriptor = (value as { q: Record<string, unknown> }).q;
  t.deepEqual(JSON.parse(JSON.stringify(descriptor)), descriptor, 'a JSON-safe descriptor');
  t.is(descriptor.kind, 'process');
  t.is(descriptor.maxsize, 2);
});

test('an unknown descriptor type is reported, not passed on dead', (t) => {
  t.throws(() => decode([{ __spindleShared: 'Teleporter' }]), { instanceOf: TypeError, message: /shared Teleporter/ });
});

test('shared objects nested in a Thread’s args arrive live in the worker', async (t) => {
  const lock = new Lock();
  const value = new Value('i', 0);
  const th = new Thread({
    target: touchNested,
    args: [{ deep: { list: [{ lock }, { value }], again: lock }, plain: { kept: [1, 2] }, typed: new Float64Array(3) }],
    module,
  });
  th.start();
  await th.join();
  t.deepEqual(th.result, {
    lockIsLock: true,
    acquired: true,
    sameLockTwice: true,
    plain: { kept: [1, 2] },
    typed: true,
  });
  t.true(lock.locked());
  t.is(value.value, 99);
});

test('shared objects a worker returns arrive live in the main thread', async (t) => {
  const th = new Thread({ target: makeShared, module });
  th.start();
  await th.join();
  t.is(th.exception, undefined);
  const { lock, value, queue, rlock } = th.result as Awaited<ReturnType<typeof makeShared>>;
  t.true(lock instanceof Lock);
  t.true(lock.locked(), 'acquired in the worker');
  lock.release();
  t.false(lock.locked());
  t.is(value.value, 2.5);
  t.is(await queue.get(false), 'made in a worker');
  t.true(await rlock.acquire(false));
});
