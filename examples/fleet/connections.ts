/**
 * The fleet's own connections, named `fleet:<process>:<role>` (CLIENT SETNAME); the queues adapter
 * names its own alike. The cache and limiters' connections are opened by redis-migrate/redis (kv.ts),
 * named `redis-migrate:kv:fleet-<process>:<store>`.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { endpointOptions as endpointOptionsOf, parseRedisUrl } from '../../src/redis/url.js';

export function endpointOptions(url: string): RedisOptions {
  return endpointOptionsOf(parseRedisUrl(url));
}

/** What every connection name of a fleet process starts with. */
export function connectionPrefix(process: string): string {
  return `fleet:${process}`;
}

export function connectionName(process: string, role: string): string {
  return `${connectionPrefix(process)}:${role}`;
}

export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
