/**
 * `preflight [--phase N] [--tier T] [--strict] [--junit FILE]`: run the checks of a phase and report
 * every one (a table, one JSON document, JUnit XML for CI). Exit 3 on any fail, or any warn with
 * --strict. An unreachable Redis is a failed `redis.reachable` with the rest skipped: still one report.
 * Without --phase or --tier every phase is checked except one not configured yet (skipped, with why),
 * so what CI runs by default passes on a correct setup.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { skipUnconfigured, unconfiguredPhases } from '../checks/phase-scope.js';
import { selectChecks } from '../checks/registry.js';
import { runChecks, summarizeResults } from '../checks/run-checks.js';
import type { CheckContext, CheckResult, ConnectionAttempt, PhaseNumber } from '../checks/types.js';
import { CliError, EXIT } from '../errors.js';
import type { RedisClient } from '../redis/client.js';
import { parseRedisUrl } from '../redis/url.js';
import { connectForChecks } from './gate-checks.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';

export interface PreflightOptions {
  phase?: '1' | '2' | '3';
  tier?: string;
  strict?: boolean;
  junit?: string;
}

export interface PreflightReport extends Report {
  phase: PhaseNumber | null;
  tier: string | null;
  strict: boolean;
  redis: string;
  namespace: string;
  checks: CheckResult[];
  summary: Record<CheckResult['status'], number>;
  /** Where the JUnit XML was written, or null. */
  junit: string | null;
}

async function attemptConnection(ctx: CommandContext, loaded: Awaited<ReturnType<CommandContext['plan']>>): Promise<{ redis: RedisClient | null; attempt: ConnectionAttempt }> {
  const started = performance.now();
  try {
    return await connectForChecks(ctx, loaded, 'preflight');
  } catch (error) {
    // A malformed URL is a usage error (exit 2), not a failed check.
    if (!(error instanceof CliError) || error.code === 'redis.url') throw error;
    return { redis: null, attempt: { ok: false, ms: Math.round(performance.now() - started), error: { code: error.code, message: error.message, fix: error.fix } } };
  }
}

export async function run(ctx: CommandContext, options: PreflightOptions): Promise<Outcome<PreflightReport>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const tier = options.tier ? resolveTier(tierNames(plan), options.tier) : undefined;
  const phase = options.phase ? (Number(options.phase) as PhaseNumber) : tier ? 2 : undefined;
  const redisUrl = ctx.redisUrl(loaded);
  const display = parseRedisUrl(redisUrl).display;
  const { redis, attempt } = await attemptConnection(ctx, loaded);
  if (!attempt.ok) ctx.log(`note: ${attempt.error?.message}`);

  const checkContext: CheckContext = {
    plan,
    redis,
    redisUrl,
    namespace: ctx.namespace(loaded),
    keys: ctx.keys(loaded),
    phase,
    tier,
    env: ctx.io.env,
    timeoutMs: ctx.timeoutMs,
    connection: attempt,
    cwd: ctx.io.cwd,
  };
  const selected = selectChecks({ phase, tier });
  const checks = await runChecks(phase === undefined ? skipUnconfigured(selected, unconfiguredPhases(plan, ctx.io.env)) : selected, checkContext);
  const summary = summarizeResults(checks);
  const strict = Boolean(options.strict);
  const failed = summary.fail > 0 || (strict && summary.warn > 0);

  let junit: string | null = null;
  if (options.junit) {
    const { junitXml } = await import('../checks/junit.js');
    junit = resolve(ctx.io.cwd, options.junit);
    await writeFile(junit, junitXml(checks, { suite: `redis-migrate preflight${phase ? ` phase ${phase}` : ''}${tier ? ` tier ${tier}` : ''}`, strict }), 'utf8');
  }
  return {
    report: { ok: !failed, phase: phase ?? null, tier: tier ?? null, strict, redis: display, namespace: checkContext.namespace, checks, summary, junit },
    exitCode: failed ? EXIT.checkFailed : EXIT.ok,
  };
}
