/**
 * Regression tests for issue 14: defects found by hostile testing. Each test failed before its
 * fix. Serial: several reconfigure the process-wide pool or listen on process-wide events.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { configure, kernels, Lock, Pool, Thread, ThreadPool } from 'spindle';
import { runNode } from '../helpers/child.js';

/** countPrimes below 10^k, from the prime-counting function's known values. */
const PI: Record<number, number> = { 1000: 168, 10000: 1_229, 100000: 9_592 };

test.serial('js backend: many concurrent calls without a signal emit no MaxListenersExceededWarning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  configure({ threads: 1 });
  try {
    const results = await Promise.all(Array.from({ length: 40 }, () => kernels.countPrimes(1_000, { backend: 'js' })));
    t.deepEqual(results, Array(40).fill(168));
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
  t.deepEqual(
    warnings.map((w) => `${w.name}: ${w.message}`),
    [],
  );
});

/** Blocks the event loop: workers' responses pile up unprocessed meanwhile. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

test.serial('js backend: an abort landing after its task finished does not take the next call down', async (t) => {
  // The precise race: the worker has posted its result, the main thread has not read it, and
  // the call is aborted. Tinypool terminates that worker, spindle frees the slot, the next call
  // is queued in Tinypool, and the late response made Tinypool post it to the dying worker.
  configure({ threads: 1 });
  try {
    t.is(await kernels.countPrimes(1_000, { backend: 'js' }), 168); // a warm worker
    for (let round = 0; round < 10; round++) {
      const controller = new AbortController();
      const aborted = kernels.countPrimes(1_000, { backend: 'js', signal: controller.signal });
      const next = kernels.countPrimes(10_000, { backend: 'js' });
      const nextWithSignal = kernels.countPrimes(100_000, { backend: 'js', signal: new AbortController().signal });
      // Let the first call reach its worker (microtasks only), then keep the loop busy while it
      // finishes there, and abort before its response is read.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      busy(30);
      controller.abort();
      await aborted.catch(() => undefined);
      t.is(await next, 1_229);
      t.is(await nextWithSignal, 9_592);
    }
  } finally {
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
});

test.serial('js backend: an abort storm never fails a call that was not aborted', async (t) => {
  // Tinypool terminates the worker of an aborted task; a response that worker had already sent
  // made Tinypool hand it the next queued task, which then died with it ("Terminating worker
  // thread"). A few threads and many short calls make aborts land as tasks finish.
  configure({ threads: 2 });
  try {
    const calls: Promise<void>[] = [];
    let unaborted = 0;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 60; i++) {
        const controller = new AbortController();
        const spin = kernels.spin(20_000 + (i % 7) * 5_000, { backend: 'js', signal: controller.signal });
        calls.push(
          spin.then(
            () => undefined,
            (error: unknown) => {
              // Aborted, or finished before the abort: both fine; anything else is not.
              if ((error as { name?: string }).name !== 'AbortError') throw error;
            },
          ),
        );
        setTimeout(() => controller.abort(), i % 3);
        // Unaborted calls, with and without a signal of their own.
        const limit = [1_000, 10_000, 100_000][i % 3] as number;
        const withSignal = i % 2 === 0 ? { signal: new AbortController().signal } : {};
        unaborted++;
        calls.push(
          kernels.countPrimes(limit, { backend: 'js', ...withSignal }).then((n) => {
            if (n !== PI[limit]) throw new Error(`countPrimes(${limit}) = ${n}`);
          }),
        );
        const bytes = new Uint8Array(64 + i);
        bytes.fill(i);
        unaborted++;
        calls.push(
          kernels.sha256(bytes, { backend: 'js' }).then((hex) => {
            if (hex !== createHash('sha256').update(bytes).digest('hex')) throw new Error('wrong sha256');
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.allSettled(calls);
    const failures = outcomes.filter((o) => o.status === 'rejected');
    t.deepEqual(
      failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3),
      [],
      `${failures.length} of ${unaborted} unaborted calls failed`,
    );
  } finally {
    configure({ threads: (await import('node:os')).availableParallelism() });
  }
});

const BOTH = ['native', 'js'] as const;

/** The rejection of `promise`, as { name, code } (a fulfilment fails the test). */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; code: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a rejection');
}

