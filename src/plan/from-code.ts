/**
 * A plan proposed from the queues found in the code. Which queue is critical is a decision the code
 * cannot make: a queue the default plan knows keeps its tier, every other one goes to the most
 * careful tier (the last: longest soak, watch window), to be moved earlier by someone who knows. Pure.
 */

export interface ProposedQueue {
  queue: string;
  tier: string;
  why: 'known' | 'unknown';
}

export interface TierDraft {
  name: string;
  queues: string[];
  soak: string;
  watch?: string;
}

/** Assigns each queue a tier and drops the tiers left empty (a plan tier needs a queue). */
export function proposeTiers(queues: readonly string[], tiers: readonly TierDraft[]): { tiers: TierDraft[]; queues: ProposedQueue[] } {
  const known = new Map<string, string>();
  for (const tier of tiers) for (const queue of tier.queues) known.set(queue, tier.name);
  const careful = tiers[tiers.length - 1]?.name ?? 'critical';
  const proposed = [...new Set(queues)].sort().map((queue): ProposedQueue => {
    const tier = known.get(queue);
    return tier ? { queue, tier, why: 'known' } : { queue, tier: careful, why: 'unknown' };
  });
  return { tiers: assignTiers(proposed, tiers), queues: proposed };
}

/** The tiers with exactly the given assignment (after answers on a terminal), empty tiers dropped. */
export function assignTiers(assignment: readonly { queue: string; tier: string }[], tiers: readonly TierDraft[]): TierDraft[] {
  return tiers
    .map((tier) => ({ ...tier, queues: assignment.filter((entry) => entry.tier === tier.name).map((entry) => entry.queue) }))
    .filter((tier) => tier.queues.length > 0);
}
