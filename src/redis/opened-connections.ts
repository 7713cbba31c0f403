/** The Redis connections one run opened (a CLI command, a demo world), closed together when it ends. */
import type { RedisClient } from './client.js';
import { openRedis, type OpenRedisOptions } from './connect.js';

export class OpenedConnections {
  private readonly opened: RedisClient[] = [];

  async open(options: OpenRedisOptions): Promise<RedisClient> {
    const client = await openRedis(options);
    this.opened.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.opened.map((client) => client.quit().catch(() => client.disconnect())));
    this.opened.length = 0;
  }
}
