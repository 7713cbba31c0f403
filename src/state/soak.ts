/** Soak windows: how long each tier has really run on BullMQ, and whether the next tier may go. Pure. */
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { Plan, PlanTier } from '../plan/schema.js';
import { effectiveSince, type FlagState } from './model.js';

export interface SoakProgress {
  tier: string;
  requiredMs: number;
  /** 0 when the tier is not running on BullMQ. */
  elapsedMs: number;
  remainingMs: number;
  complete: boolean;
  /** Inside the tier's close-watch window (e.g. the first 2h of critical). */
  watching: boolean;
  /** Server time the soak started, or null. */
  startedAt: number | null;
}

export function soakProgress(tier: PlanTier, state: FlagState, now: number): SoakProgress {
  const requiredMs = parseDuration(tier.soak) ?? 0;
  const startedAt = effectiveSince(state, tier.name);
  const elapsedMs = startedAt === null ? 0 : Math.max(0, now - startedAt);
  const watchMs = tier.watch ? (parseDuration(tier.watch) ?? 0) : 0;
  return {
    tier: tier.name,
    requiredMs,
    elapsedMs,
    remainingMs: startedAt === null ? requiredMs : Math.max(0, requiredMs - elapsedMs),
    complete: startedAt !== null && elapsedMs >= requiredMs,
    watching: startedAt !== null && elapsedMs < watchMs,
    startedAt,
  };
}

export type SoakGate =
  | { open: true; previous: string | null }
  | { open: false; previous: string; reason: 'previous-not-on-bullmq' | 'previous-soaking'; remainingMs: number; message: string };

/** The gate for flipping `tierName`: the tier before it has run on BullMQ for its whole soak window. */
export function evaluateSoakGate(plan: Plan, state: FlagState, tierName: string, now: number): SoakGate {
  const index = plan.tiers.findIndex((tier) => tier.name === tierName);
  if (index <= 0) return { open: true, previous: null };
  const previous = plan.tiers[index - 1] as PlanTier;
  const progress = soakProgress(previous, state, now);
  if (progress.startedAt === null) {
    return {
      open: false,
      previous: previous.name,
      reason: 'previous-not-on-bullmq',
      remainingMs: progress.requiredMs,
      message: `tier "${previous.name}" is not on BullMQ yet: run \`redis-migrate phase2 --tier ${previous.name}\` first and let it soak ${previous.soak}`,
    };
  }
  if (!progress.complete) {
    return {
      open: false,
      previous: previous.name,
      reason: 'previous-soaking',
      remainingMs: progress.remainingMs,
      message: `tier "${previous.name}" has soaked ${formatDuration(progress.elapsedMs)} of ${previous.soak}; ${formatDuration(progress.remainingMs)} left`,
    };
  }
  return { open: true, previous: previous.name };
}
