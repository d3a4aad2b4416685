/**
 * Who is running: which spindle `Thread` the running code belongs to, and whether this is the
 * user's program or one of spindle's worker threads and child processes.
 *
 * The thread identity is for the layers below `threading/` that need it (a lock's owner, whether
 * a timed wait may hold the process open) without importing the Thread class:
 * `threading/thread.ts` runs each target inside `threadContext`, and `sync/` reads it here.
 *
 * `isMainProcess()` is the twin of Python's `if __name__ == '__main__':`. spindle imports a
 * target's module afresh in its worker threads and child processes, as Python's spawn start
 * method does; the guard keeps the module's main program from running there again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What lower layers read of the current thread. */
export interface ThreadIdentity {
  /** The thread's `ident` (set once started). */
  readonly ident: number | null;
  /** Whether it is a daemon thread (one that must not hold the process open). */
  readonly daemon: boolean;
}

/** The async context every spindle `Thread`'s target runs in; its store is that `Thread`. */
export const threadContext = new AsyncLocalStorage<ThreadIdentity>();

/** The current thread's identity, or `undefined` outside any spindle `Thread`. */
export function currentThreadIdentity(): ThreadIdentity | undefined {
  return threadContext.getStore();
}

/** Set in the environment of spindle's child processes (Process and Pool workers). */
export const SPINDLE_CHILD_ENV = 'SPINDLE_CHILD';

/** Set on `globalThis` by spindle's worker-thread entries before they import user modules. */
const WORKER_FLAG = Symbol.for('spindle.worker');

/** Marks this thread as one of spindle's workers (called first thing by each worker entry). */
export function markSpindleWorker(): void {
  (globalThis as Record<symbol, unknown>)[WORKER_FLAG] = true;
}

/**
 * True in the user's program; false inside spindle's worker threads and child processes.
 *
 * @example
 * ```ts
 * // The twin of Python's `if __name__ == '__main__':` — the module is imported again in each child.
 * export function work(n: number) { return n * 2; }
 * if (isMainProcess()) {
 *   const p = new Process({ target: work, args: [21], module: import.meta.url });
 *   p.start();
 *   await p.join();
 * }
 * ```
 */
export function isMainProcess(): boolean {
  return (globalThis as Record<symbol, unknown>)[WORKER_FLAG] !== true && process.env[SPINDLE_CHILD_ENV] !== '1';
}
