/**
 * `isMainProcess()`: the twin of Python's `if __name__ == '__main__':`. spindle imports a
 * target's module afresh in its worker threads and child processes, as Python's spawn start
 * method does; the guard keeps the module's main program from running there again.
 */
import { workerData } from 'node:worker_threads';

/** Marks the `workerData` of spindle's own worker threads. */
export const SPINDLE_WORKER = '__spindleWorker';
/** Set in the environment of spindle's child processes. */
export const SPINDLE_CHILD_ENV = 'SPINDLE_CHILD';

const inSpindleWorker =
  typeof workerData === 'object' && workerData !== null && (workerData as Record<string, unknown>)[SPINDLE_WORKER] === true;
const inSpindleChild = process.env[SPINDLE_CHILD_ENV] === '1';

/** True in the user's program; false inside spindle's worker threads and child processes. */
export function isMainProcess(): boolean {
  return !inSpindleWorker && !inSpindleChild;
}
