import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { runCli } from '../support/cli.js';
import { backdateHistory } from '../support/history.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';

// Redis Cluster, the hard case: legacy keys under a prefix without a hash tag spread over every
// master (a working Bull needs a `{hash tag}` prefix, which puts a queue on one node; the cleanup
// must not assume either), so it has to scan each master and delete slot by slot. BullMQ uses a
// hash-tag prefix, as phase2's checks require on a cluster.
let cluster: RedisCluster;
let client: Cluster;
let dir: string;
let config: string;
const LEGACY = 3000;

function cli(args: string[]) {
  return runCli([...args, '--config', config, '--json'], { cwd: dir, env: { REDIS_URL: cluster.url }, timeoutMs: 60_000 });
}

async function keysOnEveryMaster(pattern: string): Promise<number[]> {
  return Promise.all(
    cluster.ports.slice(0, 3).map(async (port) => {
      const node = new Redis(port);
      try {
        let cursor = '0';
        let n = 0;
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          n += keys.length;
        } while (cursor !== '0');
        return n;
      } finally {
        node.disconnect();
      }
    }),
  );
}

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] as number }]);
  dir = tempDir('cluster');
  config = writePlan(
    {
      namespace: 'c',
      bullmq: { prefix: '{bullmq}' },
      tiers: [
        { name: 'one', queues: ['sync'], soak: '24h' },
        { name: 'two', queues: ['mail'], soak: '24h' },
      ],
    },
    { dir },
  );
}, 60_000);

afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('phase3 cleanup on Redis Cluster', () => {
  it('scans every master, deletes only the legacy keys, and the backup restores them', async () => {
    for (let i = 1; i <= LEGACY; i++) await client.hset(`bull:sync:${i}`, 'name', '__default__');
    await client.zadd('bull:sync:completed', 1, '1');
    await client.set('bull:sync:id', String(LEGACY));
    for (let i = 1; i <= 200; i++) await client.hset(`bull:mail:${i}`, 'name', '__default__');
    for (let i = 1; i <= 200; i++) await client.hset(`{bullmq}:sync:${i}`, 'name', 'sync');
    await client.set('app:settings', 'x');
    const spread = await keysOnEveryMaster('bull:sync:*');
    expect(spread.every((n) => n > 0)).toBe(true); // really on every master

    expect((await cli(['phase2', '--tier', 'one', '--yes', '--wait', '0'])).exitCode).toBe(0);
    await backdateHistory(client, stateKeys('c'), '24h'); // tier one's soak, passed (test-only)
    const backup = join(dir, 'cluster.ndjson');
    const run = await cli(['phase3', 'cleanup', '--yes', '--batch', '500', '--backup', backup]);
    expect(run.exitCode).toBe(0);
    expect(run.result()).toMatchObject({ keys: { total: LEGACY + 2 }, run: { nodes: 3 } });
    expect(await keysOnEveryMaster('bull:sync:*')).toEqual([0, 0, 0]);
    expect((await keysOnEveryMaster('bull:mail:*')).reduce((a, b) => a + b)).toBe(200);
    expect((await keysOnEveryMaster('{bullmq}:*')).reduce((a, b) => a + b)).toBe(200);
    expect(await client.get('app:settings')).toBe('x');

    const restored = await cli(['phase3', 'restore', backup, '--yes']);
    expect(restored.exitCode).toBe(0);
    expect(restored.result().restored).toBe(LEGACY + 2);
    expect((await keysOnEveryMaster('bull:sync:*')).reduce((a, b) => a + b)).toBe(LEGACY + 2);
  }, 120_000);
});
