/**
 * Synthetic jobs (verify, loadtest) run under a prefix of their own, so production jobs are never
 * touched, and every key under it is removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';

/** `rm-verify-1a2b3c`, hash-tagged like the plan's BullMQ prefix when that one is (Redis Cluster). Pure but for the random part. */
export function isolatedPrefix(kind: 'verify' | 'loadtest', planPrefix: string, id = randomBytes(3).toString('hex')): string {
  const name = `rm-${kind}-${id}`;
  return planPrefix.startsWith('{') ? `{${name}}` : name;
}

/** Every key under the prefix on one node, found with SCAN (never KEYS). */
async function scanNode(node: Redis, prefix: string, each: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await each(keys);
  } while (cursor !== '0');
}

/** On a Redis Cluster every master is scanned (a hash-tagged prefix lives on one of them). */
function nodesOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Unlinks every key under the prefix, in batches. Returns how many. */
export async function removePrefixKeys(client: RedisClient, prefix: string): Promise<number> {
  let removed = 0;
  for (const node of nodesOf(client)) {
    await scanNode(node, prefix, async (keys) => {
      // One UNLINK per key, pipelined: keys of different slots must not share a command on a cluster.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      for (const [error, count] of (await pipeline.exec()) ?? []) if (!error) removed += Number(count);
    });
  }
  return removed;
}

export async function countPrefixKeys(client: RedisClient, prefix: string): Promise<number> {
  let count = 0;
  for (const node of nodesOf(client)) {
    await scanNode(node, prefix, async (keys) => {
      count += keys.length;
    });
  }
  return count;
}

/** Braces and brackets in a prefix are literal characters, not glob syntax. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
