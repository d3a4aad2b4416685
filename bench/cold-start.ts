/**
 * Cold start, each in fresh Node processes run with plain `node` (no TypeScript loader), as a
 * user's program starts: import → first native result; Tinypool creation → first result;
 * import → first result on spindle's js backend; `Process` against plain `fork`; and the floor
 * under the first figure (an empty ES module's import, the addon's load alone).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round } from './stats.js';
import type { ColdStart } from './types.js';

const child = (name: string): string => fileURLToPath(new URL(`./children/${name}`, import.meta.url));

/** Runs a child script and parses the JSON line it prints last. */
function runChild(name: string, args: string[] = []): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // The child inherits the environment minus spindle's overrides, so it measures the defaults.
    const env = { ...process.env };
    delete env.SPINDLE_BACKEND;
    delete env.SPINDLE_THREADS;
    execFile(process.execPath, [child(name), ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${name} failed: ${error.message}\n${stderr}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`${name} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

export interface ColdPlan {
  reps: number;
  log: (line: string) => void;
}

export async function benchColdStart(plan: ColdPlan): Promise<ColdStart> {
  const samples: Record<string, number[]> = {
    native: [],
    nativeImport: [],
    nativeFirstCall: [],
    tinypool: [],
    spindleJs: [],
    process: [],
    forkMessage: [],
    forkExit: [],
    floorImport: [],
    floorDlopen: [],
  };
  const push = (key: string, value: unknown): void => {
    if (typeof value === 'number') samples[key]?.push(round(value, 2));
  };
  // Interleaved, so a slow moment of the machine does not land on one figure only.
  for (let r = 0; r < plan.reps; r++) {
    const native = await runChild('cold-native.mjs');
    push('native', native.totalMs);
    push('nativeImport', native.importMs);
    push('nativeFirstCall', native.firstCallMs);
    push('tinypool', (await runChild('cold-tinypool.mjs')).totalMs);
    push('spindleJs', (await runChild('cold-spindle-js.mjs')).totalMs);
    const floor = await runChild('cold-floor.mjs');
    push('floorImport', floor.emptyImportMs);
    push('floorDlopen', floor.dlopenMs);
  }
  const processes = await runChild('process-start.mjs', [String(plan.reps)]);
  for (const key of ['process', 'forkMessage', 'forkExit']) {
    const list = processes[key];
    if (Array.isArray(list)) for (const v of list) push(key, v);
  }
  const m = (key: string): number => round(median(samples[key] ?? []), 2);
  const result: ColdStart = {
    native: m('native'),
    tinypool: m('tinypool'),
    spindleJs: m('spindleJs'),
    nativeImport: m('nativeImport'),
    nativeFirstCall: m('nativeFirstCall'),
    process: m('process'),
    forkMessage: m('forkMessage'),
    forkExit: m('forkExit'),
    floorImport: m('floorImport'),
    floorDlopen: m('floorDlopen'),
    samples,
  };
  plan.log(
    `cold start: native ${result.native} ms (import ${result.nativeImport} + first call ${result.nativeFirstCall}), ` +
      `Tinypool ${result.tinypool} ms, spindle js ${result.spindleJs} ms; Process ${result.process} ms vs fork ` +
      `${result.forkMessage} ms to message / ${result.forkExit} ms to exit; floor: empty module import ` +
      `${result.floorImport} ms, addon load alone ${result.floorDlopen} ms`,
  );
  return result;
}
