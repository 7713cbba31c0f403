/**
 * Phase 2, one tier: the tier's preflight checks and the soak gate, then that tier's queues to
 * BullMQ with USE_BULLMQ=true. Failing checks and a closed gate block it (every cause in
 * `blocked`, nothing changed) unless `force` with a reason passes them, which the audit records.
 */
import { phase2 } from '../../phases/phase2.js';
import { selectChecks } from '../checks/registry.js';
import { parseDuration } from '../plan/duration.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { assertLockFree } from '../state/lock.js';
import { evaluateMonitoredSoakGate } from '../state/soak-gate.js';
import { readSoakHealth } from '../state/soak-health.js';
import { applyChange, type ChangeStep } from './change.js';
import type { Environment } from './environment.js';
import { connectForChecks, runGateChecks, type GatedChangeReport } from './gate-checks.js';

export interface Phase2Request {
  /** A tier of the plan (see resolveTier). */
  tier: string;
  dryRun?: boolean;
  force?: boolean;
  reason?: string | undefined;
  /** How long to wait for app instances to confirm, ms. */
  waitMs: number;
  /** Each step of phases/ as it starts. */
  onStep?: (step: 'checks' | ChangeStep) => void;
}

export async function flipTier(env: Environment, loaded: LoadedPlan, options: Phase2Request): Promise<GatedChangeReport> {
  const { plan } = loaded;
  const tier = options.tier;
  const queues = plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
  const keys = env.keys(loaded);
  const connection = await connectForChecks(env, loaded, 'checks');
  const { redis } = connection;
  if (!options.dryRun) await assertLockFree(redis, keys, parseDuration(plan.lock.ttl) ?? 30_000);
  // gate.soak is evaluated by the gate itself, under the lock, against the state it flips.
  const checks = selectChecks({ phase: 2, tier }).filter((check) => check.id !== 'gate.soak');
  options.onStep?.('checks');
  const results = await runGateChecks(env, loaded, connection, checks, { phase: 2, tier });

  const report = await applyChange(env, loaded, {
    kind: 'flip',
    command: `phase2 --tier ${tier}${options.force ? ' --force' : ''}`,
    changes: () => phase2.flip(plan, tier),
    // Its checks and gate are this tier's: the change may put this tier, and no other, on BullMQ.
    gatedTiers: [tier],
    question: `Move tier "${tier}" (${queues.length} queues: ${queues.join(', ')}) to BullMQ and set ${plan.flags.useBullmq}=true?`,
    dryRun: Boolean(options.dryRun),
    waitMs: options.waitMs,
    useLock: true,
    // The connection that ran the checks also makes the change: one handshake, not two.
    client: redis,
    reason: options.reason,
    force: Boolean(options.force),
    onStep: options.onStep,
    // Time soaked, no threshold breach recorded by `monitor` meanwhile (the rule of gate.soak).
    gate: async (state, now, client) => evaluateMonitoredSoakGate(plan, state, tier, now, await readSoakHealth(client, keys)),
    // Failing checks block it too, reported with a closed gate rather than hidden by it.
    checks: results,
    baselineStep: `phase2:${tier}`,
  });
  return { ...report, checks: results };
}
