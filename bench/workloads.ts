/**
 * The kernels' workloads: inputs, sizes, the twin on the main thread, the public kernel on a
 * backend, and how results are checksummed and compared.
 *
 * Full sizes are calibrated so that one `js-main` call (the TypeScript twin on the main thread)
 * takes roughly 100–250 ms on the 2-vCPU reference machine (see README, "Benchmark"); quick sizes
 * only exercise the harness.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ElaResult, type KernelFunctionName, kernels } from 'spindle';
import { rng } from '../examples/samples.js';
import type { MandelbrotArgs } from '../src/kernels/shapes.js';
import * as twins from '../src/kernels/twins/index.js';
import { noProgress } from '../src/kernels/twins/index.js';

export type Backend = 'native' | 'js';

export interface Workload {
  name: KernelFunctionName;
  /** Set when a kernel is measured more than once: how this row's input differs. */
  variant?: string;
  /** What one call computes, for the report. */
  size: string;
  /** One call of the TypeScript twin, synchronously on the main thread. */
  twin(): unknown;
  /** One call of the public kernel on `backend`. */
  kernel(backend: Backend): Promise<unknown>;
  /** A checksum of a result: equal results, equal strings (within one implementation). */
  digest(result: unknown): string;
  /**
   * Whether the twin's result and the native one agree: `undefined` when they do, else why not.
   * Exact for every kernel but `ela`, whose twin uses other codecs (see `kernels.ela`).
   */
  agree(twinResult: unknown, nativeResult: unknown): string | undefined;
}

/** The JPEG the ELA workload analyses: a libjpeg-saved photo with a pasted patch, 512×384. */
export const ELA_FIXTURE = new URL('../__test__/fixtures/ela-spliced.jpg', import.meta.url);

/** Per-kernel sizes. */
export interface Sizes {
  spin: number;
  countPrimes: number;
  sha256Bytes: number;
  mandelbrot: { width: number; height: number; maxIterations: number };
  matmul: number;
  sortFloat64: number;
  elaQuality: number;
}

/**
 * Calibrated on the reference machine (2 vCPU AMD EPYC, Node 20, quiet), js-main per call
 * (median, run of 2026-11-22): spin ≈ 170 ms, countPrimes ≈ 115 ms, sha256 ≈ 115 ms (node:crypto),
 * mandelbrot ≈ 150 ms, matmul ≈ 130 ms, sortFloat64 ≈ 135 ms, ela ≈ 155 ms. Fixed, so runs stay
 * comparable: re-calibrate deliberately, not per run.
 */
export const FULL_SIZES: Sizes = {
  spin: 150_000_000,
  countPrimes: 80_000_000,
  sha256Bytes: 192 * 2 ** 20,
  mandelbrot: { width: 1200, height: 900, maxIterations: 256 },
  matmul: 352,
  sortFloat64: 1_250_000,
  elaQuality: 90,
};

/** Tiny: the whole quick run takes seconds. */
export const QUICK_SIZES: Sizes = {
  spin: 1_000_000,
  countPrimes: 100_000,
  sha256Bytes: 2 ** 20 + 3,
  mandelbrot: { width: 80, height: 60, maxIterations: 64 },
  matmul: 24,
  sortFloat64: 10_000,
  elaQuality: 90,
};

function sha(bytes: ArrayBufferView | string): string {
  const hash = createHash('sha256');
  if (typeof bytes === 'string') hash.update(bytes);
  else hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return hash.digest('hex').slice(0, 16);
}

/** Checksums of typed arrays and plain values: identical bits, identical digest. */
function digestOf(result: unknown): string {
  if (ArrayBuffer.isView(result)) return `${result.constructor.name}(${result.byteLength} B) ${sha(result)}`;
  return JSON.stringify(result);
}

function exactly(this: void, twinResult: unknown, nativeResult: unknown): string | undefined {
  const a = digestOf(twinResult);
  const b = digestOf(nativeResult);
  return a === b ? undefined : `twin ${a} ≠ native ${b}`;
}

function exact(
  name: KernelFunctionName,
  size: string,
  twin: () => unknown,
  kernel: (b: Backend) => Promise<unknown>,
): Workload {
  return { name, size, twin, kernel, digest: digestOf, agree: exactly };
}

/**
 * ELA's tolerance between backends, as `kernels.ela` states it for a libjpeg-saved photo
 * (tested in `__test__/kernels/ela.spec.ts`): the same width and height, `maxDifference` within 12,
 * `meanDifference` within a factor of 3.
 */
