/**
 * Reads what decides whether a cleanup may run: the legacy backlog of the target queues, BullMQ
 * keys under the legacy prefix, legacy workers still connected. One round of reads; the rules are
 * pure (blockers.ts). Individual commands rather than one pipeline, so it also works on a Cluster;
 * connections are classified by the observe module (every node, Bull told apart by its command).
 */
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import type { LegacyWorker, QueueBacklog } from './blockers.js';
import { backlogKeys, foreignMarkerKeys, isBullMeta } from './legacy-keys.js';

export async function readBacklog(client: RedisClient, legacyPrefix: string, queues: readonly string[]): Promise<QueueBacklog[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const keys = backlogKeys(legacyPrefix, queue);
      const [wait, paused, active, delayed] = await Promise.all([
        client.llen(keys.wait).catch(() => 0),
        client.llen(keys.paused).catch(() => 0),
        client.llen(keys.active).catch(() => 0),
        client.zcard(keys.delayed).catch(() => 0),
      ]);
      return { queue, waiting: Number(wait) + Number(paused), active: Number(active), delayed: Number(delayed) };
    }),
  );
}

/** Queue → BullMQ-only key names present under the legacy prefix (a BullMQ-shaped `meta` included). */
export async function readForeignKeys(client: RedisClient, legacyPrefix: string, queues: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  await Promise.all(
    queues.map(async (queue) => {
      const markers = foreignMarkerKeys(legacyPrefix, queue);
      const [exists, metaFields] = await Promise.all([
        Promise.all(markers.map((key) => client.exists(key))),
        client.hkeys(`${legacyPrefix}:${queue}:meta`).catch(() => [] as string[]),
      ]);
      const names = markers.filter((_, i) => Number(exists[i]) > 0).map((key) => key.slice(key.lastIndexOf(':') + 1));
      if (!isBullMeta(metaFields)) names.push('meta');
      if (names.length) found.set(queue, names);
    }),
  );
  return found;
}

/** Legacy (Bull) workers of the target queues, from the connections classified on every node. */
export async function readLegacyWorkers(client: RedisClient, plan: Plan, queues: readonly string[]): Promise<LegacyWorker[]> {
  const wanted = new Set(queues);
  const snapshot = await takeConnectionSnapshot(client, plan);
  return snapshot.connections
    .filter((connection) => connection.role === 'legacy-worker' && connection.queue !== null && wanted.has(connection.queue))
    .map((connection) => ({ queue: connection.queue as string, addr: connection.address, node: connection.node ?? 'server' }));
}
