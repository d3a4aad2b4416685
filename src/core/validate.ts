/**
 * The one validator module: Node-style argument errors (`TypeError` with
 * `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`, `RangeError` with `ERR_OUT_OF_RANGE`, worded
 * as Node's own) and the checks every public class uses. Each check returns the checked value
 * (narrowed) or throws; Promise-returning APIs wrap their body in `rejecting()` so the throw
 * becomes a rejection. CPython's own `ValueError`s (a negative timeout, `n < 1`) are raised here
 * too, with CPython's messages.
 */
import type { InspectOptions } from 'node:util';
import { type Deadline, deadlineIn } from './clock.js';
import { ValueError } from './errors.js';

/**
 * `util.inspect`, from `process.getBuiltinModule`: an ESM import of `node:util` evaluates every
 * export and loads half a dozen internals at spindle's import, for errors that may never happen.
 */
const inspect = (value: unknown, options?: InspectOptions): string =>
  process.getBuiltinModule('node:util').inspect(value, options);

/** A `TypeError` or `RangeError` with a Node-style `code`. */
export type ArgError = (TypeError | RangeError) & { code: string };

function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return error as E & { code: string };
}

/** How Node describes a received value in its argument errors. */
export function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return `Received ${String(value)}`;
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    // A Proxy's traps are the caller's code: describing it must not run them (they may throw).
    if (process.getBuiltinModule('node:util').types.isProxy(value)) return 'Received a Proxy';
    let ctor: { name?: unknown } | undefined;
    try {
      ctor = (value as { constructor?: { name?: unknown } }).constructor;
    } catch {
      ctor = undefined;
    }
    if (typeof ctor?.name === 'string' && ctor.name) return `Received an instance of ${ctor.name}`;
    return `Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof value} (${shown})`;
}

/** `The "name" argument must be of type X. Received …` */
export function invalidArgType(name: string, expected: string, value: unknown): ArgError {
  const what = name.includes('.') ? `"${name}" property` : `"${name}" argument`;
  return withCode(new TypeError(`The ${what} must be ${expected}. ${describeReceived(value)}`), 'ERR_INVALID_ARG_TYPE');
}

/** `The argument 'name' must be one of … Received …` */
export function invalidArgValue(name: string, value: unknown, reason: string): ArgError {
  const what = name.includes('.') ? 'property' : 'argument';
  return withCode(
    new TypeError(`The ${what} '${name}' ${reason}. Received ${inspect(value)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `The value of "name" is out of range. It must be R. Received V` */
export function outOfRange(name: string, range: string, value: unknown): ArgError {
  const shown = typeof value === 'number' ? formatNumber(value) : inspect(value);
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** Node adds digit separators to large integers in its messages (`1_000_000_000`). */
function formatNumber(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) < 2 ** 32) return String(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  return n < 0 ? `-${digits}` : digits;
}

/** An integer in `[min, max]` (both safe integers). */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(name, `an integer >= ${min} && <= ${max}`, value);
  }
  return value;
}

/** A finite number. */
export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value)) throw outOfRange(name, 'a finite number', value);
  return value;
}

/** A plain options object, or `undefined` (then `{}`). */
export function checkOptions<T extends object>(name: string, value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value as Partial<T>;
}

/** A function, or `undefined`. */
export function checkOptionalFunction<F extends (...args: never[]) => unknown>(
  name: string,
  value: unknown,
): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F;
}

/** An `AbortSignal`, or `undefined`. */
export function checkOptionalSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}

/** One of a fixed set of strings, or `undefined`. */
export function checkOptionalChoice<C extends string>(
  name: string,
  value: unknown,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalidArgValue(name, value, `must be one of: ${choices.map((c) => `'${c}'`).join(', ')}`);
  }
  return value as C;
}

/** The most threads, workers or processes any spindle pool runs (`configure`, `Pool`). */
export const MAX_THREADS = 1024;

/**
 * A `timeout` in seconds as Python reads it: `undefined`/`null`/`Infinity` wait forever
 * (`undefined` returned); a negative timeout is 0 (an immediate poll).
 */
export function checkTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value)) throw outOfRange(name, 'a number of seconds', value);
  if (value === Number.POSITIVE_INFINITY) return undefined;
  return Math.max(0, value);
}

/** A boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** A number that is not NaN (infinities pass); `range` words the error, e.g. 'a number of seconds'. */
export function checkNumber(name: string, value: unknown, range = 'a number'): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value)) throw outOfRange(name, range, value);
  return value;
}

/** A function. */
export function checkFunction<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F;
}

/** A boolean, or `undefined`. */
export function checkOptionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** A target's positional arguments (`args`): an array (copied), or `undefined` (`[]`). */
export function checkArgs(name: string, value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgType(name, 'an array', value);
  return [...value];
}

/** A target's keyword arguments (`kwargs`): an object, or `undefined`. */
export function checkKwargs(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw invalidArgType(name, 'of type object', value);
  return value as Record<string, unknown>;
}

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
