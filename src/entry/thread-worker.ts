/**
 * Runs inside spindle's worker threads for `Thread` targets given with `module`: imports the
 * module afresh (its `isMainProcess()` guard is false here), calls the export named like the
 * target with the structured-cloned arguments, awaits it, and posts the outcome. One worker runs
 * one target at a time and is reused for the next.
 */
import { parentPort } from 'node:worker_threads';
import { markSpindleWorker } from '../main-process.js';
import { runParentImports } from './parent-imports.js';
import { decode, encode } from '../shared/codec.js';
import type { WorkerRequest, WorkerResponse } from '../thread-workers.js';

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
      (port as NonNullable<typeof port>).postMessage(message);
    }
  } catch (error) {
    // The value could not be cloned back: report that instead, naming the function.
    const reason = error instanceof Error ? error.message : String(error);
    (port as NonNullable<typeof port>).postMessage({
      ok: false,
      error: new TypeError(`the result of ${message.name} cannot be sent back from its worker thread: ${reason}`),
      name: message.name,
    } satisfies WorkerResponse);
  }
}

port.on('message', async (request: WorkerRequest) => {
  const { module, name, args } = request;
  try {
    await preloaded;
    const imported = (await import(module)) as Record<string, unknown>;
    const fn = imported[name] ?? (imported.default as Record<string, unknown> | undefined)?.[name];
    if (typeof fn !== 'function') {
      throw new TypeError(`${name} is not exported from ${module}: a function target with \`module\` must be exported under its own name`);
    }
    const value: unknown = await (fn as (...a: unknown[]) => unknown)(...(decode(args) as unknown[]));
    post({ ok: true, value, name });
  } catch (error) {
    post({ ok: false, error, name });
  }
});
