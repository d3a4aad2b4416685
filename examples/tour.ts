/**
 * `npm start`: a short tour of spindle.
 *
 * It mirrors the seed's two-process example:
 *
 *     def func1():
 *         print('func1: starting')
 *         for i in range(10000000):
 *             pass
 *         print('func1: finishing')
 *     ...
 *     p1 = Process(target=func1); p1.start()
 *     p2 = Process(target=func2); p2.start()
 *     p1.join(); p2.join()
 *
 * Here both loops run as the `spin` kernel on spindle's native thread pool, at the same time,
 * while the event loop keeps ticking.
 */
import { backend, kernels } from 'spindle';

const SEED_ITERATIONS = 10_000_000;
/** Enough iterations to take about a second natively, so the ticking is visible. */
const BIG_ITERATIONS = 2_000_000_000;

async function loop(name: string, iterations: number): Promise<void> {
  console.log(`${name}: starting`);
  await kernels.spin(iterations);
  console.log(`${name}: finishing`);
}

/** Runs both loops together and counts event-loop ticks (a 50 ms interval) meanwhile. */
async function twoLoops(iterations: number): Promise<{ seconds: number; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 50);
  const started = performance.now();
  await Promise.all([loop('func1', iterations), loop('func2', iterations)]);
  clearInterval(timer);
  return { seconds: (performance.now() - started) / 1000, ticks };
}

const info = backend();
console.log(`spindle — kernels run on the ${info.active} backend, ${info.threads} thread(s)`);
if (info.reason) console.log(`  (native is not active: ${info.reason})`);

console.log(`\nThe seed's two loops, ${SEED_ITERATIONS.toLocaleString('en')} iterations each:`);
const seed = await twoLoops(SEED_ITERATIONS);
console.log(`both done in ${seed.seconds.toFixed(3)} s`);

console.log(`\nThe same, ${BIG_ITERATIONS.toLocaleString('en')} iterations each, with the event loop ticking:`);
const big = await twoLoops(BIG_ITERATIONS);
console.log(`both done in ${big.seconds.toFixed(2)} s; the event loop ticked ${big.ticks} times meanwhile`);

const started = performance.now();
const primes = await kernels.countPrimes(10_000_000);
console.log(`\nπ(10^7) = ${primes.toLocaleString('en')} (${(performance.now() - started).toFixed(0)} ms)`);
