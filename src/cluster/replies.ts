/**
 * A client's end of its reply list: one blocking connection that waits for replies and takes
 * what has piled up in the same command (BLMPOP; BLPOP then LPOP with a count before Redis 7),
 * handing each decoded reply to
 * `onReply`. It runs only while the owner has work outstanding, so an idle pool holds no pending
 * command.
 */
import type { Redis } from 'ioredis';
import type { RedisOptions } from './connection.js';
import { connect } from './connection.js';
import { decode, type Reply } from './wire.js';

/** Seconds one BLPOP waits before the loop looks again whether it should go on. */
const BLOCK_SECONDS = 1;
/** Replies taken per drain. */
const DRAIN = 1000;

export class ReplyReader {
  readonly #key: string;
  readonly #options: RedisOptions;
  readonly #onReply: (reply: Reply) => void;
  readonly #onError: (error: unknown) => void;
  #redis: Redis | undefined;
  #loop: Promise<void> | undefined;
  #wanted = false;
  #closed = false;
  /** Whether the server has BLMPOP (Redis ≥ 7); found out on first use. */
  #blmpop = true;

  constructor(key: string, options: RedisOptions, onReply: (reply: Reply) => void, onError: (error: unknown) => void) {
    this.#key = key;
    this.#options = options;
    this.#onReply = onReply;
    this.#onError = onError;
  }

  /** The list's key. */
  get key(): string {
    return this.#key;
  }

  /** Starts reading (again) if it is not already. */
  start(): void {
    if (this.#closed) return;
    this.#wanted = true;
    if (this.#loop) return;
    if (!this.#redis) {
      this.#redis = connect(this.#options, true, 'replies');
      this.#redis.on('error', () => {}); // reconnects by itself; outstanding calls have a watchdog
    }
    this.#loop = this.#run().finally(() => {
      this.#loop = undefined;
      if (this.#wanted && !this.#closed) this.start();
    });
  }

  /** Stops after the current wait (replies still in the list stay there for a later start). */
  stop(): void {
    this.#wanted = false;
  }

  async #run(): Promise<void> {
    const redis = this.#redis as Redis;
    while (this.#wanted && !this.#closed) {
      try {
        if (this.#blmpop) {
          // Redis 7: wait and drain in one command.
          const got = (await redis.callBuffer('blmpop', BLOCK_SECONDS, 1, this.#key, 'LEFT', 'COUNT', DRAIN)) as
            | [Buffer, Buffer[]]
            | null;
          if (got) this.#dispatch(got[1]);
          continue;
        }
        const first = (await redis.blpopBuffer(this.#key, BLOCK_SECONDS)) as [Buffer, Buffer] | null;
        if (first === null) continue;
        // The first reply is handed on before the drain's round trip: a lone apply() waits for
        // nothing else.
        this.#dispatch([first[1]]);
        const more = (await redis.lpopBuffer(this.#key, DRAIN)) as Buffer[] | null;
        if (more) this.#dispatch(more);
      } catch (error) {
        if (this.#closed) return;
        if (this.#blmpop && /unknown command/i.test(error instanceof Error ? error.message : '')) {
          this.#blmpop = false; // Redis 6.2: BLPOP, then LPOP with a count
          continue;
        }
        this.#onError(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #dispatch(batch: Buffer[]): void {
    for (const bytes of batch) {
      let reply: Reply;
      try {
        reply = decode(bytes) as Reply;
      } catch {
        continue; // not ours to understand; the watchdog notices anything it leaves missing
      }
      this.#onReply(reply);
    }
  }

  /** Stops reading and disconnects; replies not yet read are dropped with the list. */
  close(): void {
    this.#closed = true;
    this.#wanted = false;
    const redis = this.#redis;
    this.#redis = undefined;
    if (redis) {
      redis.disconnect();
    }
    // Not awaited: a wait queued while Redis is away is never settled by ioredis once the
    // connection is dropped, and the loop ends by itself (`#closed`) when it is.
  }
}
