/**
 * Dispatch: the round trip of an empty task, in µs per task, with 1 task in flight (await each
 * before the next) and with 1000 in flight (start 1000, await them all), for spindle's native
 * pool (`kernels.spin(0)`, the cheapest public call) and for Tinypool, Piscina, workerpool and
 * raw worker_threads (a postMessage echo) — each with 2 threads (this machine's cores).
 *
 * The native figure is also taken one layer down, straight on the napi binding, to show how
 * much of it is spindle's TypeScript layer.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { configure, kernels } from 'spindle';
import { Tinypool } from 'tinypool';
import type { NativeBinding } from '../src/kernels/backend/native-binding.js';
import { median, round } from './stats.js';
import type { DispatchLayer, DispatchResult, PoolName } from './types.js';

const THREADS = 2;

/**
 * Piscina's and workerpool's own type declarations do not pass this project's strict compiler
 * settings (`exactOptionalPropertyTypes`, no `skipLibCheck`), so they are imported by a computed
 * name and used through the little of their API this file needs.
 */
interface PiscinaPool {
  run(task: unknown): Promise<unknown>;
  destroy(): Promise<void>;
}
interface WorkerPool {
  exec(method: string, params: unknown[]): PromiseLike<unknown>;
  terminate(): PromiseLike<unknown>;
}
type PiscinaClass = new (options: { filename: string; minThreads: number; maxThreads: number }) => PiscinaPool;
type WorkerpoolModule = {
  pool(script: string, options: { minWorkers: number; maxWorkers: number; workerType: 'thread' }): WorkerPool;
};
const importByName = (name: string): Promise<{ default: unknown }> => import(name) as Promise<{ default: unknown }>;
const { Piscina } = (await importByName('piscina')) as unknown as { Piscina: PiscinaClass };
const workerpool = (await importByName('workerpool')).default as WorkerpoolModule;
const worker = (name: string): URL => new URL(`./workers/${name}`, import.meta.url);

interface Runner {
  /** One empty task, resolved when its result is back on the main thread. */
  task(): PromiseLike<unknown>;
  close(): Promise<unknown>;
}

export interface DispatchPlan {
  /** Samples per figure (the median is reported). */
  samples: number;
  /** Tasks per sample at 1 in flight. */
  sequential: number;
  log: (line: string) => void;
}

async function sequentialUs(runner: Runner, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await runner.task();
  return ((performance.now() - started) * 1000) / n;
}

async function concurrentUs(runner: Runner, n: number): Promise<number> {
  const started = performance.now();
  const pending: PromiseLike<unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = runner.task();
  await Promise.all(pending);
  return ((performance.now() - started) * 1000) / n;
}

/** Warms up, then takes `samples` samples of each figure, alternating the two. */
async function measure(runner: Runner, plan: DispatchPlan): Promise<{ one: number[]; thousand: number[] }> {
  for (let w = 0; w < 3; w++) {
    await concurrentUs(runner, 1000);
    await sequentialUs(runner, Math.min(200, plan.sequential));
  }
  const one: number[] = [];
  const thousand: number[] = [];
  for (let s = 0; s < plan.samples; s++) {
    thousand.push(await concurrentUs(runner, 1000));
    one.push(await sequentialUs(runner, plan.sequential));
  }
  return { one, thousand };
}

function nativeRunner(): Runner {
  configure({ threads: THREADS });
  return { task: () => kernels.spin(0, { backend: 'native' }), close: async () => {} };
}

function tinypoolRunner(): Runner {
  const pool = new Tinypool({ filename: worker('noop.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  return { task: () => pool.run(0), close: () => pool.destroy() };
}

function piscinaRunner(): Runner {
  const pool = new Piscina({ filename: worker('noop.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  return { task: () => pool.run(0), close: () => pool.destroy() };
}

function workerpoolRunner(): Runner {
  const pool = workerpool.pool(worker('noop-workerpool.mjs').pathname, {
    minWorkers: THREADS,
    maxWorkers: THREADS,
    workerType: 'thread',
  });
  return { task: () => pool.exec('noop', [0]), close: async () => pool.terminate() };
}

/** Raw worker_threads: round-robin postMessage to 2 echo workers, replies matched in order. */
function workerThreadsRunner(): Runner {
  const workers = Array.from({ length: THREADS }, () => {
    const w = new Worker(worker('echo.mjs'));
    const waiting: Array<(value: unknown) => void> = [];
    w.on('message', (message: unknown) => waiting.shift()?.(message));
    return { w, waiting };
  });
  let next = 0;
  return {
    task: () =>
      new Promise((resolve) => {
        const target = workers[next++ % workers.length] as (typeof workers)[number];
        target.waiting.push(resolve);
        target.w.postMessage(0);
      }),
    close: () => Promise.all(workers.map(({ w }) => w.terminate())),
  };
}

const RUNNERS: Array<[PoolName, () => Runner]> = [
  ['native', nativeRunner],
  ['tinypool', tinypoolRunner],
  ['piscina', piscinaRunner],
  ['workerpool', workerpoolRunner],
  ['worker_threads', workerThreadsRunner],
];

export async function benchDispatch(plan: DispatchPlan): Promise<DispatchResult[]> {
  const out: DispatchResult[] = [];
  for (const [pool, make] of RUNNERS) {
    const runner = make();
    try {
      const { one, thousand } = await measure(runner, plan);
      out.push({ pool, inFlight: 1, usPerTask: round(median(one), 2), samplesUs: one.map((v) => round(v, 2)) });
      out.push({
        pool,
        inFlight: 1000,
        usPerTask: round(median(thousand), 2),
        samplesUs: thousand.map((v) => round(v, 2)),
      });
      plan.log(
        `dispatch ${pool}: ${median(one).toFixed(1)} µs/task at 1 in flight, ${median(thousand).toFixed(1)} at 1000`,
      );
    } finally {
      await runner.close();
    }
  }
  return out;
}

/**
 * The native round trip one layer down: the napi binding called directly (a `CancelHandle` per
 * call, as spindle makes one; and one shared handle), against the public `kernels.spin(0)`.
 */
export async function benchNativeLayers(plan: DispatchPlan): Promise<DispatchLayer[]> {
  const binding = createRequire(import.meta.url)('../binding/index.cjs') as NativeBinding;
  configure({ threads: THREADS });
  const shared = new binding.CancelHandle();
  const layers: Array<[string, Runner]> = [
    ['kernels.spin(0) (public API)', nativeRunner()],
    [
      'binding.spin(0, new CancelHandle())',
      { task: () => binding.spin(0, new binding.CancelHandle()) as Promise<number>, close: async () => {} },
    ],
    [
      'binding.spin(0, sharedHandle)',
      { task: () => binding.spin(0, shared) as Promise<number>, close: async () => {} },
    ],
  ];
  const out: DispatchLayer[] = [];
  for (const [layer, runner] of layers) {
    const { one, thousand } = await measure(runner, plan);
    out.push({ layer, inFlight: 1, usPerTask: round(median(one), 2) });
    out.push({ layer, inFlight: 1000, usPerTask: round(median(thousand), 2) });
    plan.log(`native layer ${layer}: ${median(one).toFixed(1)} µs/task at 1, ${median(thousand).toFixed(1)} at 1000`);
  }
  return out;
}
