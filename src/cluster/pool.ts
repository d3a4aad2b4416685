/**
 * The cluster's Pool: the local Pool's methods and meanings (Python's `multiprocessing.Pool`),
 * with the work done by worker hosts that take it from a BullMQ queue on Redis. Each call is
 * cut into chunks, each chunk one job; replies come back on this pool's own reply list.
 *
 * What differs from the local Pool, by necessity: delivery is at-least-once (a task whose host
 * dies runs again elsewhere: its side effects may happen twice; its result is counted once),
 * and targets travel by reference (a kernel's name, or a module and export name), never as code.
 */
import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Call } from './call.js';
import { type Connection, checkConnection, connect, whenReady } from './connection.js';
import { clusterError } from './errors.js';
import { ReplyReader } from './replies.js';
import {
  AbortError,
  AsyncResult,
  CancelledError,
  checkInteger,
  checkOptionalFunction,
  checkOptionalSignal,
  checkOptions,
  invalidArgType,
  ValueError,
} from './spindle.js';
import { moduleSpec, targetRef } from './targets.js';
import { DEFAULT_MAX_PAYLOAD, encode, type JobData, names, type Reply, type TargetRef } from './wire.js';

/**
 * Retry delays of a failed task (BullMQ's `backoff`): a fixed or exponential delay, in seconds.
 *
 * @example
 * ```ts
 * const backoff: Backoff = { type: 'exponential', delay: 0.5 }; // 0.5 s, 1 s, 2 s…
 * ```
 */
export interface Backoff {
  /** `'fixed'`: `delay` every time; `'exponential'`: `delay`, then doubling. */
  type: 'fixed' | 'exponential';
  /** Seconds before the first retry. */
  delay: number;
}

/**
 * Options of the cluster's `new Pool()`.
 *
 * @example
 * ```ts
 * const options: ClusterPoolOptions = {
 *   connection: 'rediss://:secret@redis.internal:6380',
 *   queue: 'render',
 *   module: import.meta.url,
 *   attempts: 3,
 *   backoff: { type: 'exponential', delay: 1 },
 * };
 * ```
 */
export interface ClusterPoolOptions {
  /** Redis: a `redis://`, `rediss://` (TLS) or `unix:` URL — user and password included — or ioredis options. */
  connection: Connection;
  /** The BullMQ queue the worker hosts take jobs from. */
  queue: string;
  /**
   * The module function targets are exported from: `import.meta.url` (sent to the hosts as its
   * path relative to `root`, which each host resolves under its own `--root`), or a package name
   * (which a host must `--allow`).
   */
  module?: string | URL | undefined;
  /**
   * The directory `module` is named relative to; default the nearest directory above the module
   * with a package.json (the project root — what a host's `--root` usually names).
   */
  root?: string | URL | undefined;
  /** The default chunksize of `map`/`starmap`; default: automatic (about 128 chunks per call). */
  chunksize?: number | undefined;
  /** Tries per task (≥ 1); default 1: a task that throws fails the call, as in Python. */
  attempts?: number | undefined;
  /** Delay between tries; default none. */
  backoff?: Backoff | undefined;
  /** The largest encoded payload of one job, in bytes; default 16 MiB. Larger calls are refused before anything is queued. */
  maxPayload?: number | undefined;
  /**
   * Seconds between checks of a quiet call's jobs (default 5): a job that failed outside its
   * target or vanished from Redis ends its call with a coded error instead of a hang.
   */
  checkInterval?: number | undefined;
}

/**
 * Per-call options of the cluster Pool's methods (beyond the local Pool).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const counts = pool.map(kernels.countPrimes, limits, { chunksize: 1, signal: controller.signal, onProgress: console.log });
 * ```
 */
export interface CallOptions {
  /** Items per job. */
  chunksize?: number | undefined;
  /** Aborting removes the call's waiting jobs, stops its running ones, and rejects with `AbortError`. */
  signal?: AbortSignal | undefined;
  /** The fraction of the call done, in [0, 1], never decreasing; `1` once it has succeeded. Kernels report within a task. */
  onProgress?: ((fraction: number) => void) | undefined;
}

