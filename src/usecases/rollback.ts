/**
 * Rollback: back to legacy now, as one flag change. Never gated and never waits for the lock (a
 * stuck operator's lock must not stop it); reports how many app instances confirmed.
 */
import { phase1 } from '../../phases/phase1.js';
import { phase2, rollbackAllQueues } from '../../phases/phase2.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';
import { tierState } from '../state/model.js';
import { applyChange, type ChangeReport } from './change.js';
import type { Environment } from './environment.js';

export interface RollbackRequest {
  /** Return only this tier to legacy (default: every queue, USE_BULLMQ=false). */
  tier?: string | undefined;
  /** Roll back phase 1 (USE_HTTP_REDIS=false) instead of the queues. */
  phaseOne?: boolean;
  reason?: string | undefined;
  /** How long to wait for app instances to confirm, ms. */
  waitMs: number;
  dryRun?: boolean;
  /** What started it when it is not an operator typing `rollback` (e.g. "monitor --auto-rollback"); shown in the audit. */
  via?: string;
}

/** The rollback change on a plan already loaded (the rollback command, monitor --auto-rollback, the demo). */
export async function rollBack(env: Environment, loaded: LoadedPlan, request: RollbackRequest): Promise<ChangeReport> {
  const { plan } = loaded;
  const order = tierNames(plan);
  const tier = request.tier;
  const phaseOne = Boolean(request.phaseOne);

  return applyChange(env, loaded, {
    kind: 'rollback',
    command: `${request.via ? `${request.via}: ` : ''}rollback${tier ? ` --tier ${tier}` : ''}${phaseOne ? ' --phase 1' : ''}`,
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
    dryRun: Boolean(request.dryRun),
    waitMs: request.waitMs,
    useLock: false,
    reason: request.reason,
    notes: (state) => {
      if (!tier) return [];
      const later = order.slice(order.indexOf(tier) + 1).filter((name) => tierState(state, name) === 'bullmq');
      return later.length ? [`tier(s) ${later.join(', ')} stay on BullMQ; roll them back too if they depend on "${tier}"`] : [];
    },
  });
}