test('typed arrays are checked by brand: a fake or a Proxy is a coded TypeError on both backends', async (t) => {
  const fakes: [string, unknown][] = [
    ['Object.create(Float64Array.prototype)', Object.create(Float64Array.prototype)],
    ['Proxy of a Float64Array', new Proxy(new Float64Array(4), {})],
    [
      'Proxy whose traps throw',
      new Proxy(new Float64Array(4), {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      }),
    ],
  ];
  const fakeBytes: [string, unknown][] = [
    ['Object.create(Uint8Array.prototype)', Object.create(Uint8Array.prototype)],
    ['Proxy of a Uint8Array', new Proxy(new Uint8Array(4), {})],
  ];
  for (const backend of BOTH) {
    for (const [what, fake] of fakes) {
      for (const [kernel, call] of [
        ['matmul a', () => kernels.matmul(fake as Float64Array, new Float64Array(4), 2, { backend })],
        ['matmul b', () => kernels.matmul(new Float64Array(4), fake as Float64Array, 2, { backend })],
        ['sortFloat64', () => kernels.sortFloat64(fake as Float64Array, { backend })],
      ] as const) {
        const error = await rejection(call());
        t.is(
          `${error.name} ${String(error.code)}`,
          'TypeError ERR_INVALID_ARG_TYPE',
          `${backend} ${kernel} ${what}: ${error.message}`,
        );
      }
    }
    for (const [what, fake] of fakeBytes) {
      for (const [kernel, call] of [
        ['sha256', () => kernels.sha256(fake as Uint8Array, { backend })],
        ['ela', () => kernels.ela(fake as Uint8Array, {}, { backend })],
      ] as const) {
        const error = await rejection(call());
        t.is(
          `${error.name} ${String(error.code)}`,
          'TypeError ERR_INVALID_ARG_TYPE',
          `${backend} ${kernel} ${what}: ${error.message}`,
        );
      }
    }
  }
});

test('matmul measures a Float64Array subclass by its real length, not a lying getter, on both backends', async (t) => {
  class Liar extends Float64Array {
    override get length(): number {
      return 4;
    }
  }
  for (const backend of BOTH) {
    // Real length 9 claims 4: n = 2 does not fit.
    const error = await rejection(kernels.matmul(new Liar(9), new Float64Array(4), 2, { backend }));
    t.is(`${error.name} ${String(error.code)}`, 'RangeError ERR_OUT_OF_RANGE', `${backend}: ${error.message}`);
    // Real length 4 (claims 4 as well, but a 9 would be ignored): the right product.
    const a = new Liar([1, 2, 3, 4]);
    const b = Float64Array.from([5, 6, 7, 8]);
    t.deepEqual(Array.from(await kernels.matmul(a, b, 2, { backend })), [19, 22, 43, 50], backend);
  }
  class LiarLong extends Float64Array {
    override get length(): number {
      return 9;
    }
  }
  for (const backend of BOTH) {
    const product = await kernels.matmul(new LiarLong([1, 0, 0, 1]), Float64Array.from([5, 6, 7, 8]), 2, { backend });
    t.deepEqual(Array.from(product), [5, 6, 7, 8], backend);
  }
});

test('a detached view, or one out of bounds of a shrunk resizable buffer, is refused alike on both backends', async (t) => {
  const detachedBytes = (): Uint8Array => {
    const bytes = new Uint8Array(16);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    return bytes;
  };
  const detachedFloats = (): Float64Array => {
    const floats = new Float64Array(4);
    structuredClone(floats.buffer, { transfer: [floats.buffer] });
    return floats;
  };
  const shrunk = <T>(make: (b: ArrayBuffer) => T): T => {
    const buffer = new (
      ArrayBuffer as unknown as new (
        n: number,
        o: { maxByteLength: number },
      ) => ArrayBuffer & { resize(n: number): void }
    )(32, { maxByteLength: 64 });
    const view = make(buffer);
    buffer.resize(8);
    return view;
  };
  for (const backend of BOTH) {
    const cases: [string, () => Promise<unknown>, string][] = [
      ['sha256 detached', () => kernels.sha256(detachedBytes(), { backend }), 'is detached'],
      ['sortFloat64 detached', () => kernels.sortFloat64(detachedFloats(), { backend }), 'is detached'],
      ['matmul detached', () => kernels.matmul(detachedFloats(), new Float64Array(4), 2, { backend }), 'is detached'],
      ['ela detached', () => kernels.ela(detachedBytes(), {}, { backend }), 'is detached'],
      [
        'sha256 out of bounds',
        () =>
          kernels.sha256(
            shrunk((b) => new Uint8Array(b, 0, 32)),
            { backend },
          ),
        'out of bounds',
      ],
      [
        'sortFloat64 out of bounds',
        () =>
          kernels.sortFloat64(
            shrunk((b) => new Float64Array(b, 8, 2)),
            { backend },
          ),
        'out of bounds',
      ],
    ];
    for (const [what, call, words] of cases) {
      const error = await rejection(call());
      t.is(
        `${error.name} ${String(error.code)}`,
        'TypeError ERR_INVALID_ARG_VALUE',
        `${backend} ${what}: ${error.message}`,
      );
      t.true(error.message.includes(words), error.message);
    }
    // An empty view that is neither still hashes as empty input.
    t.is(await kernels.sha256(new Uint8Array(0), { backend }), createHash('sha256').digest('hex'));
    // A length-tracking view of a resizable buffer is read at its current length.
    const tracking = shrunk((b) => new Uint8Array(b));
    tracking.fill(7);
    t.is(
      await kernels.sha256(tracking, { backend }),
      createHash('sha256').update(new Uint8Array(8).fill(7)).digest('hex'),
    );
  }
});

