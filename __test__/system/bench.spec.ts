/**
 * The benchmark harness keeps working: `npm run bench -- --quick` (tiny sizes, seconds) runs in
 * a child process, exits 0, every mode of every kernel agrees with the others (checksums), and
 * all three reports are written — to a scratch directory, never over the committed
 * bench/results.*. Timings are not checked: they mean nothing at these sizes.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { kernels } from 'spindle';
import { runNode } from '../helpers/child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODES = ['js-main', 'tinypool-1', 'tinypool-2', 'native-1', 'native-2'];
const POOLS = ['native', 'tinypool', 'piscina', 'workerpool', 'worker_threads'];

interface QuickResults {
  checksumsMatch: boolean;
  settings: { quick: boolean };
  kernels: Array<{
    name: string;
    variant?: string;
    checksumsMatch: boolean;
    mismatches: string[];
    modes: Record<string, { medianMs: number }>;
  }>;
  dispatch: Array<{ pool: string; inFlight: number; usPerTask: number }>;
  coldStartMs: Record<string, unknown>;
  references?: {
    cpu: string;
    figures: Array<{ kernel: string; label: string; value: number | null; unit: string; note?: string }>;
  };
}

function runBench(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  // The harness picks each mode's backend itself; it needs the native one to load.
  delete env.SPINDLE_BACKEND;
  delete env.SPINDLE_THREADS;
  return runNode(['--import', 'tsx', join('bench', 'run.ts'), '--quick', '--out', out], {
    cwd: ROOT,
    env,
    timeout: 170_000,
  });
}

test('npm run bench -- --quick: exits 0, checksums match across all modes, reports written to --out', async (t) => {
  t.timeout(180_000);
  const committed = join(ROOT, 'bench', 'results.json');
  const before = existsSync(committed) ? statSync(committed).mtimeMs : undefined;
  const out = mkdtempSync(join(tmpdir(), 'spindle-bench-'));
  try {
    const { code, stdout, stderr } = await runBench(out);
    t.is(code, 0, `stdout:\n${stdout}\nstderr:\n${stderr}`);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as QuickResults;
    t.true(results.settings.quick);
    t.true(results.checksumsMatch);
    t.deepEqual(
      results.kernels.filter((k) => k.variant === undefined).map((k) => k.name),
      Object.keys(kernels),
      'every public kernel is benchmarked',
    );
    t.deepEqual(
      results.kernels.filter((k) => k.variant !== undefined).map((k) => `${k.name} (${k.variant})`),
      ['sha256 (ArrayBuffer input)'],
      'sha256 runs a second time on unshared memory',
    );
    for (const k of results.kernels) {
      t.true(k.checksumsMatch, `${k.name}: ${k.mismatches.join('; ')}`);
      t.deepEqual(Object.keys(k.modes), MODES);
      for (const mode of MODES) t.true((k.modes[mode]?.medianMs ?? -1) >= 0, `${k.name} ${mode}`);
    }
    for (const pool of POOLS) {
      for (const inFlight of [1, 1000]) {
        const d = results.dispatch.find((x) => x.pool === pool && x.inFlight === inFlight);
        t.true(d !== undefined && d.usPerTask > 0, `dispatch ${pool} at ${inFlight} in flight`);
      }
    }
    for (const key of ['native', 'tinypool']) t.is(typeof results.coldStartMs[key], 'number', `coldStartMs.${key}`);
    // Every kernel but spin is measured against a reference; spindle's own figure always exists,
    // and so do the references the project builds itself (node:crypto, rdst, the vector peak).
    const figures = results.references?.figures ?? [];
    for (const kernel of Object.keys(kernels).filter((k) => k !== 'spin')) {
      const own = figures.find((f) => f.kernel === kernel && f.label.startsWith('spindle native'));
      t.true(typeof own?.value === 'number' && own.value > 0, `references: spindle's ${kernel}`);
    }
    for (const [kernel, label] of [
      ['sha256', 'node:crypto, from memory'],
      ['sha256', 'node:crypto, in cache'],
      ['sortFloat64', 'rdst'],
      ['matmul', 'vector peak'],
    ]) {
      const f = figures.find((x) => x.kernel === kernel && x.label.startsWith(label as string));
      t.true(typeof f?.value === 'number' && f.value > 0, `references: ${kernel} ${label} (${f?.note ?? 'missing'})`);
    }
    for (const f of figures.filter((x) => x.value === null))
      t.truthy(f.note, `an unmeasured reference says why: ${f.label}`);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    t.regex(md, /\| `ela` \|/);
    t.regex(md, /## Against the best available/);
    t.regex(readFileSync(join(out, 'results.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // The committed figures are left alone.
    t.is(existsSync(committed) ? statSync(committed).mtimeMs : undefined, before);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
