/** The monitor's samples in a capped stream next to the state, for `status` and reports. */
import type { RedisClient } from '../redis/client.js';
import type { StateKeys } from './keys.js';

export async function appendSample(client: RedisClient, keys: StateKeys, sample: unknown, maxSamples: number): Promise<void> {
  // "~" lets Redis trim in whole nodes: cheap, and the stream stays about maxSamples long.
  await client.xadd(keys.samples, 'MAXLEN', '~', String(maxSamples), '*', 'sample', JSON.stringify(sample));
}

/** The newest `limit` samples, oldest first. */
export async function readSamples<T = Record<string, unknown>>(client: RedisClient, keys: StateKeys, limit: number): Promise<{ id: string; sample: T }[]> {
  const rows = (await client.xrevrange(keys.samples, '+', '-', 'COUNT', limit)) as [string, string[]][];
  const out: { id: string; sample: T }[] = [];
  for (const [id, fields] of rows.reverse()) {
    const index = fields.indexOf('sample');
    if (index === -1) continue;
    try {
      out.push({ id, sample: JSON.parse(fields[index + 1] as string) as T });
    } catch {
      // A damaged entry is skipped; the stream is a record, not the source of truth.
    }
  }
  return out;
}
