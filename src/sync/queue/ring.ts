/**
 * The Queue's storage: a byte ring in one SharedArrayBuffer that every thread of the process
 * maps, used the way CPython's `multiprocessing.Queue` uses its pipe. An item is serialised
 * (`node:v8`, the structured-clone format) into a record `[u32 length][bytes]`; a writer holds
 * the write lock for a whole record and a reader the read lock, so records never interleave,
 * while the one active writer and the one active reader stream through the ring without a lock
 * between them (single-producer/single-consumer: the writer only moves TAIL, the reader only
 * HEAD). A record larger than the ring streams through it while a reader drains it.
 *
 * COUNT (the items put and not yet got) is reserved before writing, so a bounded queue's
 * `maxsize` is exact and `qsize()` is one atomic read in any thread, as CPython's semaphore
 * count is.
 */

import { type Deadline, expired } from '../../core/clock.js';
import { outOfRange } from '../../core/validate.js';
import { checkAborted, waitWord } from '../futex.js';
import { lock, unlock } from '../mutex.js';
import { QueueEmpty, QueueFull } from './errors.js';

const COUNT = 0;
const MAXSIZE = 1;
const HEAD = 2;
const TAIL = 3;
const WRITE_LOCK = 4;
const READ_LOCK = 5;
const CAPACITY = 6;
const HEADER_BYTES = 32;

/** Default ring size; items larger than this still pass, streamed. */
export const DEFAULT_BUFFER_BYTES = 1 << 20;

/** What the Queue needs from where its items live: this ring, or a home process over IPC. */
export interface QueueStore {
  readonly maxsize: number;
  /** Appends one serialised item; rejects with `QueueFull` when no room comes by `deadline`. */
  putBytes(bytes: Uint8Array, deadline: Deadline, signal?: AbortSignal): Promise<void>;
  /** Takes the oldest serialised item; rejects with `QueueEmpty` when none comes by `deadline`. */
  getBytes(deadline: Deadline, signal?: AbortSignal): Promise<Uint8Array>;
  /** The number of items (approximate where the store is remote). */
  qsize(): number;
}

/** The ring's size for a requested one: a power of two (so positions wrap with 2^32) ≥ 4 KiB. */
export function ringBytes(requested: number): number {
  if (!Number.isInteger(requested) || requested < 1 || requested > 2 ** 30) {
    throw outOfRange('options.bufferSize', `an integer >= 1 && <= ${2 ** 30}`, requested);
  }
  let size = 4096;
  while (size < requested) size *= 2;
  return size;
}

/** A Queue's items in shared memory. */
export class RingStore implements QueueStore {
  readonly buffer: SharedArrayBuffer;
  readonly #view: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #mask: number;

  constructor(maxsizeOrBuffer: number | SharedArrayBuffer, bufferBytes = DEFAULT_BUFFER_BYTES) {
    if (typeof maxsizeOrBuffer === 'number') {
      this.buffer = new SharedArrayBuffer(HEADER_BYTES + bufferBytes);
      this.#view = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
      this.#view[MAXSIZE] = Math.max(0, maxsizeOrBuffer);
      this.#view[CAPACITY] = bufferBytes;
    } else {
      this.buffer = maxsizeOrBuffer;
      this.#view = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    }
    const capacity = this.#view[CAPACITY] as number;
    this.#bytes = new Uint8Array(this.buffer, HEADER_BYTES, capacity);
    this.#mask = capacity - 1;
  }

  get maxsize(): number {
    return this.#view[MAXSIZE] as number;
  }

  qsize(): number {
    return Atomics.load(this.#view, COUNT);
  }

  async putBytes(bytes: Uint8Array, deadline: Deadline, signal?: AbortSignal): Promise<void> {
    await this.#reserve(deadline, signal);
    try {
      await lock(this.#view, WRITE_LOCK, undefined, signal);
    } catch (error) {
      this.#unreserve();
      throw error;
    }
    try {
      const record = new Uint8Array(4 + bytes.length);
      new DataView(record.buffer).setUint32(0, bytes.length, true);
      record.set(bytes, 4);
      await this.#write(record);
    } finally {
      unlock(this.#view, WRITE_LOCK);
    }
  }

  async getBytes(deadline: Deadline, signal?: AbortSignal): Promise<Uint8Array> {
    const view = this.#view;
    if (!(await lock(view, READ_LOCK, deadline, signal))) throw new QueueEmpty();
    let payload: Uint8Array;
    try {
      // Wait for a record to begin; once one has, it is read to its end whatever the deadline.
      for (;;) {
        const tail = Atomics.load(view, TAIL);
        if (tail !== Atomics.load(view, HEAD)) break;
        if (expired(deadline)) throw new QueueEmpty();
        checkAborted(await waitWord(view, TAIL, tail, deadline, signal), signal);
      }
      const header = await this.#read(4);
      payload = await this.#read(new DataView(header.buffer).getUint32(0, true));
    } finally {
      unlock(view, READ_LOCK);
    }
    this.#unreserve();
    return payload;
  }

  /** Counts the item in before it is written; waits for room in a bounded queue. */
  async #reserve(deadline: Deadline, signal: AbortSignal | undefined): Promise<void> {
    const view = this.#view;
    const maxsize = this.maxsize;
    for (;;) {
      const count = Atomics.load(view, COUNT);
      if (maxsize > 0 && count >= maxsize) {
        if (expired(deadline)) throw new QueueFull();
        checkAborted(await waitWord(view, COUNT, count, deadline, signal), signal);
        continue;
      }
      if (Atomics.compareExchange(view, COUNT, count, count + 1) === count) return;
    }
  }

  #unreserve(): void {
    Atomics.sub(this.#view, COUNT, 1);
    // Only putters waiting for room sleep on COUNT; one slot freed, one putter woken.
    Atomics.notify(this.#view, COUNT, 1);
  }

  /** Streams `record` in (the caller holds the write lock). */
  async #write(record: Uint8Array): Promise<void> {
    const view = this.#view;
    const capacity = this.#mask + 1;
    let done = 0;
    while (done < record.length) {
      const head = Atomics.load(view, HEAD);
      const tail = Atomics.load(view, TAIL);
      const free = capacity - ((tail - head) >>> 0);
      if (free === 0) {
        await waitWord(view, HEAD, head, undefined);
        continue;
      }
      const n = Math.min(free, record.length - done);
      const at = tail & this.#mask;
      const first = Math.min(n, capacity - at);
      this.#bytes.set(record.subarray(done, done + first), at);
      if (first < n) this.#bytes.set(record.subarray(done + first, done + n), 0);
      Atomics.store(view, TAIL, (tail + n) | 0);
      Atomics.notify(view, TAIL);
      done += n;
    }
  }

  /** Streams `length` bytes out (the caller holds the read lock). */
  async #read(length: number): Promise<Uint8Array> {
    const view = this.#view;
    const capacity = this.#mask + 1;
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const tail = Atomics.load(view, TAIL);
      const head = Atomics.load(view, HEAD);
      const available = (tail - head) >>> 0;
      if (available === 0) {
        await waitWord(view, TAIL, tail, undefined);
        continue;
      }
      const n = Math.min(available, length - done);
      const at = head & this.#mask;
      const first = Math.min(n, capacity - at);
      out.set(this.#bytes.subarray(at, at + first), done);
      if (first < n) out.set(this.#bytes.subarray(0, n - first), done + first);
      Atomics.store(view, HEAD, (head + n) | 0);
      Atomics.notify(view, HEAD);
      done += n;
    }
    return out;
  }
}
