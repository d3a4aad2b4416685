import { threadId } from 'node:worker_threads';
import test from 'ava';
import { currentThread, type ExceptHookArgs, kernels, RuntimeError, Thread } from 'spindle';
import { add, exits, fails, notExportedHelper, returnsFunction, slowEcho } from '../fixtures/thread-targets.mjs';
import { runFixture } from '../helpers/child.js';

const module = new URL('../fixtures/thread-targets.mjs', import.meta.url).href;

/** Collects what Thread.excepthook receives during `body`, instead of printing it. */
async function capturingExceptions<T>(body: () => Promise<T>): Promise<{ value: T; seen: ExceptHookArgs[] }> {
  const seen: ExceptHookArgs[] = [];
  const previous = Thread.excepthook;
  Thread.excepthook = (args) => seen.push(args);
  try {
    return { value: await body(), seen };
  } finally {
    Thread.excepthook = previous;
  }
}

test.serial('a plain function runs on the main event loop and shares its variables', async (t) => {
  const shared = { count: 0 };
  const th = new Thread({
    target: (by: number, kwargs: { times: number }) => {
      for (let i = 0; i < kwargs.times; i++) shared.count += by;
      return threadId;
    },
    args: [2],
    kwargs: { times: 3 },
  });
  th.start();
  t.true(th.isAlive());
  await th.join();
  t.false(th.isAlive());
  t.is(shared.count, 6);
  t.is(th.result, threadId);
});

test.serial('an async plain function is awaited', async (t) => {
  const th = new Thread({
    target: async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 'slept';
    },
  });
  th.start();
  await th.join();
  t.is(th.result, 'slept');
});

test.serial('a kernel target runs on the pool and its result is kept', async (t) => {
  const th = new Thread({ target: kernels.countPrimes, args: [1e6] });
  t.is(th.name.replace(/Thread-\d+/, 'Thread-N'), 'Thread-N (countPrimes)');
  th.start();
  await th.join();
  t.is(th.result, 78_498);
  t.is(th.exception, undefined);
});

test.serial('a module target runs isolated on a worker thread with cloned arguments', async (t) => {
  const kwargs = { flag: true };
  const th = new Thread({ target: add, args: [40, 2], kwargs, module });
  th.start();
  await th.join();
  const result = th.result as ReturnType<typeof add>;
  t.is(result.sum, 42);
  t.deepEqual(result.kwargs, kwargs);
  t.not(result.kwargs, kwargs);
  t.not(result.threadId, threadId);
  t.false(result.main, 'isMainProcess() is false in the worker; its main block did not run');
});