// biome-ignore lint: pool targets take and return anything
type PoolFunction = (...args: any[]) => unknown;
type State = 'RUN' | 'CLOSE' | 'TERMINATE';

/** Chunks a call is cut into when no chunksize is given. */
const AUTO_CHUNKS = 128;
/** Jobs added per round trip. */
const ADD_BATCH = 1000;
/** Pending jobs the watchdog looks at per quiet call and pass. */
const CHECK_LIMIT = 64;
/** Failed checks in a row after which Redis counts as gone. */
const CHECK_FAILURES = 3;

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

function toArray(name: string, iterable: unknown): unknown[] {
  if (
    iterable === null ||
    iterable === undefined ||
    typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw invalidArgType(name, 'an iterable', iterable);
  }
  return Array.from(iterable as Iterable<unknown>);
}

function checkCallOptions(value: unknown): {
  chunksize?: number;
  signal?: AbortSignal;
  onProgress?: (f: number) => void;
} {
  if (value === undefined || value === null) return {};
  if (typeof value === 'number') return { chunksize: checkInteger('chunksize', value, 1, Number.MAX_SAFE_INTEGER) };
  const o = checkOptions<CallOptions>('options', value);
  const out: { chunksize?: number; signal?: AbortSignal; onProgress?: (f: number) => void } = {};
  if (o.chunksize !== undefined && o.chunksize !== null)
    out.chunksize = checkInteger('options.chunksize', o.chunksize, 1, Number.MAX_SAFE_INTEGER);
  const signal = checkOptionalSignal('options.signal', o.signal);
  if (signal) out.signal = signal;
  const onProgress = checkOptionalFunction<(f: number) => void>('options.onProgress', o.onProgress);
  if (onProgress) out.onProgress = onProgress;
  return out;
}

/**
 * A pool of worker hosts behind a BullMQ queue, with the local `Pool`'s interface. Start hosts
 * with `npx spindle worker --connection URL --queue NAME --root DIR` (or `startWorker`).
 *
 * Differences from the local Pool: delivery is at-least-once — a task whose host dies mid-run is
 * run again on another host after BullMQ's stall check, so its side effects may happen twice
 * (its result still counts once, in order); targets travel by reference (kernels by name,
 * functions as module + export name), so a function must be exported from `module` under its
 * own name, and a host runs it only if the module is under its `--root` or `--allow`ed. Each
 * method also takes {@link CallOptions} (a signal, a progress listener) where the local one
 * takes `chunksize`.
 *
 * @example
 * ```ts
 * import { kernels } from 'spindle';
 * import { Pool } from 'spindle/cluster';
 *
 * export function square(x: number) { return x * x; }
 *
 * await using pool = new Pool({ connection: 'redis://127.0.0.1:6379', queue: 'render', module: import.meta.url });
 * await pool.map(kernels.countPrimes, [1e6, 2e6, 3e6]); // [78498, 148933, 216816], on the hosts' native pools
 * await pool.map(square, [1, 2, 3]); // [1, 4, 9]
 * ```
 */
export class Pool {
  readonly #queueName: string;
  readonly #module: string | undefined;
  readonly #chunksize: number | undefined;
  readonly #jobOptions: JobsOptions;
  readonly #maxPayload: number;
  readonly #checkMs: number;
  readonly #id = randomUUID();
  readonly #connection: ReturnType<typeof checkConnection>;
  #queue: Queue | undefined;
  #commands: Redis | undefined;
  #replies: ReplyReader | undefined;
  #state: State = 'RUN';
  #sequence = 0;
  readonly #calls = new Map<string, Call>();
  readonly #outstanding = new Set<Promise<unknown>>();
  /** Each call's queueing of its jobs, settled once all are in (or it failed). */
  readonly #queued = new WeakMap<Call, Promise<void>>();
  #watchdog: NodeJS.Timeout | undefined;
  #checking = false;
  #checkFailures = 0;

