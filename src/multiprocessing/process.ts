/**
 * Python's `multiprocessing.Process`, in Node: the target runs in a child process of its own
 * (`child_process.fork` of spindle's child entry), which imports the target's module afresh, as
 * Python's spawn start method does. CPython's multiprocessing/process.py decides what the
 * contract leaves open.
 */

import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { within } from '../core/clock.js';
import { dataCloneError, RuntimeError, ValueError } from '../core/errors.js';
import { childExecArgv } from '../core/exec-argv.js';
import { SPINDLE_CHILD_ENV } from '../core/identity.js';
import { entryFile } from '../core/package-files.js';
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
import { type KernelFunctionName, kernelNameOf } from '../kernels/kernels.js';
import { attachChild } from '../sync/queue/process-link.js';
import { callArguments, checkTarget, type Target, type TargetFunction } from '../threading/targets.js';
import { encode } from '../wire/codec.js';
import type { ProcessRequest } from '../wire/messages.js';

/**
 * Options of `new Process()`.
 *
 * @example
 * ```ts
 * new Process({ target: work, module: import.meta.url, args: [1, 2], kwargs: { verbose: true }, name: 'worker-1', daemon: true });
 * ```
 */
export interface ProcessOptions {
  /** A kernel, or a function exported from `module` under its own name. */
  target: TargetFunction;
  /** The target's module (`import.meta.url`); required for function targets. */
  module?: string | URL | undefined;
  /** Arguments (structured-cloned into the child). */
  args?: readonly unknown[] | undefined;
  /** When given, passed as one extra trailing object argument. */
  kwargs?: Record<string, unknown> | undefined;
  /** Default `Process-N`. */
  name?: string | undefined;
  /** A daemon child is terminated when the parent exits. Default false. */
  daemon?: boolean | undefined;
}

const ENTRY = entryFile('process-child');

let counter = 0;

