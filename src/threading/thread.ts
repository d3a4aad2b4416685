/**
 * Python's `threading.Thread`, in Node. A thread runs its target — a kernel on the native pool,
 * a module function on a worker thread, or a plain function on the main event loop — and
 * `join()` returns a Promise. CPython's threading.py decides what the contract leaves open.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { within } from '../core/clock.js';
import { RuntimeError } from '../core/errors.js';
import { threadContext } from '../core/identity.js';
import { holdProcess } from '../core/keep-alive.js';
import {
  checkArgs,
  checkBoolean,
  checkKwargs,
  checkOptionalBoolean,
  checkOptions,
  checkTimeout,
  invalidArgType,
  rejecting,
} from '../core/validate.js';
import { callArguments, checkTarget, invoke, type Target, type TargetFunction } from './targets.js';

/**
 * Options of `new Thread()`.
 *
 * @example
 * ```ts
 * new Thread({ target: download, args: [url], kwargs: { retries: 3 }, name: 'downloader', daemon: true });
 * ```
 */
export interface ThreadOptions {
  /** What to run: a kernel, a function exported from `module`, or any function. */
  target?: TargetFunction | undefined;
  /** Arguments spread into the call (default none). */
  args?: readonly unknown[] | undefined;
  /** When given, passed as one extra trailing object argument. */
  kwargs?: Record<string, unknown> | undefined;
  /** Default `Thread-N (target)`, or `Thread-N` without a target. */
  name?: string | undefined;
  /** Default: inherited from the creating thread (false in the main program). */
  daemon?: boolean | undefined;
  /** The target's module (`import.meta.url`): the target then runs isolated on a worker thread. */
  module?: string | URL | undefined;
}

/**
 * What `Thread.excepthook` receives.
 *
 * @example
 * ```ts
 * Thread.excepthook = ({ excValue, thread }) => {
 *   console.error(`${thread?.name ?? 'a thread'} failed:`, excValue);
 * };
 * ```
 */
export interface ExceptHookArgs {
  /** The error's class (its constructor), as Python's `exc_type`. */
  excType: unknown;
  /** What the target threw. */
  excValue: unknown;
  /** The thread it happened in. */
  thread: Thread;
}

/**
 * The thread whose target is running in the current async context, if any: core's context,
 * whose store is always a `Thread` (only `start()` below enters it).
 */
const current = threadContext as AsyncLocalStorage<Thread>;

/**
 * `str(name)`, as Python's Thread does; a value with no string form (a null-prototype object,
 * or one whose `toString` throws) is a coded `TypeError`, not the uncoded one `String()` throws.
 */
function nameOf(argument: string, value: unknown): string {
  try {
    return String(value);
  } catch {
    throw invalidArgType(argument, 'a value with a string form', value);
  }
}

/** One counter for default names, shared by `Thread` and `Timer`, as CPython's `_counter`. */
let nameCounter = 0;
let identCounter = 0;

function defaultExcepthook({ excValue, thread }: ExceptHookArgs): void {
  const trace = excValue instanceof Error ? (excValue.stack ?? String(excValue)) : String(excValue);
  process.stderr.write(`Exception in thread ${thread.name}:\n${trace}\n`);
}

/**
 * A unit of concurrent work with Python's `threading.Thread` interface.
 *
 * @example
 * const t = new Thread({ target: kernels.countPrimes, args: [1e7] });
 * t.start();
 * await t.join();
 * t.result; // 664579
 */
export class Thread {
  /**
   * Handles an error a target threw (Python's `threading.excepthook`). The default writes
   * `Exception in thread NAME:` and the stack to stderr. Errors never become unhandled rejections.
   */
  static excepthook: (args: ExceptHookArgs) => void = defaultExcepthook;

  #target: Target | undefined;
  #args: unknown[];
  #kwargs: Record<string, unknown> | undefined;
  #name: string;
  #daemon: boolean;
  #ident: number | null = null;
  #started = false;
  #finished = false;
  #done: Promise<void> | undefined;
  #result: unknown;
  #exception: unknown;
  #threw = false;

  constructor(options?: ThreadOptions) {
    const o = checkOptions<ThreadOptions>('options', options);
    this.#target = o.target === undefined ? undefined : checkTarget('options.target', o.target, o.module);
    if (o.target === undefined && o.module !== undefined) {
      throw invalidArgType('options.target', 'of type function when options.module is given', o.target);
    }
    this.#args = checkArgs('options.args', o.args);
    this.#kwargs = checkKwargs('options.kwargs', o.kwargs);
    if (o.name !== undefined && o.name !== null && o.name !== '') {
      this.#name = nameOf('options.name', o.name);
    } else {
      this.#name = `Thread-${++nameCounter}`;
      if (o.target?.name) this.#name += ` (${o.target.name})`;
    }
    this.#daemon = checkOptionalBoolean('options.daemon', o.daemon) ?? current.getStore()?.daemon ?? false;
  }

