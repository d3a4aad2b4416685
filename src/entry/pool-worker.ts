/**
 * Runs inside the workers of `Pool` (child processes) and `ThreadPool` (worker threads), under
 * Tinypool: imports the target's module (once per worker; Node caches it), calls the export
 * named like the target for every item of a chunk, in order, and reports the results — or the
 * first error with its position, so ordered iteration can yield what came before it.
 */
// Every shared type registers its reviver before the codec decodes arguments, also when the
// target's module never imports spindle itself.
import '../sync/index.js';
import { isMainThread } from 'node:worker_threads';
import { markSpindleWorker } from '../core/identity.js';
import { decode, encode } from '../wire/codec.js';
import type { ChunkResult, ChunkTask } from '../wire/messages.js';
import { loadExport } from './load-export.js';

markSpindleWorker();
// Child processes run their preloads themselves; worker threads (ThreadPool) do not.
const preloaded = isMainThread ? Promise.resolve() : import('../core/preloads.js').then((m) => m.runParentImports());

const ROLE = { role: 'pool target', rule: 'a pool target must be exported under its own name' };

/** Tinypool's handler: one chunk. */
export async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const results: unknown[] = [];
  let index = 0;
  try {
    await preloaded;
    const fn = await loadExport(task.module, task.name, ROLE);
    const items = decode(task.items) as unknown[];
    for (; index < items.length; index++) {
      const item = items[index];
      const args = task.star ? [...(item as unknown[])] : [item];
      if (task.kwargs !== undefined) args.push(task.kwargs);
      results.push(await fn(...args));
    }
    return { results: encode(results).value };
  } catch (error) {
    const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    return { results: encode(results).value, failure: { index, error, ...(typeof code === 'string' ? { code } : {}) } };
  }
}
