/**
 * spindle: Python's concurrency model for Node.js, with CPU kernels on a native thread pool.
 *
 * @packageDocumentation
 */
export { kernels } from './kernels.js';
export type {
  ElaOptions,
  ElaResult,
  KernelFunctionName,
  KernelOptions,
  MandelbrotOptions,
  MatmulOptions,
  MatmulPrecision,
} from './kernels.js';
export { backend, configure, shutdown } from './backend/select.js';
export { Thread, currentThread } from './thread.js';
export type { ExceptHookArgs, ThreadOptions } from './thread.js';
export { Timer } from './timer.js';
export { Event } from './event.js';
export { Scheduler } from './scheduler.js';
export type { Repetition, SchedEvent } from './scheduler.js';
export type { TargetFunction } from './targets.js';
export { isMainProcess } from './main-process.js';
export { Process } from './process.js';
export type { ProcessOptions } from './process.js';
export { Pool, ThreadPool } from './pool/pool.js';
export type { PoolOptions } from './pool/pool.js';
export { AsyncResult } from './pool/async-result.js';
export type { BackendInfo, BackendMode, ConfigureOptions } from './backend/select.js';
export type { BackendName } from './backend/types.js';
export {
  AbortError,
  BrokenBarrierError,
  CancelledError,
  RuntimeError,
  SpindleError,
  TimeoutError,
  ValueError,
} from './errors.js';
export type { SpindleErrorCode } from './errors.js';
export { Lock } from './sync/lock.js';
export { RLock } from './sync/rlock.js';
export { BoundedSemaphore, Semaphore } from './sync/semaphore.js';
export { Barrier } from './sync/barrier.js';
export { Condition } from './sync/condition.js';
export { Value } from './sync/value.js';
export type { ValueOptions, ValueTypecode } from './sync/value.js';
export { Queue } from './sync/queue.js';
export type { QueueOptions } from './sync/queue.js';
export { QueueEmpty, QueueFull } from './sync/queue-errors.js';
