/**
 * The mutual-exclusion word under Lock, RLock and the Queue's reader/writer locks: one Int32 in
 * shared memory, 0 = unlocked, 1 = locked, 2 = locked and maybe contended (Drepper's "futexes are
 * tricky", mutex 2). Only a release that saw 2 calls `Atomics.notify`, so an uncontended
 * acquire/release pair is two atomic instructions and no wake-up traffic.
 */

import { type Deadline, expired } from '../core/clock.js';
import { checkAborted, waitWord } from './futex.js';

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** One attempt, never waits. */
export function tryLock(view: Int32Array, index: number): boolean {
  return Atomics.compareExchange(view, index, UNLOCKED, LOCKED) === UNLOCKED;
}

/**
 * Takes the lock, waiting (without blocking the thread) until `deadline`; resolves `false` on
 * timeout. Rejects with an `AbortError` if `signal` aborts first.
 */
export async function lock(
  view: Int32Array,
  index: number,
  deadline: Deadline,
  signal?: AbortSignal,
): Promise<boolean> {
  if (tryLock(view, index)) return true;
  for (;;) {
    // Mark the lock contended; if it was free meanwhile, it is ours (and its release will
    // notify, perhaps needlessly, which is harmless).
    if (Atomics.exchange(view, index, CONTENDED) === UNLOCKED) return true;
    if (expired(deadline)) return false;
    checkAborted(await waitWord(view, index, CONTENDED, deadline, signal), signal);
  }
}

/** Releases the lock; false if it was not locked (the caller raises Python's error). */
export function unlock(view: Int32Array, index: number): boolean {
  const previous = Atomics.exchange(view, index, UNLOCKED);
  if (previous === CONTENDED) Atomics.notify(view, index, 1);
  return previous !== UNLOCKED;
}

/** Whether the lock is held (by anyone). */
export function isLocked(view: Int32Array, index: number): boolean {
  return Atomics.load(view, index) !== UNLOCKED;
}
