import { type ExecFileOptions, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The outcome of a fixture script run in its own Node process. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs this Node with `args` and collects its output (`options.env` replaces the environment). */
export function runNode(
  args: string[],
  options: Omit<ExecFileOptions, 'encoding'> & { timeout: number },
): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 2 ** 20, ...options }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        signal: e?.signal ?? null,
        stdout,
        stderr,
      });
    });
  });
}

/** Runs `__test__/fixtures/<name>` with plain `node` (no TS loader) and collects its output. */
export function runFixture(name: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<ChildResult> {
  const file = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return runNode([file, ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
}
