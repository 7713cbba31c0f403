/** The `phase3 cleanup` report, built once from what the use-case read and did. */
import type { Report } from './report.js';
import type { Plan } from '../plan/schema.js';
import type { Blocker } from '../cleanup/blockers.js';
import type { TierEligibility } from '../cleanup/eligibility.js';
import type { CleanupTally } from '../cleanup/engine.js';
import type { LegacyKeyKind } from '../cleanup/legacy-keys.js';
import type { CleanupProgress } from '../cleanup/progress-store.js';
import { estimateMemory, totalsByKind } from '../cleanup/summary.js';

export interface CleanupRunInfo {
  id: string;
  resumed: boolean;
  durationMs: number;
  deletedThisRun: number;
  backup: string | null;
  nodes: number;
}

export interface CleanupReport extends Report {
  mode: 'dry-run' | 'delete';
  namespace: string;
  legacyPrefix: string;
  bullmqPrefix: string;
  /** The SCAN MATCH pattern used (classification decides each key). */
  pattern: string;
  tiers: TierEligibility[];
  /** Queues whose legacy keys are (or would be) deleted. */
  targets: string[];
  blockers: Blocker[];
  /** True: nothing was (or would be) deleted because of the blockers. */
  blocked: boolean;
  forced: boolean;
  /**
   * `total`: keys deleted as Redis reported them (delete mode; exact), or found (dry run). The
   * split by queue and kind counts keys as SCAN returned them, which can count a key twice when
   * the key table rehashes during the scan (SCAN's own guarantee), never miss one.
   */
  keys: { total: number; byQueue: CleanupTally['byQueue']; byKind: Partial<Record<LegacyKeyKind, number>> };
  kept: CleanupTally['kept'];
  /** Dry run: estimated memory of the legacy keys from sampled MEMORY USAGE. */
  memory: { estimatedBytes: number; sampledKeys: number } | null;
  run: CleanupRunInfo | null;
  /** An interrupted cleanup found in the state (dry run: what a real run would resume). */
  pending: { run: string; deleted: number; backup: string | null } | null;
  notes: string[];
}

export interface ReportInput {
  plan: Plan;
  namespace: string;
  mode: 'dry-run' | 'delete';
  tiers: TierEligibility[];
  targets: string[];
  blockers: Blocker[];
  blocked: boolean;
  forced: boolean;
  pattern: string;
  previous: CleanupProgress | null;
  tally: CleanupTally;
  run: CleanupRunInfo | null;
}

export function cleanupReport(input: ReportInput): CleanupReport {
  const { plan } = input;
  const memory = estimateMemory(input.tally);
  const notes: string[] = [];
  if (input.targets.length === 0) notes.push('no tier is on BullMQ and soaked yet: nothing to clean');
  if (input.mode === 'dry-run' && input.targets.length > 0 && !input.blocked) notes.push('dry run: nothing was deleted; run with --yes to delete');
  if (input.tally.kept.typeMismatch > 0) {
    notes.push(`${input.tally.kept.typeMismatch} key(s) with a legacy-looking name but not Bull's type were left alone`);
  }
  const pending =
    input.previous?.status === 'running' && input.run === null
      ? { run: input.previous.run, deleted: input.previous.tally.keys, backup: input.previous.backup }
      : null;
  if (pending) notes.push(`an interrupted cleanup (${pending.deleted} keys deleted so far) will be resumed by the next run with --yes`);
  return {
    ok: !input.blocked,
    mode: input.mode,
    namespace: input.namespace,
    legacyPrefix: plan.legacy.prefix,
    bullmqPrefix: plan.bullmq.prefix,
    pattern: input.pattern,
    tiers: input.tiers,
    targets: input.targets,
    blockers: input.blockers,
    blocked: input.blocked,
    forced: input.forced,
    keys: { total: input.tally.keys, byQueue: input.tally.byQueue, byKind: totalsByKind(input.tally) },
    kept: input.tally.kept,
    memory: memory ? { estimatedBytes: memory.bytes, sampledKeys: memory.sampled } : null,
    run: input.run,
    pending,
    notes,
  };
}
