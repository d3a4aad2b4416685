/**
 * A private redis-server for one test file: started on a free port (or a unix socket) with no
 * persistence and BullMQ's required eviction policy, stopped by `stop()`. Fails with the
 * install hint of scripts/ensure-redis.mjs when redis-server is not on PATH.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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

/** A TCP relay to a local port that holds new connections back before relaying them. */
export interface SlowRelay {
  port: number;
  close(): Promise<void>;
}

/** Starts a {@link SlowRelay} to `port`; its `n`-th connection (from 0) is held back `delayMs(n)` ms. */
export function slowRelay(port: number, delayMs: (n: number) => number): Promise<SlowRelay> {
  const sockets = new Set<import('node:net').Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    const delay = delayMs(accepted++);
    sockets.add(client);
    client.pause();
    const timer = setTimeout(() => {
      const upstream = connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }, delay);
    client.on('close', () => {
      clearTimeout(timer);
      sockets.delete(client);
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no port'));
      resolve({
        port: address.port,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
