/** Small helpers shared by checks: the skip when Redis is out of reach, and INFO read once per node per run. */
import { isCluster, nodesOf } from '../observe/read-nodes.js';
import { parseInfo, type InfoSections } from '../observe/info.js';
import type { RedisClient } from '../redis/client.js';
import type { CheckContext, CheckResult } from './types.js';

export type Verdict = Omit<CheckResult, 'id'>;

export function pass(message: string, data?: Record<string, unknown>): Verdict {
  return { status: 'pass', message, ...(data ? { data } : {}) };
}
export function warn(message: string, fix: string, data?: Record<string, unknown>): Verdict {
  return { status: 'warn', message, fix, ...(data ? { data } : {}) };
}
export function fail(message: string, fix: string, data?: Record<string, unknown>): Verdict {
  return { status: 'fail', message, fix, ...(data ? { data } : {}) };
}
export function skip(message: string): Verdict {
  return { status: 'skip', message };
}

/** Run `read` with the connection, or skip (with why) when Redis could not be used. */
export async function withRedis(ctx: CheckContext, read: (redis: RedisClient) => Promise<Verdict>): Promise<Verdict> {
  if (ctx.redis) return read(ctx.redis);
  return skip(
    ctx.connection?.error?.code === 'redis.auth'
      ? 'skipped: Redis rejected the credentials (see redis.auth)'
      : 'skipped: Redis is not reachable (see redis.reachable)',
  );
}

export interface NodeInfo {
  node: string | null;
  info: InfoSections;
}

const cache = new WeakMap<RedisClient, Promise<NodeInfo[]>>();

/** INFO from every node (one server, or each cluster node), read once per client. */
export function nodeInfos(client: RedisClient): Promise<NodeInfo[]> {
  let pending = cache.get(client);
  if (!pending) {
    pending = Promise.all(nodesOf(client).map(async ({ node, redis }) => ({ node, info: parseInfo(String(await redis.info('everything'))) })));
    cache.set(client, pending);
  }
  return pending;
}

export { isCluster };

/** `CONFIG GET name` on one node, or null where CONFIG is disabled (hosted Redis often renames it). */
export async function configGet(client: RedisClient, name: string): Promise<string | null> {
  try {
    const node = nodesOf(client)[0]?.redis;
    if (!node) return null;
    const reply = (await node.config('GET', name)) as unknown as string[];
    return reply.length >= 2 ? String(reply[1]) : null;
  } catch {
    return null;
  }
}

/** The queues a check looks at: the --tier's, or every queue in the plan. */
export function queuesInScope(ctx: CheckContext): { tier: string | null; queues: string[] } {
  const tier = ctx.tier ? ctx.plan.tiers.find((entry) => entry.name === ctx.tier) : undefined;
  if (tier) return { tier: tier.name, queues: tier.queues };
  return { tier: null, queues: ctx.plan.tiers.flatMap((entry) => entry.queues) };
}
