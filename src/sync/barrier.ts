/** Python's `threading.Barrier` (and `multiprocessing.Barrier`), on shared memory. */

import { type Deadline, deadlineIn, expired } from '../core/clock.js';
import { BrokenBarrierError } from '../core/errors.js';
import { checkIntegerAtLeast, checkOptionalFunction, checkTimeout, outOfRange, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { waitWord } from './futex.js';

/**
 * CPython's barrier is a small state machine under a Condition; here its state and count share
 * one Int32 (`state << 28 | count`) changed only by compare-and-swap, so `reset()` and `abort()`
 * stay synchronous, and a second word (a sequence number) is what waiters sleep on: every state
 * change advances it and wakes them all.
 */
const WORD = 0;
const SEQUENCE = 1;
const COUNT_BITS = 28;
const COUNT_MASK = (1 << COUNT_BITS) - 1;

/** CPython's states 0, 1, -1, -2, plus RELEASING: the last party is running the action. */
const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;
const RELEASING = 4;

const stateOf = (word: number): number => word >>> COUNT_BITS;
const countOf = (word: number): number => word & COUNT_MASK;
const pack = (state: number, count: number): number => (state << COUNT_BITS) | count;

let reviving: { buffer: SharedArrayBuffer } | undefined;

/**
 * A rendezvous for a fixed number of parties: each `wait()` waits until `parties` calls are
 * waiting, then all resolve together, each with a distinct index in `0…parties−1`. Reusable:
 * it then fills again. A timeout, an `abort()`, a failing action or a `reset()` under waiting
 * parties breaks it: waits reject with `BrokenBarrierError` until `reset()`.
 *
 * Shared with worker threads when passed in `args` — except a Barrier with an `action`, since a
 * function cannot travel: have the party that gets index 0 do the work instead, as Python's
 * documentation suggests.
 * @example
 * ```ts
 * export async function party(barrier: Barrier) {
 *   const index = await barrier.wait(); // resolves when all three are waiting
 *   if (index === 0) console.log('everyone is here');
 * }
 * if (isMainProcess()) {
 *   const barrier = new Barrier(3);
 *   for (let i = 0; i < 3; i++) new Thread({ target: party, args: [barrier], module: import.meta.url }).start();
 * }
 * ```
 */
export class Barrier {
  readonly #view: Int32Array;
  readonly #parties: number;
  readonly #action: (() => unknown) | undefined;
  readonly #timeout: number | undefined;

  /**
   * `parties`: how many must wait (≥ 1, else `ValueError`). `action`: called once per cycle by
   * the last party to arrive, before any is released (awaited if it returns a Promise).
   * `timeout`: the default for `wait()`, in seconds.
   */
  constructor(parties: number, action?: (() => unknown) | null, timeout?: number | null) {
    const shared = reviving;
    reviving = undefined;
    this.#parties = checkIntegerAtLeast('parties', parties, 1, 'parties must be >= 1');
    if (this.#parties > COUNT_MASK) throw outOfRange('parties', `an integer >= 1 && <= ${COUNT_MASK}`, parties);
    if (action !== null) checkOptionalFunction('action', action);
    this.#action = action ?? undefined;
    this.#timeout = checkTimeout('timeout', timeout);
    this.#view = new Int32Array(shared?.buffer ?? new SharedArrayBuffer(8));
  }

  /** How many parties must wait. */
  get parties(): number {
    return this.#parties;
  }

  /** How many parties are waiting now (0 while the barrier drains or is broken). */
  get nWaiting(): number {
    const word = Atomics.load(this.#view, WORD);
    const state = stateOf(word);
    return state === FILLING || state === RELEASING ? countOf(word) : 0;
  }

  /** Whether the barrier is broken. */
  get broken(): boolean {
    return stateOf(Atomics.load(this.#view, WORD)) === BROKEN;
  }

  /**
   * Waits for all parties; resolves with this party's index (`0…parties−1`, each once per
   * cycle). `timeout` (seconds; default the barrier's own) breaks the barrier when it passes:
   * this wait and every other then reject with `BrokenBarrierError`, as they do after
   * `abort()`, a failing action (whose own error the last party gets) or a `reset()`.
   */
  wait(timeout?: number | null): Promise<number> {
    return rejecting(async () => {
      const seconds = timeout === undefined || timeout === null ? this.#timeout : checkTimeout('timeout', timeout);
      const index = await this.#enter();
      try {
        if (index + 1 === this.#parties) await this.#release();
        else await this.#await(deadlineIn(seconds));
        return index;
      } finally {
        this.#exit();
      }
    });
  }

  /**
   * Returns the barrier to its empty, unbroken state. Parties waiting now reject with
   * `BrokenBarrierError`; the barrier refills once they are gone.
   */
  reset(): void {
    this.#update((state, count) => {
      if (count === 0) return FILLING;
      return state === FILLING || state === BROKEN ? RESETTING : state;
    });
  }

  /** Breaks the barrier: current and future waits reject with `BrokenBarrierError` until `reset()`. */
  abort(): void {
    this.#update(() => BROKEN);
  }

  /** `<Barrier parties=N waiting=K>` (or `broken`). */
  toString(): string {
    const status = this.broken ? 'broken' : `waiting=${this.nWaiting}`;
    return `<${this.constructor.name} parties=${this.#parties} ${status}>`;
  }

  /** Changes the state (keeping the count) and wakes every waiter. */
  #update(next: (state: number, count: number) => number): void {
    for (;;) {
      const word = Atomics.load(this.#view, WORD);
      const count = countOf(word);
      const updated = pack(next(stateOf(word), count), count);
      if (Atomics.compareExchange(this.#view, WORD, word, updated) === word) break;
    }
    this.#advance();
  }

  #advance(): void {
    Atomics.add(this.#view, SEQUENCE, 1);
    Atomics.notify(this.#view, SEQUENCE);
  }

  /** Takes an index, first waiting while the previous cycle drains or resets (no timeout, as CPython). */
  async #enter(): Promise<number> {
    for (;;) {
      const sequence = Atomics.load(this.#view, SEQUENCE);
      const word = Atomics.load(this.#view, WORD);
      const state = stateOf(word);
      if (state === BROKEN) throw new BrokenBarrierError();
      if (state !== FILLING) {
        await waitWord(this.#view, SEQUENCE, sequence, undefined);
        continue;
      }
      const count = countOf(word);
      const last = count + 1 === this.#parties;
      const updated = pack(last ? RELEASING : FILLING, count + 1);
      if (Atomics.compareExchange(this.#view, WORD, word, updated) === word) return count;
    }
  }

  /** The last party: runs the action, then lets everyone go. */
  async #release(): Promise<void> {
    try {
      if (this.#action) await this.#action();
    } catch (error) {
      this.abort();
      throw error;
    }
    // Drain — unless an abort() came during the action, which then wins for the others.
    this.#update((state) => (state === RELEASING ? DRAINING : state));
  }

  /** Any other party: waits for the release, a break, or the deadline (which breaks it). */
  async #await(deadline: Deadline): Promise<void> {
    for (;;) {
      const sequence = Atomics.load(this.#view, SEQUENCE);
      const state = stateOf(Atomics.load(this.#view, WORD));
      if (state === DRAINING) return;
      if (state === BROKEN || state === RESETTING) throw new BrokenBarrierError();
      // While the action runs the deadline does not count, as in CPython, where a timed-out
      // waiter must first re-take the lock the releasing party holds, and then sees it drained.
      if (state === FILLING && expired(deadline)) {
        this.abort();
        throw new BrokenBarrierError();
      }
      await waitWord(this.#view, SEQUENCE, sequence, state === RELEASING ? undefined : deadline);
    }
  }

  /** Leaves: the last one out of a drained or reset cycle lets the barrier fill again. */
  #exit(): void {
    for (;;) {
      const word = Atomics.load(this.#view, WORD);
      const count = countOf(word) - 1;
      let state = stateOf(word);
      const refill = count === 0 && (state === DRAINING || state === RESETTING);
      if (refill) state = FILLING;
      if (Atomics.compareExchange(this.#view, WORD, word, pack(state, count)) === word) {
        if (refill) this.#advance();
        return;
      }
    }
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('a Barrier', 'a child process', 'use a Queue to talk to it');
    if (this.#action) {
      throw notShareable(
        'a Barrier with an action',
        'another thread',
        'a function cannot travel: create it without one, and let the party whose wait() returns 0 do the work',
      );
    }
    return {
      __spindleShared: 'Barrier',
      buffer: this.#view.buffer,
      parties: this.#parties,
      timeout: this.#timeout ?? null,
    };
  }
}

registerReviver('Barrier', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = { buffer: descriptor.buffer as SharedArrayBuffer };
    return new Barrier(descriptor.parties as number, null, descriptor.timeout as number | null);
  }),
);
