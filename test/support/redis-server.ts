/**
 * Real redis-server processes for tests: each on a free loopback port, with the configuration
 * the test needs, stopped afterwards. No test relies on a Redis that happens to run on 6379.
 */
import { Redis } from 'ioredis';
import { freePort, startLocalRedis, type LocalRedis, type LocalRedisOptions } from '../../src/redis/local-server.js';

export { freePort };

export interface RedisServer extends LocalRedis {
  /** A plain ioredis client to inspect the keyspace (closed by stop()). */
  client(): Redis;
}

export async function startRedis(options: LocalRedisOptions = {}): Promise<RedisServer> {
  const server = await startLocalRedis(options);
  const clients: Redis[] = [];
  return {
    ...server,
    client() {
      const client = new Redis({ port: server.port, host: '127.0.0.1', password: options.password, maxRetriesPerRequest: 1, retryStrategy: () => null });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await server.stop();
    },
  };
}
