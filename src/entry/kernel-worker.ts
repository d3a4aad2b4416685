/**
 * The Tinypool worker entry of the js backend: runs one kernel's TypeScript twin per task.
 * Built as its own entry (`dist/entry/kernel-worker.js`) and loaded only inside worker threads;
 * main-thread code imports nothing from here but types.
 */
import type { MessagePort } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import { isSpindleErrorCode } from '../core/errors.js';
import type { KernelDescriptor } from '../kernels/descriptor.js';
import { descriptor, type KernelName } from '../kernels/registry.js';
import * as twins from '../kernels/twins/index.js';
import { noProgress, type Progress } from '../kernels/twins/progress.js';
import { KERNEL_FAILURE, type KernelFailure, type KernelTask } from '../wire/messages.js';

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
 * Runs `task.kernel`'s twin. A typed-array
 * result goes back transferred, not copied. A failure with one of spindle's codes (a twin's
 * verdict on its input, e.g. not a JPEG) comes back as a {@link KernelFailure}; anything else
 * thrown is a bug (the arguments were validated on the main thread).
 */
export function runTwin(task: KernelTask<KernelName>): unknown {
  const { kernel, args, progress: port } = task;
  try {
    const { twin } = descriptor(kernel) as unknown as KernelDescriptor;
    const result = twin(twins, args, port ? throttled(port) : noProgress);
    return ArrayBuffer.isView(result) ? Tinypool.move(result) : result;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof Error && isSpindleErrorCode(code)) {
      return { [KERNEL_FAILURE]: { code, message: error.message } } satisfies KernelFailure;
    }
    throw error;
  } finally {
    port?.close();
  }
}
