/** Python's `threading.Event` (and `multiprocessing.Event`), on shared memory. */

import { deadlineIn, expired } from '../core/clock.js';
import { checkTimeout, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { waitWord } from './futex.js';

/** Layout: the flag, and a generation that every `set()` advances. */
const FLAG = 0;
const GENERATION = 1;
let reviving: SharedArrayBuffer | undefined;

/**
 * A flag, initially false. `wait()` resolves once it is set (or the timeout passes). Shared with
 * worker threads when passed in `args`: a `set()` in one thread wakes waiters in all of them.
 *
 * @example
 * const ready = new Event();
 * setTimeout(() => ready.set(), 100);
 * await ready.wait(); // true
 */
export class Event {
  readonly #view: Int32Array;

  constructor() {
    this.#view = new Int32Array(reviving ?? new SharedArrayBuffer(8));
    reviving = undefined;
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.#view, FLAG) === 1;
  }

  /** Sets the flag and wakes every waiter, in every thread. */
  set(): void {
    Atomics.store(this.#view, FLAG, 1);
    Atomics.add(this.#view, GENERATION, 1);
    Atomics.notify(this.#view, GENERATION);
  }

  /** Clears the flag; later waits wait again. */
  clear(): void {
    Atomics.store(this.#view, FLAG, 0);
  }

  /**
   * Resolves `true` once the flag is set, or `false` when `timeout` seconds pass first (a
   * negative timeout is 0; `undefined`/`null` wait as long as it takes). As in CPython, a waiter
   * that was waiting when `set()` ran resolves `true` even if the flag was cleared again before
   * it woke. Without a timeout the wait does not by itself keep the process alive: something
   * else must be able to set the flag.
   */
  wait(timeout?: number | null): Promise<boolean> {
    return rejecting(async () => {
      const deadline = deadlineIn(checkTimeout('timeout', timeout));
      const generation = Atomics.load(this.#view, GENERATION);
      if (this.isSet()) return true;
      for (;;) {
        await waitWord(this.#view, GENERATION, generation, deadline);
        if (Atomics.load(this.#view, GENERATION) !== generation) return true;
        if (expired(deadline)) return this.isSet();
      }
    });
  }

  /** `<Event set>` or `<Event unset>`. */
  toString(): string {
    return `<${this.constructor.name} ${this.isSet() ? 'set' : 'unset'}>`;
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('an Event', 'a child process', 'use a Queue to talk to it');
    return { __spindleShared: 'Event', buffer: this.#view.buffer };
  }
}

registerReviver('Event', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = descriptor.buffer as SharedArrayBuffer;
    return new Event();
  }),
);
