/**
 * The contract between the codec and the shareable types (Lock, Event, Value, Queue, …), kept in
 * a leaf module so that neither imports the other at evaluation time.
 *
 * A shareable object implements `[kShare](context)`: it returns a descriptor — a plain object
 * tagged with `SHARED_KEY` that structured cloning (or the IPC channel) carries intact — and the
 * receiving side revives the descriptor with the reviver registered for its tag.
 */

import type { Transferable } from 'node:worker_threads';
import { codedTypeError } from '../core/errors.js';

/** Where an encoded value goes: another thread of this process, or a child process. */
export type Via = 'thread' | 'process';

/** The property that marks a descriptor; its value is the type's registered name. */
export const SHARED_KEY = '__spindleShared';

/** What a shareable object turns into while it crosses. */
export interface Descriptor {
  readonly [SHARED_KEY]: string;
  readonly [key: string]: unknown;
}

/** Given to `[kShare]` while encoding one value. */
export interface EncodeContext {
  /** The destination. */
  readonly via: Via;
  /** Objects to transfer with the message (e.g. a MessagePort a descriptor carries). */
  readonly transfer: Transferable[];
}

/** Given to revivers while decoding one value. */
export interface DecodeContext {
  /**
   * The instance already revived under `key` during this decode, else `create()`'s (remembered).
   * Keeps identity: the same Lock passed twice in one message arrives as one object.
   */
  once<T>(key: unknown, create: () => T): T;
  /** Revives a nested descriptor (e.g. a Condition's lock). */
  revive(descriptor: unknown): unknown;
}

/** The method through which an object says how it crosses. */
export const kShare = Symbol('spindle.share');

/** An object spindle can send to another thread (or process) as a live, shared object. */
export interface Shareable {
  [kShare](context: EncodeContext): Descriptor;
}

/** Whether `value` is one of spindle's shareable objects. */
export function isShareable(value: object): value is Shareable {
  return kShare in value;
}

type Reviver = (descriptor: Descriptor, context: DecodeContext) => unknown;
const revivers = new Map<string, Reviver>();

/** Registers how descriptors tagged `type` come back to life. */
export function registerReviver(type: string, reviver: Reviver): void {
  revivers.set(type, reviver);
}

/** The reviver for `type`, if one is registered. */
export function reviverFor(type: string): Reviver | undefined {
  return revivers.get(type);
}

/**
 * The error for a shareable object sent where it cannot live: shared memory does not cross
 * process boundaries, so only a Queue (served by its home process) can go to a child process.
 * `what` names the object with its article ("a Lock", "an RLock").
 */
export function notShareable(what: string, where: string, hint: string): TypeError & { code: string } {
  return codedTypeError('ERR_SPINDLE_NOT_SHAREABLE', `${what} cannot be shared with ${where}; ${hint}`);
}

/** `type` with its indefinite article, as spoken: "a Lock", "an Event", "an RLock". */
export function withArticle(type: string): string {
  return `${/^(?:[AEIOU]|[FHLMNRSX][A-Z])/.test(type) ? 'an' : 'a'} ${type}`;
}
