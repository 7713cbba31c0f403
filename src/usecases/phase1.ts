/**
 * `phase1`: cache and rate limiters to HTTP Redis (USE_HTTP_REDIS=true). The HTTP checks run
 * first; a failing one stops the flip (exit 3, nothing changed, the results in the report) unless
 * `--force --reason` passes it, which the audit records as a forced change with the failed ids.
 */
import { phase1 } from '../../phases/phase1.js';
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { selectChecks } from '../checks/registry.js';
import { EXIT } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { registerSecret } from '../redact.js';
import { assertLockFree } from '../state/lock.js';
import { applyChange, type ChangeRequest } from './change.js';
import { checksVerdict, connectForChecks, runGateChecks, type GatedChangeReport } from './gate-checks.js';

export interface Phase1Options {
  dryRun?: boolean;
  wait: string;
  force?: boolean;
  reason?: string;
}

export type Phase1Report = GatedChangeReport;

export async function run(ctx: CommandContext, options: Phase1Options): Promise<Outcome<Phase1Report>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  registerSecret(ctx.env(plan.http.tokenEnv));
  const connection = await connectForChecks(ctx, loaded, 'checks');
  const { redis } = connection;
  // A held lock would stop the flip after the checks: say so before spending seconds on them.
  if (!options.dryRun) await assertLockFree(redis, ctx.keys(loaded), parseDuration(plan.lock.ttl) ?? 30_000);
  // Phase 1's checks as the registry gives them: what `plan` shows and `preflight --phase 1` runs.
  const { checks, failed, blocked } = await runGateChecks(ctx, loaded, connection, selectChecks({ phase: 1 }), { phase: 1, force: Boolean(options.force) });

  const request: ChangeRequest = {
    kind: 'flip',
    command: 'phase1',
    changes: () => phase1.flip(plan),
    gatedTiers: [],
    question: `Move the cache and rate limiters to HTTP Redis (${plan.flags.useHttpRedis}=true)?`,
    dryRun: Boolean(options.dryRun) || blocked,
    waitMs: parseWait(options.wait),
    useLock: true,
    // The connection that ran the checks also makes the change: one handshake, not two.
    client: redis,
    baselineStep: 'phase1',
    reason: options.reason,
    force: Boolean(options.force),
    // Passing failed checks with --force goes through the gate machinery: reason required, audited as forced.
    gate: () => checksVerdict(failed),
  };
  if (blocked) {
    // Show what would change, and change nothing.
    const report = await applyChange(ctx, loaded, { ...request, gate: undefined });
    return { report: { ...report, ok: false, checks, blocked: true }, exitCode: EXIT.checkFailed };
  }
  const report = await applyChange(ctx, loaded, request);
  return { report: { ...report, checks, blocked: false } };
}