test.serial('many worker threads start at once rather than queueing, and finished workers are reused', async (t) => {
  // Eight threads that each wait for 300 ms: queued behind a pool of two, they would need four
  // rounds; all started at once, they overlap. Each reports its worker's threadId.
  const threads = Array.from({ length: 8 }, (_, i) => new Thread({ target: slowEcho, args: [i, 0.3], module }));
  for (const th of threads) th.start();
  t.true(threads.every((th) => th.isAlive()));
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(
    threads.map((th) => th.result),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  const again = new Thread({ target: add, args: [1, 1], module });
  again.start();
  await again.join();
  const ids = new Set<number>();
  for (const _ of threads) {
    const probe = new Thread({ target: add, args: [0, 0], module });
    probe.start();
    await probe.join();
    ids.add((probe.result as ReturnType<typeof add>).threadId);
  }
  // Sequential threads reuse the idle workers instead of starting one each.
  t.true(ids.size < threads.length, `workers used: ${[...ids].join(', ')}`);
});

test.serial('default names count Thread-N with the target name, from one counter', (t) => {
  const a = new Thread();
  const b = new Thread({ target: function work() {} });
  const named = new Thread({ name: 'custom' });
  const c = new Thread({ target: () => {} });
  const n = Number(/^Thread-(\d+)$/.exec(a.name)?.[1]);
  t.true(n > 0, a.name);
  t.is(b.name, `Thread-${n + 1} (work)`);
  t.is(named.name, 'custom');
  t.is(c.name, `Thread-${n + 2} (target)`);
});

test.serial('start() twice throws RuntimeError, and join() before start rejects', async (t) => {
  const th = new Thread({ target: () => {} });
  const early = await t.throwsAsync(th.join(), { instanceOf: RuntimeError });
  t.is(early?.message, 'cannot join thread before it is started');
  th.start();
  const error = t.throws(() => th.start(), { instanceOf: RuntimeError });
  t.is(error?.message, 'threads can only be started once');
  t.is(error?.code, 'ERR_SPINDLE_RUNTIME');
  await th.join();
});

test.serial('join(timeout) resolves on timeout with the thread still alive', async (t) => {
  let release: () => void = () => {};
  const th = new Thread({ target: () => new Promise<void>((r) => (release = r)) });
  th.start();
  await th.join(0.05);
  t.true(th.isAlive());
  await th.join(0);
  t.true(th.isAlive());
  release();
  await th.join();
  t.false(th.isAlive());
  await th.join(-1);
});

test.serial('join checks its timeout', async (t) => {
  const th = new Thread();
  th.start();
  await t.throwsAsync(th.join('1' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  await t.throwsAsync(th.join(Number.NaN), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
});

test.serial('a thread cannot join itself', async (t) => {
  const th: Thread = new Thread({
    target: async () => {
      const error = await th.join().catch((e: Error) => e);
      return (error as Error).message;
    },
  });
  th.start();
  await th.join();
  t.is(th.result, 'cannot join current thread');
});

test.serial('ident is null before start and kept after exit; idents differ', async (t) => {
  const a = new Thread();
  const b = new Thread();
  t.is(a.ident, null);
  a.start();
  b.start();
  t.true(Number.isInteger(a.ident));
  await a.join();
  t.true(Number.isInteger(a.ident));
  t.not(a.ident, b.ident);
});

test.serial('daemon is inherited, and cannot change once started', async (t) => {
  t.false(new Thread().daemon);
  const parent = new Thread({
    daemon: true,
    target: () => new Thread().daemon,
  });
  parent.start();
  await parent.join();
  t.true(parent.result as boolean, 'a thread created inside a daemon thread is a daemon');
  const th = new Thread();
  th.daemon = true;
  th.start();
  const error = t.throws(
    () => {
      th.daemon = false;
    },
    { instanceOf: RuntimeError },
  );
  t.is(error?.message, 'cannot set daemon status of active thread');
  await th.join();
  t.throws(
    () => {
      th.daemon = false;
    },
    { instanceOf: RuntimeError },
  );
});

test.serial('currentThread() is the running thread inside its target', async (t) => {
  let seen: Thread | undefined;
  const th = new Thread({
    target: async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen = currentThread();
    },
  });
  th.start();
  await th.join();
  t.is(seen, th);
  t.is(currentThread(), undefined);
});

test.serial('an error goes to excepthook, is kept in exception, and join still resolves', async (t) => {
  const boom = new Error('boom');
  const { seen } = await capturingExceptions(async () => {
    const th = new Thread({
      name: 'failing',
      target: () => {
        throw boom;
      },
    });
    th.start();
    await th.join();
    t.is(th.exception, boom);
    t.is(th.result, undefined);
    return th;
  });
  t.is(seen.length, 1);
  t.is(seen[0]?.excValue, boom);
  t.is(seen[0]?.excType, Error);
  t.is(seen[0]?.thread.name, 'failing');
});

test.serial('errors in worker and kernel targets reach excepthook too', async (t) => {
  const { seen } = await capturingExceptions(async () => {
    const worker = new Thread({ target: fails, args: ['from a worker'], module });
    const missing = new Thread({
      target: notExportedHelper,
      module: new URL('../fixtures/empty-module.mjs', import.meta.url),
    });
    const exit = new Thread({ target: exits, args: [3], module });
    const kernel = new Thread({ target: kernels.spin, args: [-1] });
    for (const th of [worker, missing, exit, kernel]) th.start();
    for (const th of [worker, missing, exit, kernel]) await th.join();
    t.is((worker.exception as Error).message, 'from a worker');
    t.is((worker.exception as Error).name, 'RangeError');
    t.regex((missing.exception as Error).message, /notExportedHelper is not exported from/);
    t.regex((exit.exception as Error).message, /exited with code 3/);
    t.is((kernel.exception as Error & { code?: string }).code, 'ERR_OUT_OF_RANGE');
  });
  t.is(seen.length, 4);
});

test.serial('the default excepthook prints "Exception in thread NAME:" and the stack', async (t) => {
  const child = await runFixture('thread-excepthook.mjs');
  t.is(child.code, 0, child.stderr);
  t.regex(child.stderr, /^Exception in thread Thread-1 \(explode\):\nError: kaboom\n\s+at explode/m);
  t.is(child.stdout.trim(), 'still running');
});

test.serial('arguments that cannot be cloned to a worker make start() throw, naming the function', (t) => {
  const th = new Thread({ target: add, args: [() => 1, 2], module });
  const error = t.throws(() => th.start(), { instanceOf: TypeError });
  t.regex(error?.message ?? '', /the arguments of add cannot be sent to a worker thread/);
  t.false(th.isAlive());
});

test.serial('a result that cannot be cloned back becomes the exception', async (t) => {
  const { seen } = await capturingExceptions(async () => {
    const th = new Thread({ target: returnsFunction, module });
    th.start();
    await th.join();
    t.regex((th.exception as Error).message, /the result of returnsFunction cannot be sent back/);
  });
  t.is(seen.length, 1);
});

test.serial('a subclass may override run(), sync or async', async (t) => {
  class Doubler extends Thread {
    constructor(readonly input: number) {
      super({ name: 'doubler' });
    }
    override async run(): Promise<number> {
      await new Promise((r) => setTimeout(r, 5));
      return this.input * 2;
    }
  }
  const th = new Doubler(21);
  th.start();
  await th.join();
  t.is(th.result, 42);
  t.is(String(th), `<Doubler(doubler, stopped ${th.ident})>`);
});

test.serial('constructor arguments are checked', (t) => {
  t.throws(() => new Thread({ target: 5 as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Thread({ args: 'ab' as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Thread({ daemon: 1 as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Thread({ target: add, module: 'relative/path.js' }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_VALUE',
  });
  t.throws(() => new Thread({ target: add, module: 42 as never }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  });
  t.throws(() => new Thread({ module }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
});

test.serial("the seed's dum/tis/ah repeaters interleave on three threads", async (t) => {
  // The seed's `tekrarla(ne, bekleme)` loops forever printing and sleeping 1, 0.5 and 3 s;
  // here the seconds are scaled down 50× and each repeater stops after a few lines.
  const lines: string[] = [];
  const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  async function tekrarla(ne: string, bekleme: number, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      lines.push(ne);
      await sleep(bekleme / 50);
    }
  }
  const threads = [
    new Thread({ target: tekrarla, args: ['dum', 1, 6] }),
    new Thread({ target: tekrarla, args: ['tis', 0.5, 12] }),
    new Thread({ target: tekrarla, args: ['ah', 3, 2] }),
  ];
  for (const th of threads) th.start();
  await Promise.all(threads.map((th) => th.join()));
  t.deepEqual(lines.slice(0, 3), ['dum', 'tis', 'ah']);
  t.is(lines.filter((l) => l === 'dum').length, 6);
  t.is(lines.filter((l) => l === 'tis').length, 12);
  t.is(lines.filter((l) => l === 'ah').length, 2);
  // Interleaved, not one repeater after another: some 'tis' comes between the first and last 'dum'.
  t.true(lines.indexOf('tis', lines.indexOf('dum') + 1) < lines.lastIndexOf('dum'));
});
