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
      const code = message.error !== null && typeof message.error === 'object' ? (message.error as { code?: unknown }).code : undefined;
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
    let imported: Record<string, unknown>;
    try {
      imported = (await import(module)) as Record<string, unknown>;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw Object.assign(new Error(`the module of thread target ${name} could not be imported (${module}): ${reason}`, { cause: error }), {
        code: 'ERR_SPINDLE_TARGET_IMPORT',
      });
    }
    const fn = imported[name] ?? (imported.default as Record<string, unknown> | undefined)?.[name];
    if (typeof fn !== 'function') {
      throw Object.assign(
        new TypeError(`${name} is not exported from ${module}: a function target with \`module\` must be exported under its own name`),
        { code: 'ERR_SPINDLE_TARGET_NOT_EXPORTED' },
      );
    }
    const value: unknown = await (fn as (...a: unknown[]) => unknown)(...(decode(args) as unknown[]));
    post({ ok: true, value, name });
  } catch (error) {
    post({ ok: false, error, name });
  }
});
