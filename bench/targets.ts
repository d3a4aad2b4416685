/** The targets (ratios within one run), checked against a run's figures. */
import { kernelLabel } from './report/format.js';
import { median } from './stats.js';
import type { ColdStart, DispatchResult, KernelResult, ModeName, References, TargetCheck } from './types.js';

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

function check(
  what: string,
  measured: number,
  unit: TargetCheck['unit'],
  op: TargetCheck['op'],
  goal: number,
): TargetCheck {
  const met = op === '>=' ? measured >= goal : measured <= goal;
  const t: TargetCheck = { what, measured, unit, op, goal, met };
  if (!met && Number.isFinite(measured)) {
    t.miss = op === '>=' ? `${(measured / goal).toFixed(2)} of the goal` : `${(measured / goal).toFixed(1)}× the goal`;
  }
  return t;
}

export function evaluateTargets(
  kernels: KernelResult[],
  dispatch: DispatchResult[],
  cold: ColdStart | undefined,
): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const k of kernels) {
    const goal = NATIVE_OVER_JS[k.name];
    if (goal !== undefined)
      out.push(check(`${kernelLabel(k)}: native-1 over js-main`, speedup(k, 'native-1', 'js-main'), '×', '>=', goal));
  }
  const spin = kernels.find((k) => k.name === 'spin');
  if (spin) {
    out.push(
      check(
        'spin: native-1 over js-main, sanity bound (~1.5)',
        speedup(spin, 'native-1', 'js-main'),
        '×',
        '<=',
        SPIN_PLAUSIBLE_MAX,
      ),
    );
  }
  for (const k of kernels)
    out.push(check(`${kernelLabel(k)}: native-2 over native-1`, speedup(k, 'native-2', 'native-1'), '×', '>=', 1.85));
  for (const k of kernels)
    out.push(check(`${kernelLabel(k)}: tinypool-2 over js-main`, speedup(k, 'tinypool-2', 'js-main'), '×', '>=', 1.7));
  for (const k of kernels)
    out.push(
      check(`${kernelLabel(k)}: event-loop p99 while native-2 runs`, k.modes['native-2'].eventLoopP99Ms, 'ms', '<=', 5),
    );
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

/**
 * Issue 13's goals against the references: one thread, ratios of figures taken in the same run.
 * A goal whose reference was not measured here (an optional one not installed) is left out.
 */
export function evaluateReferenceTargets(refs: References): TargetCheck[] {
  const value = (kernel: string, label: string): number | undefined => {
    const v = refs.figures.find((f) => f.kernel === kernel && f.label.startsWith(label))?.value;
    return v === null || v === undefined ? undefined : v;
  };
  const out: TargetCheck[] = [];
  const add = (
    what: string,
    measured: number | undefined,
    unit: TargetCheck['unit'],
    op: TargetCheck['op'],
    goal: number,
  ): void => {
    if (measured !== undefined && Number.isFinite(measured)) out.push(check(what, measured, unit, op, goal));
  };
  const ratioOf = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined ? undefined : a / b;

  add(
    'countPrimes: native ÷ primesieve, 1 thread (time)',
    ratioOf(value('countPrimes', 'spindle native'), value('countPrimes', 'primesieve')),
    '×',
    '<=',
    1.5,
  );
  const mandelGoal = refs.cpu === 'avx512' ? 0.35 : refs.cpu === 'avx2' ? 0.5 : undefined;
  if (mandelGoal !== undefined)
    add(
      `mandelbrot: ns per iteration on ${refs.cpu}, 1 thread`,
      value('mandelbrot', 'spindle native'),
      'ns',
      '<=',
      mandelGoal,
    );
  if (refs.cpu === 'avx512')
    add("matmul 'exact': GFLOP/s on avx512, 1 thread", value('matmul', "spindle native, 'exact'"), 'GFLOP/s', '>=', 40);
  const fastMs = value('matmul', "spindle native, 'fast', time per call");
  add(
    "matmul 'fast': native ÷ numpy's BLAS, 1 thread (time)",
    ratioOf(fastMs, value('matmul', 'numpy')),
    '×',
    '<=',
    1.2,
  );
  add(
    'sortFloat64: native ÷ rdst, 1 thread (time)',
    ratioOf(value('sortFloat64', 'spindle native'), value('sortFloat64', 'rdst')),
    '×',
    '<=',
    1,
  );
  add(
    'sortFloat64: native ÷ numpy np.sort, 1 thread (time)',
    ratioOf(value('sortFloat64', 'spindle native'), value('sortFloat64', 'numpy')),
    '×',
    '<=',
    2,
  );
  add('sha256: GB/s from memory, 1 thread', value('sha256', 'spindle native'), 'GB/s', '>=', 1.45);
  add(
    'sha256: native over node:crypto, from memory (speed)',
    ratioOf(value('sha256', 'spindle native'), value('sha256', 'node:crypto, from memory')),
    '×',
    '>=',
    1,
  );
  add(
    'ela: whole call ÷ Pillow JPEG-only ELA, 1 thread (time)',
    ratioOf(value('ela', 'spindle native'), value('ela', 'Pillow')),
    '×',
    '<=',
    1.6,
  );
  return out;
}
