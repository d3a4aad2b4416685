// Faults and control: a host killed mid-task (SIGKILL), a host told to stop (SIGTERM), a
// running kernel cancelled through its signal, progress, and a password-protected Redis. Each
// case waits on events (a line in a file, a progress report, a process exit), never on time.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { AbortError, CancelledError, kernels } from 'spindle';
import { Pool } from 'spindle/cluster';
import { logAndDouble, record, square } from '../fixtures/cluster/targets.mjs';
import { runNode } from '../helpers/child.js';
import { FIXTURES, startHost } from '../helpers/hosts.js';
import { slowRelay, startRedis } from '../helpers/redis.js';

const module = pathToFileURL(join(FIXTURES, 'targets.mjs'));
const execFileAsync = promisify(execFile);
const scratch = (): string => mkdtempSync(join(tmpdir(), 'spindle-cluster-'));

/** Resolves once `file` exists and has at least `lines` lines. */
async function lines(file: string, count: number): Promise<string[]> {
  for (;;) {
    if (existsSync(file)) {
      const got = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      if (got.length >= count) return got;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a host SIGKILLed mid-map loses nothing: its job runs again elsewhere, the results are complete, in order, once each', async (t) => {
  const redis = await startRedis();
  const dir = scratch();
  const file = join(dir, 'log');
  const release = join(dir, 'release');
  // Short locks so the dead host's job comes back within seconds (the survivor's stall check),
  // long enough that a live host under load still renews its own in time.
  const opts = { url: redis.url, queue: 'kill', threads: 1, concurrency: 1, lockDuration: 5, stalledInterval: 2 };
  const victim = await startHost(opts);
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'kill', module, root: FIXTURES });
    // Item 0 blocks until `release` exists; the victim (one job at a time) takes it first.
    const items = Array.from({ length: 40 }, (_, i) => (i === 0 ? [file, '0', release] : [file, String(i)]));
    const mapped = pool.starmap<string>(record, items, 1);
    await lines(file, 1);
    await victim.kill();
    writeFileSync(release, 'go');
    const survivor = await startHost(opts);
    try {
      t.deepEqual(
        await mapped,
        items.map((_, i) => String(i)),
      );
      // Item 0's side effect happened twice (at-least-once); its result counts once.
      const ran = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      t.is(ran.filter((l) => l === '0').length, 2);
      t.deepEqual([...new Set(ran)].sort(), items.map((_, i) => String(i)).sort());
      const more = Array.from({ length: 200 }, (_, i) => i);
      t.deepEqual(
        await pool.starmap(
          logAndDouble,
          more.map((i) => [join(dir, 'map'), i]),
          7,
        ),
        more.map((i) => i * 2),
      );
      t.deepEqual(
        await pool.map(square, more, 7),
        more.map((i) => i * i),
      );
    } finally {
      await survivor.kill();
    }
  } finally {
    await victim.kill();
    await redis.stop();
  }
});

