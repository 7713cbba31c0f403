/** The flag values the sinks carry, as the plan names them (pure: drift and verify read it without loading the sink runner). */
import type { Plan } from '../plan/schema.js';
import { recordedBullmqTiers, type FlagState } from '../state/model.js';

/** The environment variables the sinks carry, as the plan names them. */
export function sinkValues(plan: Plan, state: FlagState): Record<string, string> {
  // Only the plan's tier names reach the sinks: a name written into Redis by hand never does.
  const tiers = recordedBullmqTiers(
    state,
    plan.tiers.map((tier) => tier.name),
  );
  return {
    [plan.flags.useBullmq]: String(state.useBullmq),
    [plan.flags.bullmqTiers]: tiers.join(','),
    [plan.flags.useHttpRedis]: String(state.useHttpRedis),
  };
}
