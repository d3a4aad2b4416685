/**
 * spindle's native kernels against the best implementation a user could pick instead, one
 * thread each, on the same inputs as the kernel rows (issue 13).
 *
 * Always measured (nothing to install beyond the project's own toolchain):
 * - `node:crypto` (OpenSSL, SHA-NI where the CPU has it) from memory and on a cache-sized buffer;
 * - rdst (a radix sort) and the standard library's `sort_unstable_by(total_cmp)`, and the core's
 *   vector FLOP peak per CPU path, from `crates/bench-refs` (built with cargo);
 * - mandelbrot's time per orbit iteration, matmul's GFLOP/s.
 *
 * Measured when the machine has them (see README, "Benchmark"): primesieve's CLI for
 * countPrimes, numpy's sort and BLAS matmul, Pillow's JPEG-only Error Level Analysis.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, configure, kernels } from 'spindle';
import { median, min, round } from './stats.js';
import type { ReferenceFigure, References } from './types.js';
import { bytesOf, ELA_FIXTURE, floatsOf, matrixOf, type Sizes } from './workloads.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ReferencePlan {
  rounds: number;
  scratch: string;
  log: (line: string) => void;
}

/** Times `rounds` calls of each function, interleaved (one of each per round); ms per call. */
async function interleaved(rounds: number, fns: Record<string, () => unknown>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (const fn of Object.values(fns)) await fn(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const started = performance.now();
      await fn();
      out[name]?.push(performance.now() - started);
    }
  }
  return out;
}

function figure(
  kernel: string,
  label: string,
  samples: number[] | undefined,
  unit: ReferenceFigure['unit'],
  note?: string,
): ReferenceFigure {
  const f: ReferenceFigure = { kernel, label, value: samples?.length ? round(median(samples)) : null, unit };
  if (samples?.length) f.min = round(min(samples));
  if (note) f.note = note;
  return f;
}

function missing(kernel: string, label: string, unit: ReferenceFigure['unit'], note: string): ReferenceFigure {
  return { kernel, label, value: null, unit, note };
}

