/**
 * Reads raw `CLIENT LIST` / `INFO` text from every server behind a client: the one server, or
 * every node of a Redis Cluster (masters and replicas). Parsing happens elsewhere.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';

export interface NodeRead {
  /** "host:port" of a cluster node; null for a single server. */
  node: string | null;
  /** Raw `CLIENT LIST` reply. */
  clientList: string;
  /** The client id of the connection that read it, to leave this tool's own read out. */
  ownId: string;
  /** Raw `INFO` reply for the sections asked for, or null. */
  info: string | null;
}

/** The single-node connections behind a client. */
export function nodesOf(client: RedisClient): { node: string | null; redis: Redis }[] {
  if (client instanceof Cluster) {
    return client.nodes('all').map((redis) => ({ node: `${redis.options.host}:${redis.options.port}`, redis }));
  }
  return [{ node: null, redis: client }];
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** `sections`: INFO sections to read as well ("everything" for all, including commandstats). */
export async function readNodes(client: RedisClient, sections: string[] = []): Promise<NodeRead[]> {
  return Promise.all(
    nodesOf(client).map(async ({ node, redis }) => {
      const ownId = String(await redis.client('ID'));
      const [clientList, info] = await Promise.all([
        redis.client('LIST') as Promise<string>,
        sections.length ? (redis.info(...sections) as Promise<string>) : Promise.resolve(null),
      ]);
      return { node, clientList: String(clientList), ownId, info: info === null ? null : String(info) };
    }),
  );
}
