/**
 * spindle: Python's concurrency model for Node.js, with CPU kernels on a native thread pool.
 *
 * @packageDocumentation
 */

export type { SpindleErrorCode } from './core/errors.js';
export {
  AbortError,
  BrokenBarrierError,
  CancelledError,
  RuntimeError,
  SpindleError,
  TimeoutError,
  ValueError,
} from './core/errors.js';
export { isMainProcess } from './core/identity.js';
export type { BackendInfo, BackendMode, ConfigureOptions } from './kernels/backend/select.js';
export { backend, configure, shutdown } from './kernels/backend/select.js';
export type { BackendName } from './kernels/backend/types.js';
export type {
  ElaOptions,
  ElaResult,
  KernelFunctionName,
  KernelOptions,
  MandelbrotOptions,
  MatmulOptions,
  MatmulPrecision,
} from './kernels/kernels.js';
export { kernels } from './kernels/kernels.js';
export { AsyncResult } from './multiprocessing/pool/async-result.js';
export type { PoolOptions } from './multiprocessing/pool/pool.js';
export { Pool, ThreadPool } from './multiprocessing/pool/pool.js';
export type { ProcessOptions } from './multiprocessing/process.js';
export { Process } from './multiprocessing/process.js';
export { Barrier } from './sync/barrier.js';
export { Condition } from './sync/condition.js';
export { Event } from './sync/event.js';
export { Lock } from './sync/lock.js';
export { QueueEmpty, QueueFull } from './sync/queue/errors.js';
export type { QueueOptions } from './sync/queue/queue.js';
export { Queue } from './sync/queue/queue.js';
export { RLock } from './sync/rlock.js';
export { BoundedSemaphore, Semaphore } from './sync/semaphore.js';
export type { ValueOptions, ValueTypecode } from './sync/value.js';
export { Value } from './sync/value.js';
export type { Repetition, SchedEvent } from './threading/scheduler.js';
export { Scheduler } from './threading/scheduler.js';
export type { TargetFunction } from './threading/targets.js';
export type { ExceptHookArgs, ThreadOptions } from './threading/thread.js';
export { currentThread, Thread } from './threading/thread.js';
export { Timer } from './threading/timer.js';
