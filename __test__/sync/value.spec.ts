import test from 'ava';
import { Lock, RLock, Thread, Value } from 'spindle';
import { touchNested } from '../fixtures/sync-targets.mjs';

const module = new URL('../fixtures/sync-targets.mjs', import.meta.url);

test("Value('i') holds a C int: integers, wrapping at 32 bits", (t) => {
  const v = new Value('i', 41);
  t.is(v.typecode, 'i');
  t.is(v.value, 41);
  v.value += 1;
  t.is(v.value, 42);
  t.is(String(v), "<Value('i', 42)>");
  v.value = 2 ** 31;
  t.is(v.value, -(2 ** 31));
  v.value = -1;
  t.is(v.value, -1);
  t.is(new Value('i').value, 0);
});

test("Value('d') holds a double, bit for bit", (t) => {
  const v = new Value('d', 0.1);
  t.is(v.value, 0.1);
  v.value = -0;
  t.true(Object.is(v.value, -0));
  v.value = Number.NaN;
  t.true(Number.isNaN(v.value));
  v.value = Number.MAX_VALUE;
  t.is(v.value, Number.MAX_VALUE);
  v.value = 2 ** 53 + 2;
  t.is(v.value, 2 ** 53 + 2);
});

test('getLock() is an RLock by default, or the lock given', (t) => {
  const v = new Value('i', 0);
  t.true(v.getLock() instanceof RLock);
  t.is(v.getLock(), v.getLock());
  const lock = new Lock();
  t.is(new Value('d', 1, { lock }).getLock(), lock);
});

test('the constructor and the setter check their arguments', (t) => {
  t.throws(() => new Value('f' as never, 1), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => new Value('i', 1.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => new Value('i', '1' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Value('i', 1, { lock: {} as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  const v = new Value('i', 1);
  t.throws(
    () => {
      v.value = 0.5;
    },
    { instanceOf: RangeError },
  );
  t.throws(
    () => {
      v.value = null as never;
    },
    { instanceOf: TypeError },
  );
  t.is(v.value, 1);
});

test('a Value passed to a worker thread is the same memory: its writes show here', async (t) => {
  const v = new Value('i', 0);
  const lock = new Lock();
  const th = new Thread({
    target: touchNested,
    args: [{ deep: { list: [{ lock }, { value: v }], again: lock }, plain: 1 }],
    module,
  });
  th.start();
  await th.join();
  t.is(th.exception, undefined);
  t.is(v.value, 99);
  t.true(lock.locked(), 'the worker took the shared lock');
});
