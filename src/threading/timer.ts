/** Python's `threading.Timer`: a thread that calls a function once, after some seconds. */

import { after } from '../core/clock.js';
import { checkArgs, checkKwargs, checkNumber } from '../core/validate.js';
import { Event } from '../sync/event.js';
import { checkTarget, type TargetFunction } from './targets.js';
import { Thread } from './thread.js';

/**
 * Calls `fn(...args)` (plus `kwargs` as a trailing object when given) after `interval` seconds,
 * unless cancelled first. `fn` may be a kernel (run on the pool and awaited) or any function
 * (run on the main event loop; async functions are awaited).
 *
 * @example
 * function runCheck() {
 *   console.log('Fonksiyon çalıştı.');
 *   new Timer(5.0, runCheck).start();
 * }
 * runCheck();
 */
export class Timer extends Thread {
  /** Seconds to wait before calling `function`. */
  readonly interval: number;
  /** What the timer calls. */
  readonly function: TargetFunction;
  /** Its arguments (a fresh array per timer). */
  readonly args: unknown[];
  /** Its keyword arguments (a fresh object per timer). */
  readonly kwargs: Record<string, unknown>;
  /** Set once the timer has fired or was cancelled. */
  readonly finished = new Event();
  readonly #kwargsGiven: boolean;

  constructor(
    interval: number,
    fn: TargetFunction,
    args?: readonly unknown[] | null,
    kwargs?: Record<string, unknown> | null,
  ) {
    super();
    checkNumber('interval', interval, 'a number of seconds');
    checkTarget('fn', fn, undefined);
    // Python's Timer takes `None` for either.
    const checkedArgs = checkArgs('args', args ?? undefined);
    const checkedKwargs = checkKwargs('kwargs', kwargs ?? undefined);
    this.interval = interval;
    this.function = fn;
    this.args = checkedArgs;
    this.#kwargsGiven = checkedKwargs !== undefined;
    this.kwargs = checkedKwargs ?? {};
  }

  /** Stops the timer if it has not fired yet (the function then never runs); later a no-op. */
  cancel(): void {
    this.finished.set();
  }

  /** Waits `interval` seconds (or until cancelled), then calls the function once. */
  override async run(): Promise<unknown> {
    if (!this.finished.isSet()) {
      await new Promise<void>((resolve) => {
        // A daemon timer's wait must not hold the process open; a non-daemon one is held by
        // its thread anyway. Intervals beyond Node's 24.8-day timer limit are chained.
        const delay = after(Math.max(0, this.interval), resolve, { ref: !this.daemon });
        void this.finished.wait().then(() => {
          delay.cancel();
          resolve();
        });
      });
    }
    try {
      if (!this.finished.isSet()) {
        const args = this.#kwargsGiven ? [...this.args, this.kwargs] : this.args;
        return await this.function(...args);
      }
      return undefined;
    } finally {
      this.finished.set();
    }
  }
}
