import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { kernels, Lock, Process, Queue, RuntimeError, ValueError } from 'spindle';
import { echoTypes, exitWith, hello, produce, sleepForever, throws, writeAfter } from '../fixtures/process-targets.mjs';
import { runFixture } from '../helpers/child.js';

const module = new URL('../fixtures/process-targets.mjs', import.meta.url);
const scratch = (): string => mkdtempSync(join(tmpdir(), 'spindle-process-'));

function alive(pid: number): boolean {
  // kill(0) and kill(−n) address process groups, not one process.
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a process id: ${pid}`);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded by ava's timeout, not asserted) until `pid` is gone. */
async function gone(pid: number): Promise<boolean> {
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
  return true;
}

test('a function target runs in a child process; exitcode 0 on return', async (t) => {
  const dir = scratch();
  const file = join(dir, 'out.txt');
  const p = new Process({ target: writeAfter, args: [file, 0, 'written by the child'], module });
  t.is(p.pid, null);
  t.is(p.exitcode, null);
  t.false(p.isAlive());
  t.regex(p.name, /^Process-\d+$/);
  p.start();
  t.true(Number.isInteger(p.pid));
  t.not(p.pid, process.pid);
  t.true(p.isAlive());
  await p.join();
  t.false(p.isAlive());
  t.is(p.exitcode, 0);
  t.is(readFileSync(file, 'utf8'), 'written by the child');
});

test('process.exit(N) in the target gives exitcode N; an uncaught error gives 1', async (t) => {
  const exits = new Process({ target: exitWith, args: [7], module });
  exits.start();
  await exits.join();
  t.is(exits.exitcode, 7);
  const child = await runFixture('process-throws.mjs');
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), 'exitcode 1');
  t.regex(child.stderr, /^Process Process-1:\nError: boom in the child\n\s+at throws/m);
});

test('terminate() and kill() give −15 and −9, and are harmless afterwards', async (t) => {
  const a = new Process({ target: sleepForever, module });
  const b = new Process({ target: sleepForever, module });
  a.start();
  b.start();
  await a.join(0.2);
  t.true(a.isAlive());
  a.terminate();
  b.kill();
  await Promise.all([a.join(), b.join()]);
  t.is(a.exitcode, -15);
  t.is(b.exitcode, -9);
  a.terminate();
  a.kill();
  b.kill();
  t.is(a.exitcode, -15);
});

test('the child imports the module afresh: its isMainProcess() guard is false there', async (t) => {
  const child = await runFixture('process-hello.mjs');
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), 'hello world {"x":1} main=false\nparent main=true');
});

test('args are structured-cloned, typed arrays and Maps included', async (t) => {
  const child = await runFixture('process-types.mjs');
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), '["[object Float64Array]","[object Map]","[object Date]","[object Object]"]');
});

test('a kernel target runs the kernel inside the child', async (t) => {
  const p = new Process({ target: kernels.countPrimes, args: [1e6] });
  t.regex(p.name, /^Process-\d+$/);
  p.start();
  await p.join();
  t.is(p.exitcode, 0);
});

test('start twice, join before start, daemon after start: Python errors', async (t) => {
  const p = new Process({ target: hello, args: ['x'], module });
  await t.throwsAsync(p.join(), { instanceOf: RuntimeError, message: 'can only join a started process' });
  t.throws(() => p.terminate(), { instanceOf: RuntimeError });
  p.start();
  t.throws(() => p.start(), { instanceOf: RuntimeError, message: 'cannot start a process twice' });
  t.throws(
    () => {
      p.daemon = true;
    },
    { instanceOf: RuntimeError, message: 'process has already started' },
  );
  await p.join();
});

test('close() while running is a ValueError; afterwards everything but name and daemon is', async (t) => {
  const p = new Process({ target: sleepForever, module, name: 'closer' });
  p.start();
  const running = t.throws(() => p.close(), { instanceOf: ValueError });
  t.regex(running?.message ?? '', /^Cannot close a process while it is still running/);
  p.kill();
  await p.join();
  p.close();
  const closed = { instanceOf: ValueError, message: 'process object is closed' };
  t.throws(() => p.pid, closed);
  t.throws(() => p.exitcode, closed);
  t.throws(() => p.isAlive(), closed);
  t.throws(() => p.start(), closed);
  t.throws(() => p.terminate(), closed);
  t.throws(() => p.kill(), closed);
  await t.throwsAsync(p.join(), closed);
  t.is(p.name, 'closer');
  t.false(p.daemon);
  p.close();
});

test('a target that is not exported fails with a clear error naming the function', async (t) => {
  const child = await runFixture('process-not-exported.mjs');
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), 'exitcode 1');
  t.regex(child.stderr, /notExported is not exported from .*process-not-exported\.mjs/);
});

test('arguments that cannot be cloned make start() throw, naming the function, and start nothing', (t) => {
  const p = new Process({ target: echoTypes, args: [[() => 1]], module });
  const error = t.throws(() => p.start(), { instanceOf: TypeError });
  t.regex(error?.message ?? '', /the arguments of echoTypes cannot be sent to a child process/);
  t.is(p.pid, null);
});

test('function targets need a module; arguments are checked', (t) => {
  t.throws(() => new Process({ target: () => {} }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Process({} as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => new Process({ target: hello, module, args: 'x' as never }), { instanceOf: TypeError });
  t.throws(() => new Process({ target: throws, module, daemon: 'yes' as never }), { instanceOf: TypeError });
});

test('a daemon child is terminated when the parent exits, leaving no orphan', async (t) => {
  const dir = scratch();
  const file = join(dir, 'pid');
  const parent = await runFixture('process-targets.mjs', {}, ['daemon-exit', file]);
  t.is(parent.code, 0, parent.stderr);
  const pid = Number(readFileSync(file, 'utf8'));
  t.true(await gone(pid));
});

test('a daemon child is terminated when the parent dies of an uncaught error', async (t) => {
  const dir = scratch();
  const file = join(dir, 'pid');
  const parent = await runFixture('process-targets.mjs', {}, ['daemon-crash', file]);
  t.is(parent.code, 1);
  t.regex(parent.stderr, /parent crashed/);
  const pid = Number(readFileSync(file, 'utf8'));
  t.true(await gone(pid));
});

test('a non-daemon child keeps the parent waiting until it finishes', async (t) => {
  const dir = scratch();
  const file = join(dir, 'out');
  const parent = await runFixture('process-targets.mjs', {}, ['non-daemon-waits', file]);
  t.is(parent.code, 0, parent.stderr);
  // The parent exited only after its child had written the file and exited.
  t.true(existsSync(file));
  const pid = Number(/child (\d+)/.exec(parent.stdout)?.[1]);
  t.false(alive(pid));
});

test('the child inherits the environment and cwd', async (t) => {
  const child = await runFixture('process-env.mjs', { SPINDLE_TEST_MARK: 'inherited' });
  t.is(child.code, 0, child.stderr);
  t.is(child.stdout.trim(), `inherited ${process.cwd()}`);
});

test('a Queue passed to a child process carries items back to the parent', async (t) => {
  const queue = new Queue();
  const p = new Process({ target: produce, args: [queue, 5], module });
  p.start();
  const got: { i: number; from: number }[] = [];
  for (let item = await queue.get(); item !== null; item = await queue.get())
    got.push(item as { i: number; from: number });
  await p.join();
  t.is(p.exitcode, 0);
  t.deepEqual(
    got.map((g) => g.i),
    [0, 1, 2, 3, 4],
  );
  t.true(got.every((g) => g.from === p.pid));
});

test('shared-memory types cannot go to a child process: start() says so, naming the type', (t) => {
  const p = new Process({ target: hello, args: [new Lock()], module });
  const error = t.throws(() => p.start(), { instanceOf: TypeError });
  t.regex(error?.message ?? '', /a Lock cannot be shared with a child process/);
  t.is(p.pid, null);
});
