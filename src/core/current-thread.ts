/**
 * Which spindle `Thread` the running code belongs to, for the layers below `threading/` that
 * need to know (a lock's owner, whether a timed wait may hold the process open) without
 * importing the Thread class: `threading/thread.ts` runs each target inside `threadContext`, and
 * `sync/` reads it here.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What lower layers read of the current thread. */
export interface ThreadIdentity {
  /** The thread's `ident` (set once started). */
  readonly ident: number | null;
  /** Whether it is a daemon thread (one that must not hold the process open). */
  readonly daemon: boolean;
}

/** The async context every spindle `Thread`'s target runs in; its store is that `Thread`. */
export const threadContext = new AsyncLocalStorage<ThreadIdentity>();

/** The current thread's identity, or `undefined` outside any spindle `Thread`. */
export function currentThreadIdentity(): ThreadIdentity | undefined {
  return threadContext.getStore();
}
