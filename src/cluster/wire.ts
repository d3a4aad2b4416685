/**
 * What crosses Redis between a client (Pool, Scheduler) and a worker host: the job's data, the
 * replies, the cancel broadcast, and the Redis keys and channels they use. One file, imported by
 * both sides (as Tinypool's `common.ts` is).
 *
 * Values are encoded with `v8.serialize` — the structured-clone format, so typed arrays,
 * `Buffer`, `BigInt`, `Map`, `Set`, `Date`, `RegExp`, `NaN` and `-0` arrive as they left (BullMQ
 * itself stores job data as JSON, which loses them). The bytes ride in the job's JSON data as
 * base64, and back in a reply list as raw bytes.
 */
import { deserialize, serialize } from 'node:v8';
import type { ErrorRecord } from './errors.js';
import { clusterError } from './errors.js';

/** The default largest encoded payload of one job or one reply: 16 MiB. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** A target as it travels: a kernel by name, or a module (relative to the root, or a package) and an export. */
export type TargetRef = { kernel: string } | { module: string; export: string };

/** A job's data, as BullMQ stores it (JSON). */
export interface JobData {
  /** Format version, so a worker can refuse what it does not understand. */
  v: 1;
  t: TargetRef;
  /** The call's id (unique per pool), for replies and cancellation. */
  c: string;
  /** The chunk's index within its call. */
  i: number;
  /** Whether each item is an argument list (starmap, apply) or one argument (map). */
  s: boolean;
  /** The items, v8-serialised, base64. */
  a: string;
  /** The number of items, for progress. */
  n: number;
  /** Where to push replies (a pool's list); absent for scheduled events. */
  r?: string;
  /** Whether the caller listens to progress (otherwise none is sent). */
  g?: boolean;
}

/** What a worker host pushes to a reply list. */
export type Reply =
  /** A chunk's results, v8-serialised. */
  | { c: string; i: number; ok: true; v: Uint8Array }
  /** A chunk failed at item `at`: the results before it, and the error. */
  | { c: string; i: number; ok: false; at: number; v: Uint8Array; e: ErrorRecord }
  /** Progress of a chunk: the fraction of its items done (kernels report within an item). */
  | { c: string; i: number; p: number };

/** What a worker host publishes when a scheduled event has run. */
export type SchedReply = { id: string; ok: true } | { id: string; ok: false; e: ErrorRecord };

/** Redis names of one queue's spindle traffic (beside BullMQ's own `bull:<queue>:*` keys). */
export function names(queue: string): { reply: (owner: string) => string; cancel: string; sched: string } {
  return {
    reply: (owner) => `spindle:${queue}:reply:${owner}`,
    cancel: `spindle:${queue}:cancel`,
    sched: `spindle:${queue}:sched`,
  };
}

/** How long a reply list lives after its last push, in seconds, should its client vanish. */
export const REPLY_TTL_SECONDS = 24 * 3600;

/** Encodes a value; a `RangeError` (`ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE`) past `max` bytes. */
export function encode(value: unknown, max: number, what: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    // Functions, symbols, class instances with private state…: what structured cloning refuses.
    throw Object.assign(
      new TypeError(
        `${what} cannot be sent to a worker host: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      ),
      { code: 'ERR_SPINDLE_DATA_CLONE' },
    );
  }
  if (bytes.length > max) throw payloadTooLarge(what, bytes.length, max);
  return bytes;
}

/** The error for a payload over the limit. */
export function payloadTooLarge(what: string, size: number, max: number): RangeError {
  return Object.assign(
    new RangeError(
      `${what} encode to ${size} bytes, more than the ${max} bytes one job may carry (the maxPayload option)`,
    ),
    { code: 'ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE' as const },
  );
}

/** Decodes what `encode` made. */
export function decode(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

/** Checks a job's data as it arrives at a worker (a queue is shared: anything may be in it). */
export function checkJobData(data: unknown): JobData {
  const d = data as Partial<JobData> | null;
  const ok =
    d !== null &&
    typeof d === 'object' &&
    d.v === 1 &&
    typeof d.c === 'string' &&
    typeof d.i === 'number' &&
    typeof d.s === 'boolean' &&
    typeof d.a === 'string' &&
    typeof d.n === 'number' &&
    (d.r === undefined || typeof d.r === 'string') &&
    (d.g === undefined || typeof d.g === 'boolean') &&
    d.t !== null &&
    typeof d.t === 'object' &&
    (typeof (d.t as { kernel?: unknown }).kernel === 'string' ||
      (typeof (d.t as { module?: unknown }).module === 'string' &&
        typeof (d.t as { export?: unknown }).export === 'string'));
  if (!ok)
    throw clusterError(
      'the job is not a spindle job of a version this worker understands',
      'ERR_SPINDLE_CLUSTER_JOB_FAILED',
    );
  return d as JobData;
}
