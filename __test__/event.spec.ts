import test from 'ava';
import { Event } from 'spindle';

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
