/**
 * Runs inside spindle's worker threads for `Thread` targets given with `module`: imports the
 * module afresh (its `isMainProcess()` guard is false here), calls the export named like the
 * target with the structured-cloned arguments, awaits it, and posts the outcome. One worker runs
 * one target at a time and is reused for the next.
 */
// Every shared type registers its reviver before the codec decodes arguments, also when the
// target's module never imports spindle itself.
import '../sync/index.js';
import { parentPort } from 'node:worker_threads';
import { markSpindleWorker } from '../core/identity.js';
import { runParentImports } from '../core/preloads.js';
import { decode, encode } from '../wire/codec.js';
import type { WorkerRequest, WorkerResponse } from '../wire/messages.js';
import { loadExport } from './load-export.js';

const ROLE = {
  role: 'thread target',
  rule: 'a function target with `module` must be exported under its own name',
};

markSpindleWorker();
const preloaded = runParentImports();
const port = parentPort;
if (!port) throw new Error('thread-worker.js must run as a worker thread');

function post(message: WorkerResponse): void {
  try {
    if (message.ok) {
      const { value, transfer } = encode(message.value);
      (port as NonNullable<typeof port>).postMessage({ ...message, value }, transfer);
    } else {
      const code =
        message.error !== null && typeof message.error === 'object'
          ? (message.error as { code?: unknown }).code
          : undefined;
      (port as NonNullable<typeof port>).postMessage(typeof code === 'string' ? { ...message, code } : message);
    }
  } catch (error) {
    // The value could not be cloned back: report that instead, naming the function.
    const reason = error instanceof Error ? error.message : String(error);
    (port as NonNullable<typeof port>).postMessage({
      ok: false,
      error: new TypeError(`the result of ${message.name} cannot be sent back from its worker thread: ${reason}`),
      name: message.name,
      code: 'ERR_SPINDLE_DATA_CLONE',
    } satisfies WorkerResponse);
  }
}

port.on('message', async (request: WorkerRequest) => {
  const { module, name, args } = request;
  try {
    await preloaded;
    const fn = await loadExport(module, name, ROLE);
    const value: unknown = await fn(...(decode(args) as unknown[]));
    post({ ok: true, value, name });
  } catch (error) {
    post({ ok: false, error, name });
  }
});
