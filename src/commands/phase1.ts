/**
 * `phase1`: cache and rate limiters to HTTP Redis (USE_HTTP_REDIS=true). The HTTP checks run
 * first; a failing one stops the flip (exit 3, nothing changed, the results in the report) unless
 * `--force --reason` passes it, which the audit records as a forced change with the failed ids.
 */
import { phase1 } from '../../phases/phase1.js';
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { httpChecks } from '../checks/http/index.js';
import { runChecks } from '../checks/run-checks.js';
import type { CheckContext, CheckResult } from '../checks/types.js';
import { EXIT } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { registerSecret } from '../redact.js';
import { assertLockFree } from '../state/lock.js';
import { applyChange, type ChangeReport, type ChangeRequest } from './change.js';

export interface Phase1Options {
  dryRun?: boolean;
  wait: string;
  force?: boolean;
  reason?: string;
}

export interface Phase1Report extends ChangeReport {
  /** The HTTP checks that gate the flip, in the order they ran. */
  checks: CheckResult[];
  /** Failing checks stopped the flip (nothing was changed). */
  blocked: boolean;
}

export async function run(ctx: CommandContext, options: Phase1Options): Promise<Outcome<Phase1Report>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  registerSecret(ctx.env(plan.http.tokenEnv));
  const redis = await ctx.connect('checks', loaded);
  // A held lock would stop the flip after the checks: say so before spending seconds on them.
  if (!options.dryRun) await assertLockFree(redis, ctx.keys(loaded), parseDuration(plan.lock.ttl) ?? 30_000);
  const checkContext: CheckContext = {
    plan,
    redis,
    redisUrl: ctx.redisUrl(loaded),
    namespace: ctx.namespace(loaded),
    keys: ctx.keys(loaded),
    phase: 1,
    tier: undefined,
    env: ctx.io.env,
    timeoutMs: ctx.timeoutMs,
  };
  ctx.log(`phase1: running ${httpChecks.length} HTTP checks...`);
  const checks = await runChecks(httpChecks, checkContext);
  const failed = checks.filter((check) => check.status === 'fail').map((check) => check.id);
  const blocked = failed.length > 0 && !options.force;

  const request: ChangeRequest = {
    kind: 'flip',
    command: 'phase1',
    changes: () => phase1.flip(plan),
    question: `Move the cache and rate limiters to HTTP Redis (${plan.flags.useHttpRedis}=true)?`,
    dryRun: Boolean(options.dryRun) || blocked,
    waitMs: parseWait(options.wait),
    useLock: true,
    baselineStep: 'phase1',
    reason: options.reason,
    force: Boolean(options.force),
    // Passing failed checks with --force goes through the gate machinery: reason required, audited as forced.
    gate: () => (failed.length ? { open: false, message: `failing HTTP checks: ${failed.join(', ')}` } : { open: true }),
  };
  if (blocked) {
    // Show what would change, and change nothing.
    const report = await applyChange(ctx, loaded, { ...request, gate: undefined });
    return { report: { ...report, ok: false, checks, blocked: true }, exitCode: EXIT.checkFailed };
  }
  const report = await applyChange(ctx, loaded, request);
  return { report: { ...report, checks, blocked: false } };
}
