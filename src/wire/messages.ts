/**
 * Every message that crosses to a worker thread, a child process or back, in one place: both
 * sides import their types from here. (The shared-object descriptors the codec embeds are in
 * `registry.ts`.)
 */
import type { MessagePort } from 'node:worker_threads';

// Kernels on the js backend (`kernels/backend/js.ts` → `entry/kernel-worker.ts`).

/** What the js backend posts for one kernel call. */
export interface KernelTask<Name extends string = string, Args = readonly unknown[]> {
  kernel: Name;
  /** Normalised arguments; typed arrays are views of shared memory (the caller's, or a copy made at the call), read only. */
  args: Args;
  /** Where progress fractions go, when the caller listens; closed when the task ends. */
  progress: MessagePort | undefined;
}

/** The key of a kernel twin's failure that carries a spindle code (see {@link KernelFailure}). */
export const KERNEL_FAILURE = '__spindleKernelFailure';

/**
 * What a kernel worker returns instead of throwing when the twin failed with one of spindle's
 * codes (e.g. `ERR_SPINDLE_INVALID_IMAGE`): an error's own properties do not survive the trip
 * back, so the code travels as data and the main thread makes the error again.
 */
export interface KernelFailure {
  [KERNEL_FAILURE]: { code: string; message: string };
}

// Module targets of Thread (`threading/workers.ts` → `entry/thread-worker.ts`).

/** What the main thread sends a worker. */
export interface WorkerRequest {
  /** The module's URL (or specifier) to import. */
  module: string;
  /** The export to call. */
  name: string;
  /** The arguments, `kwargs` already appended when given. */
  args: unknown[];
}

/** What a worker sends back. */
export type WorkerResponse =
  | { ok: true; value: unknown; name: string }
  /** `code`: the error's own `code`, which structured cloning does not carry. */
  | { ok: false; error: unknown; name: string; code?: string | undefined };

// Process (`multiprocessing/process.ts` → `entry/process-child.ts`).

/** What the parent sends its child. */
export type ProcessRequest = {
  name: string;
  daemon: boolean;
  args: unknown;
} & (
  | { kernel: string; module?: undefined; function?: undefined }
  | { kernel?: undefined; module: string; function: string }
);

// Pool and ThreadPool (`multiprocessing/pool/pool.ts` → `entry/pool-worker.ts`).

/** One chunk of a pool call. */
export interface ChunkTask {
  module: string;
  name: string;
  /** Items (`star`: argument lists) to call the function with, as encoded by the codec. */
  items: unknown;
  star: boolean;
  /** Trailing keyword object, for `apply`. */
  kwargs?: Record<string, unknown> | undefined;
}

/** What a chunk produced. */
export interface ChunkResult {
  results: unknown;
  /** The first failure: the items before `index` succeeded; `code`: the error's own code. */
  failure?: { index: number; error: unknown; code?: string | undefined };
}

// Queue traffic between processes (`sync/queue/process-link.ts`, both ends).

/** The key that marks spindle's Queue traffic on a channel. */
export const QUEUE_TAG = '__spindleQueue';

/** A request from a process (or thread) using a Queue to the one serving it. */
export interface QueueRequest {
  kind: 'request';
  id: number;
  /** The served Queue's id in the serving process (unused over a port: one port, one Queue). */
  queue: string;
  op: 'put' | 'get';
  /** put: the serialised item, base64. */
  bytes?: string;
  /** Seconds to wait; null = forever; 0 = one attempt (non-blocking). */
  timeout: number | null;
}

/** The answer. `size` is the queue's `qsize()` when it was sent. */
export interface QueueReply {
  kind: 'reply';
  id: number;
  size: number;
  /** get: the serialised item, base64. */
  bytes?: string;
  error?: { type: 'QueueEmpty' | 'QueueFull' | 'Error'; message: string };
}
