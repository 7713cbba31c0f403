/** bullmq.prefix-collision and bullmq.cluster-hashtag: BullMQ's keys must not meet Bull's, and must hash to one slot per queue. */
import { findLegacyShapedKeys } from '../observe/queue-keys.js';
import type { Plan } from '../plan/schema.js';
import { fail, isCluster, pass, skip, withRedis, type Verdict } from './support.js';
import type { Check } from './types.js';

/** Same prefix and same queue names: both libraries use `<prefix>:<queue>:wait`, `id`, `active`... and steal each other's jobs. */
export function prefixCollisionRule(plan: Pick<Plan, 'legacy' | 'bullmq' | 'tiers'>, legacyShaped: readonly string[] | null): Verdict {
  const queues = plan.tiers.flatMap((tier) => tier.queues);
  if (plan.legacy.prefix === plan.bullmq.prefix) {
    return fail(
      `BullMQ and Bull share the prefix "${plan.bullmq.prefix}" for ${queues.length} queue name(s): they share wait/active/id keys and take each other's jobs`,
      `set bullmq.prefix in the plan to another prefix (e.g. "bullmq", or "{bullmq}" on Redis Cluster) and use it in the app's BullMQ Queues and Workers`,
      { prefix: plan.bullmq.prefix },
    );
  }
  if (legacyShaped === null) return pass(`prefixes differ ("${plan.legacy.prefix}" vs "${plan.bullmq.prefix}"); keys not inspected (Redis not reachable)`);
  if (legacyShaped.length) {
    return fail(
      `Bull-shaped keys already exist under the BullMQ prefix "${plan.bullmq.prefix}": ${legacyShaped.slice(0, 5).join(', ')}${legacyShaped.length > 5 ? ` and ${legacyShaped.length - 5} more` : ''}`,
      'another app or an old Bull setup uses this prefix: choose another bullmq.prefix, or delete these keys once you know they are unused',
      { keys: legacyShaped },
    );
  }
  return pass(`BullMQ prefix "${plan.bullmq.prefix}" differs from the legacy "${plan.legacy.prefix}" and holds no Bull-shaped keys`);
}

/** A non-empty `{...}` hash tag: every key with it maps to one cluster slot. */
export function hasHashTag(text: string): boolean {
  return /\{[^{}]+\}/.test(text);
}

export function clusterHashtagRule(cluster: boolean, prefix: string, queues: readonly string[]): Verdict {
  if (!cluster) return skip('not a Redis Cluster: no hash tag needed');
  if (hasHashTag(prefix)) return pass(`BullMQ prefix "${prefix}" is a hash tag: each queue's keys share one slot`);
  if (queues.length && queues.every(hasHashTag)) return pass('every queue name carries a hash tag');
  return fail(
    `on Redis Cluster the BullMQ prefix "${prefix}" needs a hash tag: its multi-key scripts fail with CROSSSLOT`,
    `set bullmq.prefix to "{${prefix.replace(/[{}]/g, '') || 'bullmq'}}" (and the same prefix in the app's BullMQ options)`,
    { prefix },
  );
}

export const prefixCollisionCheck: Check = {
  id: 'bullmq.prefix-collision',
  title: 'BullMQ keys apart from Bull',
  phases: [2],
  async run(ctx) {
    if (!ctx.redis || ctx.plan.legacy.prefix === ctx.plan.bullmq.prefix) return prefixCollisionRule(ctx.plan, null);
    const redis = ctx.redis;
    const queues = ctx.plan.tiers.flatMap((tier) => tier.queues);
    const found = (await Promise.all(queues.map((queue) => findLegacyShapedKeys(redis, ctx.plan.bullmq.prefix, queue)))).flat();
    return prefixCollisionRule(ctx.plan, found);
  },
};

export const clusterHashtagCheck: Check = {
  id: 'bullmq.cluster-hashtag',
  title: 'hash-tagged prefix on Cluster',
  phases: [2],
  run: (ctx) =>
    withRedis(ctx, async (redis) =>
      clusterHashtagRule(
        isCluster(redis),
        ctx.plan.bullmq.prefix,
        ctx.plan.tiers.flatMap((tier) => tier.queues),
      ),
    ),
};