function elaAgree(twinResult: unknown, nativeResult: unknown): string | undefined {
  const js = twinResult as ElaResult;
  const native = nativeResult as ElaResult;
  const problems: string[] = [];
  if (js.width !== native.width || js.height !== native.height) {
    problems.push(`size ${js.width}×${js.height} ≠ ${native.width}×${native.height}`);
  }
  if (Math.abs(js.maxDifference - native.maxDifference) > 12) {
    problems.push(`maxDifference ${js.maxDifference} vs ${native.maxDifference} (tolerance 12)`);
  }
  const factor = js.meanDifference / native.meanDifference;
  if (!(factor > 1 / 3 && factor < 3)) {
    problems.push(`meanDifference ${js.meanDifference} vs ${native.meanDifference} (tolerance ×3)`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

function elaDigest(result: unknown): string {
  const r = result as ElaResult;
  return `${r.width}×${r.height} max ${r.maxDifference} mean ${r.meanDifference.toFixed(6)} png ${sha(r.png)}`;
}

/** Deterministic bytes, fast to make (a multiplicative hash of the word index). */
export function bytesOf(length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ (i >>> 7);
  return new Uint8Array(words.buffer, 0, length);
}

/** Floats in [-1e6, 1e6) with a few −0, +0 and NaN, to exercise the whole sort order. */
export function floatsOf(length: number, seed: number): Float64Array {
  const random = rng(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() - 0.5) * 2e6;
  for (let i = 0; i < length; i += 997) out[i] = i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : Number.NaN;
  return out;
}

export function matrixOf(n: number, seed: number): Float64Array {
  const random = rng(seed);
  const out = new Float64Array(n * n);
  for (let i = 0; i < out.length; i++) out[i] = random() * 2 - 1;
  return out;
}

const MiB = 2 ** 20;

/**
 * `sha256` of bytes in a SharedArrayBuffer, which both backends read in place, or in an
 * ArrayBuffer, which the native binding copies on the main thread (a transfer or detach could
 * free it under a running job) and the js backend copies to transfer.
 */
function sha256Workload(bytes: number, memory: 'shared' | 'unshared'): Workload {
  const source = bytesOf(bytes);
  const data = memory === 'shared' ? new Uint8Array(new SharedArrayBuffer(bytes)) : source;
  if (data !== source) data.set(source);
  const size = bytes >= MiB ? `${(bytes / MiB).toFixed(0)} MiB` : `${bytes} B`;
  const workload = exact(
    'sha256',
    memory === 'shared' ? `${size} in a SharedArrayBuffer` : `${size} in an ArrayBuffer, copied per call`,
    () => twins.sha256(data, noProgress),
    (backend) => kernels.sha256(data, { backend }),
  );
  return memory === 'shared' ? workload : { ...workload, variant: 'ArrayBuffer input' };
}

/** A workload not built yet: inputs are made only when its kernel's turn comes, then dropped. */
export interface LazyWorkload {
  name: KernelFunctionName;
  make(): Workload;
}

/** Every kernel's workload at `sizes`, in the order of `kernels`. */
export function workloads(sizes: Sizes): LazyWorkload[] {
  const s = sizes;
  const region: MandelbrotArgs = { ...s.mandelbrot, xMin: -2, xMax: 1, yMin: -1.5, yMax: 1.5 };
  const n = s.matmul;
  const make: { [K in KernelFunctionName]: () => Workload } = {
    spin: () =>
      exact(
        'spin',
        `${s.spin.toLocaleString('en')} iterations`,
        () => twins.spin(s.spin, noProgress),
        (backend) => kernels.spin(s.spin, { backend }),
      ),
    countPrimes: () =>
      exact(
        'countPrimes',
        `primes below ${s.countPrimes.toLocaleString('en')}`,
        () => twins.countPrimes(s.countPrimes, noProgress),
        (backend) => kernels.countPrimes(s.countPrimes, { backend }),
      ),
    sha256: () => sha256Workload(s.sha256Bytes, 'shared'),
    mandelbrot: () =>
      exact(
        'mandelbrot',
        `${region.width}×${region.height}, ≤ ${region.maxIterations} iterations`,
        () => twins.mandelbrot(region, noProgress),
        (backend) => kernels.mandelbrot(s.mandelbrot, { backend }),
      ),
    matmul: () => {
      const a = matrixOf(n, 1);
      const b = matrixOf(n, 2);
      return exact(
        'matmul',
        `${n}×${n} · ${n}×${n}`,
        () => twins.matmul(a, b, n, noProgress),
        (backend) => kernels.matmul(a, b, n, { backend }),
      );
    },
    sortFloat64: () => {
      const data = floatsOf(s.sortFloat64, 3);
      return exact(
        'sortFloat64',
        `${s.sortFloat64.toLocaleString('en')} doubles`,
        () => twins.sortFloat64(data, noProgress),
        (backend) => kernels.sortFloat64(data, { backend }),
      );
    },
    ela: () => {
      const jpeg = new Uint8Array(readFileSync(ELA_FIXTURE));
      const settings = { quality: s.elaQuality, scale: 15 };
      return {
        name: 'ela',
        size: `512×384 JPEG (${(jpeg.length / 1024).toFixed(0)} KiB), re-saved at quality ${s.elaQuality}`,
        twin: () => twins.ela(jpeg, settings, noProgress),
        kernel: (backend) => kernels.ela(jpeg, settings, { backend }),
        digest: elaDigest,
        agree: elaAgree,
      };
    },
  };
  // The public kernels' order; a kernel without a workload here fails the type check above.
  const all: LazyWorkload[] = (Object.keys(kernels) as KernelFunctionName[]).map((name) => ({
    name,
    make: make[name],
  }));
  // sha256 once more with its input in an ordinary ArrayBuffer, the copying path.
  all.splice(all.findIndex((w) => w.name === 'sha256') + 1, 0, {
    name: 'sha256',
    make: () => sha256Workload(s.sha256Bytes, 'unshared'),
  });
  return all;
}
