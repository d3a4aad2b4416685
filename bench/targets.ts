/** The targets (ratios within one run), checked against a run's figures. */
import { kernelLabel } from './report/format.js';
import { median } from './stats.js';
import type { ColdStart, DispatchResult, KernelResult, ModeName, TargetCheck } from './types.js';

/** native-1 over js-main, per kernel (sha256's baseline is node:crypto on the main thread). */
const NATIVE_OVER_JS: Record<string, number> = {
  spin: 0.95,
  countPrimes: 1.3,
  mandelbrot: 1.1,
  matmul: 8,
  sortFloat64: 3,
  sha256: 0.8,
  ela: 3,
};

/** The sanity bound: native spin far above ~1.5× its twin suggests a deleted loop. */
export const SPIN_PLAUSIBLE_MAX = 1.5;

/** Below this many ns per iteration no sequential loop runs: the run fails (loop deleted). */
export const SPIN_MIN_NS = 0.05;

/**
 * How much faster mode `a` is than mode `b`: the median, over the timed rounds, of `b`'s batch
 * time over `a`'s in the same round. Pairing by round cancels the slow drifts of a shared VM
 * (another tenant busy for a few seconds), which a ratio of two medians lets land on one mode
 * and not the other. Without paired samples: the ratio of the medians.
 */
export function speedup(kernel: KernelResult, a: ModeName, b: ModeName): number {
  const ta = kernel.modes[a].samplesMs;
  const tb = kernel.modes[b].samplesMs;
  if (ta.length > 0 && ta.length === tb.length) return median(ta.map((t, i) => (tb[i] as number) / t));
  return kernel.modes[b].medianMs / kernel.modes[a].medianMs;
}

function check(what: string, measured: number, unit: TargetCheck['unit'], op: TargetCheck['op'], goal: number): TargetCheck {
  const met = op === '>=' ? measured >= goal : measured <= goal;
  const t: TargetCheck = { what, measured, unit, op, goal, met };
  if (!met && Number.isFinite(measured)) {
    t.miss = op === '>=' ? `${(measured / goal).toFixed(2)} of the goal` : `${(measured / goal).toFixed(1)}× the goal`;
  }
  return t;
}

export function evaluateTargets(kernels: KernelResult[], dispatch: DispatchResult[], cold: ColdStart | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const k of kernels) {
    const goal = NATIVE_OVER_JS[k.name];
    if (goal !== undefined) out.push(check(`${kernelLabel(k)}: native-1 over js-main`, speedup(k, 'native-1', 'js-main'), '×', '>=', goal));
  }
  const spin = kernels.find((k) => k.name === 'spin');
  if (spin) {
    out.push(check('spin: native-1 over js-main, sanity bound (~1.5)', speedup(spin, 'native-1', 'js-main'), '×', '<=', SPIN_PLAUSIBLE_MAX));
  }
  for (const k of kernels) out.push(check(`${kernelLabel(k)}: native-2 over native-1`, speedup(k, 'native-2', 'native-1'), '×', '>=', 1.85));
  for (const k of kernels) out.push(check(`${kernelLabel(k)}: tinypool-2 over js-main`, speedup(k, 'tinypool-2', 'js-main'), '×', '>=', 1.7));
  for (const k of kernels) out.push(check(`${kernelLabel(k)}: event-loop p99 while native-2 runs`, k.modes['native-2'].eventLoopP99Ms, 'ms', '<=', 5));
  const us = (pool: string, inFlight: number): number | undefined =>
    dispatch.find((d) => d.pool === pool && d.inFlight === inFlight)?.usPerTask;
  const n1000 = us('native', 1000);
  const t1000 = us('tinypool', 1000);
  const n1 = us('native', 1);
  if (n1000 !== undefined) out.push(check('dispatch, 1000 in flight: native', n1000, 'µs', '<=', 5));
  if (n1000 !== undefined && t1000 !== undefined) {
    out.push(check('dispatch, 1000 in flight: native over Tinypool', t1000 / n1000, '×', '>=', 8));
  }
  if (n1 !== undefined) out.push(check('dispatch, 1 in flight: native', n1, 'µs', '<=', 25));
  if (cold) out.push(check('cold start: import → first native result', cold.native, 'ms', '<=', 5));
  return out;
}
