/**
 * spindle/cluster: the local Pool and Scheduler over a BullMQ queue on Redis, with worker hosts
 * (`npx spindle worker …` or {@link startWorker}) doing the work. Loaded only by
 * `import 'spindle/cluster'`: `import 'spindle'` never loads BullMQ or ioredis.
 *
 * @packageDocumentation
 */

export type { Connection, RedisOptions } from './connection.js';
export type { ClusterErrorCode } from './errors.js';
export type { Backoff, CallOptions, ClusterPoolOptions } from './pool.js';
export { Pool } from './pool.js';
export type {
  ClusterEventOptions,
  ClusterRepetition,
  ClusterSchedEvent,
  ClusterSchedulerOptions,
} from './scheduler.js';
export { Scheduler } from './scheduler.js';
export type { WorkerHandle, WorkerOptions } from './worker.js';
export { startWorker } from './worker.js';
