/**
 * A Queue whose items live in another process (or are relayed by another thread of this one):
 * every `put`/`get` is a request over a link (see `shared/process-link.ts`) that the home
 * process answers from its shared-memory ring. The home decides timeouts, so an item is never
 * lost between a timeout here and a reply in flight.
 */

import { type Deadline, secondsLeft } from '../../core/clock.js';
import { RuntimeError } from '../../core/errors.js';
import { QueueEmpty, QueueFull } from './errors.js';
import type { Link } from './process-link.js';
import type { QueueStore } from './ring.js';

/** A QueueStore served elsewhere. */
export class RemoteStore implements QueueStore {
  readonly maxsize: number;
  /** The served Queue's id at the other end (for process links). */
  readonly id: string;
  readonly #link: () => Link;
  /** The home's `qsize()` as of the last reply: remote sizes are approximate. */
  #size = 0;

  constructor(link: () => Link, id: string, maxsize: number) {
    this.#link = link;
    this.id = id;
    this.maxsize = maxsize;
  }

  qsize(): number {
    return this.#size;
  }

  async putBytes(bytes: Uint8Array, deadline: Deadline): Promise<void> {
    const bytesBase64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    const reply = await this.#link().request({
      queue: this.id,
      op: 'put',
      bytes: bytesBase64,
      timeout: secondsLeft(deadline) ?? null,
    });
    this.#check(reply.size, reply.error);
  }

  async getBytes(deadline: Deadline): Promise<Uint8Array> {
    const reply = await this.#link().request({ queue: this.id, op: 'get', timeout: secondsLeft(deadline) ?? null });
    this.#check(reply.size, reply.error);
    return Buffer.from(reply.bytes ?? '', 'base64');
  }

  #check(size: number, error: { type: string; message: string } | undefined): void {
    this.#size = size;
    if (!error) return;
    if (error.type === 'QueueEmpty') throw new QueueEmpty(error.message);
    if (error.type === 'QueueFull') throw new QueueFull(error.message);
    throw new RuntimeError(error.message);
  }
}
