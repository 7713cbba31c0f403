/**
 * Which queues' legacy keys may go: those of tiers that run on BullMQ (master switch on, tier on
 * BullMQ) and have soaked their whole window. Pure: state and server time come in as arguments.
 */
import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { FlagState } from '../state/model.js';
import { soakProgress } from '../state/soak.js';

export interface TierEligibility {
  tier: string;
  queues: string[];
  eligible: boolean;
  /** Why not, in words an operator can act on; null when eligible. */
  reason: string | null;
  remainingMs: number;
}

export function tierEligibility(plan: Plan, state: FlagState, now: number): TierEligibility[] {
  return plan.tiers.map((tier) => {
    const progress = soakProgress(tier, state, now);
    let reason: string | null = null;
    if (progress.startedAt === null) reason = state.useBullmq ? 'not on BullMQ' : `not on BullMQ (${plan.flags.useBullmq}=false)`;
    else if (!progress.complete) reason = `soaking: ${formatDuration(progress.elapsedMs)} of ${tier.soak}, ${formatDuration(progress.remainingMs)} left`;
    return { tier: tier.name, queues: [...tier.queues], eligible: reason === null, reason, remainingMs: progress.remainingMs };
  });
}

export function eligibleQueues(tiers: readonly TierEligibility[]): string[] {
  return tiers.filter((tier) => tier.eligible).flatMap((tier) => tier.queues);
}

/** Queues that were targets and no longer are (a rollback happened mid-cleanup). */
export function lostEligibility(targets: readonly string[], tiers: readonly TierEligibility[]): string[] {
  const still = new Set(eligibleQueues(tiers));
  return targets.filter((queue) => !still.has(queue));
}
