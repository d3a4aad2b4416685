// The cluster Scheduler: events are BullMQ delayed jobs and job schedulers, run by the queue's
// worker hosts once per occurrence however many Schedulers hold the queue.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { Queue } from 'bullmq';
import { ValueError } from 'spindle';
import { Scheduler } from 'spindle/cluster';
import { failWithTypeError, record } from '../fixtures/cluster/targets.mjs';
import { FIXTURES, type Host, startHost } from '../helpers/hosts.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const module = pathToFileURL(join(FIXTURES, 'targets.mjs'));
const QUEUE = 'sched-spec';
let redis: RedisServer;
let hosts: Host[] = [];

test.before(async () => {
  redis = await startRedis();
  hosts = await Promise.all([0, 1].map(() => startHost({ url: redis.url, queue: QUEUE, threads: 1, concurrency: 2 })));
});

test.after.always(async () => {
  await Promise.all(hosts.map((h) => h.kill()));
  await redis?.stop();
});

const scheduler = (): Scheduler =>
  new Scheduler({ connection: redis.url, queue: QUEUE, module, root: FIXTURES, checkInterval: 1 });
const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

test.serial('two Schedulers on one queue run each event once', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'spindle-sched-')), 'log');
  const a = scheduler();
  const b = scheduler();
  try {
    // The same event entered by both (as every instance of a service might at start-up).
    const shared = a.enter(0.2, 0, record, [file, 'shared'], undefined, { id: 'shared-event' });
    b.enter(0.2, 0, record, [file, 'shared'], undefined, { id: 'shared-event' });
    a.enter(0.1, 0, record, [file, 'only-a']);
    b.enter(0.1, 0, record, [file, 'only-b']);
    t.is(shared.id, 'shared-event');
    t.is(a.queue.length, 2);
    t.false(a.empty());
    await Promise.all([a.run(), b.run()]);
    t.true(a.empty());
    t.true(b.empty());
    t.deepEqual(lines(file).sort(), ['only-a', 'only-b', 'shared']);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test.serial('every: one job scheduler for the same repetition from two Schedulers; cancel removes it', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'spindle-sched-')), 'log');
  const a = scheduler();
  const b = scheduler();
  const queue = new Queue(QUEUE, { connection: { url: redis.url } });
  try {
    const ra = a.every(0.2, 0, record, [file, 'tick']);
    const rb = b.every(0.2, 0, record, [file, 'tick']);
    t.is(ra.id, rb.id);
    const delay = await a.run(false);
    t.true(delay !== undefined && delay >= 0 && delay <= 0.2);
    await until(() => lines(file).length >= 3);
    const schedulers = await queue.getJobSchedulers();
    t.deepEqual(
      schedulers.map((s) => s.key),
      [ra.id],
    );
    ra.cancel();
    rb.cancel();
    t.true(a.empty());
    await a.run(); // nothing left: resolves once the removal is done
    t.deepEqual(await queue.getJobSchedulers(), []);
    t.true(lines(file).every((l) => l === 'tick'));
  } finally {
    await Promise.all([a.close(), b.close(), queue.close()]);
  }
});

test.serial('cancel removes a planned event from the queue; a second cancel is a ValueError', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'spindle-sched-')), 'log');
  const s = scheduler();
  const queue = new Queue(QUEUE, { connection: { url: redis.url } });
  try {
    const later = s.enter(3600, 0, record, [file, 'never']);
    const soon = s.enter(0.05, 0, record, [file, 'soon']);
    t.deepEqual(s.queue, [soon, later]);
    s.cancel(later);
    t.throws(() => s.cancel(later), { instanceOf: ValueError });
    await s.run();
    t.is(await queue.getJobState(later.id), 'unknown');
    t.deepEqual(lines(file), ['soon']);
  } finally {
    await Promise.all([s.close(), queue.close()]);
  }
});

test.serial("an action's error rejects run() with the remote error", async (t) => {
  const s = scheduler();
  try {
    s.enter(0, 0, failWithTypeError, [5]);
    const error = await t.throwsAsync(s.run(), { instanceOf: TypeError, message: 'bad value 5' });
    t.is((error as TypeError & { code: string }).code, 'ERR_CUSTOM_TYPE');
  } finally {
    await s.close();
  }
});

test('bad input fails at once', (t) => {
  const s = scheduler();
  t.throws(() => s.enter(1, -1, record), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => s.enter(Number.NaN, 0, record), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => s.enter(1, 0, () => 1), { code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => s.enter(1, 0, record, [], undefined, { id: '1:2' }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => s.every(0, 0, record), { code: 'ERR_OUT_OF_RANGE' });
  t.true(s.empty());
});
