/**
 * `npm run bench`: spindle's benchmark — the kernels in every mode, dispatch, cold start — in one
 * process run, written to results.json, results.md and results.svg.
 *
 *   npm run bench                    the full run (≈ 2–3 min on 2 cores); writes bench/results.*
 *   npm run bench -- --quick         tiny sizes, seconds; checks the checksums, not the timings;
 *                                    writes to bench/.scratch/quick/ unless --out is given
 *   npm run bench -- --out DIR       write the results elsewhere
 *   npm run bench -- --sections kernels,refs,dispatch,cold --kernels spin,ela   a part only
 *
 * Exits non-zero when any mode's results disagree (a checksum mismatch) or anything fails.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backend, shutdown, kernels as spindleKernels } from 'spindle';
import { BENCH_DIR, parseOptions, SECTIONS } from './cli.js';
import { benchColdStart } from './cold-start.js';
import { benchDispatch, benchNativeLayers } from './dispatch.js';
import { benchKernel } from './kernel-bench.js';
import { currentLoad, machineInfo } from './machine.js';
import { rssMethod } from './monitor.js';
import { benchReferences } from './references.js';
import { writeJson } from './report/json.js';
import { writeMarkdown } from './report/markdown.js';
import { writeSvg } from './report/svg.js';
import { round } from './stats.js';
import { evaluateReferenceTargets, evaluateTargets, SPIN_MIN_NS, SPIN_PLAUSIBLE_MAX, speedup } from './targets.js';
import type { ColdStart, DispatchLayer, DispatchResult, KernelResult, References, Results } from './types.js';
import { FULL_SIZES, QUICK_SIZES, workloads } from './workloads.js';

const EMPTY_COLD: ColdStart = {
  native: Number.NaN,
  tinypool: Number.NaN,
  spindleJs: Number.NaN,
  nativeImport: Number.NaN,
  nativeFirstCall: Number.NaN,
  process: Number.NaN,
  forkMessage: Number.NaN,
  forkExit: Number.NaN,
  floorImport: Number.NaN,
  floorDlopen: Number.NaN,
  samples: {},
};

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const partial = options.sections.size < SECTIONS.length || options.kernels !== undefined;
  let out = options.out;
  // The committed figures in bench/ come from full runs only.
  if (resolve(out) === resolve(BENCH_DIR) && (options.quick || partial)) {
    out = join(BENCH_DIR, '.scratch', options.quick ? 'quick' : 'partial');
  }
  mkdirSync(out, { recursive: true });

  const log = (line: string): void => console.log(line);
  const started = performance.now();
  const machine = machineInfo();
  // Every mode names its backend per call; the native one has to load (this rejects if not).
  await spindleKernels.spin(0, { backend: 'native' });
  const cpuPath = backend().cpu;
  if (cpuPath !== undefined) machine.cpuPath = cpuPath;
  const plan = options.quick ? { warmups: 0, reps: 1, log } : { warmups: 2, reps: 11, log };
  log(
    `spindle bench${options.quick ? ' --quick' : ''}: ${machine.cpus} × ${machine.cpuModel} (${cpuPath ?? 'js'}), Node ${machine.node}, load ${machine.loadAvg.start.toFixed(2)}`,
  );
  for (const note of machine.notes) log(`note: ${note}`);

  const kernels: KernelResult[] = [];
  const all = workloads(options.quick ? QUICK_SIZES : FULL_SIZES);
  const unknown = [...(options.kernels ?? [])].filter((name) => !all.some((w) => w.name === name));
  if (unknown.length)
    throw new Error(`unknown kernel(s): ${unknown.join(', ')} (known: ${all.map((w) => w.name).join(', ')})`);
  if (options.sections.has('kernels')) {
    for (const lazy of all) {
      if (options.kernels && !options.kernels.has(lazy.name)) continue;
      kernels.push(await benchKernel(lazy, plan));
    }
    // Releases Tinypool's workers and the native pool before the next sections.
    await shutdown();
  }

  let references: References | undefined;
  if (options.sections.has('refs')) {
    references = await benchReferences(options.quick ? QUICK_SIZES : FULL_SIZES, {
      rounds: options.quick ? 1 : 11,
      scratch: join(BENCH_DIR, '.scratch', 'refs'),
      log,
    });
    await shutdown();
  }

  let dispatch: DispatchResult[] = [];
  let dispatchLayers: DispatchLayer[] = [];
  if (options.sections.has('dispatch')) {
    const dplan = options.quick ? { samples: 1, sequential: 50, log } : { samples: 7, sequential: 1000, log };
    dispatch = await benchDispatch(dplan);
    dispatchLayers = await benchNativeLayers(dplan);
    await shutdown();
  }

  let coldStartMs = EMPTY_COLD;
  if (options.sections.has('cold')) coldStartMs = await benchColdStart({ reps: options.quick ? 1 : 7, log });

  machine.loadAvg.end = currentLoad();
  const warnings: string[] = [];
  const failures: string[] = [];
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const spin = kernels.find((k) => k.name === 'spin');
  const spinNsPerIteration = spin
    ? {
        twin: round((spin.modes['js-main'].medianMs * 1e6) / (2 * sizes.spin), 3),
        native: round((spin.modes['native-1'].medianMs * 1e6) / (2 * sizes.spin), 3),
      }
    : undefined;
  if (spin && spinNsPerIteration) {
    // No sequential loop step takes under 0.05 ns (20 billion a second): faster means the
    // optimiser deleted the loop, which no checksum of `spin`'s result can show.
    for (const [which, ns] of Object.entries(spinNsPerIteration)) {
      if (ns < SPIN_MIN_NS) failures.push(`spin (${which}) ran ${ns} ns per iteration: the loop was optimised away`);
    }
    const ratio = speedup(spin, 'native-1', 'js-main');
    if (!options.quick && ratio > SPIN_PLAUSIBLE_MAX) {
      warnings.push(
        `native spin is ${ratio.toFixed(2)}× its twin (${spinNsPerIteration.native} vs ${spinNsPerIteration.twin} ns per ` +
          'iteration), although both run the same multiply-add chain: the optimiser regrouped or shortened the native loop',
      );
    }
  }
  if (options.quick) warnings.push('quick run: tiny sizes and one round; the timings mean nothing, the checksums do');
  // The load at the end includes this run's own threads (up to 2); only the start tells.
  if (machine.loadAvg.start > 1.5) {
    warnings.push(
      `the machine was busy when the run started (load average ${machine.loadAvg.start.toFixed(2)}): ratios involving 2 threads suffer first`,
    );
  }
  const checksumsMatch = kernels.every((k) => k.checksumsMatch);
  for (const f of failures) warnings.push(`FAILED: ${f}`);
  const results: Results = {
    machine,
    settings: {
      quick: options.quick,
      warmups: plan.warmups,
      reps: plan.reps,
      batch: 2,
      totalSeconds: round((performance.now() - started) / 1000, 1),
    },
    kernels,
    dispatch,
    dispatchLayers,
    coldStartMs,
    checksumsMatch,
    spinNsPerIteration,
    ...(references ? { references } : {}),
    targets: [
      ...evaluateTargets(kernels, dispatch, options.sections.has('cold') ? coldStartMs : undefined),
      ...(references ? evaluateReferenceTargets(references) : []),
    ],
    warnings,
  };
  const files = [writeJson(out, results), writeMarkdown(out, results, rssMethod), writeSvg(out, results)];
  log(`wrote ${files.join(', ')} (${results.settings.totalSeconds} s)`);
  const missed = results.targets.filter((t) => !t.met);
  if (!options.quick) log(`targets: ${results.targets.length - missed.length} of ${results.targets.length} met`);
  for (const w of warnings) log(`warning: ${w}`);
  if (!checksumsMatch) {
    log('FAIL: checksums differ between modes:');
    for (const k of kernels) for (const m of k.mismatches) log(`  ${k.name}: ${m}`);
  }
  for (const f of failures) log(`FAIL: ${f}`);
  return checksumsMatch && failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
