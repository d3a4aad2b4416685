/**
 * Where Redis is: a URL (`redis://`, `rediss://` for TLS, `unix:` / `redis+unix:` for a socket)
 * or ioredis options, turned into one ioredis options object that every connection of a pool,
 * scheduler or worker is made from. ioredis is imported here, so `import 'spindle'` never loads
 * it: only `spindle/cluster` does.
 */
import { type RedisOptions as IORedisOptions, Redis } from 'ioredis';
import { invalidArgType, invalidArgValue } from './spindle.js';

/**
 * ioredis's connection options (host, port, password, `tls`, `db`, `sentinels`…), for when a URL
 * cannot say it all.
 *
 * @example
 * ```ts
 * const options: RedisOptions = { host: 'redis.internal', port: 6380, password: process.env.REDIS_PASSWORD, tls: { ca } };
 * new Pool({ connection: options, queue: 'render' });
 * ```
 */
export type RedisOptions = IORedisOptions;

/**
 * Where Redis is: `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS, certificates
 * checked against the host name), `unix:/path/to/socket` (`?db=N`), or {@link RedisOptions}.
 *
 * @example
 * ```ts
 * const connection: Connection = `redis://:${encodeURIComponent(password)}@10.0.0.5:6379/2`;
 * ```
 */
export type Connection = string | URL | RedisOptions;

function integer(name: string, text: string, url: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw invalidArgValue(name, url, `has a ${name.split('.').pop()} that is not an integer`);
  return n;
}

/** The URL's parts as ioredis options (password and user URL-decoded, `rediss:` as TLS). */
function fromUrl(name: string, text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidArgValue(name, text, 'must be a redis://, rediss:// or unix: URL, or ioredis options');
  }
  const options: RedisOptions = {};
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  const db = url.searchParams.get('db');
  switch (url.protocol) {
    case 'redis:':
    case 'rediss:': {
      options.host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
      options.port = url.port ? integer(`${name}.port`, url.port, text) : 6379;
      const path = url.pathname.replace(/^\//, '');
      if (path) options.db = integer(`${name}.db`, path, text);
      // TLS with certificate checks on, against the URL's host name (ioredis's own default for
      // `rediss:`); give ioredis options with a `tls` object to change them.
      if (url.protocol === 'rediss:') options.tls = { servername: options.host };
      break;
    }
    case 'unix:':
    case 'redis+unix:':
      if (!url.pathname) throw invalidArgValue(name, text, 'must name a socket path');
      options.path = decodeURIComponent(url.pathname);
      break;
    default:
      throw invalidArgValue(name, text, 'must be a redis://, rediss:// or unix: URL, or ioredis options');
  }
  if (db !== null) options.db = integer(`${name}.db`, db, text);
  return options;
}

/** Checks a connection and returns the ioredis options it stands for (a fresh object). */
export function checkConnection(name: string, value: unknown): RedisOptions {
  if (typeof value === 'string') return fromUrl(name, value);
  if (value instanceof URL) return fromUrl(name, value.href);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'a redis:// URL string or an ioredis options object', value);
  }
  return { ...(value as RedisOptions) };
}

/**
 * A new ioredis client. `blocking`: for commands that wait (BLPOP, SUBSCRIBE, BullMQ's worker):
 * no per-command retry limit, as BullMQ requires for its workers. Otherwise commands fail after a
 * few retries while Redis is away, so callers see an error rather than wait for ever.
 */
export function connect(options: RedisOptions, blocking: boolean, role: string): Redis {
  return new Redis({
    ...options,
    connectionName: options.connectionName ?? `spindle:${role}`,
    maxRetriesPerRequest: blocking ? null : (options.maxRetriesPerRequest ?? 20),
    lazyConnect: false,
  });
}

/**
 * Resolves `true` once `redis` is ready — at once when it is, or when its first connection
 * completes — and `false` once that attempt fails or the client closes: a caller waits for a
 * connection being made, never for a Redis out of reach.
 */
export function whenReady(redis: Redis): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (!['wait', 'connecting', 'connect'].includes(redis.status)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => (): void => {
      redis.off('ready', onReady).off('close', onClose).off('end', onClose);
      resolve(ready);
    };
    const onReady = settle(true);
    const onClose = settle(false);
    redis.once('ready', onReady).once('close', onClose).once('end', onClose);
  });
}
