/**
 * A consumer of the whole public API. `npm run test:package` type-checks it (strict) against
 * the .d.ts of the installed tarball; the repository's own `tsc` checks it against the sources.
 * It is compiled, never run.
 */
import {
  AbortError,
  type AsyncResult,
  type BackendInfo,
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  backend,
  CancelledError,
  Condition,
  configure,
  currentThread,
  Event,
  isMainProcess,
  type KernelOptions,
  kernels,
  Lock,
  Pool,
  Process,
  Queue,
  QueueEmpty,
  QueueFull,
  RLock,
  RuntimeError,
  type SchedEvent,
  Scheduler,
  Semaphore,
  SpindleError,
  shutdown,
  Thread,
  ThreadPool,
  TimeoutError,
  Timer,
  Value,
  ValueError,
} from 'spindle';

export async function everything(): Promise<void> {
  const info: BackendInfo = backend();
  configure({ threads: 2, backend: 'auto' });
  const options: KernelOptions = {
    signal: AbortSignal.timeout(1000),
    onProgress: (f: number) => void f,
    backend: 'native',
    ref: true,
  };
  const n: number = await kernels.spin(10, options);
  const primes: number = await kernels.countPrimes(100);
  const hex: string = await kernels.sha256('abc');
  const image: Uint32Array = await kernels.mandelbrot({ width: 4, height: 4, maxIterations: 10, xMin: -2 });
  const product: Float64Array = await kernels.matmul(new Float64Array(4), new Float64Array(4), 2);
  const sorted: Float64Array = await kernels.sortFloat64(new Float64Array([2, 1]));
  const ela = await kernels.ela(new Uint8Array(0), { quality: 90, scale: 15 });
  const png: Uint8Array = ela.png;
  void [
    info,
    n,
    primes,
    hex,
    image,
    product,
    sorted,
    png,
    ela.width,
    ela.height,
    ela.maxDifference,
    ela.meanDifference,
  ];

  const t = new Thread({ target: kernels.countPrimes, args: [10], name: 'primes', daemon: false });
  t.start();
  await t.join(1.5);
  const alive: boolean = t.isAlive();
  const ident: number | null = t.ident;
  void [alive, ident, t.result, t.exception, t.name, t.daemon, currentThread()];
  Thread.excepthook = ({ excType, excValue, thread }) => void [excType, excValue, thread.name];

  const timer = new Timer(0.1, (a: number) => a, [1], { k: 1 });
  timer.start();
  timer.cancel();
  const fired: boolean = await timer.finished.wait(1);
  void [fired, timer.interval, timer.function, timer.args, timer.kwargs];

  const s = new Scheduler(
    () => performance.now() / 1000,
    (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000)),
  );
  const e: SchedEvent = s.enter(1, 1, () => {}, [], {});
  s.enterabs(e.time, e.priority, () => {});
  s.cancel(e);
  const queue: SchedEvent[] = s.queue;
  const next: number | undefined = await s.run(false);
  void [queue, next, s.empty(), s.every(1, 1, () => {}).cancel()];

  if (isMainProcess()) {
    const p = new Process({ target: kernels.spin, args: [10], name: 'p', daemon: true });
    p.start();
    await p.join(1);
    const code: number | null = p.exitcode;
    const pid: number | null = p.pid;
    p.terminate();
    p.kill();
    p.close();
    void [code, pid];
  }

  const pool = new Pool({ processes: 2, module: import.meta.url });
  const squares: number[] = await pool.map<number>(kernels.countPrimes, [10, 100]);
  const star: number[] = await pool.starmap<number>(kernels.countPrimes, [[10]]);
  for await (const r of pool.imap<number>(kernels.countPrimes, [10])) void r;
  for await (const r of pool.imapUnordered<number>(kernels.countPrimes, [10])) void r;
  const one: number = await pool.apply<number>(kernels.countPrimes, [10]);
  const later: AsyncResult<number> = pool.applyAsync<number>(kernels.countPrimes, [10]);
  await later.wait(1);
  const value: number = await later.get(1);
  void [squares, star, one, value, later.ready(), later.successful()];
  pool.close();
  await pool.join();
  const threads = new ThreadPool({ processes: 1 });
  await threads[Symbol.asyncDispose]();
  threads.terminate();

  const lock = new Lock();
  const got: boolean = await lock.acquire(true, 1);
  lock.release();
  const rlock = new RLock();
  await rlock.acquire();
  rlock.release();
  const ev = new Event();
  ev.set();
  ev.clear();
  const set: boolean = await ev.wait(0.1);
  const sem = new Semaphore(2);
  await sem.acquire();
  sem.release(2);
  new BoundedSemaphore(1).release;
  const barrier = new Barrier(2, undefined, 1);
  void [barrier.parties, barrier.nWaiting, barrier.broken, barrier.reset, barrier.abort];
  const cond = new Condition(lock);
  await cond.acquire();
  cond.notify(1);
  cond.notifyAll();
  const ok: boolean = await cond.waitFor(() => true, 0.1);
  cond.release();
  const v = new Value('d', 1.5);
  v.value = v.value + 1;
  void v.getLock();
  const q = new Queue(10);
  await q.put({ any: 'thing' }, true, 1);
  const item: unknown = await q.get(true, 1);
  void [got, set, ok, item, q.qsize(), q.empty(), q.full(), barrier.wait];

  const errors: Error[] = [
    new SpindleError('x'),
    new RuntimeError('x'),
    new ValueError('x'),
    new BrokenBarrierError(),
    new TimeoutError(),
    new CancelledError(),
    new AbortError(),
    new QueueEmpty(),
    new QueueFull(),
  ];
  void errors.map((error) => (error instanceof SpindleError ? error.code : error.name));
  await shutdown();
}
