/** `verify --tier T [--backoff D] [--deadline D]`: see src/usecases/verify.ts. Exit 3 when any queue fails. */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT } from '../errors.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';
import { verifyTierQueues, type QueueVerifyReport } from '../usecases/verify.js';

export interface VerifyOptions {
  tier: string;
  backoff: string;
  deadline: string;
}

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<Outcome<QueueVerifyReport>> {
  const loaded = await ctx.plan();
  const tier = resolveTier(tierNames(loaded.plan), options.tier);
  const report = await verifyTierQueues(ctx, loaded, { tier, backoffMs: parseWait(options.backoff), timeoutMs: parseWait(options.deadline) });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
