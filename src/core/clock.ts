/**
 * Time in seconds, as Python has it: deadlines, and delays of any length (Node's timers
 * cap at 2^31 − 1 ms ≈ 24.8 days and fire at once past it, so long delays are chained).
 */

/** Node's longest single timer, in milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending delay that can be cancelled. */
export interface Delay {
  /** Stops the delay; its callback will not run. */
  cancel(): void;
}

/**
 * Calls `done` after `seconds`, however long that is. `ref: false` lets the process exit while
 * the delay is pending.
 */
export function after(seconds: number, done: () => void, { ref = true }: { ref?: boolean } = {}): Delay {
  const deadline = performance.now() + seconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = deadline - performance.now();
    if (left <= 0 && timer !== undefined) {
      timer = undefined;
      done();
      return;
    }
    timer = setTimeout(arm, Math.min(Math.max(left, 0), MAX_TIMER_MS));
    if (!ref) timer.unref();
  };
  arm();
  return {
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Resolves once `done` has resolved, or after `seconds` (`undefined`: no limit), whichever comes
 * first: the shape of every `join(timeout)` and `wait(timeout)` that resolves on timeout too.
 * `done` must never reject.
 */
export function within(done: Promise<void>, seconds: number | undefined): Promise<void> {
  if (seconds === undefined) return done;
  return new Promise<void>((resolve) => {
    const delay = after(seconds, resolve);
    void done.then(() => {
      delay.cancel();
      resolve();
    });
  });
}

/** Resolves after `seconds` (keeping the process alive meanwhile, as Python's `time.sleep`). */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => {
    after(seconds, resolve);
  });
}

/** An absolute time on `performance.now()`'s clock (ms), or `undefined` for "forever". */
export type Deadline = number | undefined;

/** The deadline `seconds` from now (`undefined` stays forever). */
export function deadlineIn(seconds: number | undefined): Deadline {
  return seconds === undefined ? undefined : performance.now() + seconds * 1000;
}

/** Whether `deadline` has passed. */
export function expired(deadline: Deadline): boolean {
  return deadline !== undefined && performance.now() >= deadline;
}

/** Seconds left until `deadline` (`undefined` for forever; never negative). */
export function secondsLeft(deadline: Deadline): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, (deadline - performance.now()) / 1000);
}
