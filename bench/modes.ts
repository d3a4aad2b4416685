/**
 * The five ways a kernel runs, each timing the same batch of 2 independent calls:
 *
 * - `js-main`: the TypeScript twin, called twice on the main thread (the baseline);
 * - `tinypool-1`, `tinypool-2`: spindle's js backend (the twins on Tinypool workers), 1 and 2
 *   threads (`configure({ threads })` bounds the calls running at once);
 * - `native-1`, `native-2`: spindle's native pool with 1 and 2 threads.
 */
import { configure, kernels } from 'spindle';
import type { ModeName } from './types.js';
import type { Backend, Workload } from './workloads.js';

export const BATCH = 2;

export interface Mode {
  name: ModeName;
  /** Which implementation computes the results: the twin, or the Rust kernel. */
  family: 'twin' | 'native';
  /** Runs one batch; resolves to its wall time and its results. */
  batch(workload: Workload): Promise<{ ms: number; results: unknown[] }>;
}

function onMainThread(): Mode {
  return {
    name: 'js-main',
    family: 'twin',
    async batch(workload) {
      const results: unknown[] = [];
      const started = performance.now();
      for (let i = 0; i < BATCH; i++) results.push(workload.twin());
      return { ms: performance.now() - started, results };
    },
  };
}

function onBackend(name: ModeName, backend: Backend, threads: number): Mode {
  return {
    name,
    family: backend === 'native' ? 'native' : 'twin',
    async batch(workload) {
      // Applies to the next call. A native pool of another size retires and the next job
      // starts a new one: that job is this untimed empty one, not the batch.
      configure({ threads });
      if (backend === 'native') await kernels.spin(0, { backend });
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: BATCH }, () => workload.kernel(backend)));
      return { ms: performance.now() - started, results };
    },
  };
}

export const MODE_LIST: readonly Mode[] = [
  onMainThread(),
  onBackend('tinypool-1', 'js', 1),
  onBackend('tinypool-2', 'js', 2),
  onBackend('native-1', 'native', 1),
  onBackend('native-2', 'native', 2),
];
