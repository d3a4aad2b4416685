/** Python's `threading.Condition` (and `multiprocessing.Condition`), on shared memory. */

import { type Deadline, deadlineIn, expired, secondsLeft } from '../core/clock.js';
import { RuntimeError } from '../core/errors.js';
import { checkCount, checkFunction, checkTimeout, invalidArgType, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { waitWord } from './futex.js';
import { Lock } from './lock.js';
import { kAcquireRestore, kIsOwned, kReleaseSave } from './lock-protocol.js';
import { RLock } from './rlock.js';

/**
 * Waiters queue in shared memory, so that `notify(n)` wakes exactly the `n` longest-waiting
 * ones in whatever thread they are, as CPython's FIFO of waiters does. Each waiter takes a ticket
 * and a slot of its own (`[state, ticket]`) and sleeps on its slot's state word; `notify` marks
 * the slots with the lowest tickets NOTIFIED and wakes just those. A waiter that times out frees
 * its slot with a compare-and-swap, so it can never swallow a notification meant for another.
 *
 * Beyond SLOTS simultaneous waiters the rest wait in an overflow group woken all together by the
 * next notify that finds no slot waiter left — more than `n` may wake then, which CPython's
 * documentation allows ("it's not safe to rely on this behavior").
 */
const SLOTS = 128; // a power of two (slots are picked by masking the ticket)
const NEXT_TICKET = 0;
const OVERFLOW = 1;
const OVERFLOW_SEQUENCE = 2;
const HEADER = 4;

const FREE = 0;
const WAITING = 1;
const NOTIFIED = 2;
const RESERVED = 3;

let reviving: { buffer: SharedArrayBuffer; lock: Lock | RLock } | undefined;

type Place = { slot: number } | { overflow: number };

/**
 * A condition variable over a Lock or RLock (a new RLock by default): hold the lock, check your
 * condition, and `wait()` — which releases the lock while it sleeps and re-acquires it before it
 * resolves — until another holder calls `notify()` after changing the state. Shared with worker
 * threads (with its lock) when passed in `args`.
 *
 * @example
 * await cond.acquire();
 * try {
 *   await cond.waitFor(() => items.length > 0);
 *   use(items.shift());
 * } finally {
 *   cond.release();
 * }
 */
export class Condition {
  readonly #view: Int32Array;
  readonly #lock: Lock | RLock;

  /** `lock`: the Lock or RLock to use (default: a new RLock). */
  constructor(lock?: Lock | RLock | null) {
    const shared = reviving;
    reviving = undefined;
    if (shared) {
      this.#view = new Int32Array(shared.buffer);
      this.#lock = shared.lock;
      return;
    }
    if (lock !== undefined && lock !== null && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw invalidArgType('lock', 'an instance of Lock or RLock', lock);
    }
    this.#lock = lock ?? new RLock();
    this.#view = new Int32Array(new SharedArrayBuffer((HEADER + 2 * SLOTS) * 4));
  }

  /** Acquires the underlying lock (arguments and outcome as its `acquire`). */
  acquire(blocking = true, timeout: number | null = -1): Promise<boolean> {
    return this.#lock.acquire(blocking, timeout);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.#lock.release();
  }

  /**
   * Releases the lock, waits until notified or until `timeout` seconds pass, re-acquires the lock,
   * and resolves `true` — or `false` on timeout. Rejects with `RuntimeError('cannot wait on
   * un-acquired lock')` unless the caller holds the lock (owns it, for an RLock).
   */
  wait(timeout?: number | null): Promise<boolean> {
    return rejecting(async () => {
      const deadline = deadlineIn(checkTimeout('timeout', timeout));
      const lock = this.#lock;
      if (!lock[kIsOwned]()) throw new RuntimeError('cannot wait on un-acquired lock');
      // Queue up before the lock is released, so a notify right after the release finds us.
      const place = this.#enqueue();
      const saved = lock[kReleaseSave]();
      try {
        return 'slot' in place
          ? await this.#sleep(place.slot, deadline)
          : await this.#sleepInOverflow(place.overflow, deadline);
      } finally {
        await lock[kAcquireRestore](saved);
      }
    });
  }

  /**
   * Waits until `predicate()` (awaited if it returns a Promise) is truthy, calling `wait()` in
   * between; resolves with the predicate's last value — falsy when `timeout` passed first.
   */
  waitFor<T>(predicate: () => T | Promise<T>, timeout?: number | null): Promise<T> {
    return rejecting(async () => {
      checkFunction('predicate', predicate);
      const deadline = deadlineIn(checkTimeout('timeout', timeout));
      let result = await predicate();
      // As CPython: at least one wait() (which checks the lock is held), then until the deadline.
      for (let first = true; !result; first = false) {
        const left = secondsLeft(deadline);
        if (left === 0 && !first) break;
        await this.wait(left);
        result = await predicate();
      }
      return result;
    });
  }

  /**
   * Wakes up to `n` (default 1) of the waiters, the longest-waiting first. Throws
   * `RuntimeError('cannot notify on un-acquired lock')` unless the caller holds the lock.
   */
  notify(n = 1): void {
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot notify on un-acquired lock');
    this.#notify(checkCount('n', n, 0));
  }

  /** Wakes every waiter. Same ownership rule as `notify`. */
  notifyAll(): void {
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot notify on un-acquired lock');
    this.#notify(Number.POSITIVE_INFINITY);
  }

  /** `<Condition(<locked RLock …>)>`. */
  toString(): string {
    return `<${this.constructor.name}(${String(this.#lock)})>`;
  }

  #enqueue(): Place {
    const view = this.#view;
    const ticket = Atomics.add(view, NEXT_TICKET, 1);
    for (let k = 0; k < SLOTS; k++) {
      const at = HEADER + 2 * ((ticket + k) & (SLOTS - 1)); // tickets wrap to negative: mask, not %
      if (Atomics.compareExchange(view, at, FREE, RESERVED) === FREE) {
        Atomics.store(view, at + 1, ticket);
        Atomics.store(view, at, WAITING);
        return { slot: at };
      }
    }
    Atomics.add(view, OVERFLOW, 1);
    return { overflow: Atomics.load(view, OVERFLOW_SEQUENCE) };
  }

  async #sleep(at: number, deadline: Deadline): Promise<boolean> {
    const view = this.#view;
    for (;;) {
      if (Atomics.load(view, at) === NOTIFIED) {
        Atomics.store(view, at, FREE);
        return true;
      }
      if (expired(deadline)) {
        if (Atomics.compareExchange(view, at, WAITING, FREE) === WAITING) return false;
        continue; // notified just now: take it
      }
      await waitWord(view, at, WAITING, deadline);
    }
  }

  async #sleepInOverflow(sequence: number, deadline: Deadline): Promise<boolean> {
    const view = this.#view;
    try {
      for (;;) {
        if (Atomics.load(view, OVERFLOW_SEQUENCE) !== sequence) return true;
        if (expired(deadline)) return false;
        await waitWord(view, OVERFLOW_SEQUENCE, sequence, deadline);
      }
    } finally {
      Atomics.sub(view, OVERFLOW, 1);
    }
  }

  #notify(n: number): void {
    const view = this.#view;
    let woken = 0;
    if (n >= SLOTS) {
      for (let i = 0; i < SLOTS; i++) {
        if (this.#wake(HEADER + 2 * i)) woken++;
      }
    } else {
      while (woken < n) {
        let oldest = -1;
        let oldestTicket = 0;
        for (let i = 0; i < SLOTS; i++) {
          const at = HEADER + 2 * i;
          if (Atomics.load(view, at) !== WAITING) continue;
          const ticket = Atomics.load(view, at + 1);
          // Tickets wrap around at 2^32: compare by signed difference.
          if (oldest < 0 || ((ticket - oldestTicket) | 0) < 0) {
            oldest = at;
            oldestTicket = ticket;
          }
        }
        if (oldest < 0) break;
        if (this.#wake(oldest)) woken++;
      }
    }
    if (woken < n && Atomics.load(view, OVERFLOW) > 0) {
      Atomics.add(view, OVERFLOW_SEQUENCE, 1);
      Atomics.notify(view, OVERFLOW_SEQUENCE);
    }
  }

  /** Notifies the waiter in slot `at`, unless it has just timed out. */
  #wake(at: number): boolean {
    if (Atomics.compareExchange(this.#view, at, WAITING, NOTIFIED) !== WAITING) return false;
    Atomics.notify(this.#view, at);
    return true;
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('a Condition', 'a child process', 'use a Queue to talk to it');
    return { __spindleShared: 'Condition', buffer: this.#view.buffer, lock: this.#lock[kShare](context) };
  }
}

registerReviver('Condition', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = {
      buffer: descriptor.buffer as SharedArrayBuffer,
      lock: context.revive(descriptor.lock) as Lock | RLock,
    };
    return new Condition();
  }),
);