test('SIGTERM drains a host: its running task finishes and reports, and runs only once', async (t) => {
  const redis = await startRedis();
  const dir = scratch();
  const file = join(dir, 'log');
  const release = join(dir, 'release');
  const host = await startHost({ url: redis.url, queue: 'term', threads: 1, concurrency: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'term', module, root: FIXTURES });
    const running = pool.apply(record, [file, 'once', release]);
    await lines(file, 1);
    host.child.kill('SIGTERM');
    // Draining: the host waits for its task, which waits for this file.
    writeFileSync(release, 'go');
    t.is(await running, 'once');
    t.deepEqual(await host.exited, { code: 0, signal: null });
    t.deepEqual(readFileSync(file, 'utf8').split('\n').filter(Boolean), ['once']);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('aborting a call stops its running kernel on the host and rejects with AbortError', async (t) => {
  const redis = await startRedis();
  // One job at a time: the next call can only run once the cancelled kernel has stopped.
  const host = await startHost({ url: redis.url, queue: 'cancel', threads: 1, concurrency: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'cancel' });
    const controller = new AbortController();
    let reports = 0;
    const started = new Promise<void>((resolve) => {
      const call = pool.apply(kernels.spin, [1e15], undefined, {
        signal: controller.signal,
        onProgress: () => {
          reports++;
          resolve();
        },
      });
      void t.throwsAsync(call, { instanceOf: AbortError }).then((error) => {
        t.is((error as AbortError).code, 'ABORT_ERR');
        t.is((error as AbortError).cause, 'enough');
      });
    });
    await started; // the kernel is running on the host: progress came back
    t.true(reports >= 1);
    controller.abort('enough');
    // Waiting jobs of an aborted call are removed too.
    const waiting = new AbortController();
    const many = pool.map(kernels.spin, [1e15, 1e15, 1e15], { chunksize: 1, signal: waiting.signal });
    waiting.abort();
    await t.throwsAsync(many, { instanceOf: AbortError });
    t.is(await pool.apply(kernels.countPrimes, [1000]), 168);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('progress reaches onProgress: never decreasing, ending at 1', async (t) => {
  const redis = await startRedis();
  const host = await startHost({ url: redis.url, queue: 'progress', threads: 1, concurrency: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'progress' });
    const seen: number[] = [];
    const n = await pool.apply(kernels.spin, [3e8], undefined, { onProgress: (f) => seen.push(f) });
    t.is(n, 3e8);
    t.is(seen.at(-1), 1);
    for (let i = 1; i < seen.length; i++) t.true((seen[i] as number) > (seen[i - 1] as number));
    const mapSeen: number[] = [];
    t.deepEqual(
      await pool.map(kernels.countPrimes, [10, 100, 1000], { chunksize: 1, onProgress: (f) => mapSeen.push(f) }),
      [4, 25, 168],
    );
    t.is(mapSeen.at(-1), 1);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('terminate() rejects unfinished calls with CancelledError and touches only its own jobs', async (t) => {
  const redis = await startRedis();
  const host = await startHost({ url: redis.url, queue: 'terminate', threads: 1, concurrency: 1 });
  try {
    const mine = new Pool({ connection: redis.url, queue: 'terminate' });
    await using other = new Pool({ connection: redis.url, queue: 'terminate' });
    const theirs = other.map(kernels.countPrimes, [10, 100, 1000], 1);
    const doomed = mine.map(kernels.spin, [1e15, 1e15], 1);
    mine.terminate();
    await t.throwsAsync(doomed, { instanceOf: CancelledError });
    // Time for the queue's connection to queue the jobs (not a bound on anything measured).
    await delay(300);
    await mine.join();
    t.deepEqual(await theirs, [4, 25, 168]);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('terminate() straight after a call, while a connection is still being made, still stops its jobs', async (t) => {
  const redis = await startRedis();
  // The pool reaches Redis through a relay that lets its first connection (the queue's) through
  // at once and holds the others back: the jobs are queued while the connection that tells the
  // hosts to stop them is not yet up, as on a loaded machine.
  const relay = await slowRelay(redis.port, (n) => (n === 0 ? 0 : 1500));
  const host = await startHost({ url: redis.url, queue: 'terminate-early', threads: 1, concurrency: 1 });
  try {
    await using other = new Pool({ connection: redis.url, queue: 'terminate-early' });
    const mine = new Pool({ connection: `redis://127.0.0.1:${relay.port}`, queue: 'terminate-early' });
    const doomed = mine.map(kernels.spin, [1e15, 1e15], 1);
    mine.terminate();
    await t.throwsAsync(doomed, { instanceOf: CancelledError });
    // Time for the queue's connection to queue the jobs (not a bound on anything measured).
    await delay(300);
    await mine.join();
    // The one thread of the one host is free: no spin of the terminated call holds it.
    t.is(await other.apply(kernels.countPrimes, [100]), 25);
  } finally {
    await host.kill();
    await relay.close();
    await redis.stop();
  }
});

test('a password-protected Redis works through the URL', async (t) => {
  const redis = await startRedis({ password: 'p@ss word' });
  const host = await startHost({ url: redis.url, queue: 'auth', threads: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'auth' });
    t.is(await pool.apply(kernels.countPrimes, [100]), 25);
    t.true(redis.url.includes('p%40ss%20word@'));
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('importing spindle does not load BullMQ or ioredis', async (t) => {
  const hook = `data:text/javascript,${encodeURIComponent(
    "export async function load(url, context, next) { if (/node_modules\\/(bullmq|ioredis)\\//.test(url)) console.log('LOADED ' + url); return next(url, context); }",
  )}`;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
  // Asynchronously: a blocking spawn would stall this file's other tests while the child runs.
  const options = { cwd: FIXTURES, timeout: 60_000 };
  const plain = await runNode(
    ['--import', register, '--input-type=module', '-e', "await import('spindle'); console.log('imported');"],
    options,
  );
  t.is(plain.stdout.trim(), 'imported', plain.stderr);
  const cluster = await runNode(
    ['--import', register, '--input-type=module', '-e', "await import('spindle/cluster');"],
    options,
  );
  t.is(cluster.code, 0, cluster.stderr);
  t.regex(cluster.stdout, /LOADED .*bullmq/);
});

test('a Redis restart mid-call (without persistence) ends the call with a coded error, not a hang', async (t) => {
  const redis = await startRedis();
  const dir = scratch();
  const file = join(dir, 'log');
  const host = await startHost({ url: redis.url, queue: 'restart', threads: 1, concurrency: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'restart', module, root: FIXTURES, checkInterval: 1 });
    const release = join(dir, 'release');
    const call = pool.apply(record, [file, 'started', release]);
    await lines(file, 1);
    await redis.restart(); // the job and its lock are gone with the old server's memory
    const error = await t.throwsAsync(call);
    t.true(
      ['ERR_SPINDLE_CLUSTER_JOB_LOST', 'ERR_SPINDLE_CLUSTER_CONNECTION'].includes(
        (error as { code?: string }).code ?? '',
      ),
      String(error),
    );
    // The host's task ends (its late reply is ignored); the pool and the host have reconnected,
    // and new work runs.
    writeFileSync(release, 'go');
    t.is(await pool.apply(square, [4]), 16);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('rediss:// connects over TLS, checking the certificate (URL on the host, ioredis options on the client)', async (t) => {
  const dir = scratch();
  const f = (name: string): string => join(dir, name);
  const openssl = async (args: string[]): Promise<void> => void (await execFileAsync('openssl', args));
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=spindle test CA',
  ]);
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(f('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '1',
    '-extfile',
    f('san.ext'),
  ]);
  const redis = await startRedis({
    password: 'tls secret',
    tls: { cert: f('server.pem'), key: f('server.key'), ca: f('ca.pem') },
  });
  // The host trusts the test CA through Node's own variable, and takes the URL as it is.
  const host = await startHost({ url: redis.url, queue: 'tls', threads: 1, env: { NODE_EXTRA_CA_CERTS: f('ca.pem') } });
  try {
    t.regex(redis.url, /^rediss:\/\//);
    await using pool = new Pool({
      connection: {
        host: 'localhost',
        port: redis.port,
        password: 'tls secret',
        tls: { ca: readFileSync(f('ca.pem')) },
      },
      queue: 'tls',
    });
    t.is(await pool.apply(kernels.countPrimes, [100]), 25);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('aborting a call stops its running function target (its worker thread is replaced)', async (t) => {
  const redis = await startRedis();
  const dir = scratch();
  const file = join(dir, 'log');
  // One job and one thread: the next call runs only once the cancelled one has let go of both.
  const host = await startHost({ url: redis.url, queue: 'cancel-fn', threads: 1, concurrency: 1 });
  try {
    await using pool = new Pool({ connection: redis.url, queue: 'cancel-fn', module, root: FIXTURES });
    const controller = new AbortController();
    const call = pool.apply(record, [file, 'waiting', join(dir, 'never')], undefined, { signal: controller.signal });
    await lines(file, 1); // it is running on the host
    controller.abort();
    await t.throwsAsync(call, { instanceOf: AbortError });
    t.is(await pool.apply(square, [5]), 25);
    t.is(await pool.apply(kernels.countPrimes, [1000]), 168);
  } finally {
    await host.kill();
    await redis.stop();
  }
});

test('Redis gone for good mid-call ends the call with ERR_SPINDLE_CLUSTER_CONNECTION, not a hang', async (t) => {
  const redis = await startRedis();
  const dir = scratch();
  const file = join(dir, 'log');
  const host = await startHost({ url: redis.url, queue: 'gone', threads: 1, concurrency: 1 });
  const pool = new Pool({ connection: redis.url, queue: 'gone', module, root: FIXTURES, checkInterval: 1 });
  try {
    const call = pool.apply(record, [file, 'started', join(dir, 'never')]);
    await lines(file, 1);
    await redis.stop();
    const error = await t.throwsAsync(call);
    t.is((error as { code?: string }).code, 'ERR_SPINDLE_CLUSTER_CONNECTION', String(error));
  } finally {
    pool.terminate();
    await pool.join(); // closes without waiting for Redis
    await host.kill();
  }
});
