import test from 'ava';
import { kernels, Scheduler, ValueError } from 'spindle';

/** A fake clock: `delayfunc` advances it instead of waiting, and records every delay asked. */
function fakeClock(start = 1000): { now: () => number; sleep: (s: number) => void; delays: number[] } {
  let now = start;
  const delays: number[] = [];
  return {
    now: () => now,
    sleep: (s) => {
      delays.push(s);
      now += s;
    },
    delays,
  };
}

test('events run in order of time, then priority, then insertion', async (t) => {
  const clock = fakeClock();
  const s = new Scheduler(clock.now, clock.sleep);
  const order: string[] = [];
  const log = (name: string) => order.push(name);
  s.enterabs(1005, 2, log, ['t5 p2']);
  s.enterabs(1005, 1, log, ['t5 p1 first']);
  s.enterabs(1001, 9, log, ['t1']);
  s.enterabs(1005, 1, log, ['t5 p1 second']);
  s.enter(2, 0, log, ['t2']);
  t.is(await s.run(), undefined);
  t.deepEqual(order, ['t1', 't2', 't5 p1 first', 't5 p1 second', 't5 p2']);
  t.true(s.empty());
});

test('delayfunc(0) follows every event, the last one included, as in CPython', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  s.enterabs(1, 1, () => {});
  s.enterabs(1, 1, () => {});
  s.enterabs(3, 1, () => {});
  await s.run();
  t.deepEqual(clock.delays, [1, 0, 0, 2, 0]);
});

test('enter is enterabs(timefunc() + delay); events are frozen with Python fields', (t) => {
  const clock = fakeClock(50);
  const s = new Scheduler(clock.now, clock.sleep);
  const action = (): void => {};
  const e = s.enter(10, 3, action, [1, 2], { k: 1 });
  t.deepEqual(
    { time: e.time, priority: e.priority, action: e.action, argument: [...e.argument], kwargs: e.kwargs },
    { time: 60, priority: 3, action, argument: [1, 2], kwargs: { k: 1 } },
  );
  t.true(Number.isInteger(e.sequence));
  t.true(Object.isFrozen(e));
  const f = s.enterabs(60, 3, action);
  t.true(f.sequence > e.sequence);
  t.deepEqual(f.argument, []);
  t.deepEqual(f.kwargs, {});
});

test('queue is a sorted copy', (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const b = s.enterabs(2, 1, () => {});
  const a = s.enterabs(1, 1, () => {});
  const q = s.queue;
  t.deepEqual(q, [a, b]);
  q.pop();
  t.deepEqual(s.queue, [a, b]);
  t.not(s.queue, s.queue);
});

test('cancel removes an event; cancelling one not queued raises ValueError', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const ran: string[] = [];
  const keep = s.enter(1, 1, () => ran.push('keep'));
  const drop = s.enter(1, 1, () => ran.push('drop'));
  s.cancel(drop);
  const error = t.throws(() => s.cancel(drop), { instanceOf: ValueError });
  t.is(error?.code, 'ERR_SPINDLE_VALUE');
  await s.run();
  t.deepEqual(ran, ['keep']);
  t.throws(() => s.cancel(keep), { instanceOf: ValueError });
});

test('run(false) runs what is due and resolves to the delay until the next event', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const ran: number[] = [];
  s.enterabs(0, 1, () => ran.push(0));
  s.enterabs(5, 1, () => ran.push(5));
  t.is(await s.run(false), 5);
  t.deepEqual(ran, [0]);
  clock.sleep(5);
  t.is(await s.run(false), undefined);
  t.deepEqual(ran, [0, 5]);
  t.is(await s.run(false), undefined);
});

test('an action may enter and cancel events while run() goes on', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const ran: string[] = [];
  const later = s.enterabs(10, 1, () => ran.push('cancelled one'));
  s.enterabs(1, 1, () => {
    ran.push('first');
    s.cancel(later);
    s.enter(1, 1, () => ran.push('added'));
  });
  await s.run();
  t.deepEqual(ran, ['first', 'added']);
});

test('an action that throws rejects run(); the next run() carries on with the rest', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const ran: string[] = [];
  s.enterabs(1, 1, () => {
    throw new Error('action failed');
  });
  s.enterabs(2, 1, () => ran.push('after'));
  await t.throwsAsync(s.run(), { message: 'action failed' });
  t.is(s.queue.length, 1);
  await s.run();
  t.deepEqual(ran, ['after']);
});

test('async actions and kernels are awaited before the next event', async (t) => {
  const s = new Scheduler();
  const order: unknown[] = [];
  s.enter(0, 1, async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push('async');
  });
  s.enter(0, 2, async () => order.push(await kernels.countPrimes(1000)));
  s.enter(0, 3, kernels.spin, [1000]);
  s.enter(0, 4, () => order.push('last'));
  await s.run();
  t.deepEqual(order, ['async', 168, 'last']);
});

test('kwargs, when given, are passed as one trailing object', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const calls: unknown[][] = [];
  const record = (...args: unknown[]): void => {
    calls.push(args);
  };
  s.enter(0, 1, record, ['a'], { k: 1 });
  s.enter(0, 2, record, ['b']);
  await s.run();
  t.deepEqual(calls, [['a', { k: 1 }], ['b']]);
});

test("the seed's plan re-enters its action every interval (default clock, short interval)", async (t) => {
  const s = new Scheduler();
  const lines: string[] = [];
  function doSomething(sc: Scheduler): void {
    lines.push('Doing stuff...');
    if (lines.length < 3) sc.enter(0.02, 1, doSomething, [sc]);
  }
  s.enter(0.02, 1, doSomething, [s]);
  await s.run();
  t.deepEqual(lines, ['Doing stuff...', 'Doing stuff...', 'Doing stuff...']);
});

test('every() repeats drift-free on the planned grid until cancelled', async (t) => {
  const clock = fakeClock(0);
  const s = new Scheduler(clock.now, clock.sleep);
  const times: number[] = [];
  const repeat = s.every(10, 1, () => {
    times.push(clock.now());
    clock.sleep(3); // each run takes time; the grid does not drift
    if (times.length === 4) repeat.cancel();
  });
  await s.run();
  t.deepEqual(times, [10, 20, 30, 40]);
  t.true(s.empty());
});

test('arguments are checked', (t) => {
  const s = new Scheduler();
  t.throws(() => s.enter('1' as never, 1, () => {}), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => s.enterabs(Number.NaN, 1, () => {}), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => s.enter(1, 1, 'f' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => s.enter(1, 1, () => {}, 'x' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Scheduler(5 as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => s.every(0, 1, () => {}), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
});
