/**
 * Choosing the backend (per call, `configure`, `SPINDLE_BACKEND`), what `backend()` reports, and
 * the js backend's abort, progress, shutdown and exit behaviour. Anything that changes global
 * settings runs in a child process, so the tests in this file stay independent.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { AbortError, backend, kernels } from 'spindle';
import { bestCpuPath, supportedCpuPaths } from '../helpers/cpu.js';
import { expectedJpeg } from '../helpers/jpeg.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `source` as an ES module in a fresh `node` (which imports the package as `spindle`),
 * with `env` laid over this process's environment (`undefined` removes a variable).
 */
function runChild(source: string, env: Record<string, string | undefined> = {}): Promise<ChildResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The JSON object a child printed last, after checking it exited cleanly. */
function report<T>(t: ExecutionContext, result: ChildResult): T {
  t.is(result.code, 0, `child failed: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

/** Child-side helper: a settled Promise as plain JSON. */
const SETTLE = `
const settle = async (promise) => {
  try { return { value: await promise }; }
  catch (e) { return { error: { name: e.name, code: e.code, message: e.message } }; }
};`;

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

test('backend() reports the active backend, its threads, and why native is not active', (t) => {
  const info = backend();
  t.true(Number.isInteger(info.threads) && info.threads >= 1);
  if (process.env.SPINDLE_BACKEND === 'js') {
    t.is(info.active, 'js');
    t.true(info.reason?.includes('SPINDLE_BACKEND=js'), info.reason);
  } else {
    // The native binary is built in this repository, so auto picks it.
    t.is(info.active, 'native');
    t.false('reason' in info);
  }
});

test('configure({ backend }) switches the backend; a per-call backend overrides it', async (t) => {
  const out = report<Record<string, unknown>>(
    t,
    await runChild(
      `import { kernels, backend, configure } from 'spindle';
${SETTLE}
const data = 'the quick brown fox';
configure({ backend: 'js', threads: 3 });
const js = backend();
const jsDefault = await settle(kernels.sha256(data));
const jsCallNative = await settle(kernels.sha256(data, { backend: 'native' }));
configure({ backend: 'native' });
const native = backend();
const nativeCallJs = await settle(kernels.sha256(data, { backend: 'js' }));
configure({ backend: 'auto' });
const auto = backend();
console.log(JSON.stringify({ js, jsDefault, jsCallNative, native, nativeCallJs, auto }));`,
      { SPINDLE_BACKEND: undefined, SPINDLE_THREADS: undefined },
    ),
  );
  const digest = sha('the quick brown fox');
  t.deepEqual(out.js, { active: 'js', threads: 3, reason: `the js backend was chosen (configure({ backend: 'js' }))` });
  t.deepEqual(out.native, { active: 'native', threads: 3, cpu: bestCpuPath(), jpeg: expectedJpeg() });
  t.deepEqual(out.auto, { active: 'native', threads: 3, cpu: bestCpuPath(), jpeg: expectedJpeg() });
  t.deepEqual(out.jsDefault, { value: digest });
  t.deepEqual(out.jsCallNative, { value: digest });
  t.deepEqual(out.nativeCallJs, { value: digest });
});

test('SPINDLE_BACKEND chooses the backend, and a bad value is refused', async (t) => {
  const source = `import { kernels, backend } from 'spindle';
${SETTLE}
const info = await settle(Promise.resolve().then(() => backend()));
const count = await settle(kernels.countPrimes(100_000));
console.log(JSON.stringify({ info, count }));`;
  const js = report<{ info: unknown; count: unknown }>(
    t,
    await runChild(source, { SPINDLE_BACKEND: 'js', SPINDLE_THREADS: '2' }),
  );
  t.deepEqual(js.info, {
    value: { active: 'js', threads: 2, reason: 'the js backend was chosen (SPINDLE_BACKEND=js)' },
  });
  t.deepEqual(js.count, { value: 9592 });

  const native = report<{ info: unknown; count: unknown }>(
    t,
    await runChild(source, { SPINDLE_BACKEND: 'native', SPINDLE_THREADS: '2' }),
  );
  t.deepEqual(native.info, { value: { active: 'native', threads: 2, cpu: bestCpuPath(), jpeg: expectedJpeg() } });
  t.deepEqual(native.count, { value: 9592 });

  const bad = report<{ info: { error: { name: string; code: string; message: string } }; count: unknown }>(
    t,
    await runChild(source, { SPINDLE_BACKEND: 'fast', SPINDLE_THREADS: undefined }),
  );
  t.is(bad.info.error.name, 'TypeError');
  t.is(bad.info.error.code, 'ERR_INVALID_ARG_VALUE');
  t.true(bad.info.error.message.includes('SPINDLE_BACKEND'), bad.info.error.message);
});

test('SPINDLE_CPU forces each supported CPU path, and refuses a path that is none or not supported', async (t) => {
  const source = `import { kernels, backend } from 'spindle';
${SETTLE}
const info = await settle(Promise.resolve().then(() => backend()));
const count = await settle(kernels.countPrimes(1_000_000));
console.log(JSON.stringify({ info, count }));`;
  for (const cpu of supportedCpuPaths()) {
    const out = report<{ info: unknown; count: unknown }>(
      t,
      await runChild(source, { SPINDLE_BACKEND: 'native', SPINDLE_THREADS: '1', SPINDLE_CPU: cpu }),
    );
    // libjpeg-turbo picks its SIMD itself: SPINDLE_CPU leaves `jpeg` as it is.
    t.deepEqual(out.info, { value: { active: 'native', threads: 1, cpu, jpeg: expectedJpeg() } }, cpu);
    t.deepEqual(out.count, { value: 78_498 }, cpu);
  }
  const unsupported = process.arch === 'arm64' ? 'avx2' : 'neon';
  for (const cpu of ['sse9', unsupported]) {
    const bad = report<{ info: { error: { name: string; code: string; message: string } }; count: unknown }>(
      t,
      await runChild(source, { SPINDLE_BACKEND: 'native', SPINDLE_CPU: cpu }),
    );
    t.is(bad.info.error.name, 'TypeError', cpu);
    t.is(bad.info.error.code, 'ERR_INVALID_ARG_VALUE', cpu);
    t.true(bad.info.error.message.includes('SPINDLE_CPU'), bad.info.error.message);
  }
});

test('aborting a running js twin rejects with AbortError, and the pool keeps working', async (t) => {
  const controller = new AbortController();
  const reason = new Error('enough');
  // 2^53 − 1 iterations outlast any test run: only the abort can end this call. It aborts on
  // the first progress report, so the twin is certainly running on a worker by then.
  const running = kernels.spin(Number.MAX_SAFE_INTEGER, {
    backend: 'js',
    signal: controller.signal,
    onProgress: () => controller.abort(reason),
  });
  const error = await t.throwsAsync(running, { instanceOf: AbortError });
  t.is(error?.name, 'AbortError');
  t.is((error as AbortError | undefined)?.code, 'ABORT_ERR');
  t.is(error?.cause, reason);

  // The terminated worker is replaced on demand: more calls than threads still all finish.
  const threads = Math.max(2, backend().threads);
  const inputs = Array.from({ length: 2 * threads }, (_, i) => `after the abort ${i}`);
  const digests = await Promise.all(inputs.map((s) => kernels.sha256(s, { backend: 'js' })));
  t.deepEqual(digests, inputs.map(sha));
  t.is(await kernels.countPrimes(1_000_000, { backend: 'js' }), 78_498);
});

test('aborting a queued js twin drops it; running and later calls are unaffected', async (t) => {
  const out = report<Record<string, unknown>>(
    t,
    await runChild(
      `import { kernels, configure } from 'spindle';
${SETTLE}
configure({ backend: 'js', threads: 1 });
const first = new AbortController();
let started;
const running = new Promise((resolve) => { started = resolve; });
const blocker = settle(kernels.spin(Number.MAX_SAFE_INTEGER, { signal: first.signal, onProgress: () => started() }));
await running;
// The only thread is busy: this call waits in the queue until it is aborted.
const second = new AbortController();
let queuedProgress = 0;
const queued = settle(kernels.spin(Number.MAX_SAFE_INTEGER, { signal: second.signal, onProgress: () => queuedProgress++ }));
second.abort(new Error('not needed'));
const queuedResult = await queued;
first.abort(new Error('done'));
const blockerResult = await blocker;
const after = await settle(kernels.countPrimes(100));
console.log(JSON.stringify({ queuedResult, queuedProgress, blockerResult, after }));`,
      { SPINDLE_BACKEND: undefined, SPINDLE_THREADS: undefined },
    ),
  );
  const aborted = { error: { name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' } };
  t.deepEqual(out.queuedResult, aborted);
  t.is(out.queuedProgress, 0);
  t.deepEqual(out.blockerResult, aborted);
  t.deepEqual(out.after, { value: 25 });
});

/**
 * Runs `kernel(scale)` for scale = 1, 2, 4, … until a run reports progress before its final 1
 * (reports are ~50 ms apart, so a short run may rightly report only the 1), checking every
 * run's reports against the contract. Nothing here measures time.
 */
async function checkProgress(
  t: ExecutionContext,
  kernel: (scale: number, onProgress: (fraction: number) => void) => Promise<unknown>,
  expected: (scale: number) => unknown,
): Promise<void> {
  for (let scale = 1; ; scale *= 2) {
    const seen: number[] = [];
    t.deepEqual(await kernel(scale, (f) => seen.push(f)), expected(scale));
    t.is(seen.at(-1), 1, String(seen));
    t.is(seen.filter((f) => f === 1).length, 1, String(seen));
    t.true(
      seen.every((f) => f >= 0 && f <= 1),
      String(seen),
    );
    t.true(
      seen.every((f, i) => i === 0 || f > (seen[i - 1] as number)),
      String(seen),
    );
    if (seen.length > 1 || scale >= 2 ** 10) {
      t.true(seen.length > 1, 'a long run reported no progress before its end');
      return;
    }
  }
}

test('progress from a js twin keeps the contract: rising, in [0, 1], one final 1', async (t) => {
  await checkProgress(
    t,
    (scale, onProgress) => kernels.spin(scale * 2 ** 24, { backend: 'js', onProgress }),
    (scale) => scale * 2 ** 24,
  );
});

test('progress from the countPrimes twin keeps the same contract', async (t) => {
  // Known answers: π(2^k) for k = 24 … 34 (OEIS A007053).
  const pi = [
    1_077_871, 2_063_689, 3_957_809, 7_603_553, 14_630_843, 28_192_750, 54_400_028, 105_097_565, 203_280_221,
    393_615_806, 762_939_111,
  ];
  await checkProgress(
    t,
    (scale, onProgress) => kernels.countPrimes(scale * 2 ** 24, { backend: 'js', onProgress }),
    (scale) => pi[Math.log2(scale)],
  );
});

test('shutdown() cancels pending js work with CancelledError; later calls start afresh', async (t) => {
  const out = report<Record<string, unknown>>(
    t,
    await runChild(
      `import { kernels, configure, shutdown } from 'spindle';
${SETTLE}
configure({ backend: 'js', threads: 1 });
let started;
const running = new Promise((resolve) => { started = resolve; });
const busy = settle(kernels.spin(Number.MAX_SAFE_INTEGER, { onProgress: () => started() }));
const queued = settle(kernels.countPrimes(1000));
await running;
await shutdown();
const [busyResult, queuedResult] = await Promise.all([busy, queued]);
const after = await settle(kernels.sha256('again'));
console.log(JSON.stringify({ busyResult, queuedResult, after }));`,
      { SPINDLE_BACKEND: undefined, SPINDLE_THREADS: undefined },
    ),
  );
  const cancelled = {
    error: { name: 'CancelledError', code: 'ERR_SPINDLE_CANCELLED', message: 'the kernel was cancelled by shutdown()' },
  };
  t.deepEqual(out.busyResult, cancelled);
  t.deepEqual(out.queuedResult, cancelled);
  t.deepEqual(out.after, { value: sha('again') });
});

test('a script that used only the js backend exits by itself, without shutdown()', async (t) => {
  // Hangs (and fails at the test's own timeout) if an idle worker kept the process alive.
  const result = await runChild(
    `import { kernels, configure } from 'spindle';
configure({ backend: 'js' });
const counts = await Promise.all([kernels.countPrimes(1000), kernels.spin(10), kernels.sha256('x')]);
console.log(JSON.stringify(counts));`,
    { SPINDLE_BACKEND: undefined },
  );
  t.deepEqual(report(t, result), [168, 10, sha('x')]);
  t.is(result.signal, null);
});
