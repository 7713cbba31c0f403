/**
 * Putting backed-up keys back: RESTORE … ABSTTL per key, an existing key is a conflict unless it
 * already holds exactly the backed-up value (then it counts as identical, so restoring twice
 * changes nothing). Only entries the backup verifier passed ever get here.
 */
import type { RedisClient } from '../redis/client.js';
import { restoreTtl, type BackupEntry } from './backup-format.js';
import { valueDigest } from './value-digest.js';

const SAMPLE = 20;

export interface RestoreCounts {
  restored: number;
  identical: number;
  expired: number;
  conflicts: string[];
  conflictCount: number;
  byQueue: Record<string, number>;
}

export function emptyRestoreCounts(): RestoreCounts {
  return { restored: 0, identical: 0, expired: 0, conflicts: [], conflictCount: 0, byQueue: {} };
}

/** RESTORE one batch; throws the first error that is not BUSYKEY (after counting what went in). */
export async function restoreBatch(
  client: RedisClient,
  entries: BackupEntry[],
  now: number,
  replace: boolean,
  counts: RestoreCounts,
  scratchKey: string,
): Promise<void> {
  const live = entries.filter((entry) => {
    if (restoreTtl(entry, now) !== null) return true;
    counts.expired++;
    return false;
  });
  const results = await Promise.all(
    live.map((entry) => {
      const args: (string | number | Buffer)[] = [entry.k, restoreTtl(entry, now) as number, Buffer.from(entry.p, 'base64'), 'ABSTTL'];
      if (replace) args.push('REPLACE');
      return client.call('RESTORE', ...args).then(
        () => null,
        (error: Error) => error,
      );
    }),
  );
  const busy: BackupEntry[] = [];
  let failure: Error | null = null;
  results.forEach((error, i) => {
    const entry = live[i] as BackupEntry;
    if (!error) {
      counts.restored++;
      counts.byQueue[entry.q] = (counts.byQueue[entry.q] ?? 0) + 1;
    } else if (error.message.startsWith('BUSYKEY')) busy.push(entry);
    else failure ??= error;
  });
  if (failure) throw failure;
  for (const entry of busy) {
    if (await sameValue(client, entry, scratchKey)) counts.identical++;
    else {
      counts.conflictCount++;
      if (counts.conflicts.length < SAMPLE) counts.conflicts.push(entry.k);
    }
  }
}

/** Is the existing key exactly the backed-up value? Same payload, or same content once restored aside. */
async function sameValue(client: RedisClient, entry: BackupEntry, scratchKey: string): Promise<boolean> {
  const current = await client.dumpBuffer(entry.k);
  if (!current) return false;
  if (current.toString('base64') === entry.p) return true;
  await client.call('RESTORE', scratchKey, 0, Buffer.from(entry.p, 'base64'), 'REPLACE');
  try {
    const [mine, theirs] = await Promise.all([valueDigest(client, scratchKey), valueDigest(client, entry.k)]);
    return mine === theirs;
  } finally {
    await client.unlink(scratchKey);
  }
}
