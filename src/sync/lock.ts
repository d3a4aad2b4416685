/** Python's `threading.Lock` (and `multiprocessing.Lock`), on shared memory. */
import { RuntimeError } from '../core/errors.js';
import { acquireDeadline, rejecting } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { kAcquireRestore, kIsOwned, kReleaseSave } from './lock-protocol.js';
import { isLocked, lock, tryLock, unlock } from './mutex.js';

const TYPE = 'Lock';
let reviving: SharedArrayBuffer | undefined;

/**
 * A primitive lock: locked or unlocked, owned by nobody — any thread (or async flow) may release
 * it, as in Python. Not re-entrant: acquiring it twice without a release waits forever (or until
 * the timeout). Passed in a Thread's `args`, it arrives in the worker as the same lock.
 *
 * @example
 * const lock = new Lock();
 * await lock.acquire();
 * try {
 *   counter.value += 1;
 * } finally {
 *   lock.release();
 * }
 */
export class Lock {
  readonly #view: Int32Array;

  constructor() {
    this.#view = new Int32Array(reviving ?? new SharedArrayBuffer(4));
    reviving = undefined;
  }

  /**
   * Acquires the lock: resolves `true` once it is ours, or `false` when `blocking` is false and
   * the lock is held, or when `timeout` seconds pass first. `timeout = -1` (the default) waits
   * forever. Never blocks the event loop.
   * Rejects with `ValueError` for a timeout with `blocking = false` or a negative timeout other
   * than -1, as CPython does.
   */
  acquire(blocking = true, timeout: number | null = -1): Promise<boolean> {
    return rejecting(() => {
      const deadline = acquireDeadline(blocking, timeout);
      if (tryLock(this.#view, 0)) return true;
      if (!blocking) return false;
      return lock(this.#view, 0, deadline);
    });
  }

  /** Releases the lock. Throws `RuntimeError('release unlocked lock')` if it is not locked. */
  release(): void {
    if (!unlock(this.#view, 0)) throw new RuntimeError('release unlocked lock');
  }

  /** Whether the lock is held (by anyone). */
  locked(): boolean {
    return isLocked(this.#view, 0);
  }

  /** `<locked Lock>` or `<unlocked Lock>`. */
  toString(): string {
    return `<${this.locked() ? 'locked' : 'unlocked'} ${this.constructor.name}>`;
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('a Lock', 'a child process', 'use a Queue to talk to it');
    return { __spindleShared: TYPE, buffer: this.#view.buffer };
  }

  /** @internal A plain Lock is "owned" while it is locked, as CPython's Condition decides. */
  [kIsOwned](): boolean {
    return this.locked();
  }

  /** @internal */
  [kReleaseSave](): undefined {
    this.release();
    return undefined;
  }

  /** @internal */
  async [kAcquireRestore](): Promise<void> {
    await lock(this.#view, 0, undefined);
  }
}

registerReviver(TYPE, (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = descriptor.buffer as SharedArrayBuffer;
    return new Lock();
  }),
);
