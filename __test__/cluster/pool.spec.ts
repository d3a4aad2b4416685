// The cluster Pool against two worker hosts (separate `spindle worker` processes) on a private
// redis-server; answers are checked against the local Pool's and the kernels' own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { kernels, Pool as LocalPool, SpindleError, TimeoutError, ValueError } from 'spindle';
import { Pool } from 'spindle/cluster';
import {
  add,
  echo,
  failCustom,
  failWithSpindleError,
  failWithTypeError,
  failWithValueError,
  flaky,
  square,
  where,
} from '../fixtures/cluster/targets.mjs';
import { FIXTURES, type Host, startHost } from '../helpers/hosts.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const module = pathToFileURL(join(FIXTURES, 'targets.mjs'));
const QUEUE = 'pool-spec';
let redis: RedisServer;
let hosts: Host[] = [];
let local: LocalPool;

test.before(async () => {
  redis = await startRedis();
  hosts = await Promise.all([0, 1].map(() => startHost({ url: redis.url, queue: QUEUE, threads: 1, concurrency: 2 })));
  local = new LocalPool({ processes: 2, module });
});

test.after.always(async () => {
  local?.terminate();
  await Promise.all(hosts.map((h) => h.kill()));
  await redis?.stop();
});

const pool = (extra: Record<string, unknown> = {}): Pool =>
  new Pool({ connection: redis.url, queue: QUEUE, module, root: FIXTURES, ...extra });

const ITEMS = Array.from({ length: 10_000 }, (_, i) => i - 5000);

test('map, starmap, imap and imapUnordered over 10 000 items equal the local Pool', async (t) => {
  await using p = pool();
  const expected = await local.map(square, ITEMS);
  t.deepEqual(await p.map(square, ITEMS), expected);
  t.deepEqual(await p.map(square, ITEMS, 1000), expected);
  const pairs = ITEMS.map((i) => [i, 3 * i]);
  t.deepEqual(await p.starmap(add, pairs), await local.starmap(add, pairs));
  const ordered: number[] = [];
  for await (const v of p.imap<number>(square, ITEMS, 250)) ordered.push(v);
  t.deepEqual(ordered, expected);
  const unordered: number[] = [];
  for await (const v of p.imapUnordered<number>(square, ITEMS, 250)) unordered.push(v);
  t.is(unordered.length, ITEMS.length);
  t.deepEqual(
    [...unordered].sort((a, b) => a - b),
    [...(expected as number[])].sort((a, b) => a - b),
  );
  t.deepEqual(await p.map(square, []), []);
  t.deepEqual(await p.mapAsync(square, [2, 3]).get(), [4, 9]);
  t.deepEqual(await p.starmapAsync(add, [[2, 3]]).get(), [5]);
});

