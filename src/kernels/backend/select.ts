/**
 * The one place that decides which backend runs kernels: `auto` (native when the binding
 * loads, else js), `native` or `js` — per call (`{ backend }`), globally (`configure`), or from
 * the environment (`SPINDLE_BACKEND`, `SPINDLE_THREADS`).
 */

import { SpindleError } from '../../core/errors.js';
import {
  checkInteger,
  checkOptionalChoice,
  checkOptions,
  invalidArgValue,
  MAX_THREADS,
  outOfRange,
} from '../../core/validate.js';
import { jsBackend } from './js.js';
import { nativeBackend } from './native.js';
import { loadNative, type NativeBinding } from './native-binding.js';
import type { BackendName, KernelBackend } from './types.js';

/**
 * How the backend is chosen.
 *
 * @example
 * ```ts
 * configure({ backend: 'auto' }); // native when the binding loads, else js (the default)
 * ```
 */
export type BackendMode = 'auto' | BackendName;

/**
 * What `backend()` reports.
 *
 * @example
 * ```ts
 * backend(); // { active: 'native', threads: 8, cpu: 'avx2' }
 * // without the platform package:
 * backend(); // { active: 'js', threads: 8, reason: "Cannot find module 'spindle-linux-x64-gnu' …" }
 * ```
 */
export interface BackendInfo {
  /** The backend kernels run on when a call does not ask for one. */
  active: BackendName;
  /** Threads that backend runs kernels on. */
  threads: number;
  /**
   * The native code path chosen at run time for this CPU (`'avx512'`, `'avx2'`, `'baseline'`,
   * `'neon'`), or the one `SPINDLE_CPU` forced. Absent when the js backend is active.
   */
  cpu?: string;
  /**
   * How `ela`'s JPEG codec (libjpeg-turbo) runs: `'simd'`, its SSE2/AVX2 code, which it picks
   * for the CPU itself (`SPINDLE_CPU` does not switch it off), or `'c'`, its C code, in an addon
   * built from source where NASM was not installed. Both give the same bytes; SIMD is about
   * three times faster. Absent when the js backend is active.
   */
  jpeg?: 'simd' | 'c';
  /** Why the native backend is not active (the loader's own error, or the setting that chose js). */
  reason?: string;
}

/**
 * Options of `configure()`.
 *
 * @example
 * ```ts
 * configure({ threads: 2 }); // kernels use two threads
 * configure({ backend: 'js' }); // the TypeScript twins on worker threads
 * ```
 */
export interface ConfigureOptions {
  /** Threads for kernels (integer in [1, 1024]); default `os.availableParallelism()`. */
  threads?: number;
  /** `auto` (default): native when it loads, else js. */
  backend?: BackendMode;
}

const MODES = ['auto', 'native', 'js'] as const;

let mode: { value: BackendMode; source: string } | undefined;
let threads: number | undefined;
let native: KernelBackend | undefined;
let js: KernelBackend | undefined;

/** SPINDLE_BACKEND, read once: every kernel call asks, and process.env is a slow getenv() each time. */
let fromEnv: { value: BackendMode; source: string } | undefined;

function currentMode(): { value: BackendMode; source: string } {
  if (mode) return mode;
  fromEnv ??= readEnvMode();
  return fromEnv;
}

function readEnvMode(): { value: BackendMode; source: string } {
  const env = process.env.SPINDLE_BACKEND;
  if (env === undefined || env === '') return { value: 'auto', source: 'default' };
  if (!(MODES as readonly string[]).includes(env)) {
    throw invalidArgValue('SPINDLE_BACKEND', env, `must be one of: ${MODES.map((m) => `'${m}'`).join(', ')}`);
  }
  return { value: env as BackendMode, source: `SPINDLE_BACKEND=${env}` };
}

function configuredThreads(): number | undefined {
  if (threads !== undefined) return threads;
  const env = process.env.SPINDLE_THREADS;
  if (env === undefined || env === '') return undefined;
  const n = Number(env);
  if (!/^\d+$/.test(env) || n < 1 || n > MAX_THREADS) {
    throw outOfRange('SPINDLE_THREADS', `an integer >= 1 && <= ${MAX_THREADS}`, env);
  }
  return n;
}

/**
 * `SPINDLE_CPU=<path>` forces a CPU code path the CPU supports (a slower one: for tests and
 * comparisons). A name that is no path, or a path this CPU cannot run, throws a coded error, as
 * a bad `SPINDLE_BACKEND` does: running on another path than the one asked for would make a
 * comparison silently wrong.
 */
