/** Python's `multiprocessing.Value`: one number in shared memory, with a lock. */
import { invalidArgType, invalidArgValue, outOfRange } from '../core/validate.js';
import { type Descriptor, type EncodeContext, kShare, notShareable, registerReviver } from '../wire/registry.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/**
 * The C types a Value can hold: `'i'` a signed 32-bit int, `'d'` a double.
 *
 * @example
 * ```ts
 * new Value('i', 0); // a signed 32-bit integer
 * new Value('d', 0.5); // a double
 * ```
 */
export type ValueTypecode = 'i' | 'd';

/**
 * Options of `new Value()`.
 *
 * @example
 * ```ts
 * const counter = new Value('i', 0, { lock: new Lock() });
 * ```
 */
export interface ValueOptions {
  /** The lock `getLock()` returns (default: a new RLock, as Python's `lock=True`). */
  lock?: Lock | RLock | undefined;
}

let reviving: { buffer: SharedArrayBuffer; lock: Lock | RLock } | undefined;

// Float64 has no Atomics: a double travels as its 64-bit pattern through a BigInt64 word, so
// that no thread ever reads half of another's write.
const scratch = new Float64Array(1);
const scratchBits = new BigInt64Array(scratch.buffer);

/**
 * A number in shared memory: `.value` reads and writes it in every thread it was passed to.
 * Each read and each write is atomic, but `v.value += 1` is a read *then* a write — another
 * thread may write in between and its update is lost, exactly as in Python. Hold the lock
 * around such read-modify-write sequences:
 *
 * @example
 * const counter = new Value('i', 0);
 * const lock = counter.getLock();
 * await lock.acquire();
 * try {
 *   counter.value += 1;
 * } finally {
 *   lock.release();
 * }
 */
export class Value {
  readonly #typecode: ValueTypecode;
  readonly #ints: Int32Array | undefined;
  readonly #bits: BigInt64Array | undefined;
  readonly #lock: Lock | RLock;

  /**
   * `typecode`: `'i'` (int32: integers, wrapping at 2^31 as C's `int` does) or `'d'` (double).
   * `init` (default 0): the initial value. `options.lock`: the lock to use.
   */
  constructor(typecode: ValueTypecode, init = 0, options?: ValueOptions) {
    const shared = reviving;
    reviving = undefined;
    if (typecode !== 'i' && typecode !== 'd') {
      throw invalidArgValue('typecode', typecode, "must be one of: 'i', 'd'");
    }
    this.#typecode = typecode;
    const buffer = shared?.buffer ?? new SharedArrayBuffer(8);
    if (typecode === 'i') this.#ints = new Int32Array(buffer, 0, 1);
    else this.#bits = new BigInt64Array(buffer, 0, 1);
    if (shared) {
      this.#lock = shared.lock;
      return;
    }
    const lock = options?.lock;
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw invalidArgType('options.lock', 'an instance of Lock or RLock', lock);
    }
    this.#lock = lock ?? new RLock();
    this.#write('init', init);
  }

  /** `'i'` or `'d'`. */
  get typecode(): ValueTypecode {
    return this.#typecode;
  }

  /** The shared number (an atomic read). */
  get value(): number {
    if (this.#ints) return Atomics.load(this.#ints, 0);
    scratchBits[0] = Atomics.load(this.#bits as BigInt64Array, 0);
    return scratch[0] as number;
  }

  /** Sets the shared number (an atomic write). `'i'` takes integers only. */
  set value(value: number) {
    this.#write('value', value);
  }

  /** The lock that guards read-modify-write sequences (Python's `get_lock()`). */
  getLock(): Lock | RLock {
    return this.#lock;
  }

  /** `<Value('i', 42)>`. */
  toString(): string {
    return `<${this.constructor.name}('${this.#typecode}', ${this.value})>`;
  }

  #write(name: string, value: unknown): void {
    if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
    if (this.#ints) {
      if (!Number.isInteger(value)) throw outOfRange(name, "an integer for typecode 'i'", value);
      Atomics.store(this.#ints, 0, value);
    } else {
      scratch[0] = value;
      Atomics.store(this.#bits as BigInt64Array, 0, scratchBits[0] as bigint);
    }
  }

  /** @internal */
  [kShare](context: EncodeContext): Descriptor {
    if (context.via === 'process') throw notShareable('a Value', 'a child process', 'use a Queue to talk to it');
    const buffer = (this.#ints ?? (this.#bits as BigInt64Array)).buffer;
    return { __spindleShared: 'Value', buffer, typecode: this.#typecode, lock: this.#lock[kShare](context) };
  }
}

registerReviver('Value', (descriptor, context) =>
  context.once(descriptor.buffer, () => {
    reviving = {
      buffer: descriptor.buffer as SharedArrayBuffer,
      lock: context.revive(descriptor.lock) as Lock | RLock,
    };
    return new Value(descriptor.typecode as ValueTypecode);
  }),
);