  constructor(options: ClusterPoolOptions) {
    if (options === undefined) throw invalidArgType('options', 'of type object', options);
    const o = checkOptions<ClusterPoolOptions>('options', options);
    this.#connection = checkConnection('options.connection', o.connection);
    if (typeof o.queue !== 'string' || o.queue === '')
      throw invalidArgType('options.queue', 'a non-empty string', o.queue);
    this.#queueName = o.queue;
    this.#module = moduleSpec(o.module, o.root);
    if (o.chunksize !== undefined && o.chunksize !== null)
      this.#chunksize = checkInteger('options.chunksize', o.chunksize, 1, Number.MAX_SAFE_INTEGER);
    const attempts = o.attempts === undefined ? 1 : checkInteger('options.attempts', o.attempts, 1, 1000);
    this.#jobOptions = {
      attempts,
      removeOnComplete: true,
      // Kept an hour, so the watchdog can read why BullMQ failed one (and a dashboard can show it).
      removeOnFail: { age: 3600 },
    };
    if (o.backoff !== undefined) {
      const b = checkOptions<Backoff>('options.backoff', o.backoff);
      if (b.type !== 'fixed' && b.type !== 'exponential')
        throw invalidArgType('options.backoff.type', "'fixed' or 'exponential'", b.type);
      if (typeof b.delay !== 'number' || !(b.delay >= 0) || !Number.isFinite(b.delay)) {
        throw invalidArgType('options.backoff.delay', 'a number of seconds >= 0', b.delay);
      }
      this.#jobOptions.backoff = { type: b.type, delay: Math.round(b.delay * 1000) };
    }
    this.#maxPayload =
      o.maxPayload === undefined
        ? DEFAULT_MAX_PAYLOAD
        : checkInteger('options.maxPayload', o.maxPayload, 1, 512 * 1024 * 1024);
    this.#checkMs =
      (o.checkInterval === undefined ? 5 : checkInteger('options.checkInterval', o.checkInterval, 1, 3600)) * 1000;
  }

  /** The queue this pool sends work to. */
  get queue(): string {
    return this.#queueName;
  }

  #checkRunning(): void {
    if (this.#state !== 'RUN') throw new ValueError('Pool not running');
  }

  /** Connections, made on first use. */
  #connect(): { queue: Queue; commands: Redis; replies: ReplyReader } {
    if (!this.#queue) {
      this.#queue = new Queue(this.#queueName, { connection: { ...this.#connection } as ConnectionOptions });
      this.#queue.on('error', () => {}); // reconnects by itself; calls fail through their own paths
    }
    if (!this.#commands) {
      this.#commands = connect(this.#connection, false, `pool:${this.#queueName}`);
      this.#commands.on('error', () => {});
    }
    this.#replies ??= new ReplyReader(
      names(this.#queueName).reply(this.#id),
      this.#connection,
      (reply) => this.#onReply(reply),
      () => {},
    );
    return { queue: this.#queue, commands: this.#commands, replies: this.#replies };
  }

  #onReply(reply: Reply): void {
    const call = this.#calls.get(reply.c);
    if (!call) return; // a call that already ended (aborted, or a late duplicate)
    if ('p' in reply) call.progressed(reply.i, reply.p);
    else if (reply.ok) call.succeeded(reply.i, reply.v);
    else call.failed(reply.i, reply.v, reply.e);
  }

  /**
   * Encodes `items` into chunks of `size` (each within maxPayload; a chunk over it is split,
   * and a single item over it refuses the whole call) — before anything is queued.
   */
  #encodeChunks(items: unknown[], size: number): { bytes: Buffer; count: number }[] {
    const out: { bytes: Buffer; count: number }[] = [];
    const push = (start: number, end: number): void => {
      try {
        const bytes = encode(
          items.slice(start, end),
          this.#maxPayload,
          end - start === 1 ? `the arguments of item ${start}` : 'a chunk',
        );
        out.push({ bytes, count: end - start });
      } catch (error) {
        if (end - start > 1 && (error as { code?: unknown }).code === 'ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE') {
          const mid = (start + end) >>> 1;
          push(start, mid);
          push(mid, end);
        } else throw error;
      }
    };
    for (let start = 0; start < items.length; start += size) push(start, Math.min(items.length, start + size));
    return out;
  }

  /** Starts a call: checks everything, encodes, registers, then queues its jobs. */
  #submit(
    func: unknown,
    items: unknown[],
    star: boolean,
    options: { chunksize?: number; signal?: AbortSignal; onProgress?: (f: number) => void },
    defaultChunksize: number | undefined,
  ): Call {
    this.#checkRunning();
    const target: TargetRef = targetRef(func, this.#module);
    if (star)
      for (const item of items)
        if (!Array.isArray(item)) throw invalidArgType('iterable item', 'an array of arguments', item);
    const size = options.chunksize ?? defaultChunksize ?? Math.max(1, Math.ceil(items.length / AUTO_CHUNKS));
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new AbortError('The operation was aborted', { cause: signal.reason });
    const encoded = this.#encodeChunks(items, size);
    const sizes = encoded.map((e) => e.count);
    const { queue, replies } = this.#connect();
    const call = new Call(`${this.#id}.${this.#sequence++}`, sizes, onProgress);
    if (call.sizes.length === 0) return call;
    this.#calls.set(call.id, call);
    replies.start();
    this.#startWatchdog();
    const onAbort = (): void =>
      this.#cancel(call, new AbortError('The operation was aborted', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    call.onEnd = () => {
      signal?.removeEventListener('abort', onAbort);
      this.#calls.delete(call.id);
      if (this.#calls.size === 0) {
        this.#replies?.stop();
        this.#stopWatchdog();
      }
    };
    const jobs = encoded.map(({ bytes }, i) => ({
      name: 'kernel' in target ? target.kernel : target.export,
      data: {
        v: 1,
        t: target,
        c: call.id,
        i,
        s: star,
        a: bytes.toString('base64'),
        n: sizes[i] ?? 0,
        r: replies.key,
        ...(onProgress ? { g: true } : {}),
      } satisfies JobData,
      opts: { ...this.#jobOptions, jobId: call.jobIds[i] as string },
    }));
    const adding = (async () => {
      const [only] = jobs;
      // One job (apply): `add` skips addBulk's transaction, a little less latency.
      if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
      else
        for (let start = 0; start < jobs.length && !call.ended; start += ADD_BATCH)
          await queue.addBulk(jobs.slice(start, start + ADD_BATCH));
    })();
    this.#queued.set(
      call,
      adding.catch(() => {}),
    );
    adding.catch((error: unknown) =>
      call.fail(
        clusterError(
          `the call's jobs could not be queued: ${error instanceof Error ? error.message : String(error)}`,
          'ERR_SPINDLE_CLUSTER_CONNECTION',
          { cause: error },
        ),
      ),
    );
    const done = call.all().catch(() => {});
    this.#outstanding.add(done);
    void done.finally(() => this.#outstanding.delete(done));
    return call;
  }

  /** Ends a call with `error`: its waiting jobs are removed and its running ones told to stop. */
  #cancel(call: Call, error: unknown): void {
    if (call.ended) return;
    const pending = call.pendingChunks(Number.MAX_SAFE_INTEGER);
    call.fail(error);
    const queue = this.#queue;
    const commands = this.#commands;
    if (!queue || !commands) return;
    const queued = this.#queued.get(call);
    const work = (async () => {
      // A call cancelled as soon as it was made may find the pool's first connection still being
      // made: wait for it, or its jobs would run after all. Redis out of reach: nothing to remove
      // or tell (waiting jobs stay; a host that runs one replies to a call that has ended, and
      // the reply is dropped).
      if (!(await whenReady(commands))) return;
      // First the broadcast (hosts also remember it, so a job of this call that starts later
      // stops at once), then the waiting jobs, once all are in: `remove` leaves a job a host
      // holds (that one the broadcast stops).
      await commands.publish(names(this.#queueName).cancel, call.id).catch(() => {});
      await queued;
      await Promise.all(pending.map((i) => queue.remove(call.jobIds[i] as string).catch(() => 0)));
    })();
    this.#outstanding.add(work);
    void work.finally(() => this.#outstanding.delete(work));
  }

  #startWatchdog(): void {
    if (this.#watchdog) return;
    this.#watchdog = setInterval(() => void this.#check(), this.#checkMs);
    this.#watchdog.unref();
  }

  #stopWatchdog(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  /**
   * The watchdog: for each call quiet for a whole interval, asks BullMQ where its first pending
   * jobs are. A failed job (failed outside its target: stalled too often) ends the call with its
   * reason; a job missing twice in a row while no reply waits in the list (Redis restarted empty,
   * or someone removed it) ends it with `ERR_SPINDLE_CLUSTER_JOB_LOST`; Redis unreachable for
   * three checks ends every call with `ERR_SPINDLE_CLUSTER_CONNECTION`. Never a hang.
   */
  async #check(): Promise<void> {
    if (this.#checking || !this.#queue || !this.#replies || !this.#commands) return;
    this.#checking = true;
    try {
      const now = Date.now();
      const quiet = [...this.#calls.values()].filter((c) => !c.ended && now - c.lastActivity >= this.#checkMs);
      if (quiet.length === 0) return;
      // Not connected: a failed check at once (a command would wait through ioredis's retries).
      if (this.#commands.status !== 'ready') throw new Error(`the connection is ${this.#commands.status}`);
      // On the command connection, which gives up while Redis is away (the reader's blocking
      // one retries for ever, and the watchdog must not wait on it).
      const backlog = await this.#commands.llen(this.#replies.key);
      for (const call of quiet) {
        for (const i of call.pendingChunks(CHECK_LIMIT)) {
          const id = call.jobIds[i] as string;
          const state = await this.#queue.getJobState(id);
          if (state === 'failed') {
            const job = await this.#queue.getJob(id);
            call.fail(
              clusterError(
                `job ${id} failed in BullMQ: ${job?.failedReason ?? 'no reason given'}`,
                'ERR_SPINDLE_CLUSTER_JOB_FAILED',
              ),
            );
            break;
          }
          if (state === 'unknown' || state === 'completed') {
            if (backlog > 0) continue; // its reply may be in the list still
            if (call.suspects.has(i)) {
              call.fail(
                clusterError(
                  `job ${id} vanished from Redis before it reported (did Redis restart?)`,
                  'ERR_SPINDLE_CLUSTER_JOB_LOST',
                ),
              );
              break;
            }
            call.suspects.add(i);
          } else call.suspects.delete(i);
        }
      }
      this.#checkFailures = 0;
    } catch (error) {
      if (++this.#checkFailures >= CHECK_FAILURES) {
        for (const call of this.#calls.values()) {
          call.fail(
            clusterError(
              `Redis could not be reached: ${error instanceof Error ? error.message : String(error)}`,
              'ERR_SPINDLE_CLUSTER_CONNECTION',
              { cause: error },
            ),
          );
        }
      }
    } finally {
      this.#checking = false;
    }
  }

  /** `func(item)` for every item, results in input order; rejects with the first error. */
  map<R = unknown>(func: PoolFunction, iterable: Iterable<unknown>, chunksize?: number | CallOptions): Promise<R[]> {
    try {
      const call = this.#submit(
        func,
        toArray('iterable', iterable),
        false,
        checkCallOptions(chunksize),
        this.#chunksize,
      );
      return call.all() as Promise<R[]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `func(...args)` for every argument list, results in input order. */
  starmap<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<readonly unknown[]>,
    chunksize?: number | CallOptions,
  ): Promise<R[]> {
    try {
      const call = this.#submit(
        func,
        toArray('iterable', iterable),
        true,
        checkCallOptions(chunksize),
        this.#chunksize,
      );
      return call.all() as Promise<R[]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `map` as an `AsyncResult`. */
  mapAsync<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<unknown>,
    chunksize?: number | CallOptions,
  ): AsyncResult<R[]> {
    return new AsyncResult(this.map<R>(func, iterable, chunksize));
  }

  /** `starmap` as an `AsyncResult`. */
  starmapAsync<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<readonly unknown[]>,
    chunksize?: number | CallOptions,
  ): AsyncResult<R[]> {
    return new AsyncResult(this.starmap<R>(func, iterable, chunksize));
  }

  /** Results in input order as they arrive (chunksize default 1); an error is thrown when iteration reaches its item. */
  imap<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<unknown>,
    chunksize: number | CallOptions = 1,
  ): AsyncIterableIterator<R> {
    const options = checkCallOptions(chunksize);
    const call = this.#submit(func, toArray('iterable', iterable), false, options, 1);
    return (async function* () {
      for (let i = 0; i < call.sizes.length; i++) {
        const { results, error } = await call.chunk(i);
        yield* results as R[];
        if (error !== undefined) throw error;
      }
    })();
  }

  /** Results in the order their chunks complete (input order within a chunk). */
  imapUnordered<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<unknown>,
    chunksize: number | CallOptions = 1,
  ): AsyncIterableIterator<R> {
    const options = checkCallOptions(chunksize);
    const call = this.#submit(func, toArray('iterable', iterable), false, options, 1);
    return (async function* () {
      for (let n = 0; n < call.sizes.length; n++) {
        const { results, error } = await call.completed(n);
        yield* results as R[];
        if (error !== undefined) throw error;
      }
    })();
  }

  /** `func(...args, kwargs?)` on one host; resolves to its result. */
  apply<R = unknown>(
    func: PoolFunction,
    args: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<R> {
    return this.applyAsync<R>(func, args, kwargs, options).get();
  }

  /** `apply` without waiting: an `AsyncResult` to `get(timeout)` later. */
  applyAsync<R = unknown>(
    func: PoolFunction,
    args: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
    options?: CallOptions,
  ): AsyncResult<R> {
    let work: Promise<R>;
    try {
      if (!Array.isArray(args)) throw invalidArgType('args', 'an array', args);
      if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object'))
        throw invalidArgType('kwargs', 'of type object', kwargs);
      const o = checkCallOptions(options);
      const call = this.#submit(
        func,
        [kwargs === undefined ? [...args] : [...args, kwargs]],
        true,
        { ...o, chunksize: 1 },
        1,
      );
      work = call.all().then((results) => results[0] as R);
    } catch (error) {
      work = Promise.reject(error);
    }
    return new AsyncResult(work);
  }

  /** No new work is accepted (`ValueError('Pool not running')`); submitted work still finishes. */
  close(): void {
    if (this.#state === 'RUN') this.#state = 'CLOSE';
  }

  /**
   * Stops this pool's work at once: its waiting jobs are removed, its running ones told to stop,
   * and its unfinished calls reject with `CancelledError`. Only this pool's jobs are touched,
   * never the shared queue's others.
   */
  terminate(): void {
    this.#state = 'TERMINATE';
    for (const call of [...this.#calls.values()]) this.#cancel(call, new CancelledError('the pool was terminated'));
  }

  /**
   * Resolves once every submitted call has finished and the pool's connections are closed. Call
   * `close()` or `terminate()` first: `ValueError('Pool is still running')` otherwise.
   */
  async join(): Promise<void> {
    if (this.#state === 'RUN') throw new ValueError('Pool is still running');
    while (this.#outstanding.size > 0) await Promise.allSettled([...this.#outstanding]);
    this.#stopWatchdog();
    const replies = this.#replies;
    const queue = this.#queue;
    const commands = this.#commands;
    this.#replies = undefined;
    this.#queue = undefined;
    this.#commands = undefined;
    replies?.close();
    if (commands?.status === 'ready') {
      if (replies) await commands.del(replies.key).catch(() => {});
      await Promise.allSettled([queue?.close(), commands.quit()]);
    } else {
      // Redis out of reach: a graceful close would wait for it; drop the connections instead.
      commands?.disconnect();
      void queue?.disconnect().catch(() => {});
    }
  }

  /** `await using pool = new Pool(…)`: terminates on leaving the block, as Python's `with`. */
  async [asyncDispose](): Promise<void> {
    this.terminate();
    await this.join();
  }
}
