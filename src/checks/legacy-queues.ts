/**
 * legacy.backlog and legacy.repeatables: what the tier's queues still hold in Bull, and whether each
 * repeatable job runs in exactly one system around the flip.
 */
import { backlogOf, readBullmqSchedulers, readBullRepeatables, readJobCounts, type JobCounts, type Repeatable } from '../observe/queue-keys.js';
import { readState } from '../state/flag-store.js';
import { effectiveBullmqTiers } from '../state/model.js';
import { fail, pass, queuesInScope, warn, withRedis, type Verdict } from './support.js';
import type { Check, PhaseNumber } from './types.js';

export function backlogRule(counts: Record<string, JobCounts>, scope: { tier: string | null; phase: PhaseNumber | undefined; onBullmq: boolean }): Verdict {
  const total = Object.values(counts).reduce((sum, c) => sum + backlogOf(c), 0);
  const sum = (pick: (c: JobCounts) => number) => Object.values(counts).reduce((acc, c) => acc + pick(c), 0);
  const parts = { waiting: sum((c) => c.waiting), active: sum((c) => c.active), delayed: sum((c) => c.delayed), paused: sum((c) => c.paused) };
  const busy = Object.entries(counts)
    .filter(([, c]) => backlogOf(c) > 0)
    .map(([queue, c]) => `${queue} ${backlogOf(c)}`);
  const where = scope.tier ? `tier ${scope.tier}` : 'all queues';
  const text = `${total} legacy job(s) not finished in ${where} (waiting ${parts.waiting}, active ${parts.active}, delayed ${parts.delayed}, paused ${parts.paused})`;
  const data = { total, ...parts, queues: counts };
  if (total === 0) return pass(`no legacy jobs left in ${where}`, data);
  if (scope.phase === 3)
    return fail(`${text}: ${busy.join(', ')}`, 'keep the legacy workers running until these drain (or move them), then run phase 3 again', data);
  if (scope.onBullmq) return pass(`${text}; they drain while the legacy workers keep running`, data);
  return warn(`${text}: ${busy.join(', ')}`, 'after the flip producers write to BullMQ; keep the legacy workers running until these drain', data);
}

export interface QueueRepeatables {
  legacy: Repeatable[];
  bullmq: Repeatable[];
  /** The queue's tier runs on BullMQ now. */
  onBullmq: boolean;
}

function scheduleKey(entry: Repeatable): string {
  return `${entry.schedule}|${entry.tz ?? ''}`;
}

export function repeatablesRule(perQueue: Record<string, QueueRepeatables>): Verdict {
  const twice: string[] = [];
  const stopped: string[] = [];
  let legacyCount = 0;
  let bullmqCount = 0;
  for (const [queue, { legacy, bullmq, onBullmq }] of Object.entries(perQueue)) {
    legacyCount += legacy.length;
    bullmqCount += bullmq.length;
    const inBullmq = new Set(bullmq.map(scheduleKey));
    for (const entry of legacy) if (inBullmq.has(scheduleKey(entry))) twice.push(`${queue} "${entry.schedule}"`);
    // On BullMQ the legacy workers stop: a repeatable left only in Bull runs nowhere.
    if (onBullmq) for (const entry of legacy) if (!inBullmq.has(scheduleKey(entry))) stopped.push(`${queue} "${entry.schedule}"`);
  }
  const data = { legacy: legacyCount, bullmq: bullmqCount, twice, stopped };
  if (twice.length || stopped.length) {
    const parts = [
      twice.length ? `in both systems, would run twice: ${twice.join(', ')}` : '',
      stopped.length ? `only in Bull for queues on BullMQ, would stop running: ${stopped.join(', ')}` : '',
    ].filter(Boolean);
    return warn(
      parts.join('; '),
      'each repeatable must exist in exactly one system: create the BullMQ job scheduler (upsertJobScheduler) at the flip and remove the Bull repeatable (removeRepeatableByKey)',
      data,
    );
  }
  return pass(`${legacyCount} Bull repeatable(s), ${bullmqCount} BullMQ job scheduler(s); none in both, none left behind`, data);
}

async function tiersOnBullmq(ctx: Parameters<Check['run']>[0]): Promise<Set<string>> {
  if (!ctx.redis) return new Set();
  const { state } = await readState(ctx.redis, ctx.keys);
  return new Set(
    effectiveBullmqTiers(
      state,
      ctx.plan.tiers.map((tier) => tier.name),
    ),
  );
}

export const backlogCheck: Check = {
  id: 'legacy.backlog',
  title: 'legacy jobs left',
  phases: [2, 3],
  run: (ctx) =>
    withRedis(ctx, async (redis) => {
      const { tier, queues } = queuesInScope(ctx);
      const [counts, onBullmq] = await Promise.all([
        Promise.all(queues.map((queue) => readJobCounts(redis, ctx.plan.legacy.prefix, queue, 'legacy'))),
        tiersOnBullmq(ctx),
      ]);
      return backlogRule(Object.fromEntries(queues.map((queue, i) => [queue, counts[i] as JobCounts])), {
        tier,
        phase: ctx.phase,
        onBullmq: tier !== null && onBullmq.has(tier),
      });
    }),
};

export const repeatablesCheck: Check = {
  id: 'legacy.repeatables',
  title: 'repeatables in exactly one system',
  phases: [2, 3],
  run: (ctx) =>
    withRedis(ctx, async (redis) => {
      const { queues } = queuesInScope(ctx);
      const onBullmq = await tiersOnBullmq(ctx);
      const tierOf = Object.fromEntries(ctx.plan.tiers.flatMap((tier) => tier.queues.map((queue) => [queue, tier.name])));
      // With one shared prefix the repeat sets are the same key (bullmq.prefix-collision fails then).
      const shared = ctx.plan.legacy.prefix === ctx.plan.bullmq.prefix;
      const entries = await Promise.all(
        queues.map(async (queue) => {
          const [legacy, bullmq] = await Promise.all([
            readBullRepeatables(redis, ctx.plan.legacy.prefix, queue),
            shared ? Promise.resolve([]) : readBullmqSchedulers(redis, ctx.plan.bullmq.prefix, queue),
          ]);
          return [queue, { legacy, bullmq, onBullmq: onBullmq.has(tierOf[queue] ?? '') }] as const;
        }),
      );
      return repeatablesRule(Object.fromEntries(entries));
    }),
};