  /** The thread's name (any string; only for identification). */
  get name(): string {
    return this.#name;
  }

  /** Renames the thread (the value is converted to a string). */
  set name(value: string) {
    this.#name = nameOf('name', value);
  }

  /** A number identifying the thread: `null` before `start()`, kept after it ends. */
  get ident(): number | null {
    return this.#ident;
  }

  /** A daemon thread does not keep the process alive. Settable only before `start()`. */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Sets the daemon flag; a `RuntimeError` once the thread has started. */
  set daemon(value: boolean) {
    checkBoolean('daemon', value);
    if (this.#started) throw new RuntimeError('cannot set daemon status of active thread');
    this.#daemon = value;
  }

  /** The target's return value once it finished (awaited); `undefined` before or if it threw. */
  get result(): unknown {
    return this.#result;
  }

  /** What the target threw, if it threw; otherwise `undefined`. */
  get exception(): unknown {
    return this.#exception;
  }

  /** True from `start()` until the target has finished. */
  isAlive(): boolean {
    return this.#started && !this.#finished;
  }

  /**
   * Starts the thread. A module target is sent to its worker now, so arguments that cannot be
   * cloned throw here. Throws `RuntimeError('threads can only be started once')` the second time.
   */
  start(): void {
    if (this.#started) throw new RuntimeError('threads can only be started once');
    const keepAlive = !this.#daemon;
    // A module target posts synchronously (clone errors surface here, before the thread counts
    // as started); everything else runs `run()` in a microtask, after start() returned.
    const launched =
      this.#target?.kind === 'module' && this.run === Thread.prototype.run
        ? invoke(this.#target, callArguments(this.#args, this.#kwargs), keepAlive).outcome
        : undefined;
    this.#started = true;
    this.#ident = ++identCounter;
    const release = keepAlive ? holdProcess() : undefined;
    this.#done = current.run(this, async () => {
      try {
        this.#result = await (launched ?? Promise.resolve().then(() => this.run()));
      } catch (error) {
        this.#threw = true;
        this.#exception = error;
        this.#report(error);
      } finally {
        this.#finished = true;
        release?.();
      }
    });
  }

  /**
   * What the thread does; the default calls the target with `args` (and `kwargs`). Override it in
   * a subclass, as in Python; it may be async. Its return value becomes `result`.
   */
  run(): unknown {
    const target = this.#target;
    if (target === undefined) return undefined;
    return invoke(target, callArguments(this.#args, this.#kwargs), !this.#daemon).outcome;
  }

  /**
   * Resolves once the thread has finished, or after `timeout` seconds (the thread may then still
   * be alive: check `isAlive()`). Never rejects because of the target; rejects with
   * `RuntimeError` before `start()` or when a thread joins itself.
   */
  join(timeout?: number | null): Promise<void> {
    return rejecting(() => {
      const seconds = checkTimeout('timeout', timeout);
      if (!this.#started || !this.#done) throw new RuntimeError('cannot join thread before it is started');
      if (current.getStore() === this && !this.#finished) throw new RuntimeError('cannot join current thread');
      return within(this.#done, this.#finished ? undefined : seconds);
    });
  }

  #report(error: unknown): void {
    const excType = error !== null && typeof error === 'object' ? (error as object).constructor : typeof error;
    try {
      Thread.excepthook({ excType, excValue: error, thread: this });
    } catch (hookError) {
      // As CPython does when the hook itself fails: report both, never crash the process.
      process.stderr.write(`Exception in threading.excepthook:\n${String((hookError as Error)?.stack ?? hookError)}\n`);
      defaultExcepthook({ excType, excValue: error, thread: this });
    }
  }

  /** Whether the target threw (also when it threw `undefined`). */
  get failed(): boolean {
    return this.#threw;
  }

  /** `<Thread(NAME, started daemon IDENT)>`, as Python's repr. */
  toString(): string {
    const status = this.#finished ? 'stopped' : this.#started ? 'started' : 'initial';
    const daemon = this.#daemon ? ' daemon' : '';
    const ident = this.#ident === null ? '' : ` ${this.#ident}`;
    return `<${this.constructor.name}(${this.#name}, ${status}${daemon}${ident})>`;
  }
}

/**
 * The thread whose target is running in the current async context, or `undefined` at top level.
 *
 * @example
 * ```ts
 * const t = new Thread({ target: () => console.log(currentThread()?.name), name: 'reporter' });
 * t.start(); // prints 'reporter'
 * currentThread(); // undefined at the top level
 * ```
 */
export function currentThread(): Thread | undefined {
  return current.getStore();
}
