// The worker host's front doors: the `spindle` bin's arguments and startWorker's options.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startWorker } from 'spindle/cluster';
import { startHost } from '../helpers/hosts.js';
import { startRedis } from '../helpers/redis.js';

const CLI = fileURLToPath(new URL('../../dist/cluster/cli.js', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code) : 0, stdout, stderr }),
    ),
  );
}

test('spindle --help prints the usage; a worker without its required flags exits 2 saying which', async (t) => {
  const help = await cli(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /usage: spindle worker --connection URL --queue NAME --root DIR/);
  const missing = await cli(['worker', '--connection', 'redis://127.0.0.1:1', '--root', '.']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /--queue is required/);
  const bad = await cli([
    'worker',
    '--connection',
    'redis://127.0.0.1:1',
    '--queue',
    'q',
    '--root',
    '.',
    '--threads',
    'two',
  ]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--threads must be a whole number/);
  const unknown = await cli(['serve']);
  t.is(unknown.code, 2);
  const flag = await cli(['worker', '--bogus']);
  t.is(flag.code, 2);
});

test('startWorker checks its options before connecting', (t) => {
  t.throws(() => startWorker(undefined as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => startWorker({ connection: 'redis://127.0.0.1:1', queue: '', root: '.' }), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
  t.throws(() => startWorker({ connection: 'redis://127.0.0.1:1', queue: 'q', root: '' }), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
  t.throws(() => startWorker({ connection: 'ftp://x', queue: 'q', root: '.' }), { code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => startWorker({ connection: 'redis://127.0.0.1:1', queue: 'q', root: '.', threads: 0 }), {
    code: 'ERR_OUT_OF_RANGE',
  });
  t.throws(() => startWorker({ connection: 'redis://127.0.0.1:1', queue: 'q', root: '.', allow: 'x' as never }), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
});

test('a worker that cannot reach Redis closes at once: ready rejects with a code, and the bin exits 0 on SIGTERM', async (t) => {
  // Nothing listens on port 1: every connection attempt is refused.
  const worker = startWorker({ connection: 'redis://127.0.0.1:1', queue: 'unreachable', root: '.' });
  await worker.close();
  const error = await t.throwsAsync(worker.ready);
  t.is((error as { code?: string }).code, 'ERR_SPINDLE_CLUSTER_CONNECTION');

  const { spawn } = await import('node:child_process');
  const host = spawn(
    process.execPath,
    [CLI, 'worker', '--connection', 'redis://127.0.0.1:1', '--queue', 'q', '--root', '.'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
  // Once it has said it cannot connect, it is told to stop.
  await new Promise<void>((resolve) =>
    host.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('ECONNREFUSED')) resolve();
    }),
  );
  host.kill('SIGTERM');
  t.is(await exited, 0, stderr);
  t.regex(stderr, /draining/);
});

test('a host told to stop while its Redis goes away still exits 0', async (t) => {
  const redis = await startRedis();
  const host = await startHost({ url: redis.url, queue: 'gone', threads: 1 });
  try {
    // Redis dies first, then the drain is asked for: there is nothing it could report to.
    await redis.stop();
    host.child.kill('SIGTERM');
    const { code } = await host.exited;
    t.is(code, 0, host.log());
  } finally {
    await host.kill();
  }
});
