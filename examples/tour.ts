/**
 * `npm start`: a short tour of spindle — Python's concurrency model for Node.js, with CPU
 * kernels on its own native thread pool. Each part says where it ran. No network, no arguments;
 * well under a minute on two cores.
 *
 * 1. The seed's two processes (`multiprocessing.Process`), each spinning through a loop.
 * 2. A `Timer` and a `Scheduler`, as in the seed notes.
 * 3. Error Level Analysis of a spliced sample JPEG, one `Thread` per image, with progress.
 * 4. Every kernel once natively and once as its TypeScript twin on worker threads.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, isMainProcess, kernels, Process, Scheduler, Thread, Timer } from 'spindle';
import { progressBar } from './progress.js';
import { writeSamples } from './samples.js';

/** The seed's loops, run in child processes, which import this module afresh. */
export async function func1(): Promise<void> {
  console.log('   func1: starting');
  await kernels.spin(1_000_000_000);
  console.log('   func1: finishing');
}

export async function func2(): Promise<void> {
  console.log('   func2: starting');
  await kernels.spin(1_000_000_000);
  console.log('   func2: finishing');
}

if (isMainProcess()) {
  const output = fileURLToPath(new URL('./output/', import.meta.url));
  const info = backend();
  const where = `the ${info.active} backend (${info.threads} threads)`;
  const ms = (since: number): string => `${(performance.now() - since).toFixed(0)} ms`;

  console.log(`spindle — kernels run on ${where}`);
  if (info.reason) console.log(`  native is not active: ${info.reason}`);

  // 1. The seed's two processes.
  console.log(
    '\n1. Two processes, each spinning 10^9 times, about as long as range(10_000_000) takes CPython (as examples/two-processes.ts)',
  );
  let started = performance.now();
  const processes = [func1, func2].map((target) => new Process({ target, module: import.meta.url }));
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  console.log(
    `   both exited (codes ${processes.map((p) => p.exitcode).join(', ')}) in ${ms(started)}: child processes, loops on each child's native pool`,
  );

  // 2. A Timer and a Scheduler.
  console.log('\n2. A Timer re-arming itself, and a Scheduler re-entering its action (main event loop)');
  await new Promise<void>((resolve) => {
    let runs = 0;
    function runCheck(): void {
      console.log(`   Timer: Fonksiyon çalıştı. (${++runs})`);
      if (runs < 3) new Timer(0.2, runCheck).start();
      else resolve();
    }
    runCheck();
  });
  const s = new Scheduler();
  let runs = 0;
  function doSomething(sc: Scheduler): void {
    console.log(`   Scheduler: Doing stuff... (${++runs})`);
    if (runs < 3) sc.enter(0.2, 1, doSomething, [sc]);
  }
  s.enter(0.2, 1, doSomething, [s]);
  await s.run();

  // 3. ELA over sample JPEGs, one thread per image.
  console.log(`\n3. Error Level Analysis, one Thread per image, the analysis on ${where}`);
  const samples = join(output, 'samples');
  const names = writeSamples(samples);
  started = performance.now();
  const threads = names.map(
    (name) =>
      new Thread({
        target: async () => {
          const jpeg = await readFile(join(samples, name));
          const bar = name === 'spliced.jpg' ? progressBar(`   ${name}`) : undefined;
          const result = await kernels.ela(jpeg, {}, bar ? { onProgress: bar.onProgress } : undefined);
          const saved = join(output, name.replace('.jpg', '.ela.png'));
          await writeFile(saved, result.png);
          bar?.done(`done: mean difference ${result.meanDifference.toFixed(2)}`);
          return saved;
        },
      }),
  );
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
  console.log(`   Finished! ${names.length} images in ${ms(started)}`);
  console.log(`   The pasted patch stands out in ${threads.at(-1)?.result} — open it to see.`);

  // 4. Native against JavaScript.
  console.log('\n4. Each kernel natively and as its TypeScript twin (worker threads), same answers:');
  const n = 384;
  const matrix = Float64Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const unsorted = Float64Array.from({ length: 2_000_000 }, (_, i) => Math.sin(i) * 1e6);
  const bytes = new Uint8Array(64 * 1024 * 1024).map((_, i) => i & 0xff);
  const spliced = await readFile(join(samples, 'spliced.jpg'));
  const work: [string, (backend: 'native' | 'js') => Promise<unknown>][] = [
    ['spin(3e8)', (b) => kernels.spin(3e8, { backend: b })],
    ['countPrimes(3e7)', (b) => kernels.countPrimes(3e7, { backend: b })],
    ['sha256(64 MiB)', (b) => kernels.sha256(bytes, { backend: b })],
    ['mandelbrot(800×600)', (b) => kernels.mandelbrot({ width: 800, height: 600, maxIterations: 500 }, { backend: b })],
    [`matmul(${n}×${n})`, (b) => kernels.matmul(matrix, matrix, n, { backend: b })],
    ['sortFloat64(2M)', (b) => kernels.sortFloat64(unsorted, { backend: b })],
    ['ela(512×384)', (b) => kernels.ela(spliced, {}, { backend: b })],
  ];
  // Start the js backend's worker threads first, so the times compare work, not start-up.
  await Promise.all([kernels.spin(1, { backend: 'js' }), kernels.spin(1, { backend: 'js' })]);
  for (const [name, run] of work) {
    const times: Record<string, number> = {};
    for (const b of ['native', 'js'] as const) {
      const t0 = performance.now();
      await run(b);
      times[b] = performance.now() - t0;
    }
    const native = times.native as number;
    const js = times.js as number;
    console.log(
      `   ${name.padEnd(20)} native ${native.toFixed(0).padStart(5)} ms   js ${js.toFixed(0).padStart(5)} ms   ×${(js / native).toFixed(1)}`,
    );
  }
  console.log('\nMore: README.md, examples/, and `npm run bench` for the full benchmark.');
}
