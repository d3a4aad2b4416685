// The cluster example runs as its header says: a redis-server, `worker.ts`, then `client.ts`.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startRedis } from '../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('examples/cluster: a worker and a client, as the header says', async (t) => {
  const redis = await startRedis();
  const env = { ...process.env, REDIS_URL: redis.url, THREADS: '1' };
  const worker = spawn(process.execPath, ['--import', 'tsx', 'examples/cluster/worker.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let workerOut = '';
  try {
    await new Promise<void>((resolve, reject) => {
      worker.stdout.on('data', (chunk: Buffer) => {
        workerOut += chunk.toString();
        if (workerOut.includes('worker ready')) resolve();
      });
      worker.once('exit', (code) => reject(new Error(`worker exited ${code}: ${workerOut}`)));
    });
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'examples/cluster/client.ts'],
        { cwd: ROOT, env },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      ),
    );
    t.regex(stdout, /primes below 1e6, 2e6, 3e6: \[ 78498, 148933, 216816 \]/);
    t.regex(stdout, /words in 1000 lines: 2997/);
    t.regex(stdout, /normalised: Float64Array\(3\) \[ 0\.25, -1, 0\.5 \]/);
    t.regex(stdout, /sha256\(abc\): ba7816bf/);
    t.regex(stdout, /the reminder ran/);
    // SIGTERM drains and exits 0.
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    t.is(await exited, 0);
    t.regex(workerOut, /reminder on pid \d+: stand up/);
  } finally {
    if (worker.exitCode === null) worker.kill('SIGKILL');
    await redis.stop();
  }
});
