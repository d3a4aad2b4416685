/** `results.md`: a table per section, with the ratios next to the times and the machine line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { speedup } from '../targets.js';
import { type KernelResult, MODES, type Results } from '../types.js';
import { kernelCell, mb, ms, num, ratio, us } from './format.js';
import { machineLine } from './machine-line.js';

function table(head: string[], rows: string[][], align?: string[]): string {
  const sep = align ?? head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function timeCell(k: KernelResult, mode: (typeof MODES)[number]): string {
  const m = k.modes[mode];
  return `${ms(m.medianMs)} (${ms(m.minMs)}–${ms(m.maxMs)})`;
}

/** The kernels table: times and the three ratios. Also used for the README. */
export function kernelsTable(r: Results): string {
  return table(
    ['kernel', 'one call', ...MODES, 'native-1 ÷ JS', 'native-2 ÷ native-1', 'tinypool-2 ÷ JS', 'checksums'],
    r.kernels.map((k) => [
      kernelCell(k),
      k.size,
      ...MODES.map((m) => timeCell(k, m)),
      ratio(speedup(k, 'native-1', 'js-main')),
      ratio(speedup(k, 'native-2', 'native-1')),
      ratio(speedup(k, 'tinypool-2', 'js-main')),
      k.checksumsMatch ? 'match' : '**MISMATCH**',
    ]),
    ['---', '---', ...MODES.map(() => '---:'), '---:', '---:', '---:', '---'],
  );
}

export function dispatchTable(r: Results): string {
  const get = (pool: string, inFlight: number): number | undefined =>
    r.dispatch.find((d) => d.pool === pool && d.inFlight === inFlight)?.usPerTask;
  const n1 = get('native', 1);
  const n1000 = get('native', 1000);
  const pools = [...new Set(r.dispatch.map((d) => d.pool))];
  return table(
    [
      'pool (2 threads)',
      'µs/task, 1 in flight',
      'µs/task, 1000 in flight',
      "native's speed-up over it, 1 in flight",
      '… 1000 in flight',
    ],
    pools.map((pool) => {
      const one = get(pool, 1);
      const thousand = get(pool, 1000);
      return [
        pool === 'native' ? 'spindle native (`kernels.spin(0)`)' : pool,
        us(one),
        us(thousand),
        pool === 'native' || one === undefined || n1 === undefined ? '' : ratio(one / n1),
        pool === 'native' || thousand === undefined || n1000 === undefined ? '' : ratio(thousand / n1000),
      ];
    }),
  );
}

export function coldTable(r: Results): string {
  const c = r.coldStartMs;
  return table(
    ['from → to (fresh `node` process)', 'ms (median)'],
    [
      ["`import('spindle')` → first native result (`kernels.spin(1)`)", ms(c.native)],
      ['↳ of which the import', ms(c.nativeImport)],
      ['↳ of which the first call (binding load, pool start)', ms(c.nativeFirstCall)],
      ['floor: `import()` of an empty ES module file', ms(c.floorImport)],
      ["floor: loading spindle's `.node` file alone (no JavaScript of spindle's)", ms(c.floorDlopen)],
      ['`new Tinypool()` → first result of an empty task', ms(c.tinypool)],
      ["`import('spindle')` → first result on the js backend (Tinypool)", ms(c.spindleJs)],
      ['spindle `Process` (function target): `start()` → `join()` resolved', ms(c.process)],
      ['plain `child_process.fork` of an empty script → its first message', ms(c.forkMessage)],
      ['plain `child_process.fork` of an empty script → its exit', ms(c.forkExit)],
    ],
  );
}

function eventLoopTable(r: Results): string {
  return table(
    ['kernel', ...MODES],
    r.kernels.map((k) => [
      kernelCell(k),
      ...MODES.map((m) => `${ms(k.modes[m].eventLoopP99Ms)} (max ${ms(k.modes[m].eventLoopMaxMs)})`),
    ]),
  );
}

function memoryTable(r: Results): string {
  return table(
    ['kernel', ...MODES],
    r.kernels.map((k) => [
      kernelCell(k),
      ...MODES.map((m) => `${mb(k.modes[m].rssMb)} (+${mb(k.modes[m].rssGrowthMb)})`),
    ]),
  );
}

