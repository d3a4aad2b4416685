#!/usr/bin/env node
// `npm run test:stress [-- --quick]`: spindle attacked as a hostile user would, on both backends.
// Not part of `npm test` (it takes minutes; `--quick` takes seconds and runs in .ci/run).
//
//   1. fuzz     fast-check inputs to every kernel and every public constructor / function: each
//               call must settle (no hang), raise only coded errors, and valid inputs must give
//               the same answer on both backends and the independent reference.
//   2. storms   abort storms on both backends: no call that was not aborted may fail.
//   3. teardown worker threads terminated mid-kernel, a child process that exits mid-flight,
//               shutdown() and configure({ threads }) under load.
//   4. soak     random mixed operations; RSS and external memory sampled after a warm-up must not
//               grow past the stated bounds.
//
// Prints the counts (operations, crashes, hangs, wrong answers, uncoded errors) and the memory
// figures; exits 1 if any count is non-zero or memory grew past its bound.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import * as spindle from 'spindle';

const {
  kernels,
  configure,
  shutdown,
  backend,
  Thread,
  Timer,
  Scheduler,
  Process,
  Pool,
  ThreadPool,
  Lock,
  RLock,
  Semaphore,
  BoundedSemaphore,
  Barrier,
  Condition,
  Event,
  Value,
  Queue,
  AsyncResult,
} = spindle;

const quick = process.argv.includes('--quick');
const seedArg = process.argv.find((a) => a.startsWith('--seed='));
const seed = seedArg ? Number(seedArg.slice(7)) : Date.now() % 2 ** 31;
const S = quick
  ? { fuzzRuns: 60, stormCalls: 300, teardownRounds: 2, soakSeconds: 8, warmupSeconds: 3 }
  : { fuzzRuns: 400, stormCalls: 3000, teardownRounds: 20, soakSeconds: 150, warmupSeconds: 20 };
/** Memory may grow by at most this much between the end of the warm-up and the end of the soak. */
const RSS_BOUND_MB = 96;
const EXTERNAL_BOUND_MB = 48;
/** A call that has not settled after this long is counted as a hang (a guard, not a benchmark). */
const HANG_SECONDS = 60;
const CORES = availableParallelism();

const counts = { operations: 0, crashes: 0, hangs: 0, wrong: 0, uncoded: 0 };
const examples = { crashes: [], hangs: [], wrong: [], uncoded: [] };
function record(kind, what) {
  counts[kind]++;
  if (examples[kind].length < 5) examples[kind].push(what);
}

/** Settles like `promise`, or resolves to HANG after HANG_SECONDS. */
const HANG = Symbol('hang');
function guard(promise) {
  let timer;
  const hang = new Promise((resolve) => (timer = setTimeout(() => resolve(HANG), HANG_SECONDS * 1000)));
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error) => ({ error }),
    ),
    hang,
  ]).finally(() => clearTimeout(timer));
}

function isCoded(error) {
  if (error === null || typeof error !== 'object') return false;
  return typeof error.code === 'string' && error.code.length > 0;
}

/** Runs `make()` (sync or async) and classifies its outcome; returns { value } or { error }. */
async function attempt(label, make) {
  counts.operations++;
  let outcome;
  try {
    const made = make();
    outcome = made && typeof made.then === 'function' ? await guard(made) : { value: made };
  } catch (error) {
    outcome = { error };
  }
  if (outcome === HANG) {
    record('hangs', label);
    return { hung: true };
  }
  if ('error' in outcome && !isCoded(outcome.error)) {
    record(
      'uncoded',
      `${label}: ${outcome.error?.name}: ${String(outcome.error?.message ?? outcome.error).slice(0, 160)}`,
    );
  }
  return outcome;
}

function checkEqual(label, got, expected) {
  const same =
    JSON.stringify(Array.from(got?.length !== undefined && typeof got !== 'string' ? got : [got]), replacer) ===
    JSON.stringify(
      Array.from(expected?.length !== undefined && typeof expected !== 'string' ? expected : [expected]),
      replacer,
    );
  if (!same) record('wrong', `${label}: got ${String(got).slice(0, 80)} expected ${String(expected).slice(0, 80)}`);
}
function replacer(_key, value) {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Object.is(value, -0)) return '-0';
  return value;
}

