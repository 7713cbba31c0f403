/**
 * Preflight: run the checks of a phase (and tier) and report every one; optionally write them as
 * JUnit XML for CI. An unreachable Redis is a failed `redis.reachable` with the rest skipped: still
 * one report. Without a phase or tier every phase is checked except one not configured yet (skipped,
 * with why), so what CI runs by default passes on a correct setup. `ok` is false on any fail, or
 * any warn when strict.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { skipUnconfigured, unconfiguredPhases } from '../checks/phase-scope.js';
import { selectChecks } from '../checks/registry.js';
import { runChecks, summarizeResults } from '../checks/run-checks.js';
import type { CheckContext, CheckResult, ConnectionAttempt, PhaseNumber } from '../checks/types.js';
import { CliError, UsageError } from '../errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { RedisClient } from '../redis/client.js';
import { parseRedisUrl } from '../redis/url.js';
import type { Environment } from './environment.js';
import { connectForChecks } from './gate-checks.js';
import type { Report } from './report.js';

export interface PreflightRequest {
  /** Only this phase's checks (a tier implies phase 2); none: every phase. */
  phase?: PhaseNumber | undefined;
  /** The tier about to be flipped (a tier of the plan). */
  tier?: string | undefined;
  /** Warnings fail too. */
  strict: boolean;
  /** Also write JUnit XML to this file (relative to the environment's cwd). */
  junit?: string | undefined;
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

async function attemptConnection(env: Environment, loaded: LoadedPlan): Promise<{ redis: RedisClient | null; attempt: ConnectionAttempt }> {
  const started = performance.now();
  try {
    return await connectForChecks(env, loaded, 'preflight');
  } catch (error) {
    // A malformed URL is a usage error (exit 2), not a failed check.
    if (!(error instanceof CliError) || error.code === 'redis.url') throw error;
    return {
      redis: null,
      attempt: { ok: false, ms: Math.round(performance.now() - started), error: { code: error.code, message: error.message, fix: error.fix } },
    };
  }
}

export async function runPreflight(env: Environment, loaded: LoadedPlan, options: PreflightRequest): Promise<PreflightReport> {
  const { plan } = loaded;
  const { tier } = options;
  const phase = options.phase ?? (tier ? 2 : undefined);
  const redisUrl = env.redisUrl(loaded);
  const display = parseRedisUrl(redisUrl).display;
  const { redis, attempt } = await attemptConnection(env, loaded);
  if (!attempt.ok) env.log(`note: ${attempt.error?.message}`);

  const checkContext: CheckContext = {
    plan,
    redis,
    redisUrl,
    namespace: env.namespace(loaded),
    keys: env.keys(loaded),
    phase,
    tier,
    env: env.variables,
    timeoutMs: env.timeoutMs,
    connection: attempt,
    cwd: env.cwd,
    ...(loaded.source === 'embedded default' ? {} : { planFile: loaded.source }),
  };
  const selected = selectChecks({ phase, tier });
  const checks = await runChecks(phase === undefined ? skipUnconfigured(selected, unconfiguredPhases(plan, env.variables)) : selected, checkContext);
  const summary = summarizeResults(checks);
  const { strict } = options;
  const failed = summary.fail > 0 || (strict && summary.warn > 0);

  let junit: string | null = null;
  if (options.junit) {
    const { junitXml } = await import('../checks/junit.js');
    junit = resolve(env.cwd, options.junit);
    const xml = junitXml(checks, { suite: `redis-migrate preflight${phase ? ` phase ${phase}` : ''}${tier ? ` tier ${tier}` : ''}`, strict });
    try {
      // CI points --junit into a reports/ directory that a fresh checkout does not have yet.
      await mkdir(dirname(junit), { recursive: true });
      await writeFile(junit, xml, 'utf8');
    } catch (error) {
      throw new UsageError('option.junit', `cannot write --junit ${options.junit}: ${error instanceof Error ? error.message : String(error)}`, {
        fix: 'pass a file path in a writable directory',
      });
    }
  }
  return { ok: !failed, phase: phase ?? null, tier: tier ?? null, strict, redis: display, namespace: checkContext.namespace, checks, summary, junit };
}
