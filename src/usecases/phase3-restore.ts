/**
 * Phase 3 restore: put the keys of a cleanup backup back (RESTORE with their absolute expiry).
 * The whole file is verified first (checkpoint digests and counts, the end record, every key a
 * legacy key of the backup's queues under the plan's prefix); a file that fails is refused whole,
 * audited, and nothing is written. An existing key is a conflict and is left alone unless
 * `replace`; one holding exactly the backed-up value counts as already restored.
 */
import { CheckFailedError, CliError, EnvironmentError, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { appendAudit } from '../state/audit.js';
import type { StateKeys } from '../state/keys.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { scanBackup } from '../cleanup/backup-file.js';
import type { BackupEntry } from '../cleanup/backup-format.js';
import { acceptScan, BackupRefusal, BackupVerifier, type BackupScan, type RestoreScope, type Verification } from '../cleanup/backup-verify.js';
import { readCleanupProgress } from '../cleanup/progress-store.js';
import { emptyRestoreCounts, restoreBatch, type RestoreCounts } from '../cleanup/restore-keys.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface RestoreRequest {
  /** The backup file written by phase 3 cleanup. */
  file: string;
  /** Overwrite keys that exist with another value. */
  replace?: boolean;
  /** Restore a backup that cannot be fully verified (format 1, or no end record). */
  allowUnverified?: boolean;
  /** Keys per batch. */
  batch: number;
}

export interface RestoreReport extends Report {
  file: string;
  namespace: string;
  /** From the backup header. */
  backup: { createdAt: number; source: string; legacyPrefix: string; queues: string[] };
  /**
   * `verified`: complete, every checkpoint matched; `interrupted-cleanup`: verified up to the last
   * checkpoint of a cleanup run the state records as interrupted; `unverified`: --allow-unverified.
   */
  verification: { status: Verification; records: number; unsealed: number };
  replace: boolean;
  restored: number;
  /** Already present with exactly the backed-up value (e.g. a second restore). */
  identical: number;
  /** Present with another value and not replaced: left as they are. */
  conflicts: { count: number; sample: string[] };
  /** Their expiry passed since the backup: not restored. */
  expired: number;
  byQueue: Record<string, number>;
}

const FIXES: Record<string, string> = {
  'backup.format': 'pass a file written by `phase3 cleanup --backup FILE`',
  'backup.damaged': 'restore from another copy of the backup: the file must be exactly what phase3 cleanup wrote',
  'backup.out-of-scope': 'restore only a backup that phase3 cleanup wrote for this plan (same legacy prefix and queues, same --config)',
  'backup.incomplete': 'restore a complete copy; if that cleanup really stopped early, --allow-unverified restores the verified records',
  'backup.unverified': 'pass --allow-unverified to restore it anyway (still only legacy keys of its queues)',
};

/** A refused file: audited (best effort, the refusal is the news), then one error line. */
async function refuse(client: RedisClient, keys: StateKeys, env: Environment, command: string, file: string, refusal: BackupRefusal): Promise<never> {
  const message = `${file}: ${refusal.message}; refused, nothing was restored`;
  await appendAudit(client, keys, {
    kind: 'restore',
    actor: env.actor,
    command,
    details: { event: 'refused', code: refusal.code, line: refusal.line, summary: `refused: ${message}` },
  }).catch(() => undefined);
  const options = { fix: FIXES[refusal.code], details: { line: refusal.line } };
  throw refusal.code === 'backup.format' ? new UsageError(refusal.code, message, options) : new CheckFailedError(refusal.code, message, options);
}