export function targetsTable(r: Results): string {
  return table(
    ['target', 'goal', 'measured', ''],
    r.targets.map((t) => {
      const unit = t.unit === '×' ? '×' : ` ${t.unit}`;
      const fmt = (v: number): string =>
        t.unit === '×' ? ratio(v) : `${t.unit === 'µs' ? us(v) : t.unit === 'ms' ? ms(v) : num(v)}${unit}`;
      return [
        t.what,
        `${t.op === '>=' ? '≥' : '≤'} ${fmt(t.goal)}`,
        fmt(t.measured),
        t.met ? 'met' : `**missed** (${t.miss ?? ''})`,
      ];
    }),
    ['---', '---:', '---:', '---'],
  );
}

/** The references section: every figure, by kernel, with its note when not measured. */
export function referencesTable(r: Results): string {
  const refs = r.references;
  if (!refs) return '';
  return table(
    ['kernel', 'who', 'median', 'best round', 'unit'],
    refs.figures.map((f) => [
      `\`${f.kernel}\``,
      f.label,
      f.value === null ? `— (${f.note ?? 'not measured'})` : num(f.value),
      f.min === undefined ? '' : num(f.min),
      f.unit,
    ]),
    ['---', '---', '---:', '---:', '---'],
  );
}

/**
 * What stands between some goals and this machine, from the run's own figures: the exact
 * matmul's 40 GFLOP/s against the core's measured mul + add peak (no exact kernel can pass it),
 * sha256's 1.45 GB/s from memory against the hash's speed in cache, and the cold start's 5 ms
 * against what an empty ES module's import and the addon's bare load already cost.
 */
export function limitsNote(r: Results): string {
  const lines: string[] = [];
  const figure = (kernel: string, label: string): number | undefined => {
    const v = r.references?.figures.find((f) => f.kernel === kernel && f.label.startsWith(label))?.value;
    return v === null || v === undefined ? undefined : v;
  };
  const peak = figure('matmul', 'vector peak of one core, mul + add');
  const exact = figure('matmul', "spindle native, 'exact'");
  if (peak !== undefined && exact !== undefined)
    lines.push(
      `- matmul 'exact' ran at ${num(exact)} GFLOP/s through the public call (its inputs copied, its output ` +
        `allocated), ${Math.round((100 * exact) / peak)}% of this core's measured ` +
        `mul + add peak of ${num(peak)} GFLOP/s (a rounded multiply and a rounded add per lane, the most any ` +
        `bit-identical kernel can do); the 40 GFLOP/s goal ${peak >= 40 ? 'is under' : 'is above'} that peak here.`,
    );
  const inCache = figure('sha256', 'node:crypto, in cache');
  const fromMemory = figure('sha256', 'spindle native, from memory');
  if (inCache !== undefined && fromMemory !== undefined)
    lines.push(
      `- sha256 hashed ${num(fromMemory)} GB/s from memory; node:crypto hashes ${num(inCache)} GB/s from a 32 KiB ` +
        `buffer that never leaves the cache (OpenSSL's SHA-NI code with no memory in the way): ` +
        `the 1.45 GB/s goal ${inCache >= 1.45 ? 'is under' : 'is above'} that here.`,
    );
  const c = r.coldStartMs;
  if (Number.isFinite(c.floorImport) && Number.isFinite(c.floorDlopen)) {
    const floor = c.floorImport + c.floorDlopen;
    const left =
      floor < 5
        ? `leave ${ms(5 - floor)} ms of the 5 ms goal for spindle's own modules`
        : 'already take the whole 5 ms goal';
    lines.push(
      `- cold start: an empty ES module's import (${ms(c.floorImport)} ms) and the addon's bare load ` +
        `(${ms(c.floorDlopen)} ms) ${left}; spindle's import took ${ms(c.nativeImport)} ms.`,
    );
  }
  return lines.length > 0 ? `\nWhat stands in the way, measured in this run:\n\n${lines.join('\n')}\n` : '';
}

