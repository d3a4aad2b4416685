/**
 * Runs inside the workers of `Pool` (child processes) and `ThreadPool` (worker threads), under
 * Tinypool: imports the target's module (once per worker; Node caches it), calls the export
 * named like the target for every item of a chunk, in order, and reports the results — or the
 * first error with its position, so ordered iteration can yield what came before it.
 */
import { isMainThread } from 'node:worker_threads';
import { markSpindleWorker } from '../main-process.js';
import { decode, encode } from '../shared/codec.js';

markSpindleWorker();
// Child processes run their preloads themselves; worker threads (ThreadPool) do not.
const preloaded = isMainThread ? Promise.resolve() : import('./parent-imports.js').then((m) => m.runParentImports());

/** One chunk of a pool call. */
export interface ChunkTask {
  module: string;
  name: string;
  /** Items (`star`: argument lists) to call the function with, as encoded by the codec. */
  items: unknown;
  star: boolean;
  /** Trailing keyword object, for `apply`. */
  kwargs?: Record<string, unknown> | undefined;
}

/** What a chunk produced. */
export interface ChunkResult {
  results: unknown;
  /** The first failure: the items before `index` succeeded; `code`: the error's own code. */
  failure?: { index: number; error: unknown; code?: string | undefined };
}

const resolved = new Map<string, (...args: unknown[]) => unknown>();

async function lookup(module: string, name: string): Promise<(...args: unknown[]) => unknown> {
  const key = `${module}#${name}`;
  const cached = resolved.get(key);
  if (cached) return cached;
  await preloaded;
  let imported: Record<string, unknown>;
  try {
    imported = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    // Missing, or threw while loading: coded, whatever the module threw.
    const reason = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(`the module of pool target ${name} could not be imported (${module}): ${reason}`, { cause: error }), {
      code: 'ERR_SPINDLE_TARGET_IMPORT',
    });
  }
  const fn = imported[name] ?? (imported.default as Record<string, unknown> | undefined)?.[name];
  if (typeof fn !== 'function') {
    throw Object.assign(new TypeError(`${name} is not exported from ${module}: a pool target must be exported under its own name`), {
      code: 'ERR_SPINDLE_TARGET_NOT_EXPORTED',
    });
  }
  resolved.set(key, fn as (...args: unknown[]) => unknown);
  return fn as (...args: unknown[]) => unknown;
}

/** Tinypool's handler: one chunk. */
export async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const results: unknown[] = [];
  let index = 0;
  try {
    const fn = await lookup(task.module, task.name);
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
