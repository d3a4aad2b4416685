import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import test from 'ava';
import { kernels } from 'spindle';
import { primesBelowByTrialDivision } from '../helpers/reference.js';

const fixture = new URL('../fixtures/worker-kernel.mjs', import.meta.url);

test('several worker threads load spindle at once and run kernels', async (t) => {
  const jobs = [1000, 5000, 20_000, 65_536].map(async (limit, i) => {
    const worker = new Worker(fixture, { workerData: { limit, text: `worker ${i}` } });
    const [answer] = (await once(worker, 'message')) as [{ primes: number; digest: string }];
    await worker.terminate();
    return { limit, text: `worker ${i}`, answer };
  });
  for (const { limit, text, answer } of await Promise.all(jobs)) {
    t.is(answer.primes, primesBelowByTrialDivision(limit));
    t.is(answer.digest, createHash('sha256').update(text).digest('hex'));
  }
});

test('terminating workers while their kernels run leaves the process and the pool working', async (t) => {
  for (let round = 0; round < 3; round++) {
    const workers = Array.from({ length: 2 }, () => new Worker(fixture, { workerData: { mode: 'hang' } }));
    await Promise.all(workers.map((w) => once(w, 'message')));
    // Let the kernels get going on the pool, then pull the environments out from under them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const codes = await Promise.all(workers.map((w) => w.terminate()));
    t.deepEqual(codes, [1, 1]);
  }
  // The workers' jobs were cancelled by their environments' cleanup hooks: the pool is free.
  t.is(await kernels.countPrimes(1e6), 78_498);
  t.is(await kernels.spin(1e6), 1e6);
});

test('terminating workers while a thousand of their calls settle leaves the process and the pool working', async (t) => {
  for (let round = 0; round < 10; round++) {
    const workers = Array.from({ length: 2 }, () => new Worker(fixture, { workerData: { mode: 'storm' } }));
    const first = await Promise.all(workers.map((w) => once(w, 'message')));
    t.deepEqual(first, [['started'], ['started']]);
    // Terminated at varying points of the storm: settlements queued, being delivered, or not yet sent.
    await new Promise((resolve) => setTimeout(resolve, round * 3));
    const codes = await Promise.all(workers.map((w) => w.terminate()));
    t.deepEqual(codes, [1, 1]);
  }
  // Here too, calls in flight settle with their own values.
  const ns = Array.from({ length: 1000 }, (_, i) => i * 7);
  t.deepEqual(await Promise.all(ns.map((n) => kernels.spin(n))), ns);
});
