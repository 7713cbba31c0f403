/** `phase2 --tier T`: gate, then that tier's queues to BullMQ with USE_BULLMQ=true. */
import { phase2 } from '../../phases/phase2.js';
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { evaluateMonitoredSoakGate } from '../state/soak-gate.js';
import { readSoakHealth } from '../state/soak-health.js';
import { applyChange, type ChangeReport } from './change.js';
import { resolveTier, tierNames } from './tier-name.js';

export interface Phase2Options {
  tier: string;
  dryRun?: boolean;
  force?: boolean;
  reason?: string;
  wait: string;
}

export async function run(ctx: CommandContext, options: Phase2Options): Promise<Outcome<ChangeReport>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const tier = resolveTier(tierNames(plan), options.tier);
  const queues = plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
  const report = await applyChange(ctx, loaded, {
    kind: 'flip',
    command: `phase2 --tier ${tier}${options.force ? ' --force' : ''}`,
    changes: () => phase2.flip(plan, tier),
    question: `Move tier "${tier}" (${queues.length} queues: ${queues.join(', ')}) to BullMQ and set ${plan.flags.useBullmq}=true?`,
    dryRun: Boolean(options.dryRun),
    waitMs: parseWait(options.wait),
    useLock: true,
    reason: options.reason,
    force: Boolean(options.force),
    // Time soaked, and no threshold breach recorded by `monitor` meanwhile (the same rule as gate.soak).
    gate: async (state, now, client) => evaluateMonitoredSoakGate(plan, state, tier, now, await readSoakHealth(client, ctx.keys(loaded))),
    baselineStep: `phase2:${tier}`,
  });
  return { report };
}
