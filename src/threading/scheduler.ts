/**
 * Python's `sched.scheduler`: run actions at planned times, in order of (time, priority,
 * sequence). `run()` returns a Promise; an action may be a kernel or any function, and a Promise
 * it returns is awaited before the next event. CPython's sched.py decides what is left open.
 */

import { sleep } from '../core/clock.js';
import { ValueError } from '../core/errors.js';
import { checkArgs, checkKwargs, checkNumber, checkOptionalFunction, outOfRange } from '../core/validate.js';
import { callArguments, checkTarget, type TargetFunction } from './targets.js';

/**
 * A planned call, as Python's `sched.Event` (frozen).
 *
 * @example
 * ```ts
 * const s = new Scheduler();
 * const event = s.enter(5, 1, console.log, ['five seconds later']);
 * event.time - s.queue[0]!.time; // 0: it is the next event
 * s.cancel(event);
 * ```
 */
export interface SchedEvent {
  /** When it runs, in `timefunc` units (seconds by default). */
  readonly time: number;
  /** Lower runs first among events of the same time. */
  readonly priority: number;
  /** Insertion order, breaking the remaining ties. */
  readonly sequence: number;
  /** What runs. */
  readonly action: TargetFunction;
  /** Its positional arguments. */
  readonly argument: readonly unknown[];
  /** Its keyword arguments (`{}` when none were given; passed as a trailing object when given). */
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/**
 * Returned by `Scheduler.every`: stops the repetition.
 *
 * @example
 * ```ts
 * const s = new Scheduler();
 * const every = s.every(60, 1, () => console.log('a minute passed'));
 * // later:
 * every.cancel();
 * ```
 */
export interface Repetition {
  /** Cancels the next planned run; no further runs follow. Idempotent. */
  cancel(): void;
}

function before(a: SchedEvent, b: SchedEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.sequence < b.sequence;
}

const defaultTimefunc = (): number => performance.now() / 1000;

/**
 * A plan of timed actions.
 *
 * @example
 * const s = new Scheduler();
 * function doSomething(sc: Scheduler) {
 *   console.log('Doing stuff...');
 *   sc.enter(60, 1, doSomething, [sc]);
 * }
 * s.enter(60, 1, doSomething, [s]);
 * await s.run();
 */
export class Scheduler {
  /** The clock: monotonic seconds by default. */
  readonly timefunc: () => number;
  /** How to wait: an async sleep of that many seconds by default. */
  readonly delayfunc: (seconds: number) => void | Promise<void>;
  #queue: SchedEvent[] = [];
  #sequence = 0;
  /** Events whose `kwargs` were given, so the call gets them as a trailing object. */
  #withKwargs = new WeakSet<SchedEvent>();

  constructor(timefunc?: () => number, delayfunc?: (seconds: number) => void | Promise<void>) {
    checkOptionalFunction('timefunc', timefunc);
    checkOptionalFunction('delayfunc', delayfunc);
    this.timefunc = timefunc ?? defaultTimefunc;
    this.delayfunc = delayfunc ?? sleep;
  }

  /** Plans `action(...argument)` at absolute `time`; returns the event (for `cancel`). */
  enterabs(
    time: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): SchedEvent {
    checkNumber('time', time);
    checkNumber('priority', priority);
    checkTarget('action', action, undefined);
    checkArgs('argument', argument);
    checkKwargs('kwargs', kwargs);
    const event: SchedEvent = Object.freeze({
      time,
      priority,
      sequence: this.#sequence++,
      action,
      argument: Object.freeze([...argument]),
      kwargs: kwargs ?? {},
    });
    if (kwargs !== undefined) this.#withKwargs.add(event);
    // Sorted insertion (binary search): `queue` and `run` then read the head directly.
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.#queue[mid] as SchedEvent, event)) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, event);
    return event;
  }

  /** Plans `action` `delay` seconds (timefunc units) from now: `enterabs(timefunc() + delay, …)`. */
  enter(
    delay: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): SchedEvent {
    checkNumber('delay', delay);
    return this.enterabs(this.timefunc() + delay, priority, action, argument, kwargs);
  }

  /** Removes a planned event; `ValueError` when it is not in the queue. */
  cancel(event: SchedEvent): void {
    const at = this.#queue.indexOf(event);
    if (at < 0) throw new ValueError('list.remove(x): x not in list');
    this.#queue.splice(at, 1);
  }

  /** Whether nothing is planned. */
  empty(): boolean {
    return this.#queue.length === 0;
  }

  /** The planned events in the order they will run (a new array each time). */
  get queue(): SchedEvent[] {
    return [...this.#queue];
  }

  /**
   * Runs the plan. Blocking (the default): until the queue is empty, resolving `undefined`.
   * Non-blocking: runs the events already due, then resolves to the delay until the next one
   * (or `undefined` when none is left). After each event, `delayfunc(0)` lets others run, as
   * CPython does. An action that throws rejects `run()`; the rest of the plan stays queued.
   */
  async run(blocking = true): Promise<number | undefined> {
    for (;;) {
      const next = this.#queue[0];
      if (next === undefined) return undefined;
      const now = this.timefunc();
      if (next.time > now) {
        if (!blocking) return next.time - now;
        await this.delayfunc(next.time - now);
        continue;
      }
      this.#queue.shift();
      const args = callArguments(next.argument, this.#withKwargs.has(next) ? next.kwargs : undefined);
      await next.action(...args);
      await this.delayfunc(0);
    }
  }

  /**
   * Beyond Python: runs `action` every `interval` seconds, drift-free (the n-th run is planned at
   * `start + n·interval`, however long each run takes), until the returned handle is cancelled.
   * The first run is one interval from now.
   */
  every(
    interval: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): Repetition {
    if (checkNumber('interval', interval) <= 0) throw outOfRange('interval', '> 0', interval);
    checkTarget('action', action, undefined);
    const start = this.timefunc();
    let n = 0;
    let planned: SchedEvent | undefined;
    let stopped = false;
    const tick = async (...args: unknown[]): Promise<void> => {
      if (!stopped) planned = this.enterabs(start + ++n * interval, priority, tick, argument, kwargs);
      await action(...args);
    };
    planned = this.enterabs(start + ++n * interval, priority, tick, argument, kwargs);
    return {
      cancel: () => {
        stopped = true;
        if (planned && this.#queue.includes(planned)) this.cancel(planned);
      },
    };
  }
}
