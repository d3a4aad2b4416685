/**
 * A worker host for the cluster example: takes jobs from the queue `spindle-example` and runs
 * kernels on this machine's native pool and `tasks.ts`'s functions on worker threads. Start one
 * per machine (here, one per terminal), after a redis-server:
 *
 *   redis-server --port 6379 --save '' --appendonly no --maxmemory-policy noeviction
 *   npx tsx examples/cluster/worker.ts            # REDIS_URL=redis://host:port to point elsewhere
 *   npx tsx examples/cluster/client.ts
 *
 * The same host from the command line, for JavaScript modules (`npx spindle worker --help`):
 *
 *   npx spindle worker --connection redis://127.0.0.1:6379 --queue spindle-example --root examples/cluster
 *
 * Ctrl-C or SIGTERM drains it: running jobs finish and report, nothing is delivered twice.
 */
import { fileURLToPath } from 'node:url';
import { startWorker } from 'spindle/cluster';

const worker = startWorker({
  connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queue: 'spindle-example',
  // Only modules under this directory may be loaded: a job naming any other fails with
  // ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED, and the host goes on.
  root: fileURLToPath(new URL('.', import.meta.url)),
  threads: Number(process.env.THREADS ?? 2),
});
const stop = (): void => {
  console.log('draining…');
  void worker.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await worker.ready;
console.log(`worker ready (pid ${process.pid})`);
