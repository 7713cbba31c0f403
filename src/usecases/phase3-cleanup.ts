/**
 * Phase 3 cleanup: delete the legacy keys of queues whose tier runs on BullMQ and has soaked. A
 * dry run counts (keys, memory, blockers). A delete checks the blockers (`blocked`, or passed with
 * `force` and a reason), takes the lock, optionally writes a backup, then SCAN + UNLINK with progress
 * saved per batch so an interrupt and a re-run finish the job. Audited with counts only.
 */
import { randomUUID } from 'node:crypto';
import { AbortedError, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { redact } from '../redact.js';
import { serverTimeMs } from '../redis/client.js';
import { masterNodes } from '../redis/nodes.js';
import { parseRedisUrl } from '../redis/url.js';
import { appendAudit } from '../state/audit.js';
import { recordBaseline } from '../state/baselines.js';
import { baselineMeasurements } from '../observe/take-snapshot.js';
import { readState } from '../state/flag-store.js';
import { readInstances } from '../state/instances.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { createBackup, reopenBackup, type BackupWriter } from '../cleanup/backup-file.js';
import { BACKUP_FORMAT, BACKUP_VERSION } from '../cleanup/backup-format.js';
import { cleanupBlockers, isBlocked } from '../cleanup/blockers.js';
import { eligibleQueues, tierEligibility } from '../cleanup/eligibility.js';
import { emptyTally, scanNode } from '../cleanup/engine.js';
import { makeGuard } from '../cleanup/guard.js';
import { readBacklog, readForeignKeys, readLegacyWorkers } from '../cleanup/inspect.js';
import { scanPattern } from '../cleanup/legacy-keys.js';
import { finishCleanupRun, readCleanupProgress, saveBatch, sameQueues, startCleanupRun, type CleanupProgress } from '../cleanup/progress-store.js';
import { findLegacyUsage } from '../checks/code-legacy-usage.js';
import { cleanupReport, type CleanupReport } from './cleanup-report.js';
import type { Environment, Progress } from './environment.js';

export interface CleanupRequest {
  /** 'delete' only when the operator confirmed it (the CLI's --yes without --dry-run). */
  mode: 'dry-run' | 'delete';
  /** Clean although blockers remain; needs `reason`. */
  force?: boolean;
  reason?: string | undefined;
  /** Write every key to this file (DUMP + expiry, NDJSON) before deleting it. */
  backup?: string | undefined;
  /** Keys deleted per second at most. */
  maxRate?: number | undefined;
  /** Keys per SCAN / UNLINK batch. */
  batch: number;
  /** Start over instead of resuming an interrupted cleanup. */
  restart?: boolean;
  /** Live progress of the dry-run scan ('dry run') or the deletion ('cleanup'). */
  progress?(label: 'dry run' | 'cleanup'): Progress;
  /** Each step of phases/ as it starts. */
  onStep?(step: CleanupStep): void;
}

/** The steps of phase 3 that cleanup runs, as phases/ names them. */
export type CleanupStep = 'eligible' | 'blockers' | 'dry-run' | 'lock' | 'backup' | 'baseline' | 'delete';

const NO_PROGRESS: Progress = { update: () => undefined, finish: () => undefined };

/** Resume the interrupted run only if it is the same job: same queues, same backup file. */
function resumable(previous: CleanupProgress | null, targets: string[], options: CleanupRequest): CleanupProgress | null {
  if (previous?.status !== 'running' || options.restart) return null;
  if (!sameQueues(previous.queues, targets)) return null;
  if (previous.backup && previous.backup !== (options.backup ?? null)) {
    throw new UsageError('cleanup.resume-backup', `the interrupted cleanup was writing its backup to ${previous.backup}`, {
      fix: `pass --backup ${previous.backup} to resume it, or --restart to start over (keys already deleted are in that file)`,
    });
  }
  return previous;
}

export async function cleanLegacyKeys(env: Environment, loaded: LoadedPlan, options: CleanupRequest): Promise<CleanupReport> {
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const forced = Boolean(options.force);
  if (forced && !options.reason?.trim()) {
    throw new UsageError('force.reason', '--force needs --reason so the audit trail says why the cleanup ran anyway', { fix: 'add --reason "why"' });
  }
  const { batch, maxRate, mode } = options;
  const progressOf = options.progress ?? (() => NO_PROGRESS);
  const step = options.onStep ?? (() => undefined);
  const legacyPrefix = plan.legacy.prefix;
  const bullmqPrefix = plan.bullmq.prefix;

  const client = await env.connect('cleanup', loaded);
  const { cluster, nodes } = masterNodes(client);
  const [{ state }, now, previous, { instances }] = await Promise.all([
    readState(client, keys),
    serverTimeMs(client),
    readCleanupProgress(client, keys),
    readInstances(client, keys),
  ]);
  step('eligible');
  const tiers = tierEligibility(plan, state, now);
  const targets = eligibleQueues(tiers);
  step('blockers');
  const [backlog, foreign, workers, legacyCode] = await Promise.all([
    readBacklog(client, legacyPrefix, targets),
    readForeignKeys(client, legacyPrefix, targets),
    readLegacyWorkers(client, plan, targets),
    targets.length
      ? findLegacyUsage(plan, {
          planFile: loaded.source === 'embedded default' ? undefined : loaded.source,
          cwd: env.cwd,
          queues: targets,
          includeRedis: false,
        })
      : null,
  ]);
  const blockers = cleanupBlockers({
    legacyPrefix,
    bullmqPrefix,
    backlog,
    workers,
    foreign,
    killSwitchInstances: instances.filter((instance) => instance.live && instance.killSwitch).length,
    useBullmqFlag: plan.flags.useBullmq,
    legacyCode: legacyCode && { files: legacyCode.bull.map((entry) => entry.file), queues: [...new Set(legacyCode.bull.flatMap((entry) => entry.queues))] },
  });
  const blocked = targets.length > 0 && isBlocked(blockers, forced);
  const scope = { legacyPrefix, bullmqPrefix, queues: new Set(targets) };
  const pattern = scanPattern(legacyPrefix, targets);
  const base = { plan, namespace: env.namespace(loaded), mode, tiers, targets, blockers, blocked, forced, pattern, previous } as const;

  if (targets.length === 0) return cleanupReport({ ...base, tally: emptyTally(), run: null });

  if (mode === 'dry-run') {
    step('dry-run');
    const tally = emptyTally();
    const provable = !blockers.some((blocker) => blocker.code === 'shared-prefix');
    const progress = progressOf('dry run');
    if (provable) {
      for (const node of nodes) {
        await scanNode(node, '0', tally, {
          scope,
          pattern,
          batch,
          cluster,
          mode: 'dry-run',
          memorySamplesPerBatch: 10,
          onBatch: async ({ fraction }) => progress.update(tally.keys, nodes.length === 1 ? fraction : null),
          shouldStop: () => false,
        });
      }
    }
    progress.finish();
    return cleanupReport({ ...base, tally, run: null });
  }

  if (blocked) return cleanupReport({ ...base, tally: emptyTally(), run: null });

  const resume = resumable(previous, targets, options);
  let lock: HeldLock | undefined;
  let backup: BackupWriter | undefined;
  let stop = false;
  const removeInterrupt = env.onInterrupt(() => {
    stop = true;
    env.log('interrupt: finishing the current batch, then stopping (the next run resumes here)');
  });
  const command = `phase3 cleanup${forced ? ' --force' : ''}${options.backup ? ' --backup' : ''}`;
  try {
    step('lock');
    lock = await acquireLock(client, keys, { owner: env.actor, command, host: env.host, ttlMs: parseDuration(plan.lock.ttl) ?? 30_000 });
    const runId = resume?.run ?? randomUUID();
    // Every audit entry of this run: the same kind, actor and command; the reason where the run acts on it.
    const audit = (details: Record<string, unknown>, reason?: string) =>
      appendAudit(client, keys, { kind: 'cleanup', actor: env.actor, command, ...(reason === undefined ? {} : { reason }), details });
    const startedAt = await serverTimeMs(client);
    const tally = resume ? resume.tally : emptyTally();
    if (options.backup) {
      step('backup');
      backup = resume?.backup
        ? await reopenBackup(options.backup)
        : await createBackup(options.backup, {
            format: BACKUP_FORMAT,
            version: BACKUP_VERSION,
            createdAt: startedAt,
            namespace: env.namespace(loaded),
            source: parseRedisUrl(env.redisUrl(loaded)).display,
            legacyPrefix,
            queues: targets,
            run: runId,
          });
    }
    if (!resume) {
      // The connection count at the end of phase 2 (kept if an earlier run recorded it first).
      step('baseline');
      await recordBaseline(client, keys, 'phase3', await baselineMeasurements(client, plan));
      await startCleanupRun(client, keys, { run: runId, queues: targets, startedAt, actor: env.actor, backup: options.backup ?? null, forced });
    }
    await audit(
      {
        event: resume ? 'resumed' : 'started',
        run: runId,
        queues: targets,
        backup: Boolean(options.backup),
        summary: `${resume ? 'resumed' : 'started'}: ${targets.length} queue(s)${forced ? ', forced past blockers' : ''}`,
        ...(forced ? { forced: blockers.map(({ code, counts }) => ({ code, counts })) } : {}),
      },
      options.reason,
    );

    step('delete');
    const guard = makeGuard({ client, keys, plan, targets, forced, lock, version: state.version });
    const progress = progressOf('cleanup');
    const clock = performance.now();
    const keysBefore = tally.keys;
    let finished = true;
    let lastSave: Promise<void> = Promise.resolve();
    try {
      for (const node of nodes) {
        if (resume?.doneNodes.includes(node.id)) continue;
        finished = await scanNode(node, resume?.cursors[node.id] ?? '0', tally, {
          scope,
          pattern,
          batch,
          cluster,
          mode: 'delete',
          backup,
          maxRate,
          guard,
          onBatch: async ({ cursor, fraction }) => {
            // Not awaited here: the save travels ahead of the next SCAN and UNLINK on the same
            // connection, so it lands first; its reply is checked at the next batch.
            const previousSave = lastSave;
            lastSave = saveBatch(client, keys, node.id, cursor, tally, startedAt + Math.round(performance.now() - clock));
            lastSave.catch(() => undefined);
            await previousSave;
            progress.update(tally.keys - keysBefore, nodes.length === 1 ? fraction : null);
          },
          shouldStop: () => stop,
        });
        if (!finished) break;
      }
      await lastSave;
    } catch (error) {
      progress.finish();
      await audit({
        event: 'stopped',
        run: runId,
        deleted: tally.keys,
        error: redact((error as Error).message),
        summary: `stopped after ${tally.keys} keys: ${redact((error as Error).message)}`,
      }).catch(() => undefined);
      throw error;
    }
    progress.finish();
    const durationMs = Math.round(performance.now() - clock);
    const runInfo = {
      id: runId,
      resumed: Boolean(resume),
      durationMs,
      deletedThisRun: tally.keys - keysBefore,
      backup: options.backup ?? null,
      nodes: nodes.length,
    };
    if (!finished) {
      await audit({ event: 'interrupted', run: runId, deleted: tally.keys, summary: `interrupted after ${tally.keys} keys` });
      throw new AbortedError(`cleanup interrupted after ${tally.keys} keys; run the same command again to finish`, {
        fix: 'the progress is saved in the migration state; a re-run resumes where this one stopped',
        details: { deleted: tally.keys, run: runId },
      });
    }
    // The end record first: a finished run's backup without one was cut.
    await backup?.finish();
    await finishCleanupRun(client, keys, startedAt + durationMs);
    await audit(
      {
        event: 'finished',
        run: runId,
        deleted: tally.keys,
        byQueue: tally.byQueue,
        keptTypeMismatch: tally.kept.typeMismatch,
        durationMs,
        summary: `finished: ${tally.keys} legacy keys deleted`,
      },
      options.reason,
    );
    return cleanupReport({ ...base, tally, run: runInfo });
  } finally {
    removeInterrupt();
    await backup?.close();
    await lock?.release();
  }
}
