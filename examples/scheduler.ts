/**
 * The seed's plan: a `sched.scheduler` whose action re-enters itself every 60 seconds.
 *
 *     import sched, time
 *     s = sched.scheduler(time.time, time.sleep)
 *     def do_something(sc):
 *         print "Doing stuff..."
 *         # do your stuff
 *         s.enter(60, 1, do_something, (sc,))
 *
 *     s.enter(60, 1, do_something, (s,))
 *     s.run()
 *
 * `new Scheduler()` uses a monotonic clock in seconds and an asynchronous sleep: `run()` returns
 * a Promise and the event loop keeps turning while it waits. (For a fixed rate without drift,
 * spindle also has `s.every(60, 1, action)`.)
 *
 * Run: npx tsx examples/scheduler.ts   (Ctrl-C to stop; INTERVAL=seconds and ROUNDS=N change it)
 */
import { Scheduler } from 'spindle';

const interval = Number(process.env.INTERVAL ?? 60);
const rounds = Number(process.env.ROUNDS ?? Number.POSITIVE_INFINITY);
let runs = 0;

const s = new Scheduler();

function doSomething(sc: Scheduler): void {
  console.log('Doing stuff...');
  // do your stuff
  if (++runs < rounds) s.enter(interval, 1, doSomething, [sc]);
}

s.enter(interval, 1, doSomething, [s]);
await s.run();
