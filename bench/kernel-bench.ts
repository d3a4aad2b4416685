/**
 * One kernel through every mode: warm-up rounds, then timed rounds with the modes interleaved
 * (their order rotates every round, so no mode always follows the same one), each batch under
 * the event-loop and RSS monitors, every result checksummed and compared.
 */

import { MODE_LIST, type Mode } from './modes.js';
import { type BatchMeasure, monitored, settle } from './monitor.js';
import { max, median, min, round } from './stats.js';
import { type KernelResult, MODES, type ModeName, type ModeResult } from './types.js';
import type { LazyWorkload } from './workloads.js';

export interface Plan {
  warmups: number;
  reps: number;
  log: (line: string) => void;
}

/**
 * Modes in round `r`. The groups (the main thread, the two Tinypool modes, the two native ones)
 * rotate every round and the pairs swap order every other round, so no mode always follows the
 * same one, while the 1- and 2-thread runs compared by `speedup` stay back to back.
 */
function rotation(r: number): Mode[] {
  const groups = [['js-main'], ['tinypool-1', 'tinypool-2'], ['native-1', 'native-2']];
  const k = r % groups.length;
  const order = [...groups.slice(k), ...groups.slice(0, k)].flatMap((g) => (r % 2 === 1 ? [...g].reverse() : g));
  return order.map((name) => {
    const mode = MODE_LIST.find((m) => m.name === name);
    if (!mode) throw new Error(`no mode ${name}`);
    return mode;
  });
}

export async function benchKernel(lazy: LazyWorkload, plan: Plan): Promise<KernelResult> {
  const workload = lazy.make();
  const times = new Map<ModeName, number[]>(MODES.map((m) => [m, []]));
  const measures = new Map<ModeName, BatchMeasure[]>(MODES.map((m) => [m, []]));
  /** The first digest seen per implementation, and one result of each for the cross check. */
  const reference = new Map<'twin' | 'native', { digest: string; mode: ModeName; result: unknown }>();
  const mismatches: string[] = [];

  const check = (mode: Mode, results: unknown[], round: string): void => {
    for (const [i, result] of results.entries()) {
      const digest = workload.digest(result);
      const ref = reference.get(mode.family);
      if (!ref) reference.set(mode.family, { digest, mode: mode.name, result });
      else if (ref.digest !== digest && mismatches.length < 10) {
        mismatches.push(`${mode.name} (${round}, call ${i + 1}): ${digest} ≠ ${ref.mode}: ${ref.digest}`);
      }
    }
  };

  const started = performance.now();
  for (let r = 0; r < plan.warmups + plan.reps; r++) {
    const timed = r >= plan.warmups;
    const round = timed ? `round ${r - plan.warmups + 1}` : `warm-up ${r + 1}`;
    for (const mode of rotation(r)) {
      await settle();
      const { value, measure } = await monitored(() => mode.batch(workload));
      check(mode, value.results, round);
      if (timed) {
        times.get(mode.name)?.push(value.ms);
        measures.get(mode.name)?.push(measure);
      }
    }
  }

  const twin = reference.get('twin');
  const native = reference.get('native');
  if (twin && native) {
    const disagreement = workload.agree(twin.result, native.result);
    if (disagreement) mismatches.push(`twin vs native: ${disagreement}`);
  }

  const modes = {} as Record<ModeName, ModeResult>;
  for (const name of MODES) {
    const samples = times.get(name) ?? [];
    const m = measures.get(name) ?? [];
    modes[name] = {
      medianMs: round(median(samples)),
      minMs: round(min(samples)),
      maxMs: round(max(samples)),
      samplesMs: samples.map((v) => round(v)),
      eventLoopP99Ms: round(median(m.map((x) => x.eventLoopP99Ms))),
      eventLoopMaxMs: round(max(m.map((x) => x.eventLoopMaxMs))),
      rssMb: round(max(m.map((x) => x.rssPeakMb)), 1),
      rssGrowthMb: round(max(m.map((x) => x.rssGrowthMb)), 1),
    };
  }
  const result: KernelResult = {
    name: workload.name,
    ...(workload.variant === undefined ? {} : { variant: workload.variant }),
    size: workload.size,
    checksumsMatch: mismatches.length === 0,
    checksum: twin?.digest ?? native?.digest ?? '',
    mismatches,
    modes,
  };
  const line = MODES.map((m) => `${m} ${modes[m].medianMs.toFixed(1)}`).join(', ');
  plan.log(
    `${workload.name}${workload.variant ? ` [${workload.variant}]` : ''} (${workload.size}): ${line} ms per batch — checksums ${result.checksumsMatch ? 'match' : 'MISMATCH'} ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const m of mismatches) plan.log(`  mismatch: ${m}`);
  return result;
}
