/** Python's `threading.RLock` (and `multiprocessing.RLock`), on shared memory. */
import { RuntimeError } from '../core/errors.js';
import { acquireDeadline, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { kAcquireRestore, kIsOwned, kReleaseSave } from './lock-protocol.js';
import { isLocked, lock, tryLock, unlock } from './mutex.js';
import { describeOwner, ownerId } from './owner.js';

const TYPE = 'RLock';
let reviving: SharedArrayBuffer | undefined;

/** Layout: the owner id (BigInt64) at byte 0, then the mutex word and the recursion count. */
const BYTES = 16;
const STATE = 0;
const COUNT = 1;

interface Saved {
  owner: bigint;
  count: number;
}

/**
 * A re-entrant lock: its owner may acquire it again, and must release it as many times. The
 * owner is the worker thread, or the spindle `Thread` on an event loop, that acquired it (see
 * `owner.ts`): two `Thread`s on the main loop are two owners; the main program is one owner.
 * Releasing it from anywhere but its owner throws `RuntimeError('cannot release un-acquired lock')`.
 * @example
 * ```ts
 * const lock = new RLock();
 * async function outer() {
 *   await lock.acquire();
 *   try {
 *     await inner(); // acquires again: no deadlock for the same owner
 *   } finally {
 *     lock.release();
 *   }
 * }
 * async function inner() {
 *   await lock.acquire();
 *   try {
 *     // …
 *   } finally {
 *     lock.release();
 *   }
 * }
 * ```
 */
export class RLock {
  readonly #owner: BigInt64Array;
  readonly #view: Int32Array;

  constructor() {
    const buffer = reviving ?? new SharedArrayBuffer(BYTES);
    reviving = undefined;
    this.#owner = new BigInt64Array(buffer, 0, 1);
    this.#view = new Int32Array(buffer, 8, 2);
  }

  /**
   * Acquires the lock, or one more level of it when the caller already owns it (at once).
   * Otherwise as `Lock.acquire`: `false` when non-blocking and held, or on timeout.
   */
  acquire(blocking = true, timeout: number | null = -1): Promise<boolean> {
    return rejecting(() => {
      const deadline = acquireDeadline(blocking, timeout);
      const me = ownerId();
      if (Atomics.load(this.#owner, 0) === me) {
        Atomics.add(this.#view, COUNT, 1);
        return true;
      }
      if (tryLock(this.#view, STATE)) {
        this.#own(me, 1);
        return true;
      }
      if (!blocking) return false;
      return lock(this.#view, STATE, deadline).then((ok) => {
        if (ok) this.#own(me, 1);
        return ok;
      });
    });
  }

  /**
   * Releases one level; the last one unlocks it. Throws `RuntimeError('cannot release
   * un-acquired lock')` unless the caller owns it.
   */
  release(): void {
    if (Atomics.load(this.#owner, 0) !== ownerId()) throw new RuntimeError('cannot release un-acquired lock');
    const left = Atomics.sub(this.#view, COUNT, 1) - 1;
    if (left === 0) {
      Atomics.store(this.#owner, 0, 0n);
      unlock(this.#view, STATE);
    }
  }

  /** Whether the lock is held (by anyone). */
  locked(): boolean {
    return isLocked(this.#view, STATE);
  }

  /** `<locked RLock owner=… count=N>` or `<unlocked RLock owner=none count=0>`. */
  toString(): string {
    const owner = describeOwner(Atomics.load(this.#owner, 0));
    const count = Atomics.load(this.#view, COUNT);
    return `<${this.locked() ? 'locked' : 'unlocked'} ${this.constructor.name} owner=${owner} count=${count}>`;
  }

  #own(owner: bigint, count: number): void {
    Atomics.store(this.#view, COUNT, count);
    Atomics.store(this.#owner, 0, owner);
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('an RLock', 'a child process', 'use a Queue to talk to it');
    return { __spindleShared: TYPE, buffer: this.#owner.buffer };
  }

  /** @internal */
  [kIsOwned](): boolean {
    return Atomics.load(this.#owner, 0) === ownerId();
  }

  /** @internal */
  [kReleaseSave](): Saved {
    const owner = Atomics.load(this.#owner, 0);
    if (Atomics.load(this.#view, COUNT) === 0) throw new RuntimeError('cannot release un-acquired lock');
    const saved = { owner, count: Atomics.exchange(this.#view, COUNT, 0) };
    Atomics.store(this.#owner, 0, 0n);
    unlock(this.#view, STATE);
    return saved;
  }

  /** @internal */
  async [kAcquireRestore](saved: unknown): Promise<void> {
    await lock(this.#view, STATE, undefined);
    const { owner, count } = saved as Saved;
    this.#own(owner, count);
  }
}

registerReviver(TYPE, (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = descriptor.buffer as SharedArrayBuffer;
    return new RLock();
  }),
);
