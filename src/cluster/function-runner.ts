/**
 * A worker host's pool of worker threads for function targets (Tinypool, as spindle's
 * ThreadPool uses): `threads` threads, started on first use. A task with an abort signal that
 * fires while it runs has its thread terminated and replaced (Tinypool's abort), which is how a
 * cancelled function target stops.
 */
import type { Tinypool } from 'tinypool';
import { FUNCTION_WORKER } from './files.js';
import type { FunctionOutcome, FunctionTask } from './function-worker.js';

export class FunctionRunner {
  readonly #threads: number;
  #pool: Promise<Tinypool> | undefined;

  constructor(threads: number) {
    this.#threads = threads;
  }

  #start(): Promise<Tinypool> {
    this.#pool ??= import('tinypool').then(({ Tinypool }) => {
      const pool = new Tinypool({
        filename: FUNCTION_WORKER.href,
        runtime: 'worker_threads',
        minThreads: 1,
        maxThreads: this.#threads,
        // Threads stay up between jobs: a fresh thread runs its first calls several times slower.
        idleTimeout: 60_000,
      });
      // A thread that died with no task of its own is replaced by Tinypool; without a listener
      // its 'error' event would end the host.
      pool.on('error', () => {});
      return pool;
    });
    return this.#pool;
  }

  /** Runs one chunk; rejects only when its thread died or the signal fired. */
  async run(task: FunctionTask, signal: AbortSignal): Promise<FunctionOutcome> {
    const pool = await this.#start();
    return (await pool.run(task, { signal })) as FunctionOutcome;
  }

  /** Stops the threads (after the host's jobs have drained). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await (await pool)?.destroy();
  }
}