test('kernels run on the hosts by name and agree with the local kernels', async (t) => {
  await using p = pool();
  const limits = [0, 1, 2, 10, 1000, 100_000, 1_000_000];
  t.deepEqual(await p.map(kernels.countPrimes, limits), await Promise.all(limits.map((l) => kernels.countPrimes(l))));
  t.is(await p.apply(kernels.sha256, ['abc']), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const a = Float64Array.from({ length: 16 }, (_, i) => i / 3);
  const remote = await p.apply<Float64Array>(kernels.matmul, [a, a, 4]);
  t.true(remote instanceof Float64Array);
  t.deepEqual(remote, await kernels.matmul(a, a, 4));
  const region = { width: 64, height: 48, maxIterations: 200 };
  t.deepEqual(await p.apply(kernels.mandelbrot, [region]), await kernels.mandelbrot(region));
});

test('function targets run on the hosts, apart from this process, with isMainProcess() false', async (t) => {
  await using p = pool();
  const seen = await p.map<ReturnType<typeof where>>(where, [0, 1, 2, 3], 1);
  const hostPids = new Set(hosts.map((h) => h.child.pid));
  for (const w of seen) {
    t.false(w.main);
    t.true(hostPids.has(w.pid));
  }
});

test('typed arrays, Buffer, BigInt, Map, Set, Date, NaN and -0 survive the round trip', async (t) => {
  await using p = pool();
  const value = {
    f64: Float64Array.of(1.5, Number.NaN, -0, Number.POSITIVE_INFINITY),
    u8: Uint8Array.of(0, 255),
    i32: Int32Array.of(-1, 2 ** 31 - 1),
    buffer: Buffer.from('spindle'),
    big: 2n ** 70n,
    map: new Map<unknown, unknown>([
      [1, 'a'],
      ['b', new Set([1, 2])],
    ]),
    date: new Date(86_400_000),
    nan: Number.NaN,
    negZero: -0,
    nested: [undefined, null, { deep: Float32Array.of(0.25) }],
  };
  const back = await p.apply<typeof value>(echo, [value]);
  t.deepEqual(back, value);
  t.true(back.f64 instanceof Float64Array);
  t.true(Object.is(back.negZero, -0));
  t.true(Object.is(back.f64[2], -0));
  t.true(Number.isNaN(back.nan));
  t.is(back.big, 2n ** 70n);
  t.true(back.date instanceof Date);
});

test('a remote TypeError keeps its class, message, code, data, stack and host', async (t) => {
  await using p = pool();
  const error = await t.throwsAsync(p.apply(failWithTypeError, [7]), { instanceOf: TypeError, message: 'bad value 7' });
  const e = error as TypeError & { code?: unknown; detail?: unknown; host?: unknown };
  t.is(e.code, 'ERR_CUSTOM_TYPE');
  t.deepEqual(e.detail, { x: 7 });
  t.regex(e.stack ?? '', /failWithTypeError/);
  t.true(hosts.some((h) => (e.host as string).endsWith(`:${h.child.pid}`)));
  // In a map: the first error in input order, after the items before it.
  await t.throwsAsync(p.map(failWithTypeError, [1, 2]), { instanceOf: TypeError, message: 'bad value 1' });
});

test("spindle's own errors come back as themselves; other classes keep their name", async (t) => {
  await using p = pool();
  const v = await t.throwsAsync(p.apply(failWithValueError, ['nope']), { instanceOf: ValueError, message: 'nope' });
  t.is((v as ValueError).code, 'ERR_SPINDLE_VALUE');
  t.is((v as ValueError).name, 'ValueError');
  const s = await t.throwsAsync(p.apply(failWithSpindleError, ['ERR_SPINDLE_JS_WORKER']), { instanceOf: SpindleError });
  t.is((s as SpindleError).code, 'ERR_SPINDLE_JS_WORKER');
  const c = await t.throwsAsync(p.apply(failCustom), { instanceOf: Error, message: 'custom' });
  t.is((c as Error).name, 'CustomError');
  // A kernel's own argument check, on the host.
  const r = await t.throwsAsync(p.apply(kernels.countPrimes, [-1]), { instanceOf: RangeError });
  t.is((r as RangeError & { code: string }).code, 'ERR_OUT_OF_RANGE');
});

test('a module outside the host root is refused with a coded error, and the host lives on', async (t) => {
  const outside = mkdtempSync(join(tmpdir(), 'spindle-outside-'));
  // The client names the module relative to another root: the host resolves it outside its own.
  await using p = pool({ root: outside });
  const error = await t.throwsAsync(p.apply(square, [3]), { instanceOf: SpindleError });
  t.is((error as SpindleError).code, 'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED');
  await using q = pool({ module: 'left-pad' });
  const pkg = await t.throwsAsync(q.apply(square, [3]), { instanceOf: SpindleError });
  t.is((pkg as SpindleError).code, 'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED');
  await using ok = pool();
  t.is(await ok.apply(square, [3]), 9);
  t.true(hosts.every((h) => h.child.exitCode === null));
});

test('applyAsync gives an AsyncResult; get(timeout) times out with TimeoutError', async (t) => {
  await using p = pool();
  const result = p.applyAsync<number>(square, [12]);
  t.is(await result.get(), 144);
  t.true(result.successful());
  const slow = p.applyAsync(kernels.spin, [1e12]);
  await t.throwsAsync(slow.get(0.05), { instanceOf: TimeoutError });
  p.terminate();
});

test('bad input fails before anything is queued', async (t) => {
  t.throws(() => new Pool({ connection: 42 as never, queue: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Pool({ connection: 'http://x', queue: 'x' }), { code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => new Pool({ connection: redis.url, queue: '' }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Pool({ connection: redis.url, queue: 'x', attempts: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  await using p = pool({ maxPayload: 1024 });
  await t.throwsAsync(
    p.map(() => 1, [1]),
    { code: 'ERR_INVALID_ARG_VALUE' },
  ); // unnamed: no export to name
  await using bare = new Pool({ connection: redis.url, queue: QUEUE });
  await t.throwsAsync(bare.map(square, [1]), { code: 'ERR_INVALID_ARG_TYPE' }); // no module to find it in
  await t.throwsAsync(p.map(square, 5 as never), { code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(p.map(square, [1], 0), { code: 'ERR_OUT_OF_RANGE' });
  await t.throwsAsync(p.apply(echo, [new Uint8Array(4096)]), {
    instanceOf: RangeError,
    code: 'ERR_SPINDLE_CLUSTER_PAYLOAD_TOO_LARGE',
  });
  await t.throwsAsync(p.apply(echo, [() => 1]), { instanceOf: TypeError, code: 'ERR_SPINDLE_DATA_CLONE' });
  // Many small items over the limit together: split into more jobs, not refused.
  t.deepEqual(
    await p.map(
      echo,
      Array.from({ length: 300 }, (_, i) => i),
      300,
    ),
    Array.from({ length: 300 }, (_, i) => i),
  );
});

test('close() refuses new work, lets submitted work finish; join() waits for it', async (t) => {
  const p = pool();
  const pending = p.map(square, [1, 2, 3]);
  p.close();
  await t.throwsAsync(p.map(square, [1]), { instanceOf: ValueError, message: 'Pool not running' });
  await p.join();
  t.deepEqual(await pending, [1, 4, 9]);
  const q = pool();
  await t.throwsAsync(q.join(), { instanceOf: ValueError });
  q.terminate();
  await q.join();
});

test('retries are opt-in: one attempt by default, `attempts` tries again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-retry-'));
  await using once = pool();
  await t.throwsAsync(once.apply(flaky, [join(dir, 'a'), 1]), { instanceOf: RangeError, message: 'attempt 1 fails' });
  await using thrice = pool({ attempts: 3, backoff: { type: 'fixed', delay: 0.01 } });
  t.is(await thrice.apply(flaky, [join(dir, 'b'), 2]), 'ok after 3');
  await t.throwsAsync(thrice.apply(flaky, [join(dir, 'c'), 5]), { instanceOf: RangeError, message: 'attempt 3 fails' });
});
