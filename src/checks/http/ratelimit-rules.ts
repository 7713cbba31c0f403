/** Judging one run of a rate limiter through the HTTP endpoint (pure). */
import { formatDuration, parseDuration } from '../../plan/duration.js';
import type { PlanRateLimiter } from '../../plan/schema.js';

export interface LimiterRun {
  /** Requests allowed before the first block. */
  allowed: number;
  /** Whether a request was blocked at all. */
  blocked: boolean;
  /** Requests let through because @upstash/ratelimit timed out (fail-open). */
  timeouts: number;
  /** getRemaining after the limit was used up. */
  remainingAfter: number;
  /** getRemaining after resetUsedTokens. */
  remainingAfterReset: number;
  /** limit() allowed again after resetUsedTokens. */
  allowedAfterReset: boolean;
  elapsedMs: number;
}

export function windowMs(limiter: PlanRateLimiter): number {
  return parseDuration(limiter.window) ?? 1;
}

/** A token bucket refills while the test runs: tokens it may legitimately add meanwhile. */
export function refillDuring(limiter: PlanRateLimiter, elapsedMs: number): number {
  if (limiter.algorithm !== 'tokenBucket') return 0;
  return Math.ceil((elapsedMs * (limiter.refillRate ?? limiter.limit)) / windowMs(limiter));
}

/** Problems with a run; empty when the limiter behaved as configured. */
export function limiterProblems(limiter: PlanRateLimiter, run: LimiterRun): string[] {
  const problems: string[] = [];
  const slack = refillDuring(limiter, run.elapsedMs);
  if (run.timeouts > 0) problems.push(`${run.timeouts} request(s) passed only because the limiter timed out (fail-open)`);
  if (run.allowed < limiter.limit) problems.push(`only ${run.allowed} of ${limiter.limit} requests allowed`);
  else if (!run.blocked) problems.push(`no request was blocked after ${run.allowed} allowed (limit ${limiter.limit})`);
  else if (run.allowed > limiter.limit + slack) problems.push(`${run.allowed} requests allowed, limit ${limiter.limit}`);
  if (run.remainingAfter > slack) problems.push(`getRemaining said ${run.remainingAfter} left after the limit was used up`);
  if (run.remainingAfterReset < limiter.limit) problems.push(`getRemaining said ${run.remainingAfterReset} after resetUsedTokens, not ${limiter.limit}`);
  if (!run.allowedAfterReset) problems.push('a request was still blocked after resetUsedTokens');
  return problems;
}

export function describeLimiter(limiter: PlanRateLimiter): string {
  const refill = limiter.algorithm === 'tokenBucket' && limiter.refillRate ? `, refill ${limiter.refillRate}` : '';
  return `${limiter.name} (${limiter.algorithm} ${limiter.limit}/${limiter.window}${refill})`;
}

/** The app's timeout in ms; 0 means none (the limiter then waits for Redis instead of failing open). */
export function timeoutMs(limiter: PlanRateLimiter): number {
  return parseDuration(limiter.timeout) ?? 5000;
}

export function failOpenNote(limiters: readonly PlanRateLimiter[]): string | undefined {
  const open = limiters.filter((limiter) => timeoutMs(limiter) > 0);
  if (open.length === 0) return undefined;
  const list = open.map((limiter) => `${limiter.name} after ${formatDuration(timeoutMs(limiter))}`).join(', ');
  return `@upstash/ratelimit lets requests through when Redis does not answer in time (fail-open): ${list}`;
}
