#!/usr/bin/env node
/**
 * `spindle worker --connection URL --queue NAME --root DIR [--allow SPEC…] [--concurrency N]
 * [--threads N] [--lock-duration S] [--stalled-interval S]`: a worker host. SIGTERM and SIGINT
 * drain it (running jobs finish and report; nothing is delivered again), then it exits 0.
 */
import { parseArgs } from 'node:util';
import { startWorker } from './worker.js';

const USAGE = `usage: spindle worker --connection URL --queue NAME --root DIR [--allow SPEC]... [--concurrency N] [--threads N]
                      [--lock-duration SECONDS] [--stalled-interval SECONDS]

  --connection  redis://[user:password@]host:port[/db], rediss://… (TLS) or unix:/path/to/socket
  --queue       the BullMQ queue to take jobs from
  --root        function targets may come only from modules under this directory…
  --allow       …or from these packages or paths (repeatable)
  --concurrency jobs this host holds at once (default: 2 × --threads)
  --threads     native kernel threads and function worker threads (default: the number of CPUs)
`;

function fail(message: string): never {
  process.stderr.write(`spindle: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number >= 1, not '${text}'`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== 'worker') fail(`unknown command '${command}'`);
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        connection: { type: 'string' },
        queue: { type: 'string' },
        root: { type: 'string' },
        allow: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const connection = values.connection as string | undefined;
  const queue = values.queue as string | undefined;
  const root = values.root as string | undefined;
  if (!connection) fail('--connection is required');
  if (!queue) fail('--queue is required');
  if (!root) fail('--root is required');
  const worker = startWorker({
    connection,
    queue,
    root,
    allow: (values.allow as string[] | undefined) ?? [],
    concurrency: integer('concurrency', values.concurrency as string | undefined),
    threads: integer('threads', values.threads as string | undefined),
    lockDuration: integer('lock-duration', values['lock-duration'] as string | undefined),
    stalledInterval: integer('stalled-interval', values['stalled-interval'] as string | undefined),
  });
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    process.stderr.write(`spindle worker: draining (pid ${process.pid})\n`);
    void worker.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await worker.ready;
  } catch (error) {
    if (stopping) return; // told to stop before Redis could be reached: not a failure
    throw error;
  }
  process.stderr.write(`spindle worker: ready on queue '${queue}' (pid ${process.pid})\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`spindle worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