function forceCpuFromEnv(binding: NativeBinding): void {
  const env = process.env.SPINDLE_CPU;
  if (env === undefined || env === '') return;
  const { supported } = binding.cpuInfo();
  if (!supported.includes(env)) {
    throw invalidArgValue(
      'SPINDLE_CPU',
      env,
      `must be a path this CPU supports: ${supported.map((p) => `'${p}'`).join(', ')}`,
    );
  }
  binding.setCpu(env);
}

function getNative(): KernelBackend | { error: string } {
  if (native) return native;
  const loaded = loadNative();
  if ('error' in loaded) return loaded;
  forceCpuFromEnv(loaded.binding);
  native = nativeBackend(loaded.binding);
  const n = configuredThreads();
  if (n !== undefined) native.setThreads(n);
  return native;
}

/** The js backend; its Tinypool pool starts only when a kernel runs on it. */
function getJs(): KernelBackend {
  js ??= jsBackend(configuredThreads());
  return js;
}

/** The backend for a call that asks for `requested` (or for nothing in particular). */
export function selectBackend(requested?: BackendName): KernelBackend {
  const want = requested ?? currentMode().value;
  if (want === 'js') return getJs();
  const n = getNative();
  if ('error' in n) {
    if (want === 'native') throw nativeUnavailable(n.error);
    return getJs();
  }
  return n;
}

function nativeUnavailable(reason: string): SpindleError {
  return new SpindleError(`the native backend was requested but ${reason}`, 'ERR_SPINDLE_NATIVE_UNAVAILABLE');
}

/**
 * Which backend runs kernels, on how many threads, and why native is not active if it is not.
 * Throws the same `ERR_SPINDLE_NATIVE_UNAVAILABLE` error kernels reject with when the native
 * backend was required but cannot load: no backend is active then.
 * @example
 * ```ts
 * const info = backend();
 * if (info.active === 'js') console.warn(`spindle runs its TypeScript kernels: ${info.reason}`);
 * ```
 */
export function backend(): BackendInfo {
  const { value, source } = currentMode();
  const n = value === 'js' ? { error: `the js backend was chosen (${source})` } : getNative();
  if ('error' in n) {
    if (value === 'native') throw nativeUnavailable(n.error);
    return { active: 'js', threads: getJs().threads(), reason: n.error };
  }
  const info: BackendInfo = { active: 'native', threads: n.threads() };
  const cpu = n.cpu?.();
  if (cpu !== undefined) info.cpu = cpu;
  const jpeg = n.jpeg?.();
  if (jpeg !== undefined) info.jpeg = jpeg;
  return info;
}

/**
 * Sets the number of kernel threads and how the backend is chosen. Settings apply to the next
 * kernel call; a running native pool of another size finishes its work and is replaced.
 * @example
 * ```ts
 * configure({ threads: 4, backend: 'native' });
 * ```
 */
export function configure(options: ConfigureOptions): void {
  const o = checkOptions<ConfigureOptions>('options', options);
  const nextMode = checkOptionalChoice('options.backend', o.backend, MODES);
  const nextThreads = o.threads === undefined ? undefined : checkInteger('options.threads', o.threads, 1, MAX_THREADS);
  if (nextMode !== undefined) mode = { value: nextMode, source: `configure({ backend: '${nextMode}' })` };
  if (nextThreads !== undefined) {
    threads = nextThreads;
    native?.setThreads(nextThreads);
    js?.setThreads(nextThreads);
  }
}

/**
 * Cancels the pending kernels of the calling environment — this thread: the main thread, or the
 * worker thread that calls it — (they reject with `CancelledError`) and releases its threads, so
 * the process (or worker) can exit at once. Other environments' kernels are not touched: a
 * library that calls `shutdown()` inside its own worker thread does not break its host. The
 * native pool is shared by the process: it keeps running while another environment has work in
 * flight, and is retired otherwise. Later kernel calls start the backends afresh.
 * @example
 * ```ts
 * const pending = kernels.countPrimes(1e12);
 * await shutdown(); // pending rejects with CancelledError; the process can exit now
 * ```
 */
export async function shutdown(): Promise<void> {
  // Each backend resolves once its pending calls have all rejected.
  await Promise.all([native?.shutdown(), js?.shutdown()]);
  // Then one macrotask turn: the callers' own rejection handlers (microtasks, a few hops
  // behind the backends') run before shutdown() resolves, so "pending work was cancelled" is
  // observable in order, on either backend.
  await new Promise((resolve) => setImmediate(resolve));
}
