/** The state as reports show it: flags by their plan names, tiers in plan order with soak. Pure. */
import type { Plan } from '../plan/schema.js';
import { effectiveBullmqTiers, recordedBullmqTiers, tierState, type FlagState, type TierState } from './model.js';
import { soakProgress, type SoakProgress } from './soak.js';

export interface FlagsView {
  USE_BULLMQ: boolean;
  USE_HTTP_REDIS: boolean;
  /** Tiers recorded as on BullMQ (they run there while USE_BULLMQ is true). */
  BULLMQ_TIERS: string[];
  /** The plan's names for the three flags, when they differ from the defaults. */
  names: { useBullmq: string; bullmqTiers: string; useHttpRedis: string };
}

export interface TierView {
  name: string;
  /** Recorded state of the tier. */
  state: TierState;
  /** Whether its queues run on BullMQ right now (recorded state and the master switch). */
  effective: TierState;
  since: number | null;
  queues: string[];
  soak: SoakProgress & { window: string; watch: string | null };
}

export function flagsView(plan: Plan, state: FlagState): FlagsView {
  return {
    USE_BULLMQ: state.useBullmq,
    USE_HTTP_REDIS: state.useHttpRedis,
    BULLMQ_TIERS: recordedBullmqTiers(
      state,
      plan.tiers.map((tier) => tier.name),
    ),
    names: plan.flags,
  };
}

export function tiersView(plan: Plan, state: FlagState, now: number): TierView[] {
  const running = effectiveBullmqTiers(
    state,
    plan.tiers.map((tier) => tier.name),
  );
  return plan.tiers.map((tier) => ({
    name: tier.name,
    state: tierState(state, tier.name),
    effective: running.includes(tier.name) ? 'bullmq' : 'legacy',
    since: state.tiers[tier.name]?.since ?? null,
    queues: tier.queues,
    soak: { ...soakProgress(tier, state, now), window: tier.soak, watch: tier.watch ?? null },
  }));
}
