/**
 * Python's `multiprocessing.Pool` and `multiprocessing.pool.ThreadPool`: a fixed set of workers
 * (child processes, or worker threads) fed in chunks. Function targets are exported from the
 * pool's `module` and run in the workers; kernel targets go to the native pool in both; a
 * ThreadPool also accepts plain functions, run on the main event loop (Python's ThreadPool is
 * GIL-bound concurrency too). CPython's multiprocessing/pool.py decides what is left open.
 */
import { availableParallelism } from 'node:os';
import type { Tinypool } from 'tinypool';
import { CancelledError, restoreCode, SpindleError, ValueError } from '../../core/errors.js';
import { childExecArgv } from '../../core/exec-argv.js';
import { SPINDLE_CHILD_ENV } from '../../core/identity.js';
import { loadTinypool } from '../../core/load-tinypool.js';
import { entryFile } from '../../core/package-files.js';
import {
  checkArgs,
  checkInteger,
  checkKwargs,
  checkOptions,
  invalidArgType,
  MAX_THREADS,
  rejecting,
} from '../../core/validate.js';
import { checkTarget, type Target } from '../../threading/targets.js';
import { decode, encode } from '../../wire/codec.js';
import type { ChunkResult, ChunkTask } from '../../wire/messages.js';
import { AsyncResult } from './async-result.js';

/**
 * Options of `new Pool()` / `new ThreadPool()`.
 *
 * @example
 * ```ts
 * const pool = new Pool({ processes: 4, module: import.meta.url });
 * ```
 */
export interface PoolOptions {
  /** Number of workers (integer ≥ 1); default `os.availableParallelism()`. */
  processes?: number | undefined;
  /** The module function targets are exported from (`import.meta.url`). */
  module?: string | URL | undefined;
}

type Runtime = 'child_process' | 'worker_threads';
type State = 'RUN' | 'CLOSE' | 'TERMINATE';

/** Any function a pool may call (its arguments and result cross to a worker). */
// biome-ignore lint: pool targets take and return anything
type PoolFunction = (...args: any[]) => unknown;

const WORKER_FILE = entryFile('pool-worker');

/** What one chunk settles to, in the main process. */
interface ChunkOutcome {
  results: unknown[];
  failure?: { index: number; error: unknown };
}

/** Python's default: about four chunks per worker. */
function defaultChunksize(length: number, workers: number): number {
  if (length === 0) return 0;
  const size = Math.floor(length / (workers * 4));
  return length % (workers * 4) === 0 ? size : size + 1;
}

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

function checkChunksize(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return checkInteger('chunksize', value, 1, Number.MAX_SAFE_INTEGER);
}

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * Tinypool notices a worker thread that fails, but not one that simply exits (`process.exit()`
 * in a ThreadPool target): its tasks would wait forever and the pool would shrink by one. An
 * exit of a worker Tinypool still counts as its own is reported to Tinypool as that worker's
 * error, as Tinypool itself does for a child process that exits: the tasks on it reject, and it
 * is replaced.
 */
function watchThreads(tinypool: Tinypool, watched: WeakSet<object>): void {
  for (const worker of tinypool.threads) {
    if (watched.has(worker)) continue;
    watched.add(worker);
    worker.on('exit', (code: unknown) => {
      if (!tinypool.threads.includes(worker)) return; // Tinypool retired it itself
      worker.emit(
        'error',
        new SpindleError(`a ThreadPool worker thread exited with code ${String(code)}`, 'ERR_SPINDLE_WORKER_EXITED'),
      );
      // Its replacement, started by Tinypool just now.
      watchThreads(tinypool, watched);
    });
  }
}

abstract class BasePool {
  readonly #runtime: Runtime;
  readonly #processes: number;
  readonly #module: string | undefined;
  #tinypool: Promise<Tinypool> | undefined;
  #state: State = 'RUN';
  readonly #outstanding = new Set<Promise<unknown>>();

