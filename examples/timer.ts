/**
 * The seed's timer: `run_check` prints a line and re-arms a 5-second `threading.Timer` to call
 * itself again, so it runs every five seconds.
 *
 *     import threading
 *
 *     def run_check():
 *         print("Fonksiyon çalıştı.")
 *         threading.Timer(5.0, run_check).start()
 *
 *     run_check()
 *
 * A pending Timer keeps the process alive, as in Python.
 *
 * Run: npx tsx examples/timer.ts   (Ctrl-C to stop; INTERVAL=seconds and ROUNDS=N change it)
 */
import { Timer } from 'spindle';

const interval = Number(process.env.INTERVAL ?? 5.0);
const rounds = Number(process.env.ROUNDS ?? Number.POSITIVE_INFINITY);
let runs = 0;

function runCheck(): void {
  console.log('Fonksiyon çalıştı.');
  if (++runs < rounds) new Timer(interval, runCheck).start();
}

runCheck();
