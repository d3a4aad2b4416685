// The allow-list as an attacker with write access to the queue meets it: jobs crafted by hand
// (not by a Pool) naming absolute paths, URLs, `..` escapes and a symbolic link out of the root.
// Each fails with the coded refusal, and the host keeps serving.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Job, Queue } from 'bullmq';
import { kernels } from 'spindle';
import { Pool } from 'spindle/cluster';
import { type Host, startHost } from '../helpers/hosts.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const QUEUE = 'allow-spec';
let redis: RedisServer;
let host: Host;
let root: string;
let outside: string;

test.before(async () => {
  redis = await startRedis();
  root = mkdtempSync(join(tmpdir(), 'spindle-root-'));
  outside = mkdtempSync(join(tmpdir(), 'spindle-outside-'));
  writeFileSync(join(outside, 'evil.mjs'), "export function run() { return 'ran outside the root'; }\n");
  writeFileSync(
    join(root, 'good.mjs'),
    `import { writeFileSync } from 'node:fs';\nexport function run() { writeFileSync(${JSON.stringify(join(root, 'ran'))}, 'yes'); }\n`,
  );
  symlinkSync(join(outside, 'evil.mjs'), join(root, 'link.mjs'));
  host = await startHost({ url: redis.url, queue: QUEUE, root, threads: 1 });
});

test.after.always(async () => {
  await host?.kill();
  await redis?.stop();
});

/**
 * Adds a spindle-shaped job naming `module` and waits for BullMQ's verdict. It reads the job's
 * state rather than waiting on QueueEvents: a host that settles the job before the events
 * stream is first read (a loaded machine) would leave that wait without its notification.
 */
async function craft(module: string): Promise<string> {
  const queue = new Queue(QUEUE, { connection: { url: redis.url } });
  try {
    // One call with no arguments, v8-encoded, as a Pool would send it.
    const a = (await import('node:v8')).serialize([[]]).toString('base64');
    const data = { v: 1, t: { module, export: 'run' }, c: 'crafted', i: 0, s: true, a, n: 1 };
    const { id } = await queue.add('run', data);
    for (;;) {
      const job = await Job.fromId(queue, id as string);
      if (job?.finishedOn !== undefined) {
        return job.failedReason ? `failed: ${job.failedReason}` : `completed: ${JSON.stringify(job.returnvalue)}`;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await queue.close();
  }
}

for (const [what, module] of [
  ['an absolute path', '/etc/hostname'],
  ['a file: URL', 'file:///etc/hostname'],
  ['a data: URL', "data:text/javascript,export function run() { return 'pwned'; }"],
  ['a node: builtin', 'node:child_process'],
  ['a .. escape', '../../../../../../etc/hostname'],
  ['a package not allowed', 'left-pad'],
  ['a symbolic link out of the root', './link.mjs'],
] as const) {
  test(`a job naming ${what} is refused with ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED`, async (t) => {
    const verdict = await craft(module);
    t.regex(verdict, /^failed: .*not allowed on this worker/);
  });
}

test('a module under the root runs, and the host is still serving after the refusals', async (t) => {
  t.is(await craft('./good.mjs'), 'completed: null');
  t.is(readFileSync(join(root, 'ran'), 'utf8'), 'yes');
  await using pool = new Pool({ connection: redis.url, queue: QUEUE });
  t.is(await pool.apply(kernels.countPrimes, [100]), 25);
  t.is(host.child.exitCode, null);
});

test('a package given with --allow is resolved from the host root and runs', async (t) => {
  const pkgRoot = mkdtempSync(join(tmpdir(), 'spindle-pkg-'));
  const dir = join(pkgRoot, 'node_modules', 'my-tasks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-tasks', type: 'module', exports: './index.js' }));
  writeFileSync(join(dir, 'index.js'), 'export function triple(x) { return 3 * x; }\n');
  const pkgHost = await startHost({
    url: redis.url,
    queue: 'allow-pkg',
    root: pkgRoot,
    allow: ['my-tasks'],
    threads: 1,
  });
  try {
    // The client only names the export: its own copy of the function need not exist.
    const triple = function triple(_x: number): number {
      throw new Error('runs on the host, not here');
    };
    await using pool = new Pool({ connection: redis.url, queue: 'allow-pkg', module: 'my-tasks' });
    t.deepEqual(await pool.map(triple, [1, 2, 3]), [3, 6, 9]);
  } finally {
    await pkgHost.kill();
  }
});