// ---------------------------------------------------------------- independent references
/** The number of primes below `limit` (what countPrimes counts), by a plain sieve. */
function primesBelow(limit) {
  const sieve = new Uint8Array(limit + 1);
  let n = 0;
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    n++;
    for (let j = i * i; j <= limit; j += i) sieve[j] = 1;
  }
  return n;
}
function matmulRef(a, b, n) {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  return c;
}

// ---------------------------------------------------------------- 1. fuzz
const BACKENDS = ['native', 'js'];
const hostile = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    undefined,
    null,
    -1,
    NaN,
    Infinity,
    2 ** 53,
    1e300,
    '',
    Symbol('s'),
    Object.create(null),
    Object.create(Float64Array.prototype),
    Object.create(Uint8Array.prototype),
    new Proxy(new Float64Array(4), {}),
    // The caller's own code throwing (a trap, a toString): its error may pass through as it is,
    // so it carries a code of its own here.
    new Proxy(
      {},
      {
        get() {
          throw Object.assign(new Error('trap'), { code: 'USER_TRAP' });
        },
      },
    ),
    {
      toString() {
        throw Object.assign(new Error('no'), { code: 'USER_TO_STRING' });
      },
    },
    [],
    () => {},
  ),
  fc.float64Array({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 64 }),
);

function detached(kind) {
  const view = kind === 'f64' ? new Float64Array(4) : new Uint8Array(8);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}
function shrunk(kind) {
  const buffer = new ArrayBuffer(32, { maxByteLength: 64 });
  const view = kind === 'f64' ? new Float64Array(buffer, 8, 3) : new Uint8Array(buffer, 8, 24);
  buffer.resize(8);
  return view;
}

