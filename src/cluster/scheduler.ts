/**
 * The cluster's Scheduler: `sched`'s methods, with events kept in Redis as BullMQ delayed jobs
 * (and `every` as a BullMQ job scheduler), run by the worker hosts of the queue. A job is
 * delivered to one host, so an event runs once per occurrence across the cluster however many
 * processes hold a Scheduler on that queue; give an event an `id` and entering it again from
 * another process (every instance of a service at start-up, say) adds nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type ConnectionOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Connection, checkConnection, connect } from './connection.js';
import { clusterError, fromRecord } from './errors.js';
import { checkOptions, invalidArgType, outOfRange, type TargetFunction, ValueError } from './spindle.js';
import { moduleSpec, targetRef } from './targets.js';
import { DEFAULT_MAX_PAYLOAD, decode, encode, type JobData, names, type SchedReply } from './wire.js';

/**
 * Options of the cluster's `new Scheduler()`.
 *
 * @example
 * ```ts
 * const options: ClusterSchedulerOptions = { connection: 'redis://127.0.0.1:6379', queue: 'jobs', module: import.meta.url };
 * ```
 */
export interface ClusterSchedulerOptions {
  /** Redis: a URL (password, `rediss://` TLS) or ioredis options. */
  connection: Connection;
  /** The BullMQ queue whose worker hosts run the events. */
  queue: string;
  /** The module function actions are exported from (`import.meta.url`, or a package name). */
  module?: string | URL | undefined;
  /** The directory `module` is named relative to (as the Pool's `root`). */
  root?: string | URL | undefined;
  /** Seconds between checks of overdue events whose host has not reported (default 5). */
  checkInterval?: number | undefined;
}

/**
 * Per-event options (beyond `sched`).
 *
 * @example
 * ```ts
 * scheduler.every(60, 0, report, [], undefined, { id: 'hourly-report' }); // one schedule, however many processes say so
 * ```
 */
export interface ClusterEventOptions {
  /**
   * The event's id in the queue (letters, digits, `-`, `_`, `.`). Entering an event with an id
   * that is already queued adds nothing: that is how several processes plan one event. Default:
   * a new id for `enter`/`enterabs`; for `every`, one derived from the target, its arguments,
   * the interval and the priority.
   */
  id?: string | undefined;
}

/**
 * A planned event (frozen), as `sched`'s: `time` is Unix time in seconds (`Date.now() / 1000`),
 * which every host agrees on.
 *
 * @example
 * ```ts
 * const event: ClusterSchedEvent = scheduler.enter(10, 0, kernels.countPrimes, [1e6]);
 * event.id; // its BullMQ job id
 * ```
 */
export interface ClusterSchedEvent {
  /** When it runs: Unix time in seconds. */
  readonly time: number;
  /** Lower runs first among events due together. */
  readonly priority: number;
  /** Order of entry in this Scheduler. */
  readonly sequence: number;
  /** The target: a kernel, or a function exported from the Scheduler's module. */
  readonly action: TargetFunction;
  /** The arguments. */
  readonly argument: readonly unknown[];
  /** The trailing keyword object (`{}` when none was given). */
  readonly kwargs: Record<string, unknown>;
  /** The BullMQ job id (or, for `every`, the job scheduler's id). */
  readonly id: string;
}

/**
 * The handle `every` returns.
 *
 * @example
 * ```ts
 * const ticks = scheduler.every(1, 0, kernels.spin, [1000]);
 * ticks.cancel(); // removes the job scheduler: no occurrence after this one
 * ```
 */
export interface ClusterRepetition {
  /** The job scheduler's id. */
  readonly id: string;
  /** Stops the repetition, cluster-wide (it removes the BullMQ job scheduler). */
  cancel(): void;
}

const ID = /^[\w.-]{1,200}$/;

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);
/** BullMQ's priorities run from 1 (first) to 2^21; spindle's 0 … 2^21 − 1 map onto them. */
const MAX_PRIORITY = 2 ** 21 - 1;
const KEEP = { age: 3600 };

function checkNumber(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value)) throw outOfRange(name, 'a finite number', value);
  return value;
}

