/**
 * `rollback`: back to legacy now. Never gated, never waits for the lock, and survives a broken plan
 * file as long as the flag store can be found. Reports how many app instances confirmed.
 */
import { phase1 } from '../../phases/phase1.js';
import { phase2, rollbackAllQueues } from '../../phases/phase2.js';
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { CliError, UsageError } from '../errors.js';
import { defaultPlan } from '../plan/default-plan.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { tierState } from '../state/model.js';
import { applyChange, type ChangeReport } from './change.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';

export interface RollbackOptions {
  tier?: string;
  phase?: '1' | '2';
  reason?: string;
  wait: string;
  dryRun?: boolean;
  /** What started it when it is not an operator typing `rollback` (e.g. "monitor --auto-rollback"); shown in the audit. */
  via?: string;
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

/** The rollback change on a plan already loaded (the rollback command, and monitor --auto-rollback). */
export async function rollBack(ctx: CommandContext, loaded: LoadedPlan, options: RollbackOptions): Promise<ChangeReport> {
  const { plan } = loaded;
  const order = tierNames(plan);
  const tier = options.tier;
  const phaseOne = options.phase === '1';

  return applyChange(ctx, loaded, {
    kind: 'rollback',
    command: `${options.via ? `${options.via}: ` : ''}rollback${tier ? ` --tier ${tier}` : ''}${phaseOne ? ' --phase 1' : ''}`,
    changes: (state) => {
      if (phaseOne) return phase1.rollback(plan);
      if (tier) return phase2.rollback(plan, resolveTier([...new Set([...order, ...Object.keys(state.tiers)])], tier));
      return rollbackAllQueues(plan, state);
    },
    // A rollback never puts a tier on BullMQ.
    gatedTiers: [],
    question: phaseOne
      ? `Roll back phase 1 (${plan.flags.useHttpRedis}=false)?`
      : tier
        ? `Return tier "${tier}" to the legacy queues?`
        : `Return every queue to the legacy system (${plan.flags.useBullmq}=false, every tier back to legacy)?`,
    dryRun: Boolean(options.dryRun),
    waitMs: parseWait(options.wait),
    useLock: false,
    reason: options.reason,
    notes: (state) => {
      if (!tier) return [];
      const later = order.slice(order.indexOf(tier) + 1).filter((name) => tierState(state, name) === 'bullmq');
      return later.length ? [`tier(s) ${later.join(', ')} stay on BullMQ; roll them back too if they depend on "${tier}"`] : [];
    },
  });
}

export async function run(ctx: CommandContext, options: RollbackOptions): Promise<Outcome<ChangeReport>> {
  if (options.tier && options.phase === '1') {
    throw new UsageError('usage.conflict', '--tier and --phase 1 cannot be combined', { fix: 'roll back phase 1 and a tier in two commands' });
  }
  // The warning goes into the report (printed once, in the JSON document or the text), not to stderr too.
  const { loaded, warning } = await planForRollback(ctx);
  const report = await rollBack(ctx, loaded, options);
  if (warning) report.warnings.unshift(warning);
  return { report };
}