async function fuzzKernels() {
  const small = fc.integer({ min: 0, max: 200_000 });
  // Valid inputs: both backends and the reference agree.
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        limit: small,
        spin: fc.integer({ min: 0, max: 100_000 }),
        bytes: fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.string({ maxLength: 200 })),
        floats: fc.float64Array({ maxLength: 2000 }),
        n: fc.integer({ min: 0, max: 12 }),
        seedA: fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        shared: fc.boolean(),
        mb: fc.record({
          width: fc.integer({ min: 0, max: 64 }),
          height: fc.integer({ min: 0, max: 64 }),
          maxIterations: fc.integer({ min: 0, max: 300 }),
        }),
      }),
      async (v) => {
        const a = Float64Array.from({ length: v.n * v.n }, (_, i) => ((i * 7919) % 13) - 6 + v.seedA / 1e6);
        const b = Float64Array.from({ length: v.n * v.n }, (_, i) => ((i * 104729) % 11) - 5);
        let floats = v.floats;
        if (v.shared) {
          const copy = new Float64Array(new SharedArrayBuffer(floats.byteLength));
          copy.set(floats);
          floats = copy;
        }
        const expectSort = Float64Array.from(v.floats).sort();
        const expectHash = createHash('sha256').update(v.bytes).digest('hex');
        const expectProduct = matmulRef(a, b, v.n);
        const expectPrimes = primesBelow(v.limit);
        const mandel = [];
        for (const be of BACKENDS) {
          const o = { backend: be };
          const r1 = await attempt(`countPrimes(${v.limit}) ${be}`, () => kernels.countPrimes(v.limit, o));
          if ('value' in r1) checkEqual(`countPrimes(${v.limit}) ${be}`, r1.value, expectPrimes);
          const r2 = await attempt(`sha256 ${be}`, () => kernels.sha256(v.bytes, o));
          if ('value' in r2) checkEqual(`sha256 ${be}`, r2.value, expectHash);
          const r3 = await attempt(`sortFloat64 ${be}`, () => kernels.sortFloat64(floats, o));
          if ('value' in r3) checkEqual(`sortFloat64 ${be}`, r3.value, expectSort);
          const r4 = await attempt(`matmul n=${v.n} ${be}`, () => kernels.matmul(a, b, v.n, o));
          if ('value' in r4) checkEqual(`matmul n=${v.n} ${be}`, r4.value, expectProduct);
          const r5 = await attempt(`mandelbrot ${be}`, () => kernels.mandelbrot(v.mb, o));
          if ('value' in r5) mandel.push(r5.value);
          const r6 = await attempt(`spin ${be}`, () => kernels.spin(v.spin, o));
          if ('value' in r6 && be === 'js') {
            const native = await kernels.spin(v.spin, { backend: 'native' });
            checkEqual(`spin(${v.spin}) js vs native`, r6.value, native);
          }
          for (const r of [r1, r2, r3, r4, r5, r6]) {
            if ('error' in r) record('wrong', `valid input rejected on ${be}: ${r.error?.code} ${r.error?.message}`);
          }
        }
        if (mandel.length === 2) checkEqual('mandelbrot native vs js', mandel[0], mandel[1]);
      },
    ),
    { numRuns: S.fuzzRuns, seed },
  );

  // Hostile inputs: every outcome must be a value or a coded error, on both backends alike.
  const kernelCalls = [
    ['spin', (x, o) => kernels.spin(x, o)],
    ['countPrimes', (x, o) => kernels.countPrimes(x, o)],
    ['sha256', (x, o) => kernels.sha256(x, o)],
    ['mandelbrot', (x, o) => kernels.mandelbrot(x, o)],
    ['matmul a', (x, o) => kernels.matmul(x, new Float64Array(4), 2, o)],
    ['matmul n', (x, o) => kernels.matmul(new Float64Array(4), new Float64Array(4), x, o)],
    ['sortFloat64', (x, o) => kernels.sortFloat64(x, o)],
    ['ela', (x, o) => kernels.ela(x, {}, o)],
    ['ela options', (x, o) => kernels.ela(new Uint8Array([0xff, 0xd8, 0xff]), x, o)],
  ];
  await fc.assert(
    fc.asyncProperty(
      hostile,
      fc.constantFrom(...kernelCalls),
      fc.oneof(fc.constant(undefined), hostile),
      async (x, [name, call], opts) => {
        // Keep the work bounded: a huge valid number would just be a long, correct computation.
        if (typeof x === 'number' && x > 1e7) return;
        const outcomes = [];
        for (const be of BACKENDS) {
          const options =
            opts !== null && typeof opts === 'object' && !Array.isArray(opts)
              ? { ...opts, backend: be }
              : { backend: be };
          if (typeof options.signal !== 'undefined') delete options.signal;
          if (typeof options.onProgress !== 'undefined') delete options.onProgress;
          outcomes.push(await attempt(`${name}(${safeString(x)}) ${be}`, () => call(x, options)));
        }
        const [nat, js] = outcomes;
        const kind = (o) => ('error' in o ? `${o.error?.name} ${o.error?.code}` : 'value');
        if (!nat.hung && !js.hung && kind(nat) !== kind(js)) {
          record('wrong', `${name}(${safeString(x)}): native ${kind(nat)} vs js ${kind(js)}`);
        }
      },
    ),
    { numRuns: S.fuzzRuns * 2, seed },
  );
  for (const kind of ['f64', 'u8']) {
    for (const make of [detached, shrunk]) {
      for (const be of BACKENDS) {
        const view = make(kind);
        const r = await attempt(`${make.name} ${kind} ${be}`, () =>
          kind === 'f64' ? kernels.sortFloat64(view, { backend: be }) : kernels.sha256(view, { backend: be }),
        );
        if (!('error' in r)) record('wrong', `${make.name} ${kind} ${be}: accepted`);
      }
    }
  }
}

function safeString(x) {
  try {
    return typeof x === 'symbol' ? 'Symbol' : String(x).slice(0, 40);
  } catch {
    return '<unprintable>';
  }
}

