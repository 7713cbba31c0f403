/**
 * The preflight checks a phase runs before it flips. A failing check blocks the flip (nothing
 * changed, every cause in the report's `blocked`) unless --force --reason passes it, which the audit
 * records as a forced change naming the failed checks.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import type { RedisClient } from '../redis/client.js';
import { runChecks } from '../checks/run-checks.js';
import type { Check, CheckContext, CheckResult, ConnectionAttempt, PhaseNumber } from '../checks/types.js';
import type { ChangeReport } from './change.js';
import type { Environment } from './environment.js';

/** A phase flip's report with the checks that gated it. */
export interface GatedChangeReport extends ChangeReport {
  /** The preflight checks that gate the flip, in the order they ran. */
  checks: CheckResult[];
}

/** Connect, timing it: redis.reachable, redis.auth and redis.tls report on this attempt, as in preflight. */
export async function connectForChecks(env: Environment, loaded: LoadedPlan, purpose: string): Promise<{ redis: RedisClient; attempt: ConnectionAttempt }> {
  const started = performance.now();
  const redis = await env.connect(purpose, loaded);
  return { redis, attempt: { ok: true, ms: Math.round(performance.now() - started), error: null } };
}

export async function runGateChecks(
  env: Environment,
  loaded: LoadedPlan,
  connection: { redis: RedisClient; attempt: ConnectionAttempt },
  checks: readonly Check[],
  target: { phase: PhaseNumber; tier?: string },
): Promise<CheckResult[]> {
  const checkContext: CheckContext = {
    plan: loaded.plan,
    redis: connection.redis,
    connection: connection.attempt,
    cwd: env.cwd,
    redisUrl: env.redisUrl(loaded),
    namespace: env.namespace(loaded),
    keys: env.keys(loaded),
    phase: target.phase,
    tier: target.tier,
    env: env.variables,
    timeoutMs: env.timeoutMs,
  };
  env.log(`phase${target.phase}${target.tier ? ` --tier ${target.tier}` : ''}: running ${checks.length} preflight checks...`);
  return runChecks(checks, checkContext);
}
