/** Phase 2: the queues move from Bull to BullMQ, one tier at a time, each soaking before the next. */
import { checkIdsOf } from '../src/checks/registry.js';
import type { Plan } from '../src/plan/schema.js';
import { FIELD, tierState, type FieldChanges, type FlagState } from '../src/state/model.js';
import type { PhaseDefinition } from './types.js';

function queuesOf(plan: Plan, tier: string): string[] {
  return plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
}

export const phase2: PhaseDefinition<string> = {
  id: 'phase2',
  phase: 2,
  title: 'Queues to BullMQ, tier by tier',
  steps: [
    { id: 'checks', does: "run the tier's phase 2 checks (connection, server settings, prefix collision, backlog, repeatables, drift)" },
    {
      id: 'gate',
      does: 'the previous tier has run on BullMQ for its whole soak window with no breach recorded by monitor, and no check failed; else nothing changes unless --force --reason passes it (audited as a forced change)',
    },
    { id: 'confirm', does: 'ask the operator (or --yes)' },
    { id: 'lock', does: 'take the migration lock, then evaluate the gate and read the state again under it (a change made meanwhile stops here)' },
    { id: 'baseline', does: 'record the connection count before the change' },
    { id: 'flip', does: 'the tier to BullMQ and USE_BULLMQ=true in one atomic change (state, version, audit, publish)' },
    { id: 'confirmations', does: 'wait for running app instances to acknowledge the new version' },
    { id: 'sinks', does: 'mirror the flags to the dotenv file and hook commands' },
    { id: 'soak', does: "watch for the tier's soak window (redis-migrate monitor)" },
  ],
  runElsewhere: { soak: 'monitor' },
  checks: checkIdsOf(2),
  checksRunBy: 'phase2 --tier T (its gate; gate.soak is evaluated under the lock) and preflight --phase 2 [--tier T]',
  flip: (plan, tier) => ({
    [FIELD.tier(tier)]: 'bullmq',
    [FIELD.tierQueues(tier)]: queuesOf(plan, tier).join(','),
    [FIELD.useBullmq]: 'true',
  }),
  // One tier back to legacy; the master switch stays as it is for the other tiers.
  rollback: (_plan, tier) => ({ [FIELD.tier(tier)]: 'legacy' }),
};

/**
 * The default rollback: every queue back to legacy at once. The master switch goes off and every
 * plan tier recorded on BullMQ goes back to legacy in the same change, so a later phase2 turns on
 * only the tier it names, through that tier's own gate.
 */
export function rollbackAllQueues(plan: Plan, state: FlagState): FieldChanges {
  const onBullmq = plan.tiers.map((tier) => tier.name).filter((tier) => tierState(state, tier) === 'bullmq');
  return { [FIELD.useBullmq]: 'false', ...Object.fromEntries(onBullmq.map((tier) => [FIELD.tier(tier), 'legacy'])) };
}