export async function restoreBackup(env: Environment, loaded: LoadedPlan, options: RestoreRequest): Promise<RestoreReport> {
  const { file, batch } = options;
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const client = await env.connect('restore', loaded);
  const command = `phase3 restore${options.replace ? ' --replace' : ''}${options.allowUnverified ? ' --allow-unverified' : ''}`;
  const scope: RestoreScope = { legacyPrefix: plan.legacy.prefix, bullmqPrefix: plan.bullmq.prefix, planQueues: plan.tiers.flatMap((tier) => tier.queues) };

  // First pass: read and verify everything, write nothing.
  let scan: BackupScan;
  let verification: Verification;
  try {
    scan = await scanBackup(file, new BackupVerifier({ scope, collect: false }));
    const progress = await readCleanupProgress(client, keys);
    verification = acceptScan(scan, progress?.status === 'running' ? progress.run : null, Boolean(options.allowUnverified));
  } catch (error) {
    if (error instanceof BackupRefusal) return refuse(client, keys, env, command, file, error);
    throw error;
  }
  const { header } = scan;
  await env.confirm(
    `Restore the keys of ${file} (legacy keys of ${header.queues.join(', ')}, taken ${new Date(header.createdAt).toISOString()})${options.replace ? ', replacing existing keys' : ''}?`,
  );

  let lock: HeldLock | undefined;
  const counts: RestoreCounts = emptyRestoreCounts();
  try {
    lock = await acquireLock(client, keys, { owner: env.actor, command, host: env.host, ttlMs: parseDuration(plan.lock.ttl) ?? 30_000 });
    const now = await serverTimeMs(client);
    // Where a conflicting entry is restored aside to compare contents (inside the namespace's slot).
    const scratch = `${keys.cleanup}:restore-scratch:${lock.info.token}`;
    let pending: BackupEntry[] = [];
    const flush = async (all: boolean) => {
      while (pending.length >= batch || (all && pending.length > 0)) {
        await restoreBatch(client, pending.slice(0, batch), now, Boolean(options.replace), counts, scratch);
        pending = pending.slice(batch);
      }
    };
    try {
      // Second pass: only what the first verified, each batch re-verified before it is written.
      await scanBackup(file, new BackupVerifier({ scope, collect: true }), {
        limit: scan.verifiedBytes,
        onEntries: async (entries) => {
          pending.push(...entries);
          await flush(false);
        },
      });
      await flush(true);
    } catch (error) {
      const reason = error instanceof BackupRefusal ? `${file} changed while it was being restored (${error.message})` : (error as Error).message;
      const summary = `stopped after ${counts.restored} restored key(s): ${reason}`;
      await appendAudit(client, keys, {
        kind: 'restore',
        actor: env.actor,
        command,
        details: { event: 'stopped', restored: counts.restored, identical: counts.identical, summary },
      }).catch(() => undefined);
      if (error instanceof CliError) throw error;
      throw new EnvironmentError('restore.stopped', `restore ${summary}`, {
        fix: 'fix the cause, then run the same restore again: keys already back count as identical',
        details: { restored: counts.restored },
      });
    }
    await appendAudit(client, keys, {
      kind: 'restore',
      actor: env.actor,
      command,
      details: {
        event: 'restored',
        verification,
        summary: `restored ${counts.restored} key(s)${counts.conflictCount ? `, ${counts.conflictCount} conflict(s)` : ''}${verification === 'verified' ? '' : ` (${verification} backup)`}`,
        restored: counts.restored,
        identical: counts.identical,
        conflicts: counts.conflictCount,
        expired: counts.expired,
        queues: header.queues,
      },
    });
  } finally {
    await lock?.release();
  }
  const report: RestoreReport = {
    ok: counts.conflictCount === 0,
    file,
    namespace: env.namespace(loaded),
    backup: { createdAt: header.createdAt, source: header.source, legacyPrefix: header.legacyPrefix, queues: header.queues },
    verification: {
      status: verification,
      records: scan.unverified ? counts.restored + counts.identical + counts.conflictCount + counts.expired : scan.seal.records,
      unsealed: scan.unsealed,
    },
    replace: Boolean(options.replace),
    restored: counts.restored,
    identical: counts.identical,
    conflicts: { count: counts.conflictCount, sample: counts.conflicts },
    expired: counts.expired,
    byQueue: counts.byQueue,
  };
  return report;
}
