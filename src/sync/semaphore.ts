/** Python's `threading.Semaphore` and `threading.BoundedSemaphore`, on shared memory. */

import { type Deadline, expired } from '../core/clock.js';
import { ValueError } from '../core/errors.js';
import { acquireDeadline, checkIntegerAtLeast, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { waitWord } from './futex.js';

/** Layout: the counter, then the bound (-1 for an unbounded Semaphore). */
const VALUE = 0;
const BOUND = 1;
let reviving: SharedArrayBuffer | undefined;

/**
 * A counter of permits: `acquire()` takes one (waiting while there are none), `release(n)`
 * gives `n` back and wakes up to `n` waiters. Shared with worker threads when passed in `args`.
 * @example
 * ```ts
 * const downloads = new Semaphore(3); // at most three at a time
 * async function fetchOne(url: string) {
 *   await downloads.acquire();
 *   try {
 *     return await fetch(url);
 *   } finally {
 *     downloads.release();
 *   }
 * }
 * ```
 */
export class Semaphore {
  readonly #view: Int32Array;

  /** `value` (default 1): the initial number of permits; `ValueError` if negative. */
  constructor(value = 1) {
    const buffer = reviving;
    reviving = undefined;
    if (buffer) {
      this.#view = new Int32Array(buffer);
      return;
    }
    checkIntegerAtLeast('value', value, 0, 'semaphore initial value must be >= 0');
    this.#view = new Int32Array(new SharedArrayBuffer(8));
    this.#view[VALUE] = value;
    this.#view[BOUND] = this.bounded() ? value : -1;
  }

  /** Whether release() checks against the initial value (BoundedSemaphore). */
  protected bounded(): boolean {
    return false;
  }

  /**
   * Takes one permit: resolves `true` once it has one, `false` when non-blocking and there is
   * none, or when `timeout` seconds pass first. Arguments as `Lock.acquire` (`timeout = -1`
   * waits forever).
   */
  acquire(blocking = true, timeout: number | null = -1): Promise<boolean> {
    return rejecting(() => {
      const deadline = acquireDeadline(blocking, timeout);
      if (this.#take()) return true;
      if (!blocking) return false;
      return this.#wait(deadline);
    });
  }

  async #wait(deadline: Deadline): Promise<boolean> {
    for (;;) {
      // Waits only while the counter is 0: a release in between makes the wait return at once.
      await waitWord(this.#view, VALUE, 0, deadline);
      if (this.#take()) return true;
      if (expired(deadline)) return false;
    }
  }

  #take(): boolean {
    for (;;) {
      const value = Atomics.load(this.#view, VALUE);
      if (value === 0) return false;
      if (Atomics.compareExchange(this.#view, VALUE, value, value - 1) === value) return true;
    }
  }

  /**
   * Gives back `n` permits (default 1) and wakes up to `n` waiters. `ValueError('n must be one
   * or more')` for `n < 1`; a BoundedSemaphore throws `ValueError('Semaphore released too many
   * times')` rather than exceed its initial value.
   */
  release(n = 1): void {
    checkIntegerAtLeast('n', n, 1, 'n must be one or more');
    const bound = Atomics.load(this.#view, BOUND);
    for (;;) {
      const value = Atomics.load(this.#view, VALUE);
      if (bound >= 0 ? value + n > bound : value + n > 0x7fff_ffff) {
        throw new ValueError('Semaphore released too many times');
      }
      if (Atomics.compareExchange(this.#view, VALUE, value, value + n) === value) break;
    }
    Atomics.notify(this.#view, VALUE, n);
  }

  /** The number of permits now (multiprocessing's `get_value()`; a snapshot). */
  getValue(): number {
    return Atomics.load(this.#view, VALUE);
  }

  /** `<Semaphore value=N>` (`<BoundedSemaphore value=N/MAX>`). */
  toString(): string {
    const bound = Atomics.load(this.#view, BOUND);
    const value = `${this.getValue()}${bound >= 0 ? `/${bound}` : ''}`;
    return `<${this.constructor.name} value=${value}>`;
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    const type = Atomics.load(this.#view, BOUND) >= 0 ? 'BoundedSemaphore' : 'Semaphore';
    if (context.via === 'process') throw notShareable(`a ${type}`, 'a child process', 'use a Queue to talk to it');
    return { __spindleShared: type, buffer: this.#view.buffer };
  }
}

/**
 * A Semaphore that refuses to be released above its initial value: `release()` then throws
 * `ValueError('Semaphore released too many times')`, which catches a release without acquire.
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(2);
 * await slots.acquire();
 * slots.release();
 * slots.release(); // throws ValueError: Semaphore released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  protected override bounded(): boolean {
    return true;
  }
}

registerReviver('Semaphore', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = descriptor.buffer as SharedArrayBuffer;
    return new Semaphore();
  }),
);
registerReviver('BoundedSemaphore', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = descriptor.buffer as SharedArrayBuffer;
    return new BoundedSemaphore();
  }),
);
