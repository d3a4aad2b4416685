/**
 * Who owns an RLock (and so may wait on or notify a Condition over it). Python ties ownership to
 * a thread; in spindle a "thread" is one of:
 *
 * - a worker thread (`node:worker_threads`' `threadId`), for code running inside it, or
 * - a spindle `Thread` whose target runs on an event loop: its async flow, as
 *   `currentThread()` (AsyncLocalStorage) sees it — so two Threads on the main loop are two
 *   owners, and everything that one Thread's target awaits or schedules stays the same owner;
 * - the code of a thread that runs outside any spindle `Thread` (the main program, or a worker's
 *   target) is that thread's "main" owner.
 *
 * The id packs both into one 64-bit word, `(threadId + 1) << 32 | ident`, so that any thread can
 * compare it atomically with the owner stored in shared memory. 0 means "no owner".
 */
import { currentThreadIdentity as currentThread } from '../core/identity.js';

/** `(threadId + 1) << 32`, read on first use: `node:worker_threads` costs a cold start ~2 ms. */
let threadPart: bigint | undefined;

/** The owner id of the code running now. Never 0. */
export function ownerId(): bigint {
  threadPart ??= BigInt(process.getBuiltinModule('node:worker_threads').threadId + 1) << 32n;
  const ident = currentThread()?.ident ?? 0;
  return threadPart | BigInt(ident & 0xffff_ffff);
}

/** A readable form for messages and `toString()`: `thread 3` or `thread 0, Thread ident 7`. */
export function describeOwner(owner: bigint): string {
  if (owner === 0n) return 'none';
  const thread = Number(owner >> 32n) - 1;
  const ident = Number(owner & 0xffff_ffffn);
  return ident === 0 ? `thread ${thread}` : `thread ${thread}, Thread ident ${ident}`;
}
