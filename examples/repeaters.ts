/**
 * The seed's repeater threads: three threads print "dum", "tis" and "ah" forever, every 1, 0.5
 * and 3 seconds; their output interleaves.
 *
 *     from time import sleep
 *     from threading import Thread
 *
 *     def tekrarla(ne, bekleme):
 *         while True:
 *             print ne
 *             sleep(bekleme)
 *
 *     if __name__ == '__main__':
 *         dum = Thread(target = tekrarla, args = ("dum",1))
 *         tis = Thread(target = tekrarla, args = ("tis",0.5))
 *         ah = Thread(target = tekrarla, args = ("ah",3))
 *
 *         dum.start()
 *         tis.start()
 *         ah.start()
 *
 * Waiting is I/O, not computation, so plain functions on the main event loop are the right kind
 * of target: they interleave exactly as Python's threads do under the GIL.
 *
 * Run: npx tsx examples/repeaters.ts   (Ctrl-C to stop; ROUNDS=N stops each after N lines)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainProcess, Thread } from 'spindle';

const rounds = Number(process.env.ROUNDS ?? Number.POSITIVE_INFINITY);

async function tekrarla(ne: string, bekleme: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    console.log(ne);
    await sleep(bekleme * 1000);
  }
}

if (isMainProcess()) {
  const dum = new Thread({ target: tekrarla, args: ['dum', 1] });
  const tis = new Thread({ target: tekrarla, args: ['tis', 0.5] });
  const ah = new Thread({ target: tekrarla, args: ['ah', 3] });

  dum.start();
  tis.start();
  ah.start();
}
