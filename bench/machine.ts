/** What the run ran on: CPU, Node, N-API, commit, load. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Machine } from './types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The newest modification time of any file under `dir` (recursively), in ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Notes on the setup that change what the figures mean. */
function setupNotes(): string[] {
  const notes: string[] = [];
  try {
    // The modes other than js-main run spindle as users get it: `dist/` and the built addon.
    const src = newest(join(ROOT, 'src'));
    const dist = statSync(join(ROOT, 'dist', 'index.js')).mtimeMs;
    if (src > dist) notes.push('src/ is newer than dist/: run `npm run build:ts` for figures of the current source');
    const crates = Math.max(newest(join(ROOT, 'crates', 'core', 'src')), newest(join(ROOT, 'crates', 'napi', 'src')));
    const addon = readdirSync(join(ROOT, 'binding')).find((f) => f.endsWith('.node'));
    if (addon && crates > statSync(join(ROOT, 'binding', addon)).mtimeMs) {
      notes.push('crates/ is newer than the built addon: run `npm run build:native` for figures of the current source');
    }
  } catch (error) {
    notes.push(`could not compare build times: ${error instanceof Error ? error.message : String(error)}`);
  }
  return notes;
}

export function machineInfo(): Machine {
  const list = cpus();
  return {
    cpus: availableParallelism(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    napi: process.versions.napi ?? 'unknown',
    commit: git(['rev-parse', '--short=12', 'HEAD']) || 'unknown',
    // The bench's own outputs (and the README figures taken from them) do not change what ran.
    dirty: git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results.*', ':!README.md']) !== '',
    platform: `${platform()}-${arch()}`,
    totalMemMb: Math.round(totalmem() / 2 ** 20),
    loadAvg: { start: loadavg()[0] ?? 0, end: Number.NaN },
    notes: setupNotes(),
  };
}

export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}
