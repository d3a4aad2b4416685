/**
 * Time in seconds, as Python has it: timeout checks and delays of any length (Node's timers
 * cap at 2^31 − 1 ms ≈ 24.8 days and fire at once past it, so long delays are chained).
 */
import { invalidArgType, outOfRange } from './arg-errors.js';

/** Node's longest single timer, in milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A `timeout` in seconds as Python reads it: `undefined`/`null`/`Infinity` wait forever
 * (`undefined` returned); a negative timeout is 0 (an immediate poll).
 */
export function checkTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value)) throw outOfRange(name, 'a number of seconds', value);
  if (value === Number.POSITIVE_INFINITY) return undefined;
  return Math.max(0, value);
}

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
