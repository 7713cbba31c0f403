/**
 * Synthetic jobs (verify, loadtest) run under a prefix of their own, so production jobs are never
 * touched, and every key under it is removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** `rm-verify-1a2b3c`, hash-tagged like the plan's BullMQ prefix when that one is (Redis Cluster). Pure but for the random part. */
export function isolatedPrefix(kind: 'verify' | 'loadtest', planPrefix: string, id = randomBytes(3).toString('hex')): string {
  const name = `rm-${kind}-${id}`;
  return planPrefix.startsWith('{') ? `{${name}}` : name;
}

/** Every key under the prefix, found with SCAN (never KEYS) and unlinked in batches. Returns how many. */
export async function removePrefixKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

export async function countPrefixKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

/** Braces and brackets in a prefix are literal characters, not glob syntax. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
