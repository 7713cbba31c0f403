/**
 * The preflight checks a phase runs before it flips. A failing check stops the flip (exit 3,
 * nothing changed, the results in the report) unless --force --reason passes it, which the audit
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
  /** Failing checks stopped the flip (nothing was changed). */
  blocked: boolean;
}

export interface GateCheckOutcome {
  checks: CheckResult[];
  failed: string[];
  /** Failing checks and no --force: the command must not flip. */
  blocked: boolean;
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
  target: { phase: PhaseNumber; tier?: string; force?: boolean },
): Promise<GateCheckOutcome> {
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
  const results = await runChecks(checks, checkContext);
  const failed = results.filter((check) => check.status === 'fail').map((check) => check.id);
  return { checks: results, failed, blocked: failed.length > 0 && !target.force };
}

/** The failed checks as a gate verdict, so --force needs a reason and is audited like a closed soak gate. */
export function checksVerdict(failed: string[]): { open: boolean; message?: string } {
  return failed.length ? { open: false, message: `failing preflight checks: ${failed.join(', ')}` } : { open: true };
}
