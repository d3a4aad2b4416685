/**
 * Every example runs as a user would run it (`node --import tsx examples/NAME.ts`, importing
 * `spindle` by its package name) and does what the seed program it mirrors does. The endless
 * ones are stopped after a few rounds through the environment variables they document.
 */

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runNode } from '../helpers/child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runExample(
  name: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNode(['--import', 'tsx', join('examples', name), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 170_000,
  });
}

const lines = (s: string): string[] => s.trim().split('\n');

test('two-processes: each process prints its starting line, then its finishing line', async (t) => {
  const { code, stdout, stderr } = await runExample('two-processes.ts');
  t.is(code, 0, stderr);
  const out = lines(stdout);
  t.deepEqual([...out].sort(), ['func1: finishing', 'func1: starting', 'func2: finishing', 'func2: starting']);
  for (const f of ['func1', 'func2']) t.true(out.indexOf(`${f}: starting`) < out.indexOf(`${f}: finishing`));
});

test('ela-threads: one thread per JPEG, an ELA map for each, then "Finished!"', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-ela-'));
  const samples = join(dir, 'in');
  const maps = join(dir, 'out');
  // With a folder given, the example analyses it; make the samples with the example's own module.
  const { writeSamples } = await import('../../examples/samples.js');
  const names = writeSamples(samples, 2, 96, 64);
  const { code, stdout, stderr } = await runExample('ela-threads.ts', {}, [samples, maps]);
  t.is(code, 0, stderr);
  t.is(lines(stdout).at(-1), 'Finished!');
  const written = readdirSync(maps).sort();
  t.deepEqual(written, names.map((n) => n.replace('.jpg', '.ela.png')).sort());
  for (const file of written) {
    t.deepEqual([...readFileSync(join(maps, file)).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  }
});

test('repeaters: dum, tis and ah interleave from three threads', async (t) => {
  const { code, stdout, stderr } = await runExample('repeaters.ts', { ROUNDS: '3' });
  t.is(code, 0, stderr);
  const out = lines(stdout);
  t.deepEqual(out.slice(0, 3), ['dum', 'tis', 'ah']);
  for (const word of ['dum', 'tis', 'ah']) t.is(out.filter((l) => l === word).length, 3);
});

test('timer: the function re-arms its Timer and runs again', async (t) => {
  const { code, stdout, stderr } = await runExample('timer.ts', { ROUNDS: '3', INTERVAL: '0.05' });
  t.is(code, 0, stderr);
  t.deepEqual(lines(stdout), Array(3).fill('Fonksiyon çalıştı.'));
});

test('scheduler: the action re-enters itself and the plan runs it again', async (t) => {
  const { code, stdout, stderr } = await runExample('scheduler.ts', { ROUNDS: '3', INTERVAL: '0.05' });
  t.is(code, 0, stderr);
  t.deepEqual(lines(stdout), Array(3).fill('Doing stuff...'));
});

test('lost-update: under a Lock the shared total is exact', async (t) => {
  const { code, stdout, stderr } = await runExample('lost-update.ts');
  t.is(code, 0, stderr);
  const out = lines(stdout);
  // The unlocked total is whatever the race gives (usually short): only its line is checked.
  t.regex(out[0] ?? '', /^without a lock: \d+ \(expected 2000000\)$/);
  t.is(out[1], 'with a Lock:    100000 (expected 100000)');
});

test('tour (npm start): every part runs and says where it ran', async (t) => {
  const { code, stdout, stderr } = await runExample('tour.ts');
  t.is(code, 0, stderr);
  t.regex(stdout, /^spindle — kernels run on the (native|js) backend \(\d+ threads\)$/m);
  t.regex(stdout, /both exited \(codes 0, 0\)/);
  t.regex(stdout, /Timer: Fonksiyon çalıştı\. \(3\)/);
  t.regex(stdout, /Scheduler: Doing stuff\.\.\. \(3\)/);
  t.regex(stdout, /Finished! 5 images/);
  for (const kernel of ['spin', 'countPrimes', 'sha256', 'mandelbrot', 'matmul', 'sortFloat64', 'ela']) {
    t.regex(stdout, new RegExp(`^ {3}${kernel}\\(.*native .* ms .*js .* ms`, 'm'));
  }
});