function checkPriority(value: unknown): number {
  checkNumber('priority', value);
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_PRIORITY) {
    throw outOfRange('priority', `an integer >= 0 && <= ${MAX_PRIORITY} (BullMQ's priorities)`, value);
  }
  return value as number;
}

function checkEventOptions(value: unknown): string | undefined {
  const o = checkOptions<ClusterEventOptions>('options', value);
  if (o.id === undefined) return undefined;
  if (typeof o.id !== 'string' || !ID.test(o.id) || /^\d+$/.test(o.id)) {
    throw invalidArgType('options.id', 'a string of letters, digits, -, _ and . (not only digits)', o.id);
  }
  return o.id;
}

/**
 * Python's `sched.scheduler` over a BullMQ queue: events are delayed jobs that the queue's worker
 * hosts run, once per occurrence across the cluster. Times are Unix seconds (`timefunc()` is
 * `Date.now() / 1000`), since a monotonic clock means nothing to another host. `run()` waits
 * until the events this Scheduler entered have run (rejecting with an action's error, rebuilt
 * as on a Pool); the events themselves live in Redis, so they run even if this process exits.
 *
 * `every` is a BullMQ job scheduler: the n-th occurrence is planned at `start + n·interval`
 * (milliseconds, on Redis's clock), so lateness never accumulates; each one starts when a host
 * takes it (its delay timer plus a queue round trip, usually a few ms late, more if every host
 * is busy); an occurrence missed while no host could run it is skipped, not run twice later.
 *
 * @example
 * ```ts
 * import { Scheduler } from 'spindle/cluster';
 *
 * export function report(day: string) { … }
 *
 * const scheduler = new Scheduler({ connection: 'redis://127.0.0.1:6379', queue: 'jobs', module: import.meta.url });
 * scheduler.enter(5, 0, report, ['monday']); // runs on one worker host in five seconds
 * scheduler.every(3600, 0, report, ['hourly'], undefined, { id: 'hourly' }); // one schedule across the cluster
 * await scheduler.run(false); // seconds until the next event
 * ```
 */
export class Scheduler {
  readonly #queueName: string;
  readonly #module: string | undefined;
  readonly #connection: ReturnType<typeof checkConnection>;
  readonly #checkMs: number;
  readonly #id = randomUUID();
  #queue: Queue | undefined;
  #subscriber: Redis | undefined;
  #subscribed: Promise<unknown> | undefined;
  #ops: Promise<unknown> = Promise.resolve();
  #sequence = 0;
  readonly #events = new Map<string, ClusterSchedEvent>();
  readonly #repetitions = new Map<string, { start: number; interval: number; event: ClusterSchedEvent }>();
  #failure: { error: unknown } | undefined;
  #wake: (() => void)[] = [];

  constructor(options: ClusterSchedulerOptions) {
    if (options === undefined) throw invalidArgType('options', 'of type object', options);
    const o = checkOptions<ClusterSchedulerOptions>('options', options);
    this.#connection = checkConnection('options.connection', o.connection);
    if (typeof o.queue !== 'string' || o.queue === '')
      throw invalidArgType('options.queue', 'a non-empty string', o.queue);
    this.#queueName = o.queue;
    this.#module = moduleSpec(o.module, o.root);
    const check = o.checkInterval === undefined ? 5 : checkNumber('options.checkInterval', o.checkInterval);
    if (check <= 0) throw outOfRange('options.checkInterval', '> 0', check);
    this.#checkMs = check * 1000;
  }

  /** Unix time in seconds: the clock every host shares. */
  timefunc(): number {
    return Date.now() / 1000;
  }

