/**
 * Runs inside the worker threads of a worker host (under Tinypool): imports a function target's
 * module (once per thread; Node caches it), calls the named export for every item of a chunk in
 * order, and returns the results v8-encoded — or the first error, as a record, with the results
 * before it. Decoding and encoding happen here, off the host's event loop, which stays free for
 * BullMQ's lock renewals.
 */
import { deserialize, serialize } from 'node:v8';
import { type ErrorRecord, toRecord } from './errors.js';
import { markSpindleWorker, runParentImports } from './spindle.js';

markSpindleWorker();
const preloaded = runParentImports();

/** One chunk to run. */
export interface FunctionTask {
  /** The resolved module URL (or an allowed package name). */
  url: string;
  name: string;
  /** v8-encoded items. */
  items: Uint8Array;
  star: boolean;
}

/** What a chunk produced. */
export type FunctionOutcome = { ok: true; v: Uint8Array } | { ok: false; at: number; v: Uint8Array; e: ErrorRecord };

const loaded = new Map<string, (...args: unknown[]) => unknown>();

function coded<E extends Error>(error: E, code: string): E {
  return Object.assign(error, { code });
}

async function lookup(url: string, name: string): Promise<(...args: unknown[]) => unknown> {
  const key = `${url}#${name}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  await preloaded;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw coded(
      new Error(`the module of target ${name} could not be imported (${url}): ${reason}`, { cause: error }),
      'ERR_SPINDLE_TARGET_IMPORT',
    );
  }
  const fn = module[name] ?? (module.default as Record<string, unknown> | undefined)?.[name];
  if (typeof fn !== 'function') {
    throw coded(
      new TypeError(`${name} is not exported from ${url}: a target must be exported under its own name`),
      'ERR_SPINDLE_TARGET_NOT_EXPORTED',
    );
  }
  loaded.set(key, fn as (...args: unknown[]) => unknown);
  return fn as (...args: unknown[]) => unknown;
}

/** Tinypool's handler: one chunk. */
export default async function runChunk(task: FunctionTask): Promise<FunctionOutcome> {
  const results: unknown[] = [];
  let at = 0;
  try {
    const fn = await lookup(task.url, task.name);
    const items = deserialize(task.items) as unknown[];
    for (; at < items.length; at++) {
      const item = items[at];
      results.push(await fn(...(task.star ? (item as unknown[]) : [item])));
    }
    return { ok: true, v: serialize(results) };
  } catch (error) {
    return { ok: false, at, v: serialize(results), e: toRecord(error) };
  }
}