const targets = new URL('../fixtures/reliability-targets.mjs', import.meta.url);

test('user objects whose keys look like a shared descriptor cross to a ThreadPool unchanged', async (t) => {
  const { inspectArg } = await import('../fixtures/reliability-targets.mjs');
  const pool = new ThreadPool({ processes: 1, module: targets });
  try {
    const sab = new SharedArrayBuffer(16);
    const inputs: unknown[] = [
      { __spindleShared: 'Lock', buffer: sab },
      { __spindleShared: 'x' },
      { __spindleShared: '$escaped', value: { __spindleShared: 'Lock', buffer: sab } },
      [{ __spindleShared: 'Event' }, { nested: { __spindleShared: 'Value', n: 1 } }],
    ];
    for (const input of inputs) {
      const [out] = (await pool.map(inspectArg, [input])) as { value: unknown; protoName: string }[];
      t.deepEqual(out?.value, input);
      t.is(out?.protoName, Array.isArray(input) ? 'Array' : 'Object');
    }
    // Alongside a real shared object, which still arrives live.
    const lock = new Lock();
    const [mixed] = (await pool.map(inspectArg, [[lock, { __spindleShared: 'Lock', buffer: sab }]])) as {
      value: [unknown, unknown];
    }[];
    t.true(mixed?.value[0] instanceof Lock);
    t.deepEqual(mixed?.value[1], { __spindleShared: 'Lock', buffer: sab });
  } finally {
    await pool[Symbol.asyncDispose]();
  }
});

/** Settles like `promise`, or rejects after `seconds` as a hang (a guard, not a performance bound). */
function orHang<T>(promise: Promise<T>, seconds = 60): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

for (const [label, PoolClass] of [
  ['Pool', Pool],
  ['ThreadPool', ThreadPool],
] as const) {
  test(`${label}: a worker that exits rejects its call with ERR_SPINDLE_WORKER_EXITED, and the pool goes on`, async (t) => {
    const { exitNow, abortNow, square } = await import('../fixtures/reliability-targets.mjs');
    const pool = new PoolClass({ processes: 1, module: targets });
    try {
      for (let round = 0; round < 2; round++) {
        const error = await rejection(orHang(pool.map(exitNow, [1])));
        t.is(error.code, 'ERR_SPINDLE_WORKER_EXITED', error.message);
        t.deepEqual(await orHang(pool.map(square, [1, 2, 3])), [1, 4, 9]);
      }
      if (label === 'Pool') {
        // A child killed by a signal (SIGABRT).
        const error = await rejection(orHang(pool.apply(abortNow)));
        t.is(error.code, 'ERR_SPINDLE_WORKER_EXITED', error.message);
        t.deepEqual(await orHang(pool.map(square, [4])), [16]);
      }
    } finally {
      await pool[Symbol.asyncDispose]();
    }
  });

  test(`${label}: missing, throwing and not-exported targets reject with a code`, async (t) => {
    function never(): number {
      return 1;
    }
    function notExportedAnywhere(): number {
      return 2;
    }
    const throwing = new PoolClass({
      processes: 1,
      module: new URL('../fixtures/throws-at-import.mjs', import.meta.url),
    });
    const missing = new PoolClass({ processes: 1, module: new URL('../fixtures/no-such-module.mjs', import.meta.url) });
    const plain = new PoolClass({ processes: 1, module: targets });
    try {
      const thrown = await rejection(orHang(throwing.map(never, [1])));
      t.is(thrown.code, 'ERR_SPINDLE_TARGET_IMPORT', thrown.message);
      t.true(thrown.message.includes('this module refuses to load'), thrown.message);
      const absent = await rejection(orHang(missing.map(never, [1])));
      t.is(absent.code, 'ERR_SPINDLE_TARGET_IMPORT', absent.message);
      const unexported = await rejection(orHang(plain.map(notExportedAnywhere, [1])));
      t.is(
        `${unexported.name} ${String(unexported.code)}`,
        'TypeError ERR_SPINDLE_TARGET_NOT_EXPORTED',
        unexported.message,
      );
    } finally {
      await Promise.all([throwing, missing, plain].map((p) => p[Symbol.asyncDispose]()));
    }
  });
}

