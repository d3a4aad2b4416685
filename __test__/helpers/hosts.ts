/**
 * Worker hosts for the cluster tests: each one a separate `spindle worker` process (the package's
 * own bin), standing for one machine. `ready` resolves when it says it is taking jobs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cluster/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/cluster/', import.meta.url));

export interface Host {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (if still running) and wait for the exit. */
  kill(): Promise<void>;
}

export interface HostOptions {
  url: string;
  queue: string;
  root?: string;
  allow?: string[];
  concurrency?: number;
  threads?: number;
  /** Seconds; small values make a killed host's job come back sooner. */
  lockDuration?: number;
  stalledInterval?: number;
  env?: Record<string, string>;
}

export async function startHost(o: HostOptions): Promise<Host> {
  const args = [CLI, 'worker', '--connection', o.url, '--queue', o.queue, '--root', o.root ?? FIXTURES];
  for (const a of o.allow ?? []) args.push('--allow', a);
  if (o.concurrency !== undefined) args.push('--concurrency', String(o.concurrency));
  args.push('--threads', String(o.threads ?? 1));
  if (o.lockDuration !== undefined) args.push('--lock-duration', String(o.lockDuration));
  if (o.stalledInterval !== undefined) args.push('--stalled-interval', String(o.stalledInterval));
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('ready on queue')) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`worker host exited (${code ?? signal}) before it was ready:\n${err}`)),
    );
  });
  return {
    child,
    log: () => err,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
