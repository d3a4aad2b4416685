/**
 * What a batch does to the process besides taking time: event-loop lateness (a fresh
 * `monitorEventLoopDelay` histogram per batch, since a re-enabled one records the gap while it
 * was off) and peak RSS (Linux: the kernel's own high-water mark, reset before the batch through
 * /proc/self/clear_refs, so a blocked main thread cannot miss the peak; elsewhere: sampling).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sleep } from './stats.js';

/** Histogram resolution: the event loop is sampled every millisecond. */
const RESOLUTION_MS = 1;
const MB = 2 ** 20;

/** A full garbage collection, so one mode's garbage is not collected during another's batch. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
})();

/**
 * Before a batch: a full collection, so one mode's garbage is not collected during another's
 * batch. (A pause after it, for V8's background sweeping, made no measurable difference here.)
 */
export async function settle(): Promise<void> {
  collectGarbage();
}

function readHighWaterMb(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the kernel's peak-RSS counter can be reset here (Linux ≥ 4.0 allows it for itself). */
const resettableHighWater: boolean = (() => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return readHighWaterMb() !== undefined;
  } catch {
    return false;
  }
})();

export const rssMethod = resettableHighWater
  ? "the kernel's VmHWM, reset before each batch"
  : 'process.memoryUsage.rss() sampled every 2 ms';

export interface BatchMeasure {
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssPeakMb: number;
  rssGrowthMb: number;
}

/**
 * Runs `batch` (which returns its own wall time) under the monitors. The event loop gets a few
 * milliseconds before and after the batch, outside its timing: the histogram needs one tick to
 * start, and one after a blocking batch to record the block.
 */
export async function monitored<T>(batch: () => Promise<T>): Promise<{ value: T; measure: BatchMeasure }> {
  const startRss = process.memoryUsage.rss() / MB;
  let sampledPeak = startRss;
  let sampler: NodeJS.Timeout | undefined;
  if (resettableHighWater) writeFileSync('/proc/self/clear_refs', '5');
  else sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss() / MB)), 2);

  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await sleep(2 * RESOLUTION_MS + 1);
  const value = await batch();
  await sleep(2 * RESOLUTION_MS + 1);
  histogram.disable();
  if (sampler) clearInterval(sampler);

  const peak = resettableHighWater
    ? (readHighWaterMb() ?? sampledPeak)
    : Math.max(sampledPeak, process.memoryUsage.rss() / MB);
  const late = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    value,
    measure: {
      eventLoopP99Ms: histogram.count > 0 ? late(histogram.percentile(99)) : 0,
      eventLoopMaxMs: histogram.count > 0 ? late(histogram.max) : 0,
      rssPeakMb: peak,
      rssGrowthMb: Math.max(0, peak - startRss),
    },
  };
}
