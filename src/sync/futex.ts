/**
 * Waiting on shared memory without blocking the event loop: every wait in spindle's
 * synchronisation types goes through `waitWord`, a thin layer over `Atomics.waitAsync`.
 *
 * Contract (the "futex" discipline every type follows): a waiter reads the word, decides it must
 * wait, and waits *while the word still holds the value it read* — a change in between makes the
 * wait return at once ('not-equal'), so no wake-up is lost. A waker changes the word first, then
 * calls `Atomics.notify`. Every wait may also return spuriously; callers re-check in a loop, and
 * a woken waiter always re-tries once before it gives up on a deadline, so a wake-up it consumed
 * is never wasted.
 *
 * Event-loop lifetime: a pending `Atomics.waitAsync` does not keep Node alive. An untimed wait is
 * kept alive by whoever will wake it (a worker thread, a child process, a timer); if nothing can,
 * the process exits, as a deadlocked program would be stopped. A timed wait holds the process
 * open until its deadline (unless it runs in a daemon Thread), as Python's blocking call would.
 */
import { after, type Deadline } from '../core/clock.js';
import { abortError } from '../core/errors.js';
import { currentThreadIdentity as currentThread } from '../core/identity.js';

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };

// Atomics.waitAsync is in Node ≥ 16 but only in TypeScript's ES2024 lib.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(view: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
  }
).waitAsync;

/** How a wait ended. 'aborted' only when a signal was given. */
export type WaitOutcome = 'ok' | 'not-equal' | 'timed-out' | 'aborted';

/** Extra time the keep-alive timer gives V8's own timeout before it takes over. */
const SLACK_SECONDS = 0.05;

/**
 * Waits while `view[index] === expected`, until notified, until `deadline`, or until `signal`
 * aborts. Never blocks the thread.
 */
export function waitWord(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: Deadline,
  signal?: AbortSignal,
): WaitOutcome | Promise<WaitOutcome> {
  if (signal?.aborted) return 'aborted';
  const ms = deadline === undefined ? undefined : deadline - performance.now();
  if (ms !== undefined && ms <= 0) return Atomics.load(view, index) === expected ? 'timed-out' : 'not-equal';
  const result = waitAsync(view, index, expected, ms);
  if (!result.async) return result.value;
  if (ms === undefined && signal === undefined) return result.value;
  return new Promise<WaitOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: WaitOutcome): void => {
      if (settled) return;
      settled = true;
      keepAlive?.cancel();
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Leaving a wait early leaves V8's waiter record behind, and a later `notify(…, 1)` could
    // pick that dead waiter instead of a live one. Waking every waiter on the word evicts it;
    // the others wake spuriously, re-check, and wait again.
    const evict = (outcome: WaitOutcome): void => {
      if (settled) return;
      finish(outcome);
      Atomics.notify(view, index);
    };
    const onAbort = (): void => evict('aborted');
    void result.value.then(finish);
    // V8's timeout decides; this ref'd timer keeps the process alive meanwhile (V8's own timer
    // does not) and takes over should V8's never fire.
    const keepAlive =
      ms === undefined
        ? undefined
        : after(ms / 1000 + SLACK_SECONDS, () => evict('timed-out'), { ref: !(currentThread()?.daemon ?? false) });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws the signal's `AbortError` when the outcome says the wait was aborted. */
export function checkAborted(outcome: WaitOutcome, signal: AbortSignal | undefined): void {
  if (outcome === 'aborted' && signal) throw abortError(signal);
}

/** Wakes every waiter on `view[index]`. */
export function wakeAll(view: Int32Array, index: number): void {
  Atomics.notify(view, index);
}

/** Wakes up to `count` waiters on `view[index]`. */
export function wake(view: Int32Array, index: number, count: number): void {
  Atomics.notify(view, index, count);
}
