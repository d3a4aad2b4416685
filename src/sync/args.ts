/**
 * Argument checks shared by the synchronisation types, with CPython's messages where CPython
 * raises (`ValueError`) and Node's argument errors for wrong types (`TypeError`/`RangeError`).
 */
import { invalidArgType, outOfRange } from '../arg-errors.js';
import { ValueError } from '../errors.js';
import { deadlineIn, type Deadline } from './futex.js';

/**
 * `acquire(blocking = true, timeout = -1)` as CPython's `threading.Lock.acquire` reads it, for
 * every lock-like type (Lock, RLock, Semaphore, BoundedSemaphore, Condition): `-1`, `undefined`,
 * `null` and `Infinity` wait forever; another negative timeout is a `ValueError`; a timeout
 * together with `blocking = false` is a `ValueError`. Returns the deadline (now for a
 * non-blocking call: one attempt).
 */
export function acquireDeadline(blocking: unknown, timeout: unknown): Deadline {
  if (typeof blocking !== 'boolean') throw invalidArgType('blocking', 'of type boolean', blocking);
  const unset = timeout === undefined || timeout === null || timeout === -1;
  if (!unset) {
    if (typeof timeout !== 'number') throw invalidArgType('timeout', 'of type number', timeout);
    if (Number.isNaN(timeout)) throw outOfRange('timeout', 'a number of seconds', timeout);
  }
  if (!blocking) {
    if (!unset) throw new ValueError("can't specify a timeout for a non-blocking call");
    return performance.now();
  }
  if (unset || timeout === Number.POSITIVE_INFINITY) return undefined;
  if ((timeout as number) < 0) throw new ValueError('timeout value must be a non-negative number');
  return deadlineIn(timeout as number);
}

/** A count of things (`n`, `value`, `parties`, `maxsize`): an integer that fits in 31 bits. */
export function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > 0x7fff_ffff) {
    throw outOfRange(name, `an integer >= ${min} && <= ${0x7fff_ffff}`, value);
  }
  return value;
}

/** An integer argument that Python checks with a `ValueError` below `min` (e.g. `n < 1`). */
export function checkIntegerAtLeast(name: string, value: unknown, min: number, message: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value > 0x7fff_ffff) {
    throw outOfRange(name, `an integer <= ${0x7fff_ffff}`, value);
  }
  if (value < min) throw new ValueError(message);
  return value;
}

/** Runs `body`, turning a synchronous throw into a rejected Promise (for Promise-returning APIs). */
export function rejecting<T>(body: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error);
  }
}
