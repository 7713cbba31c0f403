/**
 * http.ratelimit: each limiter of the plan (algorithm, limit, window) runs through the HTTP
 * endpoint with the real @upstash/ratelimit: the right number allowed, then blocked; getRemaining
 * and resetUsedTokens agree. Warns that the library fails open after its timeout unless the plan
 * says the app set `timeout: 0`. Uses a fresh identifier under the limiter's prefix and resets it.
 */
import type { Ratelimit as RatelimitClass } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import type { PlanRateLimiter } from '../../plan/schema.js';
import type { Check, CheckResult } from '../types.js';
import { isSkip, usableTarget } from './probe.js';
import { describeLimiter, failOpenNote, limiterProblems, timeoutMs, windowMs, type LimiterRun } from './ratelimit-rules.js';
import { restClient } from './sdk.js';

// Up to this limit every request is its own limit() call; above it the limit is used up in one
// call with `rate`, so a limit of 10,000 does not mean 10,000 requests.
const ONE_BY_ONE_MAX = 50;

type RatelimitModule = { Ratelimit: typeof RatelimitClass };

function algorithm(module: RatelimitModule, limiter: PlanRateLimiter) {
  const window = `${windowMs(limiter)} ms` as const;
  const { Ratelimit } = module;
  switch (limiter.algorithm) {
    case 'slidingWindow':
      return Ratelimit.slidingWindow(limiter.limit, window);
    case 'fixedWindow':
      return Ratelimit.fixedWindow(limiter.limit, window);
    case 'tokenBucket':
      return Ratelimit.tokenBucket(limiter.refillRate ?? limiter.limit, window, limiter.limit);
  }
}

/** One attempt; `rolled` when a window boundary passed mid-run (the counts then mean nothing). */
async function exercise(module: RatelimitModule, redis: Redis, limiter: PlanRateLimiter): Promise<LimiterRun & { rolled: boolean }> {
  const limit = new module.Ratelimit({
    redis,
    limiter: algorithm(module, limiter),
    prefix: limiter.prefix,
    ephemeralCache: false,
    timeout: timeoutMs(limiter),
    analytics: false,
    enableProtection: false,
  });
  const id = `redis-migrate-preflight-${crypto.randomUUID()}`;
  const started = performance.now();
  const resets = new Set<number>();
  let allowed = 0;
  let blocked = false;
  let timeouts = 0;
  const attempt = async (rate: number) => {
    const response = await limit.limit(id, rate === 1 ? undefined : { rate });
    if (response.reason === 'timeout') timeouts++;
    resets.add(response.reset);
    if (!response.success) blocked = true;
    else if (!blocked) allowed += rate;
  };
  try {
    if (limiter.limit > ONE_BY_ONE_MAX) await attempt(limiter.limit - 1);
    // A token bucket may refill a token meanwhile: allow a few more tries before calling it broken.
    const tries = limiter.limit + 1 + (limiter.algorithm === 'tokenBucket' ? 2 : 0);
    while (!blocked && allowed < tries) await attempt(1);
    const elapsedMs = performance.now() - started;
    const remainingAfter = (await limit.getRemaining(id)).remaining;
    await limit.resetUsedTokens(id);
    const remainingAfterReset = (await limit.getRemaining(id)).remaining;
    const allowedAfterReset = (await limit.limit(id)).success;
    const rolled = limiter.algorithm !== 'tokenBucket' && resets.size > 1;
    return { allowed, blocked, timeouts, remainingAfter, remainingAfterReset, allowedAfterReset, elapsedMs, rolled };
  } finally {
    await limit.resetUsedTokens(id).catch(() => undefined);
  }
}

export const httpRatelimit: Check = {
  id: 'http.ratelimit',
  title: 'Rate limiters over HTTP',
  phases: [1],
  async run(ctx): Promise<Omit<CheckResult, 'id'>> {
    const limiters = ctx.plan.http.rateLimiters;
    if (limiters.length === 0) {
      return {
        status: 'skip',
        message: 'no rate limiters in the plan, so none were exercised',
        fix: 'describe them in http.rateLimiters (name, algorithm, limit, window, prefix)',
      };
    }
    const target = await usableTarget(ctx);
    if (isSkip(target)) return target;
    const module = (await import('@upstash/ratelimit')) as RatelimitModule;
    const redis = await restClient(target, ctx.timeoutMs);
    const lines: string[] = [];
    const failures: string[] = [];
    const runs: Record<string, LimiterRun> = {};
    for (const limiter of limiters) {
      let run: LimiterRun & { rolled: boolean };
      try {
        run = await exercise(module, redis, limiter);
        if (run.rolled) run = await exercise(module, redis, limiter);
      } catch (error) {
        failures.push(`${describeLimiter(limiter)}: ${(error as Error).message}`);
        continue;
      }
      runs[limiter.name] = run;
      const problems = limiterProblems(limiter, run);
      if (problems.length) failures.push(`${describeLimiter(limiter)}: ${problems.join('; ')}`);
      else lines.push(`${describeLimiter(limiter)}: ${run.allowed} allowed, then blocked; reset works`);
    }
    const data = { runs };
    if (failures.length) {
      return {
        status: 'fail',
        message: [...failures, ...lines].join(' | '),
        fix: 'check the endpoint runs Lua scripts (a local bridge must strip `#!lua flags=allow-key-locking`), and the limiter settings in http.rateLimiters',
        data,
      };
    }
    const note = failOpenNote(limiters);
    if (note) {
      return {
        status: 'warn',
        message: `${lines.join(' | ')}. ${note}`,
        fix: 'give Ratelimit `timeout: 0` where blocking matters more than availability (the SMS limiter), and record it as timeout: 0s in http.rateLimiters',
        data,
      };
    }
    return { status: 'pass', message: lines.join(' | '), data };
  },
};