test('a Thread name without a string form is a coded TypeError', (t) => {
  const nameless = Object.create(null) as object;
  const throwing = {
    toString(): string {
      throw new Error('no');
    },
  };
  for (const bad of [nameless, throwing]) {
    const error = t.throws(() => new Thread({ target: () => {}, name: bad as unknown as string }));
    t.is(`${error?.name} ${String((error as { code?: unknown }).code)}`, 'TypeError ERR_INVALID_ARG_TYPE');
    const thread = new Thread({ target: () => {} });
    const renamed = t.throws(() => {
      thread.name = bad as unknown as string;
    });
    t.is(`${renamed?.name} ${String((renamed as { code?: unknown }).code)}`, 'TypeError ERR_INVALID_ARG_TYPE');
  }
  t.is(new Thread({ target: () => {}, name: 42 as unknown as string }).name, '42');
});

test.serial("a worker thread's shutdown() cancels its own kernels, not the main thread's", async (t) => {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('../fixtures/worker-shutdown.mjs', import.meta.url));
  try {
    const messages: unknown[] = [];
    let wake: (() => void) | undefined;
    worker.on('message', (m) => {
      messages.push(m);
      wake?.();
    });
    const next = async (): Promise<unknown> => {
      while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return messages.shift();
    };
    t.is(await next(), 'ready');
    const states: Record<string, string> = {};
    const controllers: AbortController[] = [];
    for (const backend of BOTH) {
      const controller = new AbortController();
      controllers.push(controller);
      states[backend] = 'running';
      kernels.spin(2 ** 52, { backend, signal: controller.signal }).then(
        () => (states[backend] = 'resolved'),
        (error: { code?: string }) => (states[backend] = String(error.code)),
      );
    }
    const primes = kernels.countPrimes(1_000_000, { backend: 'native' });
    worker.postMessage('go');
    t.deepEqual(await next(), { done: true, mine: 'ERR_SPINDLE_CANCELLED' });
    // A full round trip through each backend: a cancellation would have arrived by now.
    t.is(await kernels.countPrimes(100_000, { backend: 'native' }), 9_592);
    t.is(await kernels.countPrimes(100_000, { backend: 'js' }), 9_592);
    t.deepEqual(states, { native: 'running', js: 'running' });
    t.is(await primes, 78_498);
    for (const c of controllers) c.abort();
  } finally {
    await worker.terminate();
  }
});

test('a Pool or ThreadPool worker that runs out of memory rejects with ERR_SPINDLE_WORKER_EXITED, and the pool goes on', async (t) => {
  const { fileURLToPath } = await import('node:url');
  // Asynchronously: a blocking spawn would stall this file's other tests while the child runs.
  const run = await runNode(
    ['--max-old-space-size=48', fileURLToPath(new URL('../fixtures/pool-oom.mjs', import.meta.url))],
    {
      timeout: 170_000,
    },
  );
  const lines = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as unknown);
  t.deepEqual(
    lines,
    [
      { pool: 'ThreadPool', code: 'ERR_SPINDLE_WORKER_EXITED', after: [9] },
      { pool: 'Pool', code: 'ERR_SPINDLE_WORKER_EXITED', after: [9] },
    ],
    run.stderr.slice(-500),
  );
  t.is(run.code, 0);
});
