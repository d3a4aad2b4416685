import test from 'ava';
import { runFixture } from '../helpers/child.js';

for (const kind of ['local', 'worker', 'kernel']) {
  test(`a live non-daemon ${kind} thread keeps the process alive until it finishes`, async (t) => {
    const child = await runFixture('thread-exit.mjs', {}, ['non-daemon', kind]);
    t.is(child.code, 0, child.stderr);
    t.deepEqual(child.stdout.trim().split('\n'), ['main done', 'thread done']);
  });

  test(`a daemon ${kind} thread does not keep the process alive`, async (t) => {
    // A daemon kernel runs with `ref: false`, which only the native backend can honour (a
    // Tinypool worker holds the process while it runs a twin): that case always runs natively.
    const env = kind === 'kernel' ? { SPINDLE_BACKEND: 'native' } : {};
    const child = await runFixture('thread-exit.mjs', env, ['daemon', kind]);
    t.is(child.code, 0, child.stderr);
    t.deepEqual(child.stdout.trim().split('\n'), ['main done']);
  });
}