/** `crates/bench-refs`, built once per run; `undefined` (with the reason logged) without cargo. */
function benchRefsBinary(log: (line: string) => void): string | { error: string } {
  const built = spawnSync('cargo', ['build', '--release', '--quiet', '-p', 'spindle-bench-refs'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.error || built.status !== 0) {
    const error = built.error?.message ?? built.stderr.trim().split('\n').slice(-3).join(' ');
    log(`references: cannot build crates/bench-refs (${error})`);
    return { error: `cargo build failed: ${error}` };
  }
  return join(
    ROOT,
    'target',
    'release',
    process.platform === 'win32' ? 'spindle-bench-refs.exe' : 'spindle-bench-refs',
  );
}

function runJson<T>(cmd: string, args: string[], env?: NodeJS.ProcessEnv): T | { error: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: env ?? process.env, maxBuffer: 1 << 20 });
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.status}` };
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return { error: `not JSON: ${r.stdout.slice(0, 200)}` };
  }
}

/** primesieve's own timing of `primesieve LIMIT --count --threads=1 --time`, per round. */
function primesieve(limit: number, rounds: number): number[] | { error: string } {
  const out: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const p = spawnSync('primesieve', [String(limit), '--count=1', '--threads=1', '--time'], { encoding: 'utf8' });
    if (p.error) return { error: 'primesieve is not installed (apt-get install primesieve-bin)' };
    const seconds = /Seconds:\s*([\d.]+)/.exec(p.stdout)?.[1];
    if (p.status !== 0 || seconds === undefined) return { error: `primesieve failed: ${p.stderr || p.stdout}` };
    if (r > 0) out.push(Number(seconds) * 1e3); // round 0 warms the page cache and the CPU
  }
  return out;
}

interface PythonTiming {
  medianMs?: number;
  minMs?: number;
  missing?: string;
}

interface PythonRefs {
  python: string;
  numpy?: string;
  pillow?: string;
  numpySort: PythonTiming;
  numpyMatmul: PythonTiming;
  pillowEla: PythonTiming;
}

function pythonFigure(kernel: string, label: string, t: PythonTiming | undefined, why: string): ReferenceFigure {
  if (!t || t.medianMs === undefined) return missing(kernel, label, 'ms', t?.missing ?? why);
  return { kernel, label, value: round(t.medianMs), min: round(t.minMs ?? t.medianMs), unit: 'ms' };
}

export async function benchReferences(sizes: Sizes, plan: ReferencePlan): Promise<References> {
  const { rounds, log } = plan;
  mkdirSync(plan.scratch, { recursive: true });
  const cpu = backend().cpu;
  const figures: ReferenceFigure[] = [];
  configure({ threads: 1 });
  await kernels.spin(0, { backend: 'native' });

  // sha256: from memory (a SharedArrayBuffer, read in place) and node:crypto on the same bytes;
  // node:crypto's in-cache speed (a 32 KiB buffer hashed over and over) is SHA-NI's ceiling.
  const bytes = new Uint8Array(new SharedArrayBuffer(sizes.sha256Bytes));
  bytes.set(bytesOf(sizes.sha256Bytes));
  const small = bytesOf(32 * 1024);
  const inCache = (): string => {
    const h = createHash('sha256');
    for (let done = 0; done < sizes.sha256Bytes; done += small.length) h.update(small);
    return h.digest('hex');
  };
  const sha = await interleaved(rounds, {
    native: () => kernels.sha256(bytes, { backend: 'native' }),
    crypto: () => createHash('sha256').update(bytes).digest('hex'),
    inCache,
  });
  const gbs = (samples: number[] | undefined): number[] | undefined =>
    samples?.map((ms) => sizes.sha256Bytes / ms / 1e6);
  figures.push(
    figure('sha256', 'spindle native, from memory', gbs(sha.native), 'GB/s'),
    figure('sha256', 'node:crypto, from memory', gbs(sha.crypto), 'GB/s'),
    figure('sha256', 'node:crypto, in cache (32 KiB buffer)', gbs(sha.inCache), 'GB/s'),
  );

  // mandelbrot: ns per orbit iteration (every pixel's escape count, summed).
  const region = sizes.mandelbrot;
  const counts = await kernels.mandelbrot(region, { backend: 'native' });
  let iterations = 0;
  for (const c of counts) iterations += c;
  const mandel = await interleaved(rounds, { native: () => kernels.mandelbrot(region, { backend: 'native' }) });
  figures.push(
    figure(
      'mandelbrot',
      'spindle native',
      mandel.native?.map((ms) => (ms * 1e6) / iterations),
      'ns/iteration',
    ),
  );

  // matmul: GFLOP/s, exact and fast, against the core's vector peak.
  const n = sizes.matmul;
  const a = matrixOf(n, 1);
  const b = matrixOf(n, 2);
  const flops = 2 * n ** 3;
  const mm = await interleaved(rounds, {
    exact: () => kernels.matmul(a, b, n, { backend: 'native' }),
    fast: () => kernels.matmul(a, b, n, { backend: 'native', precision: 'fast' }),
  });
  const gflops = (samples: number[] | undefined): number[] | undefined => samples?.map((ms) => flops / ms / 1e6);
  figures.push(
    figure('matmul', "spindle native, 'exact'", gflops(mm.exact), 'GFLOP/s'),
    figure('matmul', "spindle native, 'fast'", gflops(mm.fast), 'GFLOP/s'),
    figure('matmul', "spindle native, 'fast', time per call", mm.fast, 'ms'),
  );

  // countPrimes, sortFloat64, ela: spindle's one-thread time per call.
  const sortInput = floatsOf(sizes.sortFloat64, 3);
  const jpeg = new Uint8Array(readFileSync(ELA_FIXTURE));
  const rest = await interleaved(rounds, {
    countPrimes: () => kernels.countPrimes(sizes.countPrimes, { backend: 'native' }),
    sortFloat64: () => kernels.sortFloat64(sortInput, { backend: 'native' }),
    ela: () => kernels.ela(jpeg, { quality: sizes.elaQuality, scale: 15 }, { backend: 'native' }),
  });
  figures.push(
    figure('countPrimes', 'spindle native', rest.countPrimes, 'ms'),
    figure('sortFloat64', 'spindle native', rest.sortFloat64, 'ms'),
    figure('ela', 'spindle native, whole call (PNG map included)', rest.ela, 'ms'),
  );
  configure({ threads: 2 });

  // The Rust references: the vector FLOP peak and the one-thread sorts.
  const sortFile = join(plan.scratch, 'sort-input.f64');
  writeFileSync(sortFile, new Uint8Array(sortInput.buffer));
  const bin = benchRefsBinary(log);
  if (typeof bin === 'string') {
    const peaks = runJson<{ paths: Record<string, { mulAdd: number; fma?: number }> }>(bin, ['flops']);
    const path = cpu ?? 'baseline';
    const peak = 'error' in peaks ? undefined : (peaks.paths[path] ?? peaks.paths.baseline);
    figures.push(
      peak
        ? {
            kernel: 'matmul',
            label: `vector peak of one core, mul + add (${path})`,
            value: round(peak.mulAdd),
            unit: 'GFLOP/s',
          }
        : missing('matmul', 'vector peak of one core', 'GFLOP/s', 'error' in peaks ? peaks.error : `no ${path} figure`),
    );
    if (peak?.fma !== undefined)
      figures.push({
        kernel: 'matmul',
        label: `vector peak of one core, FMA (${path})`,
        value: round(peak.fma),
        unit: 'GFLOP/s',
      });
    const sorts = runJson<{ rdst: number[]; totalCmp: number[] }>(bin, ['sort', sortFile, String(rounds)]);
    if ('error' in sorts) figures.push(missing('sortFloat64', 'rdst (radix sort), 1 thread', 'ms', sorts.error));
    else {
      figures.push(figure('sortFloat64', 'rdst 0.20 (radix sort), 1 thread', sorts.rdst, 'ms'));
      figures.push(figure('sortFloat64', 'Rust sort_unstable_by(total_cmp)', sorts.totalCmp, 'ms'));
    }
  } else {
    figures.push(
      missing('matmul', 'vector peak of one core', 'GFLOP/s', bin.error),
      missing('sortFloat64', 'rdst (radix sort), 1 thread', 'ms', bin.error),
    );
  }

  // Optional references from outside the project.
  const ps = primesieve(sizes.countPrimes, rounds);
  figures.push(
    Array.isArray(ps)
      ? figure('countPrimes', 'primesieve (CLI), 1 thread', ps, 'ms')
      : missing('countPrimes', 'primesieve (CLI), 1 thread', 'ms', ps.error),
  );
  const aFile = join(plan.scratch, 'matmul-a.f64');
  const bFile = join(plan.scratch, 'matmul-b.f64');
  writeFileSync(aFile, new Uint8Array(a.buffer));
  writeFileSync(bFile, new Uint8Array(b.buffer));
  const python = process.env.SPINDLE_BENCH_PYTHON ?? 'python3';
  // One BLAS thread; OPENBLAS_CORETYPE pins an older kernel on some machines: unset for this run.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const py = runJson<PythonRefs>(
    python,
    [
      join(ROOT, 'bench', 'refs', 'python_refs.py'),
      sortFile,
      aFile,
      bFile,
      String(n),
      fileURLToPath(ELA_FIXTURE),
      String(sizes.elaQuality),
      String(rounds),
    ],
    { ...env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  );
  const why = 'error' in py ? `${python}: ${py.error}` : '';
  const pyr = 'error' in py ? undefined : py;
  figures.push(
    pythonFigure('sortFloat64', `numpy ${pyr?.numpy ?? ''} np.sort, 1 thread`.replace('  ', ' '), pyr?.numpySort, why),
    pythonFigure(
      'matmul',
      `numpy ${pyr?.numpy ?? ''} a @ b (its BLAS), 1 thread`.replace('  ', ' '),
      pyr?.numpyMatmul,
      why,
    ),
    pythonFigure(
      'ela',
      `Pillow ${pyr?.pillow ?? ''} JPEG-only ELA (decode, save, decode, difference)`.replace('  ', ' '),
      pyr?.pillowEla,
      why,
    ),
  );
  for (const f of figures)
    log(`reference ${f.kernel}: ${f.label}: ${f.value ?? `— (${f.note})`}${f.value === null ? '' : ` ${f.unit}`}`);
  return { cpu: cpu ?? 'js', figures };
}
