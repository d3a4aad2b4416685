import test from 'ava';
import { backend, CancelledError, configure, kernels, shutdown } from 'spindle';
import { runFixture } from '../helpers/child.js';
import { suiteBackend } from '../helpers/reference.js';

test('a pending kernel keeps the process alive until it settles', async (t) => {
  const child = await runFixture('pending-keeps-alive.mjs');
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), 'result 1857859');
});

test('shutdown() rejects pending kernels with CancelledError and the process exits at once', async (t) => {
  const child = await runFixture('shutdown-exits.mjs');
  t.is(child.code, 0, child.stderr);
  const lines = child.stdout.trim().split('\n');
  t.deepEqual(
    lines.filter((l) => l.startsWith('rejected')),
    Array(3).fill('rejected CancelledError ERR_SPINDLE_CANCELLED'),
  );
  t.is(lines.at(-1), 'shut down');
});

test('a progress listener does not keep the process alive', async (t) => {
  const child = await runFixture('progress-only.mjs');
  t.is(child.code, 0, child.stderr);
  t.regex(child.stdout, /^result 1000000000 after (some|no) reports$/m);
});

test('SPINDLE_THREADS sizes the pool and configure({ threads }) resizes it', async (t) => {
  const child = await runFixture('threads-env.mjs', { SPINDLE_THREADS: '3' });
  t.is(child.code, 0, child.stderr);
  t.deepEqual(child.stdout.trim().split('\n'), ['before 3', 'running 3', 'after 1']);
});

test('an invalid SPINDLE_THREADS is reported clearly', async (t) => {
  const child = await runFixture('threads-env.mjs', { SPINDLE_THREADS: 'many' });
  t.not(child.code, 0);
  t.regex(child.stderr, /RangeError.*"SPINDLE_THREADS" is out of range/);
});

test('backend() reports the active backend and its threads', (t) => {
  const info = backend();
  t.is(info.active, suiteBackend);
  t.true(Number.isInteger(info.threads) && info.threads >= 1);
  if (suiteBackend === 'native') t.is(info.reason, undefined);
  else t.is(typeof info.reason, 'string');
});

test('configure() checks its options', (t) => {
  t.throws(() => configure({ threads: 0 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => configure({ threads: 2.5 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => configure({ threads: '2' as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => configure({ backend: 'gpu' as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => configure(null as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
});

test('after shutdown() the next kernel starts the pool afresh', async (t) => {
  const pending = kernels.spin(2 ** 52);
  await new Promise((resolve) => setTimeout(resolve, 30));
  await shutdown();
  const error = await t.throwsAsync(pending, { instanceOf: CancelledError });
  t.is(error?.code, 'ERR_SPINDLE_CANCELLED');
  t.is(await kernels.countPrimes(1e6), 78_498);
  await shutdown();
  t.is(await kernels.sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

for (const backendName of ['native', 'js']) {
  test(`shutdown() in the same turn as a call cancels it (${backendName} backend)`, async (t) => {
    const child = await runFixture('shutdown-at-once.mjs', { SPINDLE_BACKEND: backendName });
    t.is(child.code, 0, child.stderr);
    t.is(child.stdout.trim(), 'rejected CancelledError');
  });
}
