/** Python's `threading.Event`: a flag that tasks can wait for. */
import { after, checkTimeout } from './clock.js';

/**
 * A flag, initially false. `wait()` resolves once it is set (or the timeout passes).
 *
 * @example
 * const ready = new Event();
 * setTimeout(() => ready.set(), 100);
 * await ready.wait(); // true
 */
export class Event {
  #flag = false;
  #waiters = new Set<() => void>();

  /** Whether the flag is set. */
  isSet(): boolean {
    return this.#flag;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    this.#flag = true;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Clears the flag; later waits wait again. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Resolves `true` once the flag is set, or `false` when `timeout` seconds pass first.
   * Without a timeout it waits for as long as it takes (and does not by itself keep the process
   * alive: something else must be able to set the flag).
   */
  wait(timeout?: number | null): Promise<boolean> {
    let seconds: number | undefined;
    try {
      seconds = checkTimeout('timeout', timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#flag) return Promise.resolve(true);
    if (seconds === 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        delay?.cancel();
        resolve(true);
      };
      const delay =
        seconds === undefined
          ? undefined
          : after(seconds, () => {
              this.#waiters.delete(wake);
              resolve(this.#flag);
            });
      this.#waiters.add(wake);
    });
  }
}
