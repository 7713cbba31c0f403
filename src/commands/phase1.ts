/** `phase1 [--dry-run] [--force --reason R] [--wait D]`: see src/usecases/phase1.ts. Exit 3 when refused (`change.blocked`). */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { GatedChangeReport } from '../usecases/gate-checks.js';
import { changeOutcome } from './change-outcome.js';
import { flipPhase1 } from '../usecases/phase1.js';

export interface Phase1Options {
  dryRun?: boolean;
  wait: string;
  force?: boolean;
  reason?: string;
}

export async function run(ctx: CommandContext, options: Phase1Options): Promise<Outcome<GatedChangeReport>> {
  const loaded = await ctx.plan();
  const waitMs = parseWait(options.wait);
  const report = await flipPhase1(ctx, loaded, { dryRun: Boolean(options.dryRun), waitMs, force: Boolean(options.force), reason: options.reason });
  return changeOutcome(report);
}
