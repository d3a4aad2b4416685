/**
 * The one door from `spindle/cluster` into the rest of spindle. Every import of spindle's own
 * modules made by the cluster code goes through this file, so the cluster layer depends on a
 * short, named list: the public API first, then the few internals it truly needs (argument
 * errors and validators, so cluster errors read like every other spindle error; a kernel's name,
 * so a kernel can travel by name; the worker-thread marker and the preload runner, so a function
 * target's module sees `isMainProcess()` false and loads under the same loaders as elsewhere).
 */
export {
  AbortError,
  AsyncResult,
  BrokenBarrierError,
  CancelledError,
  QueueEmpty,
  QueueFull,
  RuntimeError,
  SpindleError,
  TimeoutError,
  ValueError,
  configure,
  kernels,
} from '../index.js';
export type { TargetFunction } from '../index.js';
export { invalidArgType, invalidArgValue, outOfRange } from '../arg-errors.js';
export { checkInteger, checkOptionalFunction, checkOptionalSignal, checkOptions } from '../validate.js';
export { kernelNameOf } from '../kernels.js';
export { markSpindleWorker } from '../main-process.js';
export { runParentImports } from '../entry/parent-imports.js';
