/**
 * The one door from `spindle/cluster` into the rest of spindle. The cluster is a second public
 * entry built on the first: everything with state or identity (the error classes a caller
 * checks with `instanceof`, the kernels, `configure`) comes from spindle's public index, which
 * the bundle turns into an import of the package itself (`'spindle'`, see scripts/bundle.mjs),
 * so a program that imports both entries has one copy of each. Besides, a few stateless helpers
 * of `core/`: the argument errors and validators, so cluster errors read like every other
 * spindle error; the worker-thread marker and the preload runner, so a function target's module
 * sees `isMainProcess()` false and loads under the same loaders as elsewhere.
 */
import { kernels } from '../index.js';

export { markSpindleWorker } from '../core/identity.js';
export { runParentImports } from '../core/preloads.js';
export {
  checkInteger,
  checkOptionalFunction,
  checkOptionalSignal,
  checkOptions,
  invalidArgType,
  invalidArgValue,
  outOfRange,
} from '../core/validate.js';
export type { SpindleErrorCode, TargetFunction } from '../index.js';
export {
  AbortError,
  AsyncResult,
  BrokenBarrierError,
  CancelledError,
  configure,
  kernels,
  QueueEmpty,
  QueueFull,
  RuntimeError,
  SpindleError,
  TimeoutError,
  ValueError,
} from '../index.js';

/** The kernel's name, so a kernel can travel by name to a worker host's own spindle. */
export function kernelNameOf(fn: unknown): keyof typeof kernels | undefined {
  for (const [name, kernel] of Object.entries(kernels)) if (kernel === fn) return name as keyof typeof kernels;
  return undefined;
}
