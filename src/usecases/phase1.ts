/**
 * Phase 1: cache and rate limiters to HTTP Redis (USE_HTTP_REDIS=true). The HTTP checks run
 * first; a failing one blocks the flip (nothing changed, `blocked`, the results in the report)
 * unless `force` with a reason passes it, which the audit records as a forced change with the failed ids.
 */
import { phase1 } from '../../phases/phase1.js';
import { selectChecks } from '../checks/registry.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { parseDuration } from '../plan/duration.js';
import { registerSecret } from '../redact.js';
import { assertLockFree } from '../state/lock.js';
import { applyChange, type ChangeStep } from './change.js';
import type { Environment } from './environment.js';
import { connectForChecks, runGateChecks, type GatedChangeReport } from './gate-checks.js';

export interface Phase1Request {
  dryRun?: boolean;
  /** How long to wait for app instances to confirm, ms. */
  waitMs: number;
  /** Each step of phases/ as it starts. */
  onStep?: (step: 'checks' | ChangeStep) => void;
  force?: boolean;
  reason?: string | undefined;
}

export async function flipPhase1(env: Environment, loaded: LoadedPlan, options: Phase1Request): Promise<GatedChangeReport> {
  const { plan } = loaded;
  registerSecret(env.env(plan.http.tokenEnv));
  const connection = await connectForChecks(env, loaded, 'checks');
  const { redis } = connection;
  // A held lock would stop the flip after the checks: say so before spending seconds on them.
  if (!options.dryRun) await assertLockFree(redis, env.keys(loaded), parseDuration(plan.lock.ttl) ?? 30_000);
  // Phase 1's checks as the registry gives them: what `plan` shows and `preflight --phase 1` runs.
  options.onStep?.('checks');
  const checks = await runGateChecks(env, loaded, connection, selectChecks({ phase: 1 }), { phase: 1 });

  const report = await applyChange(env, loaded, {
    kind: 'flip',
    command: 'phase1',
    changes: () => phase1.flip(plan),
    gatedTiers: [],
    question: `Move the cache and rate limiters to HTTP Redis (${plan.flags.useHttpRedis}=true)?`,
    dryRun: Boolean(options.dryRun),
    waitMs: options.waitMs,
    useLock: true,
    // The connection that ran the checks also makes the change: one handshake, not two.
    client: redis,
    baselineStep: 'phase1',
    reason: options.reason,
    force: Boolean(options.force),
    onStep: options.onStep,
    // Failing checks block the flip; --force passes them through the gate machinery: reason required, audited as forced.
    checks,
  });
  return { ...report, checks };
}
