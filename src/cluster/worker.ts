/**
 * A worker host: takes spindle jobs from one BullMQ queue and runs them — kernels on this host's
 * native pool (the js backend where native cannot load), function targets on a local pool of
 * worker threads — and sends each result to the reply list of the pool that asked. The host's
 * event loop only moves bytes, so BullMQ's lock renewals are never starved by the work itself.
 */
import { availableParallelism } from 'node:os';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Connection, checkConnection, connect } from './connection.js';
import { clusterError, type ErrorRecord, toRecord } from './errors.js';
import { FunctionRunner } from './function-runner.js';
import { checkInteger, checkOptions, configure, invalidArgType } from './spindle.js';
import { kernelByName, type ModulePolicy, modulePolicy, resolveModule } from './targets.js';
import {
  checkJobData,
  DEFAULT_MAX_PAYLOAD,
  decode,
  type JobData,
  names,
  payloadTooLarge,
  REPLY_TTL_SECONDS,
  type Reply,
  type SchedReply,
} from './wire.js';

/**
 * Options of {@link startWorker} (and of `spindle worker`).
 *
 * @example
 * ```ts
 * const options: WorkerOptions = { connection: 'redis://10.0.0.5:6379', queue: 'render', root: './app', threads: 8 };
 * ```
 */
export interface WorkerOptions {
  /** Redis: a `redis://`/`rediss://`/`unix:` URL (password and TLS included) or ioredis options. */
  connection: Connection;
  /** The BullMQ queue to take jobs from. */
  queue: string;
  /** Function targets may come only from modules under this directory (and `allow`). */
  root: string;
  /** More modules that may be loaded: package names, or paths (a file, or a directory and what is under it). */
  allow?: readonly string[] | undefined;
  /**
   * Jobs this host holds at once; default `2 × threads`: while one job computes, the next is
   * already fetched, which hides the queue's round trips. Each held job is one a busier host
   * cannot take, so raise it for I/O-bound targets, not for long CPU-bound ones.
   */
  concurrency?: number | undefined;
  /** Native kernel threads, and worker threads for function targets; default `os.availableParallelism()`. */
  threads?: number | undefined;
  /** The largest encoded result one job may send back, in bytes; default 16 MiB. */
  maxPayload?: number | undefined;
  /**
   * Seconds a job's lock lasts without renewal (BullMQ's `lockDuration`; default 30). A host that
   * dies holding a job gives it up after at most this long plus `stalledInterval`.
   */
  lockDuration?: number | undefined;
  /** Seconds between checks for jobs of dead hosts (BullMQ's `stalledInterval`; default 30). */
  stalledInterval?: number | undefined;
}

/**
 * A running worker host.
 *
 * @example
 * ```ts
 * const worker = startWorker({ connection: 'redis://127.0.0.1:6379', queue: 'render', root: '.' });
 * await worker.ready;
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export interface WorkerHandle {
  /**
   * Resolves once the host is connected and taking jobs. While Redis cannot be reached the host
   * keeps trying (and reports each failure on stderr); closed before it got through, `ready`
   * rejects with `ERR_SPINDLE_CLUSTER_CONNECTION`.
   */
  readonly ready: Promise<void>;
  /**
   * Stops taking jobs, lets the running ones finish and report (a drain: nothing is delivered
   * again), then disconnects. Resolves when all that is done — at once for a host that never
   * reached Redis (it has nothing running, and does not wait for Redis to come back).
   */
  close(): Promise<void>;
}

/** The reply command defined on a host's command connection. */
interface ReplyCommand {
  spindleReply(key: string, message: Buffer, ttlSeconds: number): Promise<number>;
}

/** How often a chunk's progress is sent, at most. */
const PROGRESS_MS = 100;
/** How long a cancelled call's id is remembered, so its jobs that start later stop at once. */
const CANCEL_MEMORY_MS = 3600_000;

interface Options {
  connection: ReturnType<typeof checkConnection>;
  queue: string;
  policy: ModulePolicy;
  concurrency: number;
  threads: number;
  maxPayload: number;
  lockDuration: number;
  stalledInterval: number;
}

function seconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return checkInteger(name, value, 1, 86_400) * 1000;
}

function checkWorkerOptions(raw: unknown): Options {
  if (raw === undefined) throw invalidArgType('options', 'of type object', raw);
  const o = checkOptions<WorkerOptions>('options', raw);
  if (typeof o.queue !== 'string' || o.queue === '')
    throw invalidArgType('options.queue', 'a non-empty string', o.queue);
  if (typeof o.root !== 'string' || o.root === '') throw invalidArgType('options.root', 'a non-empty string', o.root);
  const allow = o.allow ?? [];
  if (!Array.isArray(allow) || allow.some((a) => typeof a !== 'string')) {
    throw invalidArgType('options.allow', 'an array of strings', allow);
  }
  const threads =
    o.threads === undefined ? availableParallelism() : checkInteger('options.threads', o.threads, 1, 1024);
  return {
    connection: checkConnection('options.connection', o.connection),
    queue: o.queue,
    policy: modulePolicy(o.root, allow as string[]),
    threads,
    concurrency:
      o.concurrency === undefined ? 2 * threads : checkInteger('options.concurrency', o.concurrency, 1, 10_000),
    maxPayload:
      o.maxPayload === undefined
        ? DEFAULT_MAX_PAYLOAD
        : checkInteger('options.maxPayload', o.maxPayload, 1, 512 * 1024 * 1024),
    lockDuration: seconds('options.lockDuration', o.lockDuration, 30_000),
    stalledInterval: seconds('options.stalledInterval', o.stalledInterval, 30_000),
  };
}

