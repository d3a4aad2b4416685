/**
 * Node-style argument errors: `TypeError` with `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`
 * and `RangeError` with `ERR_OUT_OF_RANGE`, worded as Node's own.
 */
import type { InspectOptions } from 'node:util';

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
