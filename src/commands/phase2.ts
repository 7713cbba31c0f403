/** `phase2 --tier T [--dry-run] [--force --reason R] [--wait D]`: see src/usecases/phase2.ts. Exit 3 when refused (`change.blocked`). */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';
import type { GatedChangeReport } from '../usecases/gate-checks.js';
import { changeOutcome } from './change-outcome.js';
import { flipTier } from '../usecases/phase2.js';

export interface Phase2Options {
  tier: string;
  dryRun?: boolean;
  force?: boolean;
  reason?: string;
  wait: string;
}

export async function run(ctx: CommandContext, options: Phase2Options): Promise<Outcome<GatedChangeReport>> {
  const loaded = await ctx.plan();
  const tier = resolveTier(tierNames(loaded.plan), options.tier);
  const waitMs = parseWait(options.wait);
  const report = await flipTier(ctx, loaded, { tier, dryRun: Boolean(options.dryRun), force: Boolean(options.force), reason: options.reason, waitMs });
  return changeOutcome(report);
}
