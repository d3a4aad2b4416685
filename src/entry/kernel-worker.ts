/**
 * The Tinypool worker entry of the js backend: runs one kernel's TypeScript twin per task.
 * Built as its own entry (`dist/entry/kernel-worker.js`) and loaded only inside worker threads;
 * main-thread code imports nothing from here but types.
 */
import type { MessagePort } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import type { KernelArgs, KernelName } from '../kernel-args.js';
import { type Progress, noProgress, twins } from '../twins/index.js';

/** What the js backend posts for one kernel call. */
export interface KernelTask<K extends KernelName = KernelName> {
  kernel: K;
  /** Normalised arguments; typed arrays are views of shared memory (the caller's, or a copy made at the call), read only. */
  args: KernelArgs[K];
  /** Where progress fractions go, when the caller listens; closed when the task ends. */
  progress: MessagePort | undefined;
}

/** The least time between two progress messages. */
const PROGRESS_INTERVAL_MS = 50;

/** Posts fractions in (0, 1) to `port`, rising, at most once per `PROGRESS_INTERVAL_MS`. */
function throttled(port: MessagePort): Progress {
  let last = performance.now();
  let reported = 0;
  return (fraction) => {
    if (!(fraction > reported && fraction < 1)) return;
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    reported = fraction;
    port.postMessage(fraction);
  };
}

/**
 * Runs `task.kernel`'s twin. A typed-array result goes back transferred, not copied. Throws
 * only on a bug (the arguments were validated on the main thread).
 */
export function runTwin(task: KernelTask): unknown {
  const { kernel, args, progress: port } = task;
  try {
    const twin = twins[kernel] as (args: KernelArgs[KernelName], progress: Progress) => unknown;
    const result = twin(args, port ? throttled(port) : noProgress);
    return ArrayBuffer.isView(result) ? Tinypool.move(result) : result;
  } finally {
    port?.close();
  }
}
