/**
 * `rollback [--tier T] [--phase 1]`: back to legacy now (src/usecases/rollback.ts). Survives a
 * broken plan file as long as the flag store can be found.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { CliError, UsageError } from '../errors.js';
import { defaultPlan } from '../plan/default-plan.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { ChangeReport } from '../usecases/change.js';
import { rollBack } from '../usecases/rollback.js';
import { changeOutcome } from './change-outcome.js';

export interface RollbackOptions {
  tier?: string;
  phase?: '1' | '2';
  reason?: string;
  wait: string;
  dryRun?: boolean;
}

/** The plan, or, when the plan file is broken, just enough of one to reach the flag store. */
async function planForRollback(ctx: CommandContext): Promise<{ loaded: LoadedPlan; warning?: string }> {
  try {
    return { loaded: await ctx.plan() };
  } catch (error) {
    if (!(error instanceof CliError) || !error.code.startsWith('config.')) throw error;
    const given = ctx.options.namespace ?? ctx.env('REDIS_MIGRATE_NAMESPACE');
    // What the broken file itself says: its namespace, 'default' when it names none, or nothing when it cannot tell.
    const namespace = given ?? (error.details?.namespace as string | undefined);
    if (!namespace) {
      throw new UsageError('config.invalid', `${error.message} (and it cannot tell which namespace to roll back)`, {
        fix: 'pass --namespace NAME to roll back without the plan file',
      });
    }
    const plan = { ...defaultPlan(), namespace, sinks: { dotenv: undefined, hooks: [] } };
    const from = given ? '' : namespace === 'default' ? ' (the plan file names no other)' : ' (named in the plan file)';
    return {
      loaded: { plan, source: 'embedded default (plan file unusable)' },
      warning: `plan file unusable, rolling back namespace "${namespace}"${from} without its sinks: ${error.message}`,
    };
  }
}

export async function run(ctx: CommandContext, options: RollbackOptions): Promise<Outcome<ChangeReport>> {
  if (options.tier && options.phase === '1') {
    throw new UsageError('usage.conflict', '--tier and --phase 1 cannot be combined', { fix: 'roll back phase 1 and a tier in two commands' });
  }
  // The warning goes into the report (printed once, in the JSON document or the text), not to stderr too.
  const { loaded, warning } = await planForRollback(ctx);
  const report = await rollBack(ctx, loaded, {
    tier: options.tier,
    phaseOne: options.phase === '1',
    reason: options.reason,
    waitMs: parseWait(options.wait),
    dryRun: Boolean(options.dryRun),
  });
  if (warning) report.warnings.unshift(warning);
  return changeOutcome(report);
}
