/** Python's `multiprocessing.Queue`: a FIFO of items shared by threads and processes. */

import type { MessagePort } from 'node:worker_threads';
import { type Deadline, deadlineIn } from '../../core/clock.js';
import { dataCloneError } from '../../core/errors.js';
import { checkBoolean, checkOptions, checkTimeout, invalidArgType, rejecting } from '../../core/validate.js';
import { findShareable } from '../../wire/codec.js';
import {
  type Descriptor,
  type EncodeContext,
  kShare,
  notShareable,
  registerReviver,
  withArticle,
} from '../../wire/registry.js';
import { linkOverPort, linkToParent, serveOverPort, serveToProcesses } from './process-link.js';
import { RemoteStore } from './remote.js';
import { DEFAULT_BUFFER_BYTES, type QueueStore, RingStore, ringBytes } from './ring.js';

/**
 * Options of `new Queue()`.
 *
 * @example
 * ```ts
 * const q = new Queue(100, { bufferSize: 4 * 1024 * 1024 });
 * ```
 */
export interface QueueOptions {
  /**
   * Bytes of shared memory for items in transit (default 1 MiB, rounded up to a power of two).
   * Not a limit on item size: a larger item streams through while a reader takes it — but then
   * its `put()` resolves only as a `get()` drains it, as a write to a full pipe does in Python.
   */
  bufferSize?: number | undefined;
}

let reviving: QueueStore | undefined;

/** `node:v8` (the items' wire format), loaded with the first item rather than with spindle. */
let v8Module: typeof import('node:v8') | undefined;
const v8 = (): typeof import('node:v8') => (v8Module ??= process.getBuiltinModule('node:v8'));

/**
 * A first-in, first-out queue of structured-cloneable items (anything `postMessage` can send,
 * except spindle's shared objects, which go in `args` instead — as Python's "shared only through
 * inheritance"). Items are copied in and out, as Python pickles them.
 *
 * Shared, when passed in `args`, with worker threads (one ring of shared memory that every
 * thread reads and writes directly) and with child processes (`Process`, `Pool`): there the
 * queue's home process serves `put`/`get` over the IPC channel, and `qsize()`, `empty()` and
 * `full()` report the size as of the child's last `put`/`get` — approximate, as Python's are.
 *
 * `get()` on an empty queue and `put()` on a full one wait; non-blocking, or when their timeout
 * passes, they reject with `QueueEmpty` / `QueueFull` (Python's `queue.Empty` / `queue.Full`).
 *
 * @example
 * const q = new Queue<number>();
 * new Thread({ target: produce, module: import.meta.url, args: [q] }).start();
 * const first = await q.get(); // waits for the worker's first put
 */
export class Queue<T = unknown> {
  readonly #store: QueueStore;

  /** `maxsize` ≤ 0 (default 0): unbounded; otherwise `put()` waits while `maxsize` items wait. */
  constructor(maxsize = 0, options?: QueueOptions) {
    const store = reviving;
    reviving = undefined;
    if (store) {
      this.#store = store;
      return;
    }
    if (typeof maxsize !== 'number') throw invalidArgType('maxsize', 'of type number', maxsize);
    if (!Number.isInteger(maxsize)) throw invalidArgType('maxsize', 'an integer', maxsize);
    const o = checkOptions<QueueOptions>('options', options);
    const bytes = o.bufferSize === undefined ? DEFAULT_BUFFER_BYTES : ringBytes(o.bufferSize);
    this.#store = new RingStore(Math.min(Math.max(maxsize, 0), 0x7fff_ffff), bytes);
  }

  /** The bound given to the constructor (0: unbounded). */
  get maxsize(): number {
    return this.#store.maxsize;
  }

  /**
   * Puts `item` at the end. With `block` (default) it waits for room in a bounded queue, up to
   * `timeout` seconds (default forever; negative = 0) — then, or at once when non-blocking,
   * it rejects with `QueueFull`. An item that cannot be cloned rejects with a `TypeError`.
   */
  put(item: T, block = true, timeout?: number | null): Promise<void> {
    return rejecting(() => {
      const deadline = this.#deadline(block, timeout);
      return this.#store.putBytes(this.#serialize(item), deadline);
    });
  }

  /**
   * Takes the first item. With `block` (default) it waits for one, up to `timeout` seconds
   * (default forever; negative = 0) — then, or at once when non-blocking, it rejects with
   * `QueueEmpty`.
   */
  get(block = true, timeout?: number | null): Promise<T> {
    return rejecting(async () => {
      const deadline = this.#deadline(block, timeout);
      return v8().deserialize(await this.#store.getBytes(deadline)) as T;
    });
  }

  /** `put(item, false)`. */
  putNowait(item: T): Promise<void> {
    return this.put(item, false);
  }

  /** `get(false)`. */
  getNowait(): Promise<T> {
    return this.get(false);
  }

  /** The number of items in the queue (a snapshot; approximate in a child process). */
  qsize(): number {
    return this.#store.qsize();
  }

  /** Whether the queue is empty (a snapshot, like `qsize()`). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Whether a bounded queue is full (a snapshot, like `qsize()`). */
  full(): boolean {
    return this.maxsize > 0 && this.qsize() >= this.maxsize;
  }

  /** `<Queue size=N maxsize=M>`. */
  toString(): string {
    return `<${this.constructor.name} size=${this.qsize()} maxsize=${this.maxsize}>`;
  }

  #deadline(block: unknown, timeout: unknown): Deadline {
    checkBoolean('block', block);
    const seconds = checkTimeout('timeout', timeout);
    return block ? deadlineIn(seconds) : performance.now();
  }

  #serialize(item: T): Uint8Array {
    const shared = findShareable(item);
    if (shared) {
      throw notShareable(
        withArticle((shared as object).constructor.name),
        'another thread through a Queue',
        'pass it in the args of the Thread or Process instead',
      );
    }
    try {
      return v8().serialize(item);
    } catch (error) {
      throw dataCloneError('the item cannot be put on a Queue', error);
    }
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    const store = this.#store;
    if (context.via === 'process') {
      return { __spindleShared: 'Queue', kind: 'process', id: serveToProcesses(store), maxsize: store.maxsize };
    }
    if (store instanceof RingStore) return { __spindleShared: 'Queue', kind: 'ring', buffer: store.buffer };
    // A Queue from another process, passed on to a worker thread: this thread relays.
    const { port1, port2 } = new MessageChannel();
    serveOverPort(port1, store);
    context.transfer.push(port2);
    return { __spindleShared: 'Queue', kind: 'port', port: port2, maxsize: store.maxsize };
  }
}

registerReviver('Queue', (descriptor, context) => {
  const key =
    descriptor.kind === 'ring' ? descriptor.buffer : descriptor.kind === 'port' ? descriptor.port : descriptor.id;
  return context.once(key, () => {
    const maxsize = descriptor.maxsize as number;
    if (descriptor.kind === 'ring') reviving = new RingStore(descriptor.buffer as SharedArrayBuffer);
    else if (descriptor.kind === 'port') {
      const link = linkOverPort(descriptor.port as MessagePort);
      reviving = new RemoteStore(() => link, 'port', maxsize);
    } else reviving = new RemoteStore(linkToParent, descriptor.id as string, maxsize);
    return new Queue();
  });
});