/** A chunk's outcome at the host. */
type Outcome = { ok: true; v: Uint8Array } | { ok: false; at: number; v: Uint8Array; e: ErrorRecord };

/** Adds a kernel's options (signal, progress) after its positional arguments. */
function kernelCall(
  kernel: (...args: unknown[]) => Promise<unknown>,
  args: unknown[],
  signal: AbortSignal,
  onProgress: (f: number) => void,
): Promise<unknown> {
  const arity = Math.max(0, kernel.length - 1);
  const given = args[arity];
  const extra = given !== null && typeof given === 'object' ? (given as object) : {};
  const positional = args.slice(0, arity);
  while (positional.length < arity) positional.push(undefined);
  return kernel(...positional, { ...extra, signal, onProgress });
}

/**
 * Starts a worker host on `queue`. See {@link WorkerOptions}; `close()` drains it.
 *
 * Delivery is at-least-once: a host that dies mid-job (power, SIGKILL, a lost network) has its
 * job given to another host after BullMQ's stall check, so a task may run twice — keep side
 * effects idempotent. A job naming a module outside `root` and `allow` fails with
 * `ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED`, and the host goes on.
 *
 * @example
 * ```ts
 * import { startWorker } from 'spindle/cluster';
 *
 * const worker = startWorker({ connection: 'redis://127.0.0.1:6379', queue: 'render', root: new URL('.', import.meta.url).pathname });
 * await worker.ready;
 * process.once('SIGTERM', () => void worker.close()); // drains: running jobs finish and report
 * ```
 */
