/**
 * `phase3 restore FILE`: put the keys of a cleanup backup back (RESTORE with their absolute expiry).
 * An existing key is a conflict and is left alone unless --replace; one holding exactly the backed-up
 * value counts as already restored, so a second restore changes nothing. Streams the file.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome, Report } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { appendAudit } from '../state/audit.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { readBackup } from '../cleanup/backup-file.js';
import { restoreTtl, type BackupEntry } from '../cleanup/backup-format.js';
import { valueDigest } from '../cleanup/value-digest.js';

export interface RestoreOptions {
  args: string[];
  replace?: boolean;
  batch: string;
}

export interface RestoreReport extends Report {
  file: string;
  namespace: string;
  /** From the backup header. */
  backup: { createdAt: number; source: string; legacyPrefix: string; queues: string[] };
  replace: boolean;
  restored: number;
  /** Already present with exactly the backed-up value (e.g. a second restore). */
  identical: number;
  /** Present with another value and not replaced: left as they are. */
  conflicts: { count: number; sample: string[] };
  /** Their expiry passed since the backup: not restored. */
  expired: number;
  invalidLines: { count: number; sample: string[] };
  byQueue: Record<string, number>;
}

const SAMPLE = 20;

interface Counts {
  restored: number;
  identical: number;
  expired: number;
  conflicts: string[];
  conflictCount: number;
  byQueue: Record<string, number>;
}

async function restoreBatch(client: RedisClient, entries: BackupEntry[], now: number, replace: boolean, counts: Counts, scratchKey: string): Promise<void> {
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
  results.forEach((error, i) => {
    const entry = live[i] as BackupEntry;
    if (!error) {
      counts.restored++;
      counts.byQueue[entry.q] = (counts.byQueue[entry.q] ?? 0) + 1;
    } else if (error.message.startsWith('BUSYKEY')) busy.push(entry);
    else throw error;
  });
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

export async function run(ctx: CommandContext, options: RestoreOptions): Promise<Outcome<RestoreReport>> {
  const file = options.args[0];
  if (!file) throw new UsageError('usage.missingArgument', 'phase3 restore needs the backup FILE', { fix: 'redis-migrate phase3 restore backup.ndjson --yes' });
  const batch = Number(options.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError('option.batch', `invalid --batch "${options.batch}"`, { fix: 'give a positive whole number' });
  const loaded = await ctx.plan();
  const keys = ctx.keys(loaded);
  const { header, entries } = await readBackup(file);
  const client = await ctx.connect('restore', loaded);
  await ctx.confirm(`Restore the keys of ${file} (legacy keys of ${header.queues.join(', ')}, taken ${new Date(header.createdAt).toISOString()})${options.replace ? ', replacing existing keys' : ''}?`);

  let lock: HeldLock | undefined;
  const counts: Counts = { restored: 0, identical: 0, expired: 0, conflicts: [], conflictCount: 0, byQueue: {} };
  const invalid: string[] = [];
  let invalidCount = 0;
  const command = `phase3 restore${options.replace ? ' --replace' : ''}`;
  try {
    const { plan } = loaded;
    lock = await acquireLock(client, keys, { owner: ctx.actor, command, host: ctx.host, ttlMs: parseDuration(plan.lock.ttl) ?? 30_000 });
    const now = await serverTimeMs(client);
    // Where a conflicting entry is restored aside to compare contents (inside the namespace's slot).
    const scratch = `${keys.cleanup}:restore-scratch:${lock.info.token}`;
    let pending: BackupEntry[] = [];
    for await (const item of entries) {
      if ('invalid' in item) {
        invalidCount++;
        if (invalid.length < SAMPLE) invalid.push(`line ${item.line}: ${item.invalid}`);
        continue;
      }
      pending.push(item.entry);
      if (pending.length >= batch) {
        await restoreBatch(client, pending, now, Boolean(options.replace), counts, scratch);
        pending = [];
      }
    }
    await restoreBatch(client, pending, now, Boolean(options.replace), counts, scratch);
    await appendAudit(client, keys, {
      kind: 'restore',
      actor: ctx.actor,
      command,
      details: {
        summary: `restored ${counts.restored} key(s)${counts.conflictCount ? `, ${counts.conflictCount} conflict(s)` : ''}`,
        restored: counts.restored, identical: counts.identical, conflicts: counts.conflictCount, expired: counts.expired, invalidLines: invalidCount, queues: header.queues,
      },
    });
  } finally {
    await lock?.release();
  }
  const report: RestoreReport = {
    ok: counts.conflictCount === 0,
    file,
    namespace: ctx.namespace(loaded),
    backup: { createdAt: header.createdAt, source: header.source, legacyPrefix: header.legacyPrefix, queues: header.queues },
    replace: Boolean(options.replace),
    restored: counts.restored,
    identical: counts.identical,
    conflicts: { count: counts.conflictCount, sample: counts.conflicts },
    expired: counts.expired,
    invalidLines: { count: invalidCount, sample: invalid },
    byQueue: counts.byQueue,
  };
  return { report, exitCode: counts.conflictCount > 0 ? EXIT.checkFailed : EXIT.ok };
}
