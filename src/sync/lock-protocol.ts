/**
 * What a Condition needs from its lock (Python's `_is_owned`, `_release_save`,
 * `_acquire_restore`), as symbol-keyed methods so they stay off the public surface.
 */

/** Whether the calling owner may wait on / notify a Condition over this lock. */
export const kIsOwned = Symbol('spindle.isOwned');
/** Releases the lock completely (all RLock levels) and returns what restores it. */
export const kReleaseSave = Symbol('spindle.releaseSave');
/** Re-acquires the lock (waiting as long as needed) and restores the saved state. */
export const kAcquireRestore = Symbol('spindle.acquireRestore');