export function startWorker(options: WorkerOptions): WorkerHandle {
  const o = checkWorkerOptions(options);
  configure({ threads: o.threads });
  const keys = names(o.queue);
  const runner = new FunctionRunner(o.threads);
  const commands = connect(o.connection, false, `worker:${o.queue}`) as Redis & ReplyCommand;
  // One command per reply: push, and give a list its time to live when the push created it
  // (a client that vanished leaves nothing behind for ever).
  commands.defineCommand('spindleReply', {
    numberOfKeys: 1,
    lua: "local n = redis.call('RPUSH', KEYS[1], ARGV[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end return n",
  });
  const subscriber: Redis = connect(o.connection, true, `worker-cancel:${o.queue}`);
  commands.on('error', () => {});
  subscriber.on('error', () => {});
  const cancelled = new Map<string, number>();
  const running = new Map<string, Set<AbortController>>();

  subscriber.on('message', (channel: string, callId: string) => {
    if (channel !== keys.cancel) return;
    const now = Date.now();
    cancelled.set(callId, now);
    for (const [id, at] of cancelled) if (now - at > CANCEL_MEMORY_MS) cancelled.delete(id);
    for (const controller of running.get(callId) ?? []) controller.abort();
  });

  async function runChunk(data: JobData, signal: AbortSignal, progress: (done: number) => void): Promise<Outcome> {
    const bytes = Buffer.from(data.a, 'base64');
    if ('kernel' in data.t) {
      const kernel = kernelByName(data.t.kernel);
      if (!kernel) {
        throw clusterError(
          `this worker's spindle has no kernel named '${data.t.kernel}'`,
          'ERR_SPINDLE_CLUSTER_UNKNOWN_KERNEL',
        );
      }
      const items = decode(bytes) as unknown[];
      const fractions = new Float64Array(items.length);
      const report = (): void => progress(fractions.reduce((a, b) => a + b, 0));
      // All at once: the native pool spreads them over its threads.
      const settled = await Promise.allSettled(
        items.map((item, k) =>
          kernelCall(kernel, data.s ? [...(item as unknown[])] : [item], signal, (f) => {
            fractions[k] = f;
            report();
          }),
        ),
      );
      const results: unknown[] = [];
      for (const [at, s] of settled.entries()) {
        if (s.status === 'rejected')
          return { ok: false, at, v: serialise(results, o.maxPayload), e: toRecord(s.reason) };
        results.push(s.value);
      }
      return { ok: true, v: serialise(results, o.maxPayload) };
    }
    const url = resolveModule(o.policy, data.t.module);
    const outcome = await runner.run({ url, name: data.t.export, items: bytes, star: data.s }, signal);
    if (outcome.v.length > o.maxPayload)
      throw payloadTooLarge('the results of this job', outcome.v.length, o.maxPayload);
    return outcome;
  }

  async function reply(data: JobData, message: Reply | SchedReply): Promise<void> {
    const bytes = process.getBuiltinModule('node:v8').serialize(message);
    if (data.r !== undefined) await commands.spindleReply(data.r, bytes, REPLY_TTL_SECONDS);
    else if (!('p' in message)) await commands.publish(keys.sched, bytes);
  }

  async function process_(job: Job, signal?: AbortSignal): Promise<void> {
    const data = checkJobData(job.data);
    if (cancelled.has(data.c)) return; // its caller gave up: nothing to do, nothing to retry
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(), { once: true });
    let set = running.get(data.c);
    if (!set) {
      set = new Set();
      running.set(data.c, set);
    }
    set.add(controller);
    let lastProgress = 0;
    const jobId = job.id ?? '';
    const progress = (done: number): void => {
      const now = Date.now();
      if (data.r === undefined || data.g !== true || now - lastProgress < PROGRESS_MS) return;
      lastProgress = now;
      void reply(data, { c: data.c, i: data.i, p: Math.min(1, done / Math.max(1, data.n)) }).catch(() => {});
    };
    let outcome: Outcome;
    try {
      outcome = await runChunk(data, controller.signal, progress);
    } catch (error) {
      if (controller.signal.aborted) return;
      outcome = { ok: false, at: 0, v: process.getBuiltinModule('node:v8').serialize([]), e: toRecord(error) };
    } finally {
      set.delete(controller);
      if (set.size === 0) running.delete(data.c);
    }
    if (controller.signal.aborted) return; // cancelled: its caller has already rejected
    if (!outcome.ok) {
      const retryable = outcome.e.code !== 'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED';
      const attempts = job.opts.attempts ?? 1;
      if (retryable && job.attemptsMade + 1 < attempts) {
        // BullMQ runs it again (after its backoff); the caller hears only of the last attempt.
        throw Object.assign(new Error(outcome.e.message), { name: outcome.e.name });
      }
      const message: Reply | SchedReply =
        data.r !== undefined
          ? { c: data.c, i: data.i, ok: false, at: outcome.at, v: outcome.v, e: outcome.e }
          : { id: jobId, ok: false, e: outcome.e };
      await reply(data, message);
      // Failed in BullMQ's books too (for its dashboards), after the caller has its answer.
      const failure = new Error(`${outcome.e.name}: ${outcome.e.message}`);
      throw retryable ? failure : new UnrecoverableError(failure.message);
    }
    await reply(
      data,
      data.r !== undefined ? { c: data.c, i: data.i, ok: true, v: outcome.v } : { id: jobId, ok: true },
    );
  }

  const worker = new Worker(o.queue, (job, _token, signal) => process_(job, signal), {
    connection: { ...o.connection, maxRetriesPerRequest: null } as ConnectionOptions,
    concurrency: o.concurrency,
    lockDuration: o.lockDuration,
    stalledInterval: o.stalledInterval,
  });
  // BullMQ reports connection trouble here and reconnects by itself; an 'error' event without a
  // listener would end the host.
  worker.on('error', (error) => {
    if (!closing)
      process.stderr.write(`spindle worker (${o.queue}): ${error instanceof Error ? error.message : String(error)}\n`);
  });

  let closing = false;
  let isReady = false;
  let closedEarly: (error: Error) => void = () => {};
  const ready = Promise.race([
    (async () => {
      await subscriber.subscribe(keys.cancel);
      await worker.waitUntilReady();
      isReady = true;
    })(),
    // Closed before Redis could be reached: `ready` says so rather than stay pending.
    new Promise<never>((_, reject) => {
      closedEarly = reject;
    }),
  ]);
  ready.catch(() => {});

  let closed: Promise<void> | undefined;
  return {
    ready,
    close() {
      closed ??= (async () => {
        closing = true;
        if (!isReady)
          closedEarly(
            clusterError(
              `the worker was closed before it could reach Redis (queue '${o.queue}')`,
              'ERR_SPINDLE_CLUSTER_CONNECTION',
            ),
          );
        // Drains: the running jobs finish and report. A host that never got through to Redis
        // has none, and waiting for that Redis could take for ever: it closes at once. So does
        // one whose Redis goes away while it drains (nothing could be reported any more).
        if (!isReady) await worker.close(true);
        else {
          const lost = new Promise<'lost'>((resolve) => {
            if (commands.status !== 'ready') resolve('lost');
            else commands.once('close', () => resolve('lost'));
          });
          // Not awaited once Redis is gone: BullMQ would wait for it to come back.
          if ((await Promise.race([worker.close(), lost])) === 'lost') void worker.disconnect().catch(() => {});
        }
        await runner.close();
        await Promise.allSettled(
          [commands, subscriber].map((client) => (client.status === 'ready' ? client.quit() : client.disconnect())),
        );
      })();
      return closed;
    },
  };
}

function serialise(results: unknown[], max: number): Uint8Array {
  const bytes = process.getBuiltinModule('node:v8').serialize(results);
  if (bytes.length > max) throw payloadTooLarge('the results of this job', bytes.length, max);
  return bytes;
}