  #connect(): Queue {
    if (!this.#queue) {
      this.#queue = new Queue(this.#queueName, { connection: { ...this.#connection } as ConnectionOptions });
      this.#queue.on('error', () => {});
      const subscriber = connect(this.#connection, true, `scheduler:${this.#queueName}`);
      subscriber.on('error', () => {});
      subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
        let reply: SchedReply;
        try {
          reply = decode(message) as SchedReply;
        } catch {
          return;
        }
        this.#heard(reply.id, reply.ok ? undefined : fromRecord(reply.e));
      });
      this.#subscriber = subscriber;
      this.#subscribed = subscriber.subscribe(names(this.#queueName).sched);
    }
    return this.#queue;
  }

  /** A host reported job `id` (an event, or an occurrence `repeat:<scheduler id>:<ms>`). */
  #heard(id: string, error: Error | undefined): void {
    const event = this.#events.get(id);
    if (event) this.#events.delete(id);
    else if (![...this.#repetitions.keys()].some((r) => id.startsWith(`repeat:${r}:`))) return;
    if (error !== undefined && !this.#failure) this.#failure = { error };
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }

  /** Runs `op` after the ones before it (enter, cancel…), keeping their order in Redis. */
  #chain(op: () => Promise<unknown>): void {
    this.#ops = this.#ops.then(op).catch((error: unknown) => {
      if (!this.#failure) this.#failure = { error };
      this.#notify();
    });
  }

  #jobData(
    action: unknown,
    argument: readonly unknown[],
    kwargs: Record<string, unknown> | undefined,
    call: string,
  ): JobData {
    const target = targetRef(action, this.#module);
    const args = kwargs === undefined ? [...argument] : [...argument, kwargs];
    const bytes = encode([args], DEFAULT_MAX_PAYLOAD, 'the arguments');
    return { v: 1, t: target, c: call, i: 0, s: true, a: bytes.toString('base64'), n: 1 };
  }

  /** Plans `action(...argument)` at Unix time `time` (seconds); returns the event (for `cancel`). */
  enterabs(
    time: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
    options?: ClusterEventOptions,
  ): ClusterSchedEvent {
    checkNumber('time', time);
    checkPriority(priority);
    if (!Array.isArray(argument)) throw invalidArgType('argument', 'an array', argument);
    if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object'))
      throw invalidArgType('kwargs', 'of type object', kwargs);
    const sequence = this.#sequence++;
    const id = checkEventOptions(options) ?? `${this.#id}.${sequence}`;
    const data = this.#jobData(action, argument, kwargs, id);
    const event: ClusterSchedEvent = Object.freeze({
      time,
      priority,
      sequence,
      action,
      argument: Object.freeze([...argument]),
      kwargs: kwargs ?? {},
      id,
    });
    const queue = this.#connect();
    this.#events.set(id, event);
    this.#chain(async () => {
      await this.#subscribed;
      await queue.add(data.t && 'kernel' in data.t ? data.t.kernel : (data.t as { export: string }).export, data, {
        jobId: id,
        delay: Math.max(0, Math.round(time * 1000 - Date.now())),
        priority: priority + 1,
        removeOnComplete: KEEP,
        removeOnFail: KEEP,
      });
    });
    return event;
  }

  /** Plans `action` `delay` seconds from now. */
  enter(
    delay: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
    options?: ClusterEventOptions,
  ): ClusterSchedEvent {
    checkNumber('delay', delay);
    return this.enterabs(this.timefunc() + delay, priority, action, argument, kwargs, options);
  }

  /** Removes a planned event from the queue (cluster-wide); `ValueError` when it is not queued here. */
  cancel(event: ClusterSchedEvent): void {
    const held =
      event !== null && typeof event === 'object' ? this.#events.get((event as ClusterSchedEvent).id) : undefined;
    if (held !== event) {
      const repetition = [...this.#repetitions.values()].find((r) => r.event === event);
      if (!repetition) throw new ValueError('list.remove(x): x not in list');
      this.#cancelRepetition(event.id);
      return;
    }
    this.#events.delete(event.id);
    const queue = this.#connect();
    this.#chain(() => queue.remove(event.id));
    this.#notify();
  }

  #cancelRepetition(id: string): void {
    if (!this.#repetitions.delete(id)) return;
    const queue = this.#connect();
    this.#chain(() => queue.removeJobScheduler(id));
    this.#notify();
  }

  /** Whether nothing this Scheduler planned is still to run. */
  empty(): boolean {
    return this.#events.size === 0 && this.#repetitions.size === 0;
  }

  /** The planned events in the order they will run (a new array); a repetition shows its next occurrence. */
  get queue(): ClusterSchedEvent[] {
    const now = this.timefunc();
    const out = [...this.#events.values()];
    for (const { start, interval, event } of this.#repetitions.values()) {
      const n = Math.max(1, Math.ceil((now - start) / interval));
      out.push(Object.freeze({ ...event, time: start + n * interval }));
    }
    return out.sort((a, b) => a.time - b.time || a.priority - b.priority || a.sequence - b.sequence);
  }

  /**
   * Beyond Python: runs `action` every `interval` seconds (a whole number of milliseconds),
   * first one interval from now, until the handle is cancelled — as a BullMQ job scheduler, so
   * once per occurrence across the cluster (see the class's notes on drift).
   */
  every(
    interval: number,
    priority: number,
    action: TargetFunction,
    argument: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
    options?: ClusterEventOptions,
  ): ClusterRepetition {
    if (checkNumber('interval', interval) < 0.001) throw outOfRange('interval', '>= 0.001', interval);
    checkPriority(priority);
    if (!Array.isArray(argument)) throw invalidArgType('argument', 'an array', argument);
    if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object'))
      throw invalidArgType('kwargs', 'of type object', kwargs);
    const data = this.#jobData(action, argument, kwargs, 'every');
    const id =
      checkEventOptions(options) ??
      `every-${createHash('sha256')
        .update(JSON.stringify([data.t, data.a, interval, priority]))
        .digest('hex')
        .slice(0, 24)}`;
    data.c = id;
    const everyMs = Math.round(interval * 1000);
    const start = this.timefunc();
    const event: ClusterSchedEvent = Object.freeze({
      time: start + interval,
      priority,
      sequence: this.#sequence++,
      action,
      argument: Object.freeze([...argument]),
      kwargs: kwargs ?? {},
      id,
    });
    this.#repetitions.set(id, { start, interval, event });
    const queue = this.#connect();
    this.#chain(async () => {
      await this.#subscribed;
      await queue.upsertJobScheduler(
        id,
        { every: everyMs, startDate: Math.round(start * 1000) + everyMs },
        {
          name: 'kernel' in data.t ? data.t.kernel : data.t.export,
          data,
          opts: { priority: priority + 1, removeOnComplete: KEEP, removeOnFail: KEEP },
        },
      );
    });
    return { id, cancel: () => this.#cancelRepetition(id) };
  }

  /**
   * Blocking (the default): resolves once every event this Scheduler entered has run (never,
   * while a repetition is active), rejecting with the first action's error. Non-blocking:
   * resolves to the seconds until the next planned event (0 for one due but not yet reported),
   * or `undefined` when none is left.
   */
  async run(blocking = true): Promise<number | undefined> {
    for (;;) {
      await this.#ops;
      if (this.#failure) {
        const { error } = this.#failure;
        this.#failure = undefined;
        throw error;
      }
      const next = this.queue[0];
      if (next === undefined) return undefined;
      if (!blocking) return Math.max(0, next.time - this.timefunc());
      const wait = Math.max(0, next.time - this.timefunc()) * 1000 + this.#checkMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await this.#poll();
    }
  }

  /** Asks Redis about overdue events whose host has not reported (a missed broadcast). */
  async #poll(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    const now = Date.now();
    for (const event of [...this.#events.values()]) {
      if (event.time * 1000 + this.#checkMs > now) continue;
      const state = await queue.getJobState(event.id);
      if (state === 'completed' || state === 'unknown') this.#heard(event.id, undefined);
      else if (state === 'failed') {
        const job = await queue.getJob(event.id);
        this.#heard(
          event.id,
          clusterError(
            `event ${event.id} failed: ${job?.failedReason ?? 'no reason given'}`,
            'ERR_SPINDLE_CLUSTER_JOB_FAILED',
          ),
        );
      }
    }
  }

  /** `await using scheduler = new Scheduler(…)`: disconnects on leaving the block (events stay planned). */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Disconnects. Planned events stay in Redis and still run. */
  async close(): Promise<void> {
    await this.#ops.catch(() => {});
    const queue = this.#queue;
    const subscriber = this.#subscriber;
    this.#queue = undefined;
    this.#subscriber = undefined;
    subscriber?.disconnect();
    await queue?.close();
  }
}
