/**
 * The seed's multiprocessing example: two processes, each spinning through a loop, started
 * together and joined. Their "starting" lines print before their "finishing" lines, because they
 * run at the same time.
 *
 *     from multiprocessing import Process
 *
 *     def func1():
 *         print('func1: starting')
 *         for i in range(10000000):
 *             pass
 *         print('func1: finishing')
 *
 *     def func2():
 *         print ('func2: starting')
 *         for i in range(10000000):
 *             pass
 *         print ('func2: finishing')
 *
 *     if __name__ == '__main__':
 *         p1 = Process(target=func1)
 *         p1.start()
 *         p2 = Process(target=func2)
 *         p2.start()
 *         p1.join()
 *         p2.join()
 *
 * CPython needs about a quarter of a second for `range(10000000)`; the native loop is about a
 * hundred times faster, so this twin spins 10^9 times to take as long — long enough for the two
 * processes to overlap, as the seed's output shows.
 *
 * Run: npx tsx examples/two-processes.ts
 */
import { isMainProcess, kernels, Process } from 'spindle';

const ITERATIONS = 1_000_000_000;

export async function func1(): Promise<void> {
  console.log('func1: starting');
  await kernels.spin(ITERATIONS); // `for i in range(10000000): pass`, on spindle's native pool
  console.log('func1: finishing');
}

export async function func2(): Promise<void> {
  console.log('func2: starting');
  await kernels.spin(ITERATIONS);
  console.log('func2: finishing');
}

if (isMainProcess()) {
  const p1 = new Process({ target: func1, module: import.meta.url });
  p1.start();
  const p2 = new Process({ target: func2, module: import.meta.url });
  p2.start();
  await p1.join(); // wait for Process 1 to finish
  await p2.join();
}
