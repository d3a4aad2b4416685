/**
 * The seed's warning about threads touching the same data: func1 and func2 both read 5 from A,
 * both add 1, both write 6 — A ends at 6 where 7 was expected (a lost update). Here two worker
 * threads add 1 to a shared `Value` many times, first without a lock (updates get lost: the
 * total usually falls short), then under a `Lock` (the total is exact).
 *
 *     Func1 A'dan 5 değerini çeker; Func2 de A'dan 5 değerini çeker;
 *     Func1 değeri 1 artırır, A'ya 6 yazar; Func2 de değeri 1 artırır, A'ya 6 yazar;
 *     sonuç olarak A değerinin 7 olması beklenirken, 6 olduğu görülür.
 *
 * The note's remedy is multiprocessing; Python's, and spindle's, is also a lock.
 *
 * Run: npx tsx examples/lost-update.ts
 */
import { Barrier, isMainProcess, Lock, Thread, Value } from 'spindle';

const TIMES = 1_000_000;

/** `value.value += 1`, `times` times: a read, then a write — another thread may write between. */
export async function addUnlocked(start: Barrier, value: Value, times: number): Promise<void> {
  await start.wait(); // both threads begin together, so their loops overlap
  for (let i = 0; i < times; i++) value.value += 1;
}

/** The same under a lock: nobody writes between this thread's read and its write. */
export async function addLocked(start: Barrier, value: Value, lock: Lock, times: number): Promise<void> {
  await start.wait();
  for (let i = 0; i < times; i++) {
    await lock.acquire();
    try {
      value.value += 1;
    } finally {
      lock.release();
    }
  }
}

async function race(target: typeof addUnlocked | typeof addLocked, args: unknown[]): Promise<void> {
  const start = new Barrier(2);
  const threads = [1, 2].map(() => new Thread({ target, args: [start, ...args], module: import.meta.url }));
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
}

if (isMainProcess()) {
  const unlocked = new Value('i', 0);
  await race(addUnlocked, [unlocked, TIMES]);
  console.log(`without a lock: ${unlocked.value} (expected ${2 * TIMES})`);

  const locked = new Value('i', 0);
  await race(addLocked, [locked, new Lock(), TIMES / 20]);
  console.log(`with a Lock:    ${locked.value} (expected ${(2 * TIMES) / 20})`);
}