export function writeMarkdown(dir: string, r: Results, rssMethod: string): string {
  const s = r.settings;
  const layers = r.dispatchLayers.length
    ? `\n\nThe native round trip one layer down — the napi binding called directly, measured back to back with the public call (so its figures differ a little from the table above):\n\n${table(
        ['call', 'µs/task, 1 in flight', 'µs/task, 1000 in flight'],
        [...new Set(r.dispatchLayers.map((l) => l.layer))].map((layer) => [
          `\`${layer}\``,
          us(r.dispatchLayers.find((l) => l.layer === layer && l.inFlight === 1)?.usPerTask),
          us(r.dispatchLayers.find((l) => l.layer === layer && l.inFlight === 1000)?.usPerTask),
        ]),
      )}`
    : '';
  const warnings = [...r.machine.notes, ...r.warnings];
  const text = `# spindle benchmark${s.quick ? ' (quick run: tiny sizes, timings meaningless)' : ''}

${machineLine(r)}. ${s.warmups} warm-up and ${s.reps} timed rounds per kernel, modes interleaved; ${s.totalSeconds.toFixed(0)} s in all.
Reproduce with \`npm run bench\` (see README, "Benchmark").
${warnings.length ? `\n${warnings.map((w) => `> ⚠ ${w}`).join('\n')}\n` : ''}
## Kernels

Median wall time of one batch of ${s.batch} independent calls, in ms (min–max over the timed rounds).
\`js-main\`: the TypeScript twin called ${s.batch}× on the main thread; \`tinypool-N\`: spindle's js backend
(the twins on Tinypool workers) with N threads; \`native-N\`: spindle's native pool with N threads.
Ratios are speed-ups, paired by round: in every timed round, one mode's batch time over the
other's, then the median of those (the 1- and 2-thread modes run back to back, so a slow spell
of the shared VM hits both). \`sha256\`'s js-main is \`node:crypto\`.
\`sha256\` runs twice: on bytes in a \`SharedArrayBuffer\`, which both backends read in place, and on
bytes in an ordinary \`ArrayBuffer\`, which spindle copies on the main thread before each call (a
transfer or detach could free that memory under a running job; shared memory cannot go away).
Checksums: every result of every mode is hashed. The twin's runs (js-main, tinypool-N) must all
give the same bits, the native runs likewise, and twin and native must agree — exactly, or for
\`ela\` (other codecs) within the tolerance \`kernels.ela\` documents: same size, max within 12,
mean within ×3. A mismatch fails the run, and so does a \`spin\` faster than 0.05 ns per iteration
(a deleted loop, which no checksum of its result could show).

${kernelsTable(r)}
${
  r.spinNsPerIteration
    ? `\n\`spin\` per iteration: twin ${r.spinNsPerIteration.twin} ns, native ${r.spinNsPerIteration.native} ns. Both run the same loop — every step folds its counter into a 32-bit multiply-add hash, a dependency chain that neither optimiser may shorten — so this ratio is loop overhead against loop overhead, and near 1 is the honest answer.\n`
    : ''
}
### Event-loop lateness (ms)

p99 of \`monitorEventLoopDelay\` (1 ms resolution, minus that 1 ms), a fresh histogram per batch:
the median over the batches, and the worst single delay seen.

${eventLoopTable(r)}

### Peak RSS (MB)

Peak resident set size of the whole process while the mode's batches ran (${rssMethod}), and in
brackets the most one batch raised it. Tinypool's workers and spindle's pool live in the same
process for the whole run, so the peaks share a baseline; the growth is what a batch costs.

${memoryTable(r)}

## Dispatch

Round trip of an empty task, in µs per task: 1 in flight (each awaited before the next) and 1000
in flight (1000 started, then all awaited), median of ${s.quick ? 'a few' : 'several'} samples. Every pool has 2 threads.

${dispatchTable(r)}${layers}

## Cold start

${coldTable(r)}

${
  r.references
    ? `## Against the best available (one thread)

spindle's native kernels on one thread (CPU path \`${r.references.cpu}\`), next to what a user could pick
instead, on the same inputs; medians of the rounds. spindle's calls and node:crypto's are interleaved
round by round; the references outside this process (rdst, the vector peak, primesieve, numpy, Pillow) run right
after them, for as many rounds, so a shift of the machine's speed in between shows in their
ratios. Rows marked —
need a package this machine lacks (\`apt-get install primesieve-bin\`, \`pip install numpy pillow
threadpoolctl\`); the project's own references (node:crypto, rdst, the vector peak) always run.

${referencesTable(r)}

`
    : ''
}## Targets (issues 8 and 13)

${targetsTable(r)}
${limitsNote(r)}`;
  const path = join(dir, 'results.md');
  writeFileSync(path, text);
  return path;
}