/** Every public constructor and function with hostile arguments: values or coded errors only. */
async function fuzzConstructors() {
  const pools = [];
  const ctors = [
    ['Lock', (x) => new Lock(x)],
    ['RLock', (x) => new RLock(x)],
    ['Semaphore', (x) => new Semaphore(x)],
    ['BoundedSemaphore', (x) => new BoundedSemaphore(x)],
    ['Barrier', (x) => new Barrier(x)],
    ['Condition', (x) => new Condition(x)],
    ['Event', (x) => new Event(x)],
    ['Value', (x, y) => new Value(x, y)],
    ['Queue', (x) => new Queue(x)],
    ['Thread', (x) => new Thread(x)],
    ['Thread name', (x) => new Thread({ target: () => {}, name: x })],
    ['Timer', (x, y) => new Timer(x, y)],
    ['Scheduler', (x, y) => new Scheduler(x, y)],
    ['Process', (x) => new Process(x)],
    ['Pool', (x) => pools.push(new Pool(x))],
    ['ThreadPool', (x) => pools.push(new ThreadPool(x))],
    ['AsyncResult', (x) => new AsyncResult(x)],
    ['configure', (x) => configure(x)],
    ['backend', (x) => backend(x)],
    ['Lock.acquire', (x, y) => new Lock().acquire(x, y)],
    ['Semaphore.release', (x) => new Semaphore(1).release(x)],
    // null/undefined wait forever, as Python's; only bounded waits here.
    ['Event.wait', (x) => new Event().wait(typeof x === 'number' ? Math.min(Math.abs(x), 0.01) : (x ?? 0))],
    [
      'Queue.put',
      (x, y) => {
        const q = new Queue(4);
        return q.put(x, false, typeof y === 'number' ? 0.001 : y);
      },
    ],
    [
      'Value.set',
      (x) => {
        const v = new Value('d', 0);
        v.value = x;
        return v.value;
      },
    ],
  ];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ctors), hostile, hostile, async ([name, make], x, y) => {
      const r = await attempt(`${name}(${safeString(x)})`, () => make(x, y));
      // A Thread/Timer/Process constructed but never started holds nothing open.
      void r;
    }),
    { numRuns: S.fuzzRuns * 3, seed },
  );
  for (const p of pools) p.terminate?.();
  // configure() may have been given a valid thread count: restore the default.
  configure({ threads: CORES });
}

