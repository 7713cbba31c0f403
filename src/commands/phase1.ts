/** `phase1`: cache and rate limiters to HTTP Redis (USE_HTTP_REDIS=true). */
import { phase1 } from '../../phases/phase1.js';
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { applyChange, type ChangeReport } from './change.js';

export interface Phase1Options {
  dryRun?: boolean;
  wait: string;
}

export async function run(ctx: CommandContext, options: Phase1Options): Promise<Outcome<ChangeReport>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  // The phase 1 preflight checks (HTTP endpoint, auth, deserialization, rate limiter) gate this
  // flip once the check catalogue exists; see phases/phase1.ts for their ids.
  const report = await applyChange(ctx, loaded, {
    kind: 'flip',
    command: 'phase1',
    changes: () => phase1.flip(plan),
    question: `Move the cache and rate limiters to HTTP Redis (${plan.flags.useHttpRedis}=true)?`,
    dryRun: Boolean(options.dryRun),
    waitMs: parseWait(options.wait),
    useLock: true,
    baselineStep: 'phase1',
  });
  return { report };
}
