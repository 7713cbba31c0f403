/**
 * The connections the adapter opens, each named so `redis-migrate connections` can attribute it:
 * `<name>:bullmq` (the shared one) and `<name>:bull:<queue>` (Bull's client and subscriber; Bull
 * and BullMQ name their blocking connections `<prefix>:<base64(queue)>` themselves).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULT_REDIS_URL, endpointOptions, parseRedisUrl } from '../../redis/url.js';

/** Options of `sharedConnection()`. */
export interface SharedConnectionOptions {
  /** Default: REDIS_URL, then redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Connection name prefix; the connection is named `<name>:bullmq`. */
  name: string;
  /** No offline queue: commands fail at once while Redis is unreachable (producer-only processes). */
  failFast?: boolean;
}

/**
 * The one connection a process's BullMQ Queues and Workers (and, passed to `connectFlags({ redis })`,
 * the flags SDK) share. BullMQ Workers need `maxRetriesPerRequest: null`; every Worker still opens
 * its own blocking connection. Close it yourself after `queues.close()` and `flags.close()`.
 */
export function sharedConnection(options: SharedConnectionOptions): Redis {
  const client = new Redis({
    ...endpointOptions(parseRedisUrl(options.redisUrl || process.env.REDIS_URL || DEFAULT_REDIS_URL)),
    connectionName: `${options.name}:bullmq`,
    maxRetriesPerRequest: null,
    enableOfflineQueue: !options.failFast,
  });
  // Reconnects are ioredis's job; an 'error' with no listener would crash the app.
  client.on('error', () => undefined);
  return client;
}

/** Where a connection connects to and as whom, so Bull can open its own connections to the same server. */
export function endpointOf(connection: Redis): RedisOptions {
  const { host, port, path, family, username, password, db, tls } = connection.options;
  return { host, port, path, family, username, password, db, ...(tls ? { tls } : {}) };
}

export function endpointOfUrl(url: string | undefined): RedisOptions {
  return endpointOptions(parseRedisUrl(url || process.env.REDIS_URL || DEFAULT_REDIS_URL));
}

/** Options for one Bull queue's connections: Bull names its client and subscriber with them. */
export function bullRedisOptions(base: RedisOptions, name: string, queue: string): RedisOptions {
  return { ...base, connectionName: `${name}:bull:${queue}` };
}

/**
 * Resolves once the connection is ready. Needed before the adapter's own commands on a connection
 * without an offline queue (failFast), which would otherwise fail while it is still connecting.
 */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`Redis not ready after ${timeoutMs} ms (status ${client.status})`)), timeoutMs);
    const onReady = () => done();
    const onEnd = () => done(new Error('the connection was closed'));
    function done(error?: Error) {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    }
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
