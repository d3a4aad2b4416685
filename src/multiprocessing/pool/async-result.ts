/** Python's `multiprocessing.pool.AsyncResult`: the handle of work submitted to a pool. */

import { within } from '../../core/clock.js';
import { TimeoutError, ValueError } from '../../core/errors.js';
import { checkTimeout, invalidArgType, rejecting } from '../../core/validate.js';

/**
 * The eventual outcome of `applyAsync` (or `mapAsync`/`starmapAsync`). A failure is kept for
 * `get()` and never surfaces as an unhandled rejection.
 * @example
 * ```ts
 * const result = pool.applyAsync(square, [7]);
 * result.ready(); // false until the worker answers
 * await result.wait(1); // waits up to a second, never rejects
 * await result.get(); // 49, or rejects with what the target threw
 * result.successful(); // true
 * ```
 */
export class AsyncResult<T> {
  #settled = false;
  #ok = false;
  #value: T | undefined;
  #error: unknown;
  readonly #done: Promise<void>;

  /** @internal */
  constructor(work: Promise<T>) {
    // Internal, but exported: a caller constructing one gets a coded error, not a TypeError
    // from calling `then` on something that has none.
    if (work === null || typeof work !== 'object' || typeof (work as { then?: unknown }).then !== 'function') {
      throw invalidArgType('work', 'an instance of Promise', work);
    }
    this.#done = work.then(
      (value) => {
        this.#settled = true;
        this.#ok = true;
        this.#value = value;
      },
      (error: unknown) => {
        this.#settled = true;
        this.#error = error;
      },
    );
  }

  /** Whether the work has finished (successfully or not). */
  ready(): boolean {
    return this.#settled;
  }

  /** Whether it finished without an error; `ValueError` while it is not ready. */
  successful(): boolean {
    if (!this.#settled) throw new ValueError(`${this} not ready`);
    return this.#ok;
  }

  /** Resolves once the work has finished, or after `timeout` seconds. Never rejects for the work's error. */
  wait(timeout?: number | null): Promise<void> {
    return rejecting(() => within(this.#done, this.#settled ? undefined : checkTimeout('timeout', timeout)));
  }

  /**
   * The result; rejects with the work's error, or with `TimeoutError` when it has not finished
   * within `timeout` seconds.
   */
  async get(timeout?: number | null): Promise<T> {
    await this.wait(timeout);
    if (!this.#settled) throw new TimeoutError();
    if (!this.#ok) throw this.#error;
    return this.#value as T;
  }

  /** `<AsyncResult ready|pending>`. */
  toString(): string {
    return `<AsyncResult ${this.#settled ? 'ready' : 'pending'}>`;
  }
}
