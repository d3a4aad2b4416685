/**
 * How values cross into spindle's worker threads and child processes. Structured cloning turns
 * a class instance into a dead plain object; spindle's synchronisation and shared-memory types
 * (Lock, Event, Value, Queue, …) must instead arrive usable and shared. `encode` replaces each
 * of them with a small descriptor around its shared memory; `decode`, on the other side, revives
 * it as a live instance over the same memory.
 *
 * Every path that sends user values to another thread or process (Thread and ThreadPool
 * targets, Process and Pool targets, their results) goes through these two functions.
 *
 * Cost: both walk only arrays and plain objects (prototype `Object.prototype` or `null`), to a
 * depth of MAX_DEPTH, and copy only the containers on the path to a shared object; a value
 * without one comes back as the same object. Typed arrays, Maps, Sets, class instances and the
 * like are left to structured cloning, unvisited — a Lock inside a Map arrives dead.
 */

import type { Transferable } from 'node:worker_threads';
import { codedTypeError } from '../core/errors.js';
import {
  type DecodeContext,
  type Descriptor,
  type EncodeContext,
  isShareable,
  kShare,
  reviverFor,
  SHARED_KEY,
  type Shareable,
  type Via,
} from './registry.js';

export type { Via } from './registry.js';

/** How deep into nested arrays and plain objects the codec looks. */
const MAX_DEPTH = 64;

/** A value ready to be posted, plus what must be transferred with it. */
export interface Encoded {
  readonly value: unknown;
  readonly transfer: Transferable[];
}

/** Options of `encode`. */
export interface EncodeOptions {
  /**
   * `'thread'` (default): for `postMessage` to a worker thread — shared memory travels as is.
   * `'process'`: for a child process's IPC channel — only a Queue can go (its home process serves
   * it); any other shared type throws a `TypeError` (code `ERR_SPINDLE_NOT_SHAREABLE`).
   */
  via?: Via | undefined;
}

function isContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Rebuilds `value` with `visit` applied to every element/property of the arrays and plain
 * objects in it, copying a container only when something inside it changed.
 */
function walk(
  value: unknown,
  visit: (value: object) => unknown,
  seen: Map<object, unknown>,
  depth: number,
  visitRoot = true,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (visitRoot) {
    const replaced = visit(value);
    if (replaced !== value) return replaced;
  }
  if (depth >= MAX_DEPTH || !isContainer(value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  // A cycle back to a container still being walked stays as it is.
  seen.set(value, value);
  let copy: Record<string | number, unknown> | unknown[] | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = walk(item, visit, seen, depth + 1);
      if (next !== item) {
        copy ??= value.slice();
        (copy as unknown[])[i] = next;
      }
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next = walk(item, visit, seen, depth + 1);
      if (next !== item) {
        copy ??= Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, record);
        (copy as Record<string, unknown>)[key] = next;
      }
    }
  }
  const result = copy ?? value;
  seen.set(value, result);
  return result;
}

/**
 * Prepares `value` (typically a target's argument list, or its result) for another thread
 * (`via: 'thread'`, the default) or a child process (`via: 'process'`).
 */
/**
 * The tag of an escaped user object. Descriptors are tagged in band, by a `SHARED_KEY`
 * property; a user's plain object that has that key of its own is wrapped in an escape, so it
 * arrives as it was sent — whatever its keys, never revived as a live Lock or refused.
 */
const ESCAPED = '$escaped';

function isDescriptorLike(value: object): boolean {
  return !Array.isArray(value) && isContainer(value) && Object.hasOwn(value, SHARED_KEY);
}

/**
 * Prepares `value` (typically a target's argument list, or its result) for another thread
 * (`via: 'thread'`, the default) or a child process (`via: 'process'`).
 */
export function encode(value: unknown, options?: EncodeOptions): Encoded {
  const context: EncodeContext = { via: options?.via ?? 'thread', transfer: [] };
  const seen = new Map<object, unknown>();
  const visit = (item: object): unknown => {
    if (isShareable(item)) return item[kShare](context);
    if (!isDescriptorLike(item)) return item;
    // The user's own object: its contents are encoded as usual, then the whole is escaped.
    return { [SHARED_KEY]: ESCAPED, value: walk(item, visit, seen, 1, false) };
  };
  const encoded = walk(value, visit, seen, 0);
  return { value: encoded, transfer: context.transfer };
}

/** Revives a value produced by `encode` on the receiving side. */
export function decode(value: unknown): unknown {
  const revived = new Map<unknown, unknown>();
  const context: DecodeContext = {
    once<T>(key: unknown, create: () => T): T {
      if (revived.has(key)) return revived.get(key) as T;
      const instance = create();
      revived.set(key, instance);
      return instance;
    },
    revive(descriptor: unknown): unknown {
      return descriptor !== null && typeof descriptor === 'object' ? reviveDescriptor(descriptor) : descriptor;
    },
  };
  const seen = new Map<object, unknown>();
  const reviveDescriptor = (item: object): unknown => {
    if (!isDescriptorLike(item)) return item;
    const type = (item as Partial<Descriptor>)[SHARED_KEY];
    // An escaped user object: its contents are decoded, the object itself is left as it is.
    if (type === ESCAPED) return walk((item as { value?: unknown }).value, reviveDescriptor, seen, 1, false);
    if (typeof type !== 'string') return item;
    const reviver = reviverFor(type);
    if (!reviver) {
      throw codedTypeError(
        'ERR_SPINDLE_NOT_SHAREABLE',
        `cannot revive a shared ${type}: this version of spindle does not know the type`,
      );
    }
    return reviver(item as Descriptor, context);
  };
  return walk(value, reviveDescriptor, seen, 0);
}

/**
 * The first of spindle's shared objects inside `value` (looked for as `encode` does), if any —
 * for places that must refuse them, such as a Queue's items.
 */
export function findShareable(value: unknown): Shareable | undefined {
  let found: Shareable | undefined;
  walk(
    value,
    (item) => {
      if (found === undefined && isShareable(item)) found = item;
      return item;
    },
    new Map(),
    0,
  );
  return found;
}
