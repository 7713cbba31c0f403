/**
 * The nodes a keyspace-wide operation must visit: the one server, or every master of a Redis
 * Cluster (SCAN and CLIENT LIST are per node there). Ids are host:port, stable across runs.
 */
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './client.js';

export interface KeyspaceNode {
  id: string;
  client: Redis;
}

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

export function masterNodes(client: RedisClient): { cluster: boolean; nodes: KeyspaceNode[] } {
  if (isCluster(client)) {
    const nodes = client.nodes('master').map((node) => ({ id: `${node.options.host}:${node.options.port}`, client: node }));
    return { cluster: true, nodes: nodes.sort((a, b) => a.id.localeCompare(b.id)) };
  }
  const redis = client as Redis;
  return { cluster: false, nodes: [{ id: `${redis.options.host ?? '127.0.0.1'}:${redis.options.port ?? 6379}`, client: redis }] };
}
