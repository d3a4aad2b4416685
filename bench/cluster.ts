/**
 * `npm run bench:cluster`: spindle/cluster against the local Pool, on a private redis-server over
 * loopback, with worker hosts as separate `spindle worker` processes. Writes
 * bench/cluster-results.md. Needs a built package (`npm run build:ts`) and redis-server on PATH
 * (scripts/ensure-redis.mjs).
 *
 * - items/s of `map` over 100 000 tiny items (a function target), chunksize 1 and automatic, on
 *   1 and 2 hosts, next to the local Pool (2 processes);
 * - p50/p99 of `applyAsync(...).get()` round trips, one at a time (a kernel and a function);
 * - `countPrimes` over ranges on 1 vs 2 hosts, each host one native thread.
 *
 * Hosts run with their default concurrency (2 × threads).
 *
 * Goals (issue 16): ≥ 50 000 tiny items/s with the automatic chunksize; applyAsync p50 ≤ 2 ms;
 * 2 hosts ≥ 1.8× one host on the kernel map. Every host and the client share this machine's
 * cores, so the 2-host figures are bounded by the cores there are: the load average is recorded.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { kernels, Pool as LocalPool } from 'spindle';
import { Pool } from 'spindle/cluster';
import { type Host, startHost } from '../__test__/helpers/hosts.js';
import { startRedis } from '../__test__/helpers/redis.js';
import { square } from './cluster/targets.mjs';

const ROOT = fileURLToPath(new URL('./cluster/', import.meta.url));
const module = pathToFileURL(`${ROOT}targets.mjs`);
const N = Number(process.env.BENCH_ITEMS ?? 100_000);
const LAT = Number(process.env.BENCH_LATENCY_CALLS ?? 2000);
const rows: string[] = [];
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const log = (line: string): void => {
  console.log(line);
  rows.push(line);
};

const redis = await startRedis();
let queueNo = 0;

async function withHosts<T>(count: number, threads: number, run: (queue: string) => Promise<T>): Promise<T> {
  const queue = `bench-${queueNo++}`;
  const hosts: Host[] = [];
  try {
    for (let i = 0; i < count; i++) hosts.push(await startHost({ url: redis.url, queue, root: ROOT, threads }));
    return await run(queue);
  } finally {
    await Promise.all(hosts.map((h) => h.kill()));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const items = Array.from({ length: N }, (_, i) => i);
const expected = items.map((i) => i * i);
const check = (got: unknown[]): void => {
  if (got.length !== expected.length || got.some((v, i) => v !== expected[i])) throw new Error('wrong results');
};

log(`# spindle/cluster bench`);
log('');
log(
  `Machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, redis-server over loopback TCP.`,
);
log(`Load average at start: ${load()} (other work on this machine shares the cores).`);
log('');
log(`## map over ${N.toLocaleString('en')} tiny items (a function target)`);
log('');
log('| where | chunksize | seconds | items/s | load avg |');
log('| --- | --- | --- | --- | --- |');

{
  const local = new LocalPool({ processes: 2, module });
  await local.map(square, [1, 2]); // warm
  for (const [label, size] of [
    ['auto', undefined],
    ['1', 1],
  ] as const) {
    let got: unknown[] = [];
    const s = await timed(async () => (got = await local.map(square, items, size)));
    check(got);
    log(
      `| local Pool (2 processes) | ${label} | ${s.toFixed(2)} | ${Math.round(N / s).toLocaleString('en')} | ${load()} |`,
    );
  }
  local.terminate();
  await local.join();
}

for (const hostCount of [1, 2]) {
  await withHosts(hostCount, 2, async (queue) => {
    await using pool = new Pool({ connection: redis.url, queue, module, root: ROOT });
    await pool.map(square, [1, 2, 3, 4], 1); // warm: threads started, modules loaded
    for (const [label, size] of [
      ['auto', undefined],
      ['1', 1],
    ] as const) {
      let got: unknown[] = [];
      const s = await timed(async () => (got = await pool.map(square, items, size)));
      check(got);
      log(
        `| cluster, ${hostCount} host${hostCount > 1 ? 's' : ''} (2 threads each) | ${label} | ${s.toFixed(2)} | ${Math.round(N / s).toLocaleString('en')} | ${load()} |`,
      );
    }
  });
}

log('');
log(`## applyAsync round trips (${LAT} calls, one at a time, 1 host)`);
log('');
log('| target | p50 ms | p99 ms | mean ms | load avg |');
log('| --- | --- | --- | --- | --- |');
const stats = (times: number[]): string => {
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `${at(0.5).toFixed(2)} | ${at(0.99).toFixed(2)} | ${mean.toFixed(2)} | ${load()}`;
};
{
  // The floor under any BullMQ-based round trip here: a bare BullMQ Worker in this process whose
  // processor pushes to a list the caller BLPOPs — no spindle, no second process.
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench-raw', { connection });
  const push = new Redis(connection);
  const wait = new Redis(connection);
  const worker = new Worker('bench-raw', async () => void (await push.rpush('bench-raw-reply', 'x')), {
    connection,
    concurrency: 2,
  });
  await worker.waitUntilReady();
  const times: number[] = [];
  for (let i = 0; i < LAT + 50; i++) {
    const start = performance.now();
    await queue.add('x', {}, { removeOnComplete: true });
    await wait.blpop('bench-raw-reply', 0);
    if (i >= 50) times.push(performance.now() - start);
  }
  log(`| reference: bare BullMQ add → processor → RPUSH/BLPOP, one process | ${stats(times)} |`);
  await worker.close();
  await queue.close();
  push.disconnect();
  wait.disconnect();
}
await withHosts(1, 2, async (queue) => {
  await using pool = new Pool({ connection: redis.url, queue, module, root: ROOT });
  for (const [label, fn, args] of [
    ['kernels.countPrimes(100) (native, on the host)', kernels.countPrimes, [100]],
    ['square(7) (function, on a host thread)', square, [7]],
  ] as const) {
    for (let i = 0; i < 50; i++) await pool.applyAsync(fn, [...args]).get(); // warm
    const times: number[] = [];
    for (let i = 0; i < LAT; i++) {
      const start = performance.now();
      await pool.applyAsync(fn, [...args]).get();
      times.push(performance.now() - start);
    }
    log(`| ${label} | ${stats(times)} |`);
  }
});

log('');
const LIMIT = Number(process.env.BENCH_PRIMES_LIMIT ?? 1e9);
const RANGES = 16;
log(`## countPrimes over ${RANGES} ranges (limit ${LIMIT.toExponential()}), chunksize 1, each host 1 native thread`);
log('');
log('| hosts | seconds | speed-up | load avg |');
log('| --- | --- | --- | --- |');
const limits = Array.from({ length: RANGES }, (_, i) => LIMIT - i);
const reference = await Promise.all(limits.map((l) => kernels.countPrimes(l)));
let one = 0;
for (const hostCount of [1, 2]) {
  await withHosts(hostCount, 1, async (queue) => {
    await using pool = new Pool({ connection: redis.url, queue });
    await pool.map(kernels.countPrimes, [10, 10], 1); // warm
    let got: unknown[] = [];
    const s = await timed(async () => (got = await pool.map(kernels.countPrimes, limits, 1)));
    if (got.some((v, i) => v !== reference[i])) throw new Error('wrong countPrimes results');
    if (hostCount === 1) one = s;
    log(`| ${hostCount} | ${s.toFixed(2)} | ${(one / s).toFixed(2)}× | ${load()} |`);
  });
}
log('');
log(`Load average at the end: ${load()}.`);

await redis.stop();
writeFileSync(new URL('./cluster-results.md', import.meta.url), `${rows.join('\n')}\n`);
