/**
 * A digest of a key's value that does not depend on its encoding: DUMP payloads of the same hash
 * differ with the order the server iterates it in, so "is this key already what the backup holds"
 * is answered by comparing content (sorted where the type has no order), expiry aside.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/client.js';

async function content(client: RedisClient, key: string): Promise<unknown> {
  const type = String(await client.type(key));
  switch (type) {
    case 'string':
      return [type, (await client.getBuffer(key))?.toString('base64')];
    case 'hash': {
      const hash = (await client.hgetallBuffer(key)) as Record<string, Buffer>;
      return [
        type,
        Object.entries(hash)
          .map(([field, value]) => [field, value.toString('base64')])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ];
    }
    case 'list':
      return [type, ((await client.lrangeBuffer(key, 0, -1)) as Buffer[]).map((item) => item.toString('base64'))];
    case 'set':
      return [type, ((await client.smembersBuffer(key)) as Buffer[]).map((item) => item.toString('base64')).sort()];
    case 'zset':
      return [type, await client.zrange(key, '0', '-1', 'WITHSCORES')];
    case 'stream':
      return [type, await client.xrange(key, '-', '+')];
    default:
      return [type];
  }
}

export async function valueDigest(client: RedisClient, key: string): Promise<string> {
  return createHash('sha256')
    .update(JSON.stringify(await content(client, key)))
    .digest('hex');
}
