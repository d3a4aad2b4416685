/**
 * One call of a pool (a map, an apply…) while it is in flight: which of its chunks have
 * answered, their results in input order, its progress, and how it ends. Replies may come twice
 * (delivery is at-least-once: a chunk whose host died after replying runs again elsewhere), so
 * only the first reply of each chunk counts.
 */
import { type ErrorRecord, fromRecord } from './errors.js';
import { decode } from './wire.js';

/** A chunk's settled outcome. */
interface ChunkOutcome {
  results: unknown[];
  error?: unknown;
}

export class Call {
  /** The call's id, unique within its pool (also the prefix of its jobs' ids). */
  readonly id: string;
  /** BullMQ job ids, one per chunk. */
  readonly jobIds: string[];
  /** Items per chunk (progress weights). */
  readonly sizes: number[];
  readonly #outcomes: (ChunkOutcome | undefined)[];
  readonly #progress: Float64Array;
  readonly #total: number;
  readonly #onProgress: ((fraction: number) => void) | undefined;
  #lastProgress = 0;
  #pending: number;
  /** Chunk indexes in the order they completed (for imapUnordered). */
  readonly completion: number[] = [];
  /** Set when the call as a whole failed (abort, terminate, lost job, lost connection). */
  #failure: { error: unknown } | undefined;
  #wake: (() => void)[] = [];
  /** When a reply last arrived (for the watchdog). */
  lastActivity = Date.now();
  /** Chunks the watchdog found missing from Redis once already. */
  readonly suspects = new Set<number>();
  /** Called once when every chunk has settled or the call failed. */
  onEnd: (() => void) | undefined;

  constructor(id: string, sizes: number[], onProgress: ((fraction: number) => void) | undefined) {
    this.id = id;
    this.sizes = sizes;
    this.jobIds = sizes.map((_, i) => `${id}.${i}`);
    this.#outcomes = new Array<ChunkOutcome | undefined>(sizes.length);
    this.#progress = new Float64Array(sizes.length);
    this.#total = sizes.reduce((a, b) => a + b, 0);
    this.#onProgress = onProgress;
    this.#pending = sizes.length;
  }

  /** Whether the call has ended (all chunks in, or failed as a whole). */
  get ended(): boolean {
    return this.#pending === 0 || this.#failure !== undefined;
  }

  /** Indexes of the chunks still waiting for a reply. */
  pendingChunks(limit: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#outcomes.length && out.length < limit; i++)
      if (this.#outcomes[i] === undefined) out.push(i);
    return out;
  }

  /** A chunk's results arrived (`bytes`: the v8-encoded results). */
  succeeded(i: number, bytes: Uint8Array): void {
    this.#settle(i, { results: decode(bytes) as unknown[] });
  }

  /** A chunk failed at one of its items: the results before it, and the error. */
  failed(i: number, bytes: Uint8Array, record: ErrorRecord): void {
    this.#settle(i, { results: decode(bytes) as unknown[], error: fromRecord(record) });
  }

  /** A chunk's progress: the fraction of its items done. */
  progressed(i: number, fraction: number): void {
    if (this.ended || this.#outcomes[i] !== undefined) return;
    this.lastActivity = Date.now();
    this.#progress[i] = Math.max(this.#progress[i] ?? 0, fraction);
    this.#report(false);
  }

  #settle(i: number, outcome: ChunkOutcome): void {
    if (this.ended || i < 0 || i >= this.#outcomes.length || this.#outcomes[i] !== undefined) return; // a duplicate
    this.lastActivity = Date.now();
    this.suspects.delete(i);
    this.#outcomes[i] = outcome;
    this.#progress[i] = 1;
    this.completion.push(i);
    this.#pending--;
    if (this.#pending === 0 && this.#outcomes.every((o) => o?.error === undefined)) this.#report(true);
    else this.#report(false);
    this.#notify();
  }

  /** Progress to the caller: never decreasing, below 1 until the call has succeeded. */
  #report(final: boolean): void {
    if (!this.#onProgress || this.#total === 0) return;
    let done = 0;
    for (let i = 0; i < this.sizes.length; i++) done += (this.#progress[i] ?? 0) * (this.sizes[i] ?? 0);
    const fraction = final ? 1 : Math.min(done / this.#total, 0.999_999);
    if (!(fraction > this.#lastProgress)) return;
    this.#lastProgress = fraction;
    try {
      this.#onProgress(fraction);
    } catch (error) {
      // As for a local kernel: a throwing listener stops the call with its error.
      this.fail(error);
    }
  }

  /** Ends the call with `error` (chunks answering later are ignored). */
  fail(error: unknown): void {
    if (this.ended) return;
    this.#failure = { error };
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
    if (this.ended) {
      const end = this.onEnd;
      this.onEnd = undefined;
      end?.();
    }
  }

  /** Resolves at the next change. */
  #changed(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  /** Chunk `i`'s outcome once it has one; throws the call's failure. */
  async chunk(i: number): Promise<ChunkOutcome> {
    for (;;) {
      const outcome = this.#outcomes[i];
      if (outcome) return outcome;
      if (this.#failure) throw this.#failure.error;
      await this.#changed();
    }
  }

  /** The `n`-th chunk to complete, in completion order. */
  async completed(n: number): Promise<ChunkOutcome> {
    for (;;) {
      const i = this.completion[n];
      if (i !== undefined) return this.#outcomes[i] as ChunkOutcome;
      if (this.#failure) throw this.#failure.error;
      await this.#changed();
    }
  }

  /** Every result in input order; rejects with the first error in input order. */
  async all(): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < this.#outcomes.length; i++) {
      const { results, error } = await this.chunk(i);
      if (error !== undefined) throw error;
      for (const r of results) out.push(r);
    }
    return out;
  }
}
