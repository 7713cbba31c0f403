/** The fleet's own connections, named `fleet:<process>:<role>` (CLIENT SETNAME); the queues adapter names its own alike. */
import { Redis, type RedisOptions } from 'ioredis';
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

/** A plain ioredis connection for the cache or a rate limiter (phase 1 moves these to HTTP). */
export function kvConnection(url: string, process: string, role: string): Redis {
  const client = new Redis({ ...endpointOptions(url), connectionName: connectionName(process, role), maxRetriesPerRequest: 2 });
  client.on('error', () => undefined);
  return client;
}

export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