  protected constructor(runtime: Runtime, options: PoolOptions | undefined) {
    const o = checkOptions<PoolOptions>('options', options);
    this.#runtime = runtime;
    this.#processes =
      o.processes === undefined || o.processes === null
        ? availableParallelism()
        : checkInteger('options.processes', o.processes, 1, MAX_THREADS);
    if (o.module !== undefined && o.module !== null) {
      // Checked like a Thread's module (a URL or an absolute path), with any named function.
      const probe = checkTarget('options.module', function probe() {}, o.module, 'options.module');
      this.#module = probe.kind === 'module' ? probe.module : undefined;
    }
  }

  /** The number of workers. */
  get processes(): number {
    return this.#processes;
  }

  #target(func: unknown): Target {
    const target = checkTarget('func', func, this.#module, 'options.module');
    if (target.kind === 'local' && this.#runtime === 'child_process') {
      throw invalidArgType(
        'func',
        "a kernel, or a function exported from the pool's module (give `module: import.meta.url` to new Pool())",
        func,
      );
    }
    return target;
  }

  #checkRunning(): void {
    if (this.#state !== 'RUN') throw new ValueError('Pool not running');
  }

  /** The workers, started on first use (Tinypool itself is imported then too). */
  #pool(): Promise<Tinypool> {
    this.#tinypool ??= loadTinypool().then((TinypoolClass) => {
      const tinypool = new TinypoolClass({
        runtime: this.#runtime,
        filename: WORKER_FILE.href,
        name: 'runChunk',
        // Both runtimes: only the options that load user code (see exec-argv.ts).
        execArgv: childExecArgv(),
        minThreads: this.#processes,
        maxThreads: this.#processes,
        // Child processes get the parent's environment (Tinypool passes only what it is given),
        // marked so the module's isMainProcess() guard is false there; and v8 serialisation, so
        // typed arrays, Maps and errors cross intact.
        ...(this.#runtime === 'child_process'
          ? { env: { ...process.env, [SPINDLE_CHILD_ENV]: '1' }, serialization: 'advanced' as const }
          : {}),
      });
      // Tinypool reports here a worker that died with no task of its own (e.g. a timer a target
      // left behind threw, or a child was killed while idle); it replaces the worker itself.
      // Without a listener, that 'error' event would crash the whole process.
      tinypool.on('error', () => {});
      if (this.#runtime === 'worker_threads') watchThreads(tinypool, new WeakSet());
      return tinypool;
    });
    return this.#tinypool;
  }

  /** Runs `items` through `target` in chunks; one promise per chunk, in input order. */
  #chunks(
    target: Target,
    items: unknown[],
    star: boolean,
    chunksize: number,
    kwargs?: Record<string, unknown>,
  ): Promise<ChunkOutcome>[] {
    const chunks: Promise<ChunkOutcome>[] = [];
    if (target.kind !== 'module') {
      // Kernels (native pool) and, in a ThreadPool, plain functions (main event loop): one call
      // per item, all in flight at once; each is its own chunk so ordering logic stays shared.
      const fn = target.fn;
      for (const item of items) {
        const args = star ? [...(item as unknown[])] : [item];
        if (kwargs !== undefined) args.push(kwargs);
        chunks.push(
          Promise.resolve()
            .then(() => fn(...args))
            .then(
              (value) => ({ results: [value] }),
              (error: unknown) => ({ results: [], failure: { index: 0, error } }),
            ),
        );
      }
    } else {
      const pool = this.#pool();
      const size = Math.max(1, chunksize);
      for (let start = 0; start < items.length; start += size) {
        const { value, transfer } = encode(items.slice(start, start + size), {
          via: this.#runtime === 'child_process' ? 'process' : 'thread',
        });
        const task: ChunkTask = { module: target.module, name: target.name, items: value, star, kwargs };
        chunks.push(
          // Chained on one promise, so chunks reach Tinypool in input order.
          pool
            .then((tinypool) => {
              if (this.#state === 'TERMINATE') throw new CancelledError('the pool was terminated');
              return tinypool.run(
                task,
                this.#runtime === 'worker_threads' ? { transferList: transfer as never[] } : {},
              );
            })
            .then(
              (result: ChunkResult) => ({
                results: decode(result.results) as unknown[],
                ...(result.failure
                  ? {
                      failure: {
                        index: result.failure.index,
                        error: restoreCode(result.failure.error, result.failure.code),
                      },
                    }
                  : {}),
              }),
              (error: unknown) => ({ results: [], failure: { index: 0, error: this.#lost(error) } }),
            ),
        );
      }
    }
    for (const chunk of chunks) {
      this.#outstanding.add(chunk);
      void chunk.finally(() => this.#outstanding.delete(chunk));
    }
    return chunks;
  }

  /**
   * A chunk whose worker went away: terminate(), or a worker that died (exited, was killed, ran
   * out of memory, threw outside any call). A target's own errors never come here: they travel
   * back in the chunk's result. The pool replaces the worker and goes on serving.
   */
  #lost(error: unknown): unknown {
    if (this.#state === 'TERMINATE') return new CancelledError('the pool was terminated', { cause: error });
    if (error instanceof SpindleError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new SpindleError(`a pool worker died while running this task: ${reason}`, 'ERR_SPINDLE_WORKER_EXITED', {
      cause: error,
    });
  }

  async #ordered(chunks: Promise<ChunkOutcome>[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const chunk of chunks) {
      const { results, failure } = await chunk;
      if (failure) throw failure.error;
      out.push(...results);
    }
    return out;
  }

  #submit(func: unknown, iterable: unknown, star: boolean, chunksize: unknown): Promise<ChunkOutcome>[] {
    this.#checkRunning();
    const target = this.#target(func);
    const items = toArray('iterable', iterable);
    if (star) {
      for (const item of items)
        if (!Array.isArray(item)) throw invalidArgType('iterable item', 'an array of arguments', item);
    }
    const size = checkChunksize(chunksize) ?? defaultChunksize(items.length, this.#processes);
    return this.#chunks(target, items, star, size);
  }

  /** `func(item)` for every item, results in input order; rejects with the first error. */
  map<R = unknown>(func: PoolFunction, iterable: Iterable<unknown>, chunksize?: number): Promise<R[]> {
    return rejecting(() => this.#ordered(this.#submit(func, iterable, false, chunksize)) as Promise<R[]>);
  }

  /** `func(...args)` for every argument list, results in input order. */
  starmap<R = unknown>(func: PoolFunction, iterable: Iterable<readonly unknown[]>, chunksize?: number): Promise<R[]> {
    return rejecting(() => this.#ordered(this.#submit(func, iterable, true, chunksize)) as Promise<R[]>);
  }

  /** `map` as an `AsyncResult`. */
  mapAsync<R = unknown>(func: PoolFunction, iterable: Iterable<unknown>, chunksize?: number): AsyncResult<R[]> {
    return new AsyncResult(this.map<R>(func, iterable, chunksize));
  }

  /** `starmap` as an `AsyncResult`. */
  starmapAsync<R = unknown>(
    func: PoolFunction,
    iterable: Iterable<readonly unknown[]>,
    chunksize?: number,
  ): AsyncResult<R[]> {
    return new AsyncResult(this.starmap<R>(func, iterable, chunksize));
  }

  /**
   * Results in input order as they become available (chunks of `chunksize`, default 1, are sent
   * at once); an error is thrown when iteration reaches its item.
   */
  imap<R = unknown>(func: PoolFunction, iterable: Iterable<unknown>, chunksize = 1): AsyncIterableIterator<R> {
    const chunks = this.#submit(func, iterable, false, chunksize);
    return (async function* () {
      for (const chunk of chunks) {
        const { results, failure } = await chunk;
        yield* results as R[];
        if (failure) throw failure.error;
      }
    })();
  }

  /** Results in the order they complete (in input order within a chunk). */
  imapUnordered<R = unknown>(func: PoolFunction, iterable: Iterable<unknown>, chunksize = 1): AsyncIterableIterator<R> {
    const chunks = this.#submit(func, iterable, false, chunksize);
    // Completion order is recorded as chunks settle, not when the consumer gets round to asking
    // (by then several may have settled, and a race would pick by input order).
    const completed: ChunkOutcome[] = [];
    let wake: (() => void) | undefined;
    for (const chunk of chunks) {
      void chunk.then((outcome) => {
        completed.push(outcome);
        wake?.();
      });
    }
    return (async function* () {
      for (let yielded = 0; yielded < chunks.length; yielded++) {
        while (completed.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const outcome = completed.shift() as ChunkOutcome;
        yield* outcome.results as R[];
        if (outcome.failure) throw outcome.failure.error;
      }
    })();
  }

  /** `func(...args, kwargs?)` on one worker; resolves to its result. */
  apply<R = unknown>(func: PoolFunction, args: readonly unknown[] = [], kwargs?: Record<string, unknown>): Promise<R> {
    return this.applyAsync<R>(func, args, kwargs).get();
  }

  /** `apply` without waiting: an `AsyncResult` to `get()` later. */
  applyAsync<R = unknown>(
    func: PoolFunction,
    args: readonly unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): AsyncResult<R> {
    const work = rejecting(() => {
      this.#checkRunning();
      const target = this.#target(func);
      const [chunk] = this.#chunks(target, [checkArgs('args', args)], true, 1, checkKwargs('kwargs', kwargs));
      return this.#ordered([chunk as Promise<ChunkOutcome>]).then((results) => results[0] as R);
    });
    return new AsyncResult(work);
  }

  /** No new work is accepted (`ValueError('Pool not running')`); submitted work still finishes. */
  close(): void {
    if (this.#state === 'RUN') this.#state = 'CLOSE';
  }

  /** Stops the workers at once; unfinished work rejects with `CancelledError`. */
  terminate(): void {
    this.#state = 'TERMINATE';
    const pool = this.#tinypool;
    this.#tinypool = undefined;
    void pool?.then((tinypool) => tinypool.destroy());
  }

  /**
   * Resolves once every submitted task has finished and the workers have exited. Call `close()`
   * or `terminate()` first: `ValueError('Pool is still running')` otherwise.
   */
  async join(): Promise<void> {
    if (this.#state === 'RUN') throw new ValueError('Pool is still running');
    while (this.#outstanding.size > 0) await Promise.allSettled([...this.#outstanding]);
    const pool = this.#tinypool;
    this.#tinypool = undefined;
    await (await pool)?.destroy();
  }

  /** `await using pool = new Pool(…)`: terminates on leaving the block, as Python's `with`. */
  async [asyncDispose](): Promise<void> {
    this.terminate();
    await this.join();
  }
}

/**
 * A pool of worker processes. Function targets must be exported from `module`.
 *
 * @example
 * export function square(x: number) { return x * x; }
 * if (isMainProcess()) {
 *   await using pool = new Pool({ processes: 2, module: import.meta.url });
 *   await pool.map(square, [1, 2, 3]); // [1, 4, 9]
 * }
 */
export class Pool extends BasePool {
  constructor(options?: PoolOptions) {
    super('child_process', options);
  }
}

/**
 * A pool of worker threads, with `Pool`'s interface.
 *
 * @example
 * ```ts
 * export function square(x: number) { return x * x; }
 * if (isMainProcess()) {
 *   const pool = new ThreadPool({ processes: 4, module: import.meta.url });
 *   await pool.map(square, [1, 2, 3]); // [1, 4, 9], computed on worker threads
 *   pool.close();
 *   await pool.join();
 * }
 * ```
 */
export class ThreadPool extends BasePool {
  constructor(options?: PoolOptions) {
    super('worker_threads', options);
  }
}
