/**
 * A local Redis Cluster for tests: N masters (redis-server --cluster-enabled yes on free loopback
 * ports) joined with `redis-cli --cluster create ... --cluster-yes`, then waited on until every
 * node reports cluster_state:ok. stop() kills every node.
 */
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedis } from '../../src/redis/local-server.js';
import { waitFor } from './wait.js';

export interface RedisCluster {
  nodes: LocalRedis[];
  /** A seed URL (the first node). */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /cluster_state:ok/.test(String(await client.cluster('INFO')));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** `replicas`: that many extra nodes, each added as a replica of the first master. */
export async function startRedisCluster(masters = 3, replicas = 0): Promise<RedisCluster> {
  const nodes: LocalRedis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(await startLocalRedis({ args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '5000'] }));
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await execa('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (let i = 0; i < replicas; i++) {
      const replica = await startLocalRedis({ args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '5000'] });
      nodes.push(replica);
      await execa('redis-cli', ['--cluster', 'add-node', `127.0.0.1:${replica.port}`, addresses[0]!, '--cluster-slave'], { timeout: 30_000 });
    }
    for (const node of nodes) {
      await waitFor(() => clusterOk(node.port), { timeoutMs: 30_000, intervalMs: 50, what: `cluster node ${node.port} to report cluster_state:ok` });
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return {
    nodes,
    url: `redis://127.0.0.1:${nodes[0]!.port}`,
    ports: nodes.map((node) => node.port),
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}
