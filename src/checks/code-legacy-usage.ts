/**
 * code.legacy-usage: phase 3's "old code removed", verified. Scans the plan's code.paths: fails while
 * Bull is imported for a queue of the plan (or for a queue the scan cannot name), or ioredis is used
 * on keys phase 1 moved to HTTP. Skipped when the plan names no code paths.
 */
import { dirname, resolve } from 'node:path';
import type { Plan } from '../plan/schema.js';
import type { LegacyUsage } from '../scan/legacy-usage.js';
import { fail, pass, skip, type Verdict } from './support.js';
import type { Check, CheckContext } from './types.js';

/** What phase 1 moved, as key patterns: the cache's, and each rate limiter's prefix. */
export function movedKeyPatterns(plan: Plan): string[] {
  return [...plan.http.cacheKeyPatterns, ...plan.http.rateLimiters.map((limiter) => `${limiter.prefix}:*`)];
}

/** Scans the plan's code for legacy usage; null when the plan names no code paths. */
export async function findLegacyUsage(
  plan: Plan,
  options: { planFile?: string | undefined; cwd: string; queues: readonly string[]; includeRedis: boolean },
): Promise<(LegacyUsage & { files: number }) | null> {
  if (plan.code.paths.length === 0) return null;
  const base = options.planFile ? dirname(options.planFile) : options.cwd;
  const [{ scanCode }, { legacyUsage }] = await Promise.all([import('../scan/scan.js'), import('../scan/legacy-usage.js')]);
  const scan = await scanCode({ paths: plan.code.paths.map((path) => resolve(base, path)), cwd: base, ignore: plan.code.ignore });
  const usage = legacyUsage({
    bullFiles: scan.bullFiles,
    queueUses: scan.queues.uses,
    redisKeys: scan.redisKeys,
    queues: options.queues,
    movedKeys: options.includeRedis ? movedKeyPatterns(plan) : [],
  });
  return { ...usage, files: scan.files };
}

function list(items: readonly string[], max = 5): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** The verdict, from what the scan found. Pure. */
export function legacyUsageVerdict(usage: (LegacyUsage & { files: number }) | null, plan: Plan): Verdict {
  if (!usage) return skip("skipped: the plan names no code.paths (set code.paths to the app's source to verify that the old code is gone)");
  const problems: string[] = [];
  if (usage.bull.length) {
    const queues = [...new Set(usage.bull.flatMap((entry) => entry.queues))];
    problems.push(
      `Bull is still imported by ${usage.bull.length} file${usage.bull.length === 1 ? '' : 's'} (${list(usage.bull.map((entry) => entry.file))})${queues.length ? ` for ${list(queues)}` : ''}`,
    );
  }
  if (usage.redis.length) {
    problems.push(
      `ioredis still reads or writes keys phase 1 moved to HTTP (${list(usage.redis.map((use) => `${use.file}:${use.line} ${use.method} ${use.key}${use.exact ? '' : '…'}`))})`,
    );
  }
  const data = { files: usage.files, bullFiles: usage.bull, outsidePlan: usage.outside, ioredis: usage.redis };
  if (problems.length) {
    return fail(
      problems.join('; '),
      'remove the old code: `redis-migrate scan` lists each call site and what it becomes (or route it through redis-migrate/queues and redis-migrate/redis)',
      data,
    );
  }
  const outside = usage.outside.length
    ? `; Bull stays in ${usage.outside.length} file(s) for queues outside the plan (${list([...new Set(usage.outside.flatMap((entry) => entry.queues))])})`
    : '';
  const moved = movedKeyPatterns(plan).length ? '' : ' (ioredis not checked: the plan names no http.cacheKeyPatterns or rate limiters)';
  return pass(`no Bull code for the plan's queues in ${usage.files} files${moved}${outside}`, data);
}

export const codeLegacyUsageCheck: Check = {
  id: 'code.legacy-usage',
  title: 'Old queue and Redis code removed',
  phases: [3],
  async run(ctx: CheckContext) {
    const usage = await findLegacyUsage(ctx.plan, {
      planFile: ctx.planFile,
      cwd: ctx.cwd ?? process.cwd(),
      queues: ctx.plan.tiers.flatMap((tier) => tier.queues),
      includeRedis: true,
    });
    return legacyUsageVerdict(usage, ctx.plan);
  },
};
