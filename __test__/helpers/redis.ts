/**
 * A private redis-server for one test file: started on a free port (or a unix socket) with no
 * persistence and BullMQ's required eviction policy, stopped by `stop()`. Fails with the
 * install hint of scripts/ensure-redis.mjs when redis-server is not on PATH.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` (with the password, when one was set). */
  url: string;
  port: number;
  /** Stops it (SIGKILL if it does not go in time) and removes its directory. */
  stop(): Promise<void>;
  /** Stops it and starts a new, empty one on the same port (a restart without persistence). */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** PEM files of a server certificate, its key and the CA that signed it. */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

function launch(
  port: number,
  dir: string,
  password: string | undefined,
  tls: TlsFiles | undefined,
): Promise<ChildProcess> {
  const listen = tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        tls.cert,
        '--tls-key-file',
        tls.key,
        '--tls-ca-cert-file',
        tls.ca,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const args = [
    ...listen,
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
  ];
  if (password !== undefined) args.push('--requirepass', password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) =>
      reject(
        new Error(`redis-server could not start (${error.message}); run \`node scripts/ensure-redis.mjs\``, {
          cause: error,
        }),
      ),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}:\n${out}`)));
  });
}

function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a redis-server; `password` sets `--requirepass`; `tls` makes it speak only TLS (the URL
 * is then `rediss://localhost:PORT`).
 */
export async function startRedis(options: { password?: string; tls?: TlsFiles } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'spindle-redis-'));
  let child = await launch(port, dir, options.password, options.tls);
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    url: options.tls ? `rediss://${auth}localhost:${port}` : `redis://${auth}127.0.0.1:${port}`,
    port,
    async stop() {
      await halt(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt(child);
      child = await launch(port, dir, options.password, options.tls);
    },
  };
}
