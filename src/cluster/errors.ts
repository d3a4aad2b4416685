/**
 * The cluster's own error codes (one table), and how an error crosses from the worker host that
 * raised it back to the caller: as a plain record (name, message, code, stack, the host, and the
 * error's other own data), rebuilt on the caller's side as the same class where the class is one
 * both sides know — JavaScript's built-in errors and spindle's own — so `instanceof` and
 * `err.code` work as they do locally.
 */
import { hostname } from 'node:os';
import type { SpindleErrorCode } from './spindle.js';
import {
  AbortError,
  BrokenBarrierError,
  CancelledError,
  QueueEmpty,
  QueueFull,
  RuntimeError,
  SpindleError,
  TimeoutError,
  ValueError,
} from './spindle.js';

/**
 * Codes of the errors only `spindle/cluster` raises (besides Node's argument errors and the codes
 * of spindle's own errors, which a remote task may raise too): the `ERR_SPINDLE_CLUSTER_…`
 * members of `SpindleErrorCode`, whose documentation table says when each is raised.
 *
 * @example
 * ```ts
 * try {
 *   await pool.map(work, items);
 * } catch (err) {
 *   if (err.code === 'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED') console.error(`start the worker with --allow (host ${err.host})`);
 * }
 * ```
 */
export type ClusterErrorCode = Extract<SpindleErrorCode, `ERR_SPINDLE_CLUSTER_${string}`>;

/** A `SpindleError` with one of the cluster's codes. */
export function clusterError(message: string, code: ClusterErrorCode, options?: ErrorOptions): SpindleError {
  return new SpindleError(message, code, options);
}

/** An error as it travels from a worker host: plain data that v8.serialize carries. */
export interface ErrorRecord {
  /** The class to rebuild, when it is one both sides know (see CLASSES). */
  kind?: string;
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  /** `hostname:pid` of the worker process that ran the task. */
  host: string;
  /** The error's other own enumerable data (errno, path, …), when it serialises. */
  props?: Record<string, unknown>;
  cause?: ErrorRecord | { value: unknown };
}

// biome-ignore lint: any error constructor
type ErrorClass = new (...args: any[]) => Error;

/** The classes rebuilt as themselves: JavaScript's own and spindle's. */
const CLASSES: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  SpindleError,
  RuntimeError,
  ValueError,
  BrokenBarrierError,
  TimeoutError,
  CancelledError,
  QueueEmpty,
  QueueFull,
  AbortError,
};

/** This process, as errors name it. */
export const HOST = `${hostname()}:${process.pid}`;

function kindOf(error: Error): string | undefined {
  // The most derived known class on the prototype chain: a user's `class MyError extends
  // TypeError` comes back a TypeError named 'MyError'.
  for (
    let proto = Object.getPrototypeOf(error) as object | null;
    proto;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor === 'function' && CLASSES[ctor.name] === ctor) return ctor.name;
  }
  return undefined;
}

function serialisable(value: unknown): boolean {
  try {
    process.getBuiltinModule('node:v8').serialize(value);
    return true;
  } catch {
    return false;
  }
}

/** A thrown value as a record (at the worker host). */
export function toRecord(thrown: unknown, depth = 0): ErrorRecord {
  if (!(thrown instanceof Error)) {
    // `throw 'text'` and the like: an Error whose message says what was thrown.
    const value = serialisable(thrown) ? thrown : String(thrown);
    return { name: 'Error', message: `a non-Error value was thrown: ${String(thrown)}`, host: HOST, props: { value } };
  }
  const record: ErrorRecord = { name: thrown.name, message: thrown.message, host: HOST };
  const kind = kindOf(thrown);
  if (kind !== undefined) record.kind = kind;
  if (typeof thrown.stack === 'string') record.stack = thrown.stack;
  const code = (thrown as { code?: unknown }).code;
  if (code !== undefined && serialisable(code)) record.code = code;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    if (key === 'code' || key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (serialisable(value)) props[key] = value;
  }
  if (Object.keys(props).length > 0) record.props = props;
  const cause = (thrown as { cause?: unknown }).cause;
  if (cause !== undefined && depth < 4) {
    record.cause =
      cause instanceof Error ? toRecord(cause, depth + 1) : { value: serialisable(cause) ? cause : String(cause) };
  }
  return record;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: key !== 'stack' && key !== 'message',
    writable: true,
    configurable: true,
  });
}

/**
 * A record rebuilt as an error (at the caller): its class where known, else `Error` named as it
 * was; `message`, `code`, `stack` and the other data as they were; `host` names the worker.
 */
export function fromRecord(record: ErrorRecord): Error {
  const Class = (record.kind !== undefined ? CLASSES[record.kind] : undefined) ?? Error;
  // A native Error (so `util.types.isNativeError` holds) given the class's prototype, without
  // running its constructor: spindle's classes take different arguments, and the remote stack,
  // not one of this process, is the one worth keeping.
  const error = new Error(record.message);
  Object.setPrototypeOf(error, Class.prototype);
  define(error, 'message', record.message);
  define(error, 'stack', record.stack ?? `${record.name}: ${record.message}`);
  // spindle's classes and AbortError derive `name` from a getter; others had it on the
  // prototype or as an own property: make it what the remote side had.
  if (error.name !== record.name) define(error, 'name', record.name);
  if (record.code !== undefined) define(error, 'code', record.code);
  for (const [key, value] of Object.entries(record.props ?? {})) define(error, key, value);
  define(error, 'host', record.host);
  if (record.cause !== undefined) {
    define(error, 'cause', 'name' in record.cause ? fromRecord(record.cause as ErrorRecord) : record.cause.value);
  }
  return error;
}
