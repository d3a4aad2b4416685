import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { AsyncResult, CancelledError, kernels, Pool, ThreadPool, TimeoutError, ValueError } from 'spindle';
import { add, delayed, failOn, rendezvous, square, sum, where } from '../fixtures/pool-targets.mjs';

const module = new URL('../fixtures/pool-targets.mjs', import.meta.url);

for (const [kind, Kind] of [
  ['Pool', Pool],
  ['ThreadPool', ThreadPool],
] as const) {
  const pool = (): InstanceType<typeof Kind> => new Kind({ processes: 2, module });

  test(`${kind}: map and starmap keep input order`, async (t) => {
    const p = pool();
    const items = Array.from({ length: 100 }, (_, i) => i);
    t.deepEqual(
      await p.map(square, items),
      items.map((i) => i * i),
    );
    t.deepEqual(
      await p.map(square, items, 7),
      items.map((i) => i * i),
    );
    t.deepEqual(await p.map(square, []), []);
    t.deepEqual(
      await p.starmap(add, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [3, 7, 11],
    );
    t.deepEqual(await p.map(square, new Set([3, 4])), [9, 16]);
    p.terminate();
    await p.join();
  });

  test(`${kind}: workers run apart from the main thread, with isMainProcess() false`, async (t) => {
    const p = pool();
    const seen = (await p.map(where, [0, 1, 2, 3])) as ReturnType<typeof where>[];
    for (const w of seen) {
      t.false(w.main);
      if (kind === 'Pool') t.not(w.pid, process.pid);
      else t.not(w.threadId, 0);
    }
    p.terminate();
  });

  test(`${kind}: imap streams in input order, imapUnordered as results come`, async (t) => {
    const p = pool();
    const ordered: number[] = [];
    for await (const v of p.imap(square, [1, 2, 3, 4])) ordered.push(v as number);
    t.deepEqual(ordered, [1, 4, 9, 16]);
    t.deepEqual(await p.map(sum, [[1, 2], [3]]), [3, 3]);
    // The first item cannot finish until this test creates its file, which it does only after
    // the second item arrived: unordered iteration yields the second first.
    const file = join(mkdtempSync(join(tmpdir(), 'spindle-pool-')), 'flag');
    const unordered = p.imapUnordered(rendezvous, [{ wait: file }, { echo: 'fast' }]);
    t.deepEqual(await unordered.next(), { value: 'fast', done: false });
    writeFileSync(file, 'go');
    t.deepEqual(await unordered.next(), { value: 'waited', done: false });
    t.true((await unordered.next()).done);
    // Ordered iteration yields the first item first although the second finished long before.
    const second = join(mkdtempSync(join(tmpdir(), 'spindle-pool-')), 'flag');
    const inOrder: string[] = [];
    for await (const v of p.imap(rendezvous, [{ wait: second }, { create: second }])) inOrder.push(v as string);
    t.deepEqual(inOrder, ['waited', 'created']);
    p.terminate();
  });

  test(`${kind}: apply and applyAsync with get, wait, ready and successful`, async (t) => {
    const p = pool();
    t.is(await p.apply(add, [1, 2], { extra: 10 }), 13);
    const r = p.applyAsync(delayed, ['later', 0.05]);
    t.true(r instanceof AsyncResult);
    t.throws(() => r.successful(), { instanceOf: ValueError });
    t.is(await r.get(), 'later');
    t.true(r.ready());
    t.true(r.successful());
    const slow = p.applyAsync(delayed, ['slow', 5]);
    await t.throwsAsync(slow.get(0.05), { instanceOf: TimeoutError });
    await slow.wait(0.01);
    t.false(slow.ready());
    const failed = p.applyAsync(failOn, [3]);
    await failed.wait();
    t.false(failed.successful());
    await t.throwsAsync(failed.get(), { instanceOf: RangeError, message: 'three is not allowed' });
    p.terminate();
  });

  test(`${kind}: an error in one task rejects that call and the pool keeps working`, async (t) => {
    const p = pool();
    await t.throwsAsync(p.map(failOn, [1, 2, 3, 4]), { instanceOf: RangeError, message: 'three is not allowed' });
    const got: number[] = [];
    const error = await t.throwsAsync(async () => {
      for await (const v of p.imap(failOn, [1, 2, 3, 4])) got.push(v as number);
    });
    t.is(error?.message, 'three is not allowed');
    t.deepEqual(got, [1, 2], 'imap yields what came before the failing item');
    t.deepEqual(await p.map(square, [5]), [25]);
    p.terminate();
  });

  test(`${kind}: kernel targets run on the native pool`, async (t) => {
    const p = pool();
    t.deepEqual(await p.map(kernels.countPrimes, [10, 100, 1000]), [4, 25, 168]);
    t.is(await p.apply(kernels.sha256, ['abc']), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    p.terminate();
  });

  test(`${kind}: close() refuses new work; join() waits; terminate() cancels`, async (t) => {
    const p = pool();
    await t.throwsAsync(p.join(), { instanceOf: ValueError, message: 'Pool is still running' });
    const inFlight = p.apply(delayed, ['done', 0.1]);
    p.close();
    await t.throwsAsync(p.map(square, [1]), { instanceOf: ValueError, message: 'Pool not running' });
    t.throws(() => p.imap(square, [1]), { instanceOf: ValueError, message: 'Pool not running' });
    await t.throwsAsync(p.applyAsync(square, [1]).get(), { instanceOf: ValueError });
    await p.join();
    t.is(await inFlight, 'done');
    const q = pool();
    const long = q.apply(delayed, ['never', 60]);
    await new Promise((r) => setTimeout(r, 100));
    q.terminate();
    await t.throwsAsync(long, { instanceOf: CancelledError });
    await q.join();
  });

  test(`${kind}: Symbol.asyncDispose terminates, as Python's with`, async (t) => {
    const p = pool();
    t.deepEqual(await p.map(square, [2]), [4]);
    await p[Symbol.asyncDispose]();
    await t.throwsAsync(p.map(square, [1]), { instanceOf: ValueError, message: 'Pool not running' });
  });

  test(`${kind}: arguments are checked`, async (t) => {
    t.throws(() => new Kind({ processes: 0 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
    t.throws(() => new Kind({ module: 'relative.js' }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
    const p = pool();
    await t.throwsAsync(p.map(square, 5 as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
    await t.throwsAsync(p.map(square, [1], 0), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
    await t.throwsAsync(p.starmap(add, [1] as never), { instanceOf: TypeError });
    await t.throwsAsync(p.map('square' as never, [1]), { instanceOf: TypeError });
    p.terminate();
  });
}

test('Pool needs exported functions; ThreadPool runs plain functions on the main loop', async (t) => {
  const p = new Pool({ processes: 1 });
  await t.throwsAsync(
    p.map((x: number) => x, [1]),
    { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' },
  );
  p.terminate();
  const shared = { calls: 0 };
  const tp = new ThreadPool({ processes: 2 });
  t.deepEqual(
    await tp.map(
      (x: number) => {
        shared.calls++;
        return x + 1;
      },
      [1, 2, 3],
    ),
    [2, 3, 4],
  );
  t.is(shared.calls, 3);
  tp.terminate();
});

test('processes defaults to os.availableParallelism()', async (t) => {
  const { availableParallelism } = await import('node:os');
  const p = new Pool({ module });
  t.is(p.processes, availableParallelism());
  p.terminate();
});
