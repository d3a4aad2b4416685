/**
 * The three kinds of `target` (see API.md): a kernel, a function plus `module` (run isolated on
 * a worker thread), or a plain function (run on the main event loop, sharing the caller's
 * variables). This module checks a target and invokes it.
 */

import { fileURLToPath, pathToFileURL } from 'node:url';
import { dataCloneError } from '../core/errors.js';
import { invalidArgType, invalidArgValue } from '../core/validate.js';
import { isKernel, unrefKernelArgs } from '../kernels/kernels.js';
import { runOnWorker } from './workers.js';

/**
 * Any function a thread, timer or scheduler may call.
 *
 * @example
 * ```ts
 * const target: TargetFunction = async (url: string) => (await fetch(url)).status;
 * new Thread({ target, args: ['https://example.com'] }).start();
 * ```
 */
// biome-ignore lint: targets take and return anything
export type TargetFunction = (...args: any[]) => unknown;

/** A checked target. */
export type Target =
  | { kind: 'kernel'; fn: TargetFunction }
  | { kind: 'module'; fn: TargetFunction; module: string; name: string }
  | { kind: 'local'; fn: TargetFunction };

/** The arguments a call receives: `args`, then `kwargs` as one trailing object when given. */
export function callArguments(args: readonly unknown[], kwargs: object | undefined): unknown[] {
  return kwargs === undefined ? [...args] : [...args, kwargs];
}

/** `module` as a URL string the worker can import: a file URL, or a path made into one. */
function moduleUrl(name: string, module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string') throw invalidArgType(name, 'of type string or an instance of URL', module);
  if (/^(file|data|node):/.test(module)) return module;
  if (module.startsWith('/') || /^[A-Za-z]:[\\/]/.test(module)) return pathToFileURL(module).href;
  throw invalidArgValue(name, module, 'must be a file: URL (e.g. import.meta.url) or an absolute path');
}

/** Checks a `target` (and `module`) as given to a constructor. */
export function checkTarget(name: string, target: unknown, module: unknown, moduleName = 'options.module'): Target {
  if (typeof target !== 'function') throw invalidArgType(name, 'of type function', target);
  const fn = target as TargetFunction;
  if (isKernel(fn)) return { kind: 'kernel', fn };
  if (module === undefined || module === null) return { kind: 'local', fn };
  const url = moduleUrl(moduleName, module);
  if (!fn.name) {
    throw invalidArgValue(name, fn, 'must be a named function exported from its module');
  }
  return { kind: 'module', fn, module: url, name: fn.name };
}

/** A human-readable place for messages. */
export function describeModule(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

/** A target in flight. */
export interface Invocation {
  /** Settles with the target's return value (awaited) or its error. */
  readonly outcome: Promise<unknown>;
}

/**
 * Starts `target` now. A module target is posted to its worker synchronously, so arguments that
 * cannot be cloned throw here, before anything has started. `keepAlive` says whether the run may
 * hold the process open (false for daemon threads).
 */
export function invoke(target: Target, args: unknown[], keepAlive: boolean): Invocation {
  if (target.kind === 'module') {
    try {
      return runOnWorker({ module: target.module, name: target.name, args }, keepAlive);
    } catch (error) {
      throw dataCloneError(`the arguments of ${target.name} cannot be sent to a worker thread`, error);
    }
  }
  // Kernels and plain functions are called on this thread; a kernel's Promise settles when the
  // pool is done. Called in a microtask so the caller's synchronous code runs first.
  // Called unbound, as Python calls a target: `this` is undefined and the stack says `at name`.
  const fn = target.fn;
  const callArgs = target.kind === 'kernel' && !keepAlive ? unrefKernelArgs(fn, args) : args;
  const outcome = Promise.resolve().then(() => fn(...callArgs));
  return { outcome };
}