// ---------------------------------------------------------------- 2. abort storms
async function abortStorm(be) {
  const calls = [];
  let failedUnaborted = 0;
  for (let i = 0; i < S.stormCalls; i++) {
    const c = new AbortController();
    counts.operations += 2;
    calls.push(
      kernels.spin(10_000 + (i % 13) * 3_000, { backend: be, signal: c.signal }).then(
        () => undefined,
        (e) => {
          if (e?.name !== 'AbortError') record('wrong', `aborted spin ${be}: ${e?.code} ${e?.message}`);
        },
      ),
    );
    setTimeout(() => c.abort(), i % 4);
    const limit = [1_000, 10_000, 100_000][i % 3];
    const expected = { 1000: 168, 10000: 1229, 100000: 9592 }[limit];
    const options = i % 2 ? { backend: be } : { backend: be, signal: new AbortController().signal };
    calls.push(
      guard(kernels.countPrimes(limit, options)).then((r) => {
        if (r === HANG) return record('hangs', `storm countPrimes ${be}`);
        if ('error' in r) {
          failedUnaborted++;
          record('wrong', `unaborted call failed in a storm (${be}): ${r.error?.code} ${r.error?.message}`);
        } else if (r.value !== expected) record('wrong', `storm countPrimes(${limit}) ${be} = ${r.value}`);
      }),
    );
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(calls);
  return failedUnaborted;
}

// ---------------------------------------------------------------- 3. teardown
const workerFixture = new URL('../__test__/fixtures/worker-kernel.mjs', import.meta.url);
async function teardownRound(round) {
  // Worker threads with spindle loaded, terminated mid-kernel.
  const workers = Array.from({ length: 3 }, () => new Worker(workerFixture, { workerData: { mode: 'hang' } }));
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  counts.operations += workers.length;

  // A child process that exits mid-flight, with kernels running on both backends.
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { kernels } from 'spindle';
       kernels.spin(2 ** 52).catch(() => {});
       kernels.spin(2 ** 52, { backend: 'js' }).catch(() => {});
       kernels.sha256(new Uint8Array(1 << 22)).catch(() => {});
       setTimeout(() => process.exit(${round % 3}), ${5 + (round % 4) * 10});`,
    ],
    { cwd: new URL('..', import.meta.url), timeout: HANG_SECONDS * 1000, encoding: 'utf8' },
  );
  counts.operations++;
  if (child.error?.code === 'ETIMEDOUT') record('hangs', 'child exiting mid-flight');
  else if (child.signal !== null || child.status !== round % 3) {
    record(
      'crashes',
      `child exiting mid-flight: status ${child.status} signal ${child.signal} ${child.stderr.slice(0, 200)}`,
    );
  }

  // shutdown() and resizes under load: every call settles with its answer or CancelledError.
  for (const be of BACKENDS) {
    const calls = Array.from({ length: 24 }, (_, i) =>
      guard(kernels.countPrimes(50_000 + i, { backend: be })).then((r) => {
        counts.operations++;
        if (r === HANG) return record('hangs', `countPrimes during teardown ${be}`);
        if ('error' in r) {
          if (r.error?.code !== 'ERR_SPINDLE_CANCELLED')
            record('wrong', `teardown ${be}: ${r.error?.code} ${r.error?.message}`);
        } else if (r.value !== primesBelow(50_000 + i)) record('wrong', `teardown countPrimes ${be} = ${r.value}`);
      }),
    );
    configure({ threads: 1 + ((round + 1) % 4) });
    await new Promise((resolve) => setTimeout(resolve, 3));
    configure({ threads: 1 + (round % 3) });
    if (round % 2 === 0) await shutdown();
    await Promise.all(calls);
  }
  configure({ threads: CORES });
  // And the process still computes after all that.
  for (const be of BACKENDS)
    checkEqual(`after teardown ${be}`, await kernels.countPrimes(100_000, { backend: be }), 9592);
}

// ---------------------------------------------------------------- 4. soak
function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, external: (m.external + m.arrayBuffers) / 2 ** 20 };
}
async function soak() {
  const ops = [
    async (be) =>
      checkEqual('soak sha256', await kernels.sha256(new Uint8Array(100_000).fill(7), { backend: be }), SOAK_HASH),
    async (be) => checkEqual('soak countPrimes', await kernels.countPrimes(100_000, { backend: be }), 9592),
    async (be) => {
      const data = Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i));
      checkEqual('soak sort', await kernels.sortFloat64(data, { backend: be }), Float64Array.from(data).sort());
    },
    async (be) => {
      const n = 48;
      const a = Float64Array.from({ length: n * n }, (_, i) => i % 5);
      checkEqual('soak matmul', await kernels.matmul(a, a, n, { backend: be }), matmulRef(a, a, n));
    },
    async (be) => {
      const c = new AbortController();
      const p = kernels.spin(2 ** 40, { backend: be, signal: c.signal });
      setTimeout(() => c.abort(), 1);
      await p.catch((e) => e?.name === 'AbortError' || record('wrong', `soak abort: ${e?.code}`));
    },
    async (be) => void (await kernels.mandelbrot({ width: 64, height: 64, maxIterations: 100 }, { backend: be })),
    async () => {
      const lock = new Lock();
      await lock.acquire();
      lock.release();
    },
  ];
  const start = performance.now();
  let warm;
  const samples = [];
  let next = 0;
  while (performance.now() - start < S.soakSeconds * 1000) {
    const batch = Array.from({ length: 8 }, () => {
      counts.operations++;
      const op = ops[Math.floor(Math.random() * ops.length)];
      return op(BACKENDS[next++ % 2]).catch((e) => {
        if (!isCoded(e)) record('uncoded', `soak: ${e?.message}`);
        else record('wrong', `soak: ${e.code} ${e.message}`);
      });
    });
    await Promise.all(batch);
    const elapsed = (performance.now() - start) / 1000;
    if (warm === undefined && elapsed >= S.warmupSeconds) {
      globalThis.gc?.();
      warm = memory();
    }
    if (samples.length === 0 || elapsed - samples[samples.length - 1].t >= 1) samples.push({ t: elapsed, ...memory() });
  }
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const end = memory();
  warm ??= samples[0];
  const peak = samples.reduce(
    (p, s) => ({ rss: Math.max(p.rss, s.rss), external: Math.max(p.external, s.external) }),
    end,
  );
  return { warm, end, peak };
}
const SOAK_HASH = createHash('sha256').update(new Uint8Array(100_000).fill(7)).digest('hex');

// ---------------------------------------------------------------- main
const t0 = performance.now();
const lap = (name, since) => console.log(`# ${name}: ${((performance.now() - since) / 1000).toFixed(1)} s`);
console.log(`# spindle stress (${quick ? 'quick' : 'full'}), seed ${seed}, backend ${JSON.stringify(backend())}`);
let t = performance.now();
try {
  await fuzzKernels();
} catch (error) {
  // fast-check reports a failing property by throwing; the counts above say what failed.
  if (counts.wrong + counts.uncoded + counts.hangs === 0) record('wrong', `fuzz: ${error.message.slice(0, 300)}`);
}
lap(`fuzz kernels (${counts.operations} operations)`, t);
t = performance.now();
const beforeCtors = counts.operations;
try {
  await fuzzConstructors();
} catch (error) {
  if (counts.uncoded + counts.hangs === 0) record('wrong', `fuzz constructors: ${error.message.slice(0, 300)}`);
}
lap(`fuzz constructors and functions (${counts.operations - beforeCtors} operations)`, t);
t = performance.now();
const stormFailures = {};
for (const be of BACKENDS) stormFailures[be] = await abortStorm(be);
lap(
  `abort storms (${S.stormCalls} aborted + ${S.stormCalls} unaborted calls per backend; unaborted failures: native ${stormFailures.native}, js ${stormFailures.js})`,
  t,
);
t = performance.now();
for (let round = 0; round < S.teardownRounds; round++) await teardownRound(round);
lap(`teardown (${S.teardownRounds} rounds)`, t);
t = performance.now();
const mem = await soak();
lap(`soak (${S.soakSeconds} s, warm-up ${S.warmupSeconds} s)`, t);
await shutdown();

const rssGrowth = mem.end.rss - mem.warm.rss;
const externalGrowth = mem.end.external - mem.warm.external;
const memoryOk = rssGrowth <= RSS_BOUND_MB && externalGrowth <= EXTERNAL_BOUND_MB;
const f = (x) => x.toFixed(1);
console.log(
  `memory: RSS ${f(mem.warm.rss)} MB after warm-up -> ${f(mem.end.rss)} MB at end (peak ${f(mem.peak.rss)}; growth ${f(rssGrowth)} MB, bound ${RSS_BOUND_MB}); ` +
    `external+arrayBuffers ${f(mem.warm.external)} -> ${f(mem.end.external)} MB (growth ${f(externalGrowth)}, bound ${EXTERNAL_BOUND_MB})`,
);
for (const [kind, list] of Object.entries(examples)) for (const e of list) console.log(`  ${kind}: ${e}`);
console.log(
  `operations ${counts.operations}, crashes ${counts.crashes}, hangs ${counts.hangs}, wrong answers ${counts.wrong}, uncoded errors ${counts.uncoded}, memory ${memoryOk ? 'ok' : 'GREW'} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);
const ok = counts.crashes + counts.hangs + counts.wrong + counts.uncoded === 0 && memoryOk;
process.exit(ok ? 0 : 1);
