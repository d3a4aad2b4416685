/**
 * Where the native binary cannot load, `auto` falls back to the js backend, says why, and every
 * kernel still answers; forcing `native` there fails with an error that names the cause.
 *
 * The binary is made unloadable for a child process only: napi-rs's loader tries
 * `NAPI_RS_NATIVE_LIBRARY_PATH` *instead of* the local `.node` when it is set, so a path that
 * does not exist fails the load without touching the built file other tests are using.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MISSING = '/nonexistent/spindle-fallback-test.node';

interface Rejection {
  error: { name: string; code: string; message: string };
}

/**
 * Runs `source` as an ES module in a fresh `node` whose native binding cannot load, with `env`
 * laid over this process's environment (`undefined` removes a variable), and returns the JSON
 * it printed last.
 */
async function inBrokenInstall<T>(
  t: ExecutionContext,
  source: string,
  env: Record<string, string | undefined> = {},
): Promise<T> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: MISSING };
  delete childEnv.SPINDLE_BACKEND;
  delete childEnv.SPINDLE_THREADS;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
        cwd: ROOT,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    },
  );
  t.is(code, 0, `child failed: ${stderr}`);
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

/** Child-side helpers: a settled Promise as JSON, and typed arrays as plain arrays. */
const PRELUDE = `import { kernels, backend, configure } from 'spindle';
const settle = async (promise) => {
  try { const value = await promise; return { value: ArrayBuffer.isView(value) ? Array.from(value, (x) => Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : x) : value }; }
  catch (e) { return { error: { name: e.name, code: e.code, message: e.message } }; }
};`;

const sha = (data: string): string => createHash('sha256').update(data).digest('hex');

test('auto falls back to js when the native binary cannot load, and backend() says why', async (t) => {
  const info = await inBrokenInstall<{ active: string; threads: number; reason?: string }>(
    t,
    `${PRELUDE}
console.log(JSON.stringify(backend()));`,
  );
  t.is(info.active, 'js');
  t.true(Number.isInteger(info.threads) && info.threads >= 1);
  // The loader's own error, with the attempt that failed.
  t.true(info.reason?.includes('the native binding could not be loaded'), info.reason);
  t.true(info.reason?.includes('Cannot find native binding'), info.reason);
  t.true(info.reason?.includes(MISSING), info.reason);
});

test('every kernel still answers correctly on the fallback', async (t) => {
  const out = await inBrokenInstall<Record<string, unknown>>(
    t,
    `${PRELUDE}
const results = {
  spin: await settle(kernels.spin(12345)),
  countPrimes: await settle(kernels.countPrimes(10_000_000)),
  sha256: await settle(kernels.sha256('spindle')),
  mandelbrot: await settle(kernels.mandelbrot({ width: 2, height: 1, maxIterations: 50, xMin: 0, xMax: 4, yMin: 0, yMax: 1 })),
  matmul: await settle(kernels.matmul(new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), 2)),
  sortFloat64: await settle(kernels.sortFloat64(new Float64Array([3, NaN, 0, -0, -Infinity, 1]))),
};
console.log(JSON.stringify(results));`,
  );
  t.deepEqual(out, {
    spin: { value: 12345 },
    countPrimes: { value: 664_579 },
    sha256: { value: sha('spindle') },
    // c = 0 never escapes; c = 2 escapes after two steps (0 → 2 → 6).
    mandelbrot: { value: [50, 2] },
    matmul: { value: [19, 22, 43, 50] },
    sortFloat64: { value: [null, '-0', 0, 1, 3, 'NaN'] },
  });
});

test('forcing native where it cannot load rejects with an error naming the cause', async (t) => {
  const check = (result: Rejection): void => {
    t.is(result.error.name, 'SpindleError');
    t.is(result.error.code, 'ERR_SPINDLE_NATIVE_UNAVAILABLE');
    t.true(result.error.message.includes('the native backend was requested'), result.error.message);
    t.true(result.error.message.includes(MISSING), result.error.message);
  };

  const configured = await inBrokenInstall<{
    forced: Rejection;
    perCallJs: unknown;
    perCallNative: Rejection;
    info: Rejection;
  }>(
    t,
    `${PRELUDE}
const perCallNative = await settle(kernels.countPrimes(100, { backend: 'native' }));
configure({ backend: 'native' });
const forced = await settle(kernels.countPrimes(100));
const perCallJs = await settle(kernels.countPrimes(100, { backend: 'js' }));
const info = await settle((async () => backend())());
console.log(JSON.stringify({ forced, perCallJs, perCallNative, info }));`,
  );
  check(configured.forced);
  check(configured.perCallNative);
  // No backend is active then: backend() says so with the same error rather than a wrong answer.
  check(configured.info);
  // A per-call backend overrides the configured one.
  t.deepEqual(configured.perCallJs, { value: 25 });

  const fromEnv = await inBrokenInstall<{ forced: Rejection }>(
    t,
    `${PRELUDE}
console.log(JSON.stringify({ forced: await settle(kernels.sha256('x')) }));`,
    { SPINDLE_BACKEND: 'native' },
  );
  check(fromEnv.forced);
});
