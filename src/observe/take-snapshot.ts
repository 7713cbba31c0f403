/** Reads every node's CLIENT LIST and classifies it against the plan (I/O glue for connections, monitor, baselines). */
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { classifyContextFromPlan } from './classify.js';
import { readNodes } from './read-nodes.js';
import { buildSnapshot, type ConnectionSnapshot } from './snapshot.js';

export async function takeConnectionSnapshot(client: RedisClient, plan: Plan): Promise<ConnectionSnapshot> {
  const reads = await readNodes(client);
  return buildSnapshot(
    reads.map((read) => ({ node: read.node, clientList: read.clientList, ownIds: [read.ownId] })),
    classifyContextFromPlan(plan),
    plan.tiers.map((tier) => tier.name),
  );
}

/**
 * What a baseline records besides the raw count: connections by role and system, counted on every
 * cluster node. Observation never blocks a flip: if it fails, the baseline keeps the raw count.
 */
export async function baselineMeasurements(client: RedisClient, plan: Plan): Promise<Record<string, unknown>> {
  try {
    const snapshot = await takeConnectionSnapshot(client, plan);
    return {
      connections: snapshot.app,
      byRole: snapshot.byRole,
      bySystem: snapshot.bySystem,
      ...(snapshot.cluster ? { nodes: snapshot.nodes.length } : {}),
    };
  } catch {
    return {};
  }
}
