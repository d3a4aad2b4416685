/**
 * The client of the cluster example: the local Pool's calls, run by whichever worker hosts take
 * the queue `spindle-example` (start `worker.ts` first; see its header for the commands).
 */
import { kernels } from 'spindle';
import { Pool, Scheduler } from 'spindle/cluster';
import { normalise, remind, wordCount } from './tasks.js';

const connection = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// `module` names where the function targets are exported; it travels as its path relative to
// `root` ('./tasks.ts'), which each host resolves under its own root.
const options = {
  connection,
  queue: 'spindle-example',
  module: new URL('./tasks.ts', import.meta.url),
  root: new URL('.', import.meta.url),
};

{
  await using pool = new Pool(options);
  // Kernels run natively on the hosts, one job per limit.
  console.log('primes below 1e6, 2e6, 3e6:', await pool.map(kernels.countPrimes, [1e6, 2e6, 3e6], 1));
  // Functions run on the hosts' worker threads, 1000 items in a few jobs.
  const lines = Array.from({ length: 1000 }, (_, i) => 'word '.repeat(i % 7));
  const counts = await pool.map<number>(wordCount, lines);
  console.log(
    'words in 1000 lines:',
    counts.reduce((a, b) => a + b, 0),
  );
  // Typed arrays arrive as typed arrays.
  const normalised = await pool.apply(normalise, [Float64Array.of(1, -4, 2)]);
  console.log('normalised:', normalised);
  // An AsyncResult, as from the local Pool.
  const digest = pool.applyAsync(kernels.sha256, ['abc']);
  console.log('sha256(abc):', await digest.get(10));
}

// A reminder half a second from now, run once, on one host. (Give it `{ id }` as a sixth
// argument and every client that plans it under that id plans the same one event.)
const scheduler = new Scheduler(options);
scheduler.enter(0.5, 0, remind, ['stand up']);
await scheduler.run();
console.log('the reminder ran');
await scheduler.close();
