/**
 * The fleet's own connections, named `fleet:<process>:<role>` (CLIENT SETNAME). The cache and
 * limiters' connections are opened by redis-migrate/redis (kv.ts), named `redis-migrate:kv:fleet-<process>:<store>`.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { endpointOptions as endpointOptionsOf, parseRedisUrl } from '../../src/redis/url.js';

export function endpointOptions(url: string): RedisOptions {
  return endpointOptionsOf(parseRedisUrl(url));
}

export function connectionName(process: string, role: string): string {
  return `fleet:${process}:${role}`;
}

/**
 * The one connection every BullMQ Queue and Worker of the process shares (Workers add their own
 * blocking connection each). Workers need `maxRetriesPerRequest: null`; a producer-only process
 * disables the offline queue so an add fails fast while Redis is away (facts file, section 6).
 */
export function sharedConnection(url: string, process: string, producerOnly: boolean): Redis {
  const client = new Redis({
    ...endpointOptions(url),
    connectionName: connectionName(process, 'bullmq'),
    maxRetriesPerRequest: null,
    enableOfflineQueue: !producerOnly,
  });
  client.on('error', () => undefined);
  return client;
}

/** Redis options for a Bull queue: Bull opens client and subscriber with this name and renames its bclient `bull:<base64>`. */
export function bullRedisOptions(url: string, process: string, queue: string): RedisOptions {
  return { ...endpointOptions(url), connectionName: connectionName(process, `bull:${queue}`) };
}

export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
