import test from 'ava';
import { Event, Thread } from 'spindle';
import { setEvent, waitForEvent } from '../fixtures/sync-targets.mjs';

test('an Event starts clear; set, isSet and clear behave as in Python', (t) => {
  const e = new Event();
  t.false(e.isSet());
  e.set();
  t.true(e.isSet());
  e.clear();
  t.false(e.isSet());
});

test('wait() resolves true once the flag is set, waking every waiter', async (t) => {
  const e = new Event();
  const waiters = [e.wait(), e.wait(), e.wait(10)];
  setTimeout(() => e.set(), 10);
  t.deepEqual(await Promise.all(waiters), [true, true, true]);
  t.true(await e.wait());
});

test('wait(timeout) resolves false when the timeout passes first', async (t) => {
  const e = new Event();
  t.false(await e.wait(0.02));
  t.false(await e.wait(0));
  t.false(await e.wait(-5));
  e.set();
  t.true(await e.wait(0));
});

test('a set after clear wakes new waiters only', async (t) => {
  const e = new Event();
  e.set();
  e.clear();
  const w = e.wait(1);
  e.set();
  t.true(await w);
});

test('wait checks its timeout', async (t) => {
  const e = new Event();
  await t.throwsAsync(e.wait('1' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(e.wait(Number.NaN), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
});

test('as in CPython, a set() then clear() still wakes the waiters that were waiting', async (t) => {
  const e = new Event();
  const waiting = e.wait(30);
  e.set();
  e.clear();
  t.true(await waiting);
  t.false(e.isSet());
  t.is(String(e), '<Event unset>');
});

test('an Event passed to a worker thread is shared both ways', async (t) => {
  const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);
  const toWorker = new Event();
  const fromWorker = new Event();
  const waiter = new Thread({ target: waitForEvent, args: [toWorker, 60], module });
  waiter.start();
  toWorker.set();
  await waiter.join();
  t.true(waiter.result as boolean);
  const setter = new Thread({ target: setEvent, args: [fromWorker], module });
  setter.start();
  t.true(await fromWorker.wait(60));
  await setter.join();
  const timesOut = new Thread({ target: waitForEvent, args: [new Event(), 0.02], module });
  timesOut.start();
  await timesOut.join();
  t.false(timesOut.result as boolean);
});