/** Children to terminate when this process exits (daemon ones), by pid. */
const daemonChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Runs on a normal exit, on process.exit(), and after an uncaught error: Python's
  // multiprocessing terminates daemon children at interpreter exit in all those cases.
  process.on('exit', () => {
    for (const child of daemonChildren) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}

/**
 * A child process running one target, with Python's `multiprocessing.Process` interface.
 *
 * @example
 * // worker.ts
 * export function func1() { console.log('func1: starting'); … }
 * if (isMainProcess()) {
 *   const p1 = new Process({ target: func1, module: import.meta.url });
 *   p1.start();
 *   await p1.join();
 * }
 */
export class Process {
  #target: Target;
  #args: unknown[];
  #name: string;
  #daemon: boolean;
  #child: ChildProcess | undefined;
  #exitcode: number | null = null;
  #exited: Promise<void> | undefined;
  #closed = false;

  constructor(options: ProcessOptions) {
    const o = checkOptions<ProcessOptions>('options', options);
    if (o.target === undefined) throw invalidArgType('options.target', 'of type function', o.target);
    this.#target = checkTarget('options.target', o.target, o.module);
    if (this.#target.kind === 'local') {
      throw invalidArgType(
        'options.module',
        'of type string or an instance of URL (a function target runs in a child process, which imports it from its module)',
        o.module,
      );
    }
    this.#args = callArguments(checkArgs('options.args', o.args), checkKwargs('options.kwargs', o.kwargs));
    this.#name = o.name === undefined || o.name === null ? `Process-${++counter}` : String(o.name);
    this.#daemon = checkOptionalBoolean('options.daemon', o.daemon) ?? false;
  }

  #checkClosed(): void {
    if (this.#closed) throw new ValueError('process object is closed');
  }

  /** The process's name (readable after `close()`). */
  get name(): string {
    return this.#name;
  }

  /** Renames the process (the value is converted to a string). */
  set name(value: string) {
    this.#name = String(value);
  }

  /** A daemon child is terminated when the parent exits. Settable only before `start()`. */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Sets the daemon flag; a `RuntimeError` once the process has started. */
  set daemon(value: boolean) {
    checkBoolean('daemon', value);
    if (this.#child) throw new RuntimeError('process has already started');
    this.#daemon = value;
  }

  /** The child's pid: `null` before `start()`, set when `start()` returns. */
  get pid(): number | null {
    this.#checkClosed();
    return this.#child?.pid ?? null;
  }

  /** Python's `ident`: the same as `pid`. */
  get ident(): number | null {
    return this.pid;
  }

  /** `null` while running or before start; 0 on return, N on exit(N), 1 on an error, −signal. */
  get exitcode(): number | null {
    this.#checkClosed();
    return this.#exitcode;
  }

  /** True from `start()` until the child has exited. */
  isAlive(): boolean {
    this.#checkClosed();
    return this.#child !== undefined && this.#exitcode === null;
  }

  /**
   * Starts the child. Arguments that cannot be cloned throw here, naming the function, before
   * any process is created; a second call throws `RuntimeError('cannot start a process twice')`.
   */
  start(): void {
    this.#checkClosed();
    if (this.#child) throw new RuntimeError('cannot start a process twice');
    const target = this.#target;
    const kernel = target.kind === 'module' ? undefined : (kernelNameOf(target.fn) as KernelFunctionName);
    const fnName = target.kind === 'module' ? target.name : (kernel as string);
    // Shared types travel by process rules: a Queue is served from here over the IPC channel;
    // the others (shared memory cannot cross processes) throw a TypeError saying so.
    const { value: args } = encode(this.#args, { via: 'process' });
    const base = { name: this.#name, daemon: this.#daemon, args };
    const request: ProcessRequest =
      target.kind === 'module'
        ? { ...base, module: target.module, function: target.name }
        : { ...base, kernel: kernel as KernelFunctionName };
    try {
      // The IPC channel's serializer; checked before forking so nothing starts for nothing.
      process.getBuiltinModule('node:v8').serialize(request);
    } catch (error) {
      throw dataCloneError(`the arguments of ${fnName} cannot be sent to a child process`, error);
    }
    // Loaded on first use: node:child_process (with net and streams) is the costliest module
    // spindle would otherwise load at import, for programs that may never start a Process.
    const { fork } = process.getBuiltinModule('node:child_process');
    const child = fork(ENTRY, [], {
      env: { ...process.env, [SPINDLE_CHILD_ENV]: '1' },
      // Not `process.execArgv` whole: no --test/--watch/--inspect in a child (see exec-argv.ts).
      execArgv: childExecArgv(),
      serialization: 'advanced',
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    this.#child = child;
    attachChild(child);
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitcode = signal ? -signalNumber(signal) : (code ?? 1);
        daemonChildren.delete(child);
        resolve();
      });
    });
    child.on('error', () => {
      // 'error' follows a failed spawn or kill; the 'exit' handler records the outcome.
    });
    child.send(request);
    if (this.#daemon) {
      installExitHook();
      daemonChildren.add(child);
      child.unref();
      child.channel?.unref();
    }
  }

  /**
   * Resolves once the child has exited, or after `timeout` seconds (then check `exitcode`).
   * Rejects with `RuntimeError` before `start()`.
   */
  join(timeout?: number | null): Promise<void> {
    return rejecting(() => {
      this.#checkClosed();
      const seconds = checkTimeout('timeout', timeout);
      if (!this.#exited) throw new RuntimeError('can only join a started process');
      return within(this.#exited, this.#exitcode === null ? seconds : undefined);
    });
  }

  /** Sends SIGTERM (exitcode then −15). Harmless after exit or when called again. */
  terminate(): void {
    this.#signal('SIGTERM');
  }

  /** Sends SIGKILL (exitcode then −9). Harmless after exit or when called again. */
  kill(): void {
    this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    this.#checkClosed();
    if (!this.#child)
      throw new RuntimeError(`can only ${signal === 'SIGKILL' ? 'kill' : 'terminate'} a started process`);
    if (this.#exitcode === null) this.#child.kill(signal);
  }

  /**
   * Releases the process object's resources. `ValueError` while the child is running; afterwards
   * every method and `pid`/`exitcode` throw `ValueError('process object is closed')`.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#child && this.#exitcode === null) {
      throw new ValueError(
        'Cannot close a process while it is still running. You should first call join() or terminate().',
      );
    }
    this.#closed = true;
    this.#child = undefined;
  }

  /** `<Process name='…' pid=… parent=… started daemon>`-like description. */
  toString(): string {
    if (this.#closed) return `<Process name='${this.#name}' closed>`;
    const status = !this.#child
      ? 'initial'
      : this.#exitcode === null
        ? 'started'
        : `stopped exitcode=${this.#exitcode}`;
    return `<Process name='${this.#name}' ${status}${this.#daemon ? ' daemon' : ''}>`;
  }
}
