import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFlags } from '../../src/flags/index.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { openRedis } from '../../src/redis/connect.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { startBullmq } from '../support/queues.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { waitFor, waitForValue } from '../support/wait.js';

function planFile(bullmqPrefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-plan-'));
  const path = join(dir, 'redis-migrate.config.json');
  writeFileSync(path, JSON.stringify({ ...defaultPlanDocument(), bullmq: { prefix: bullmqPrefix } }));
  return path;
}

describe('on a local 3-master Redis Cluster with one replica', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3, 1);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('openRedis returns an ioredis Cluster for a cluster node, and a single node on request', async () => {
    const client = await openRedis({ url: cluster.url, name: 'redis-migrate:cli:test', timeoutMs: 5000 });
    const single = await openRedis({ url: cluster.url, name: 'redis-migrate:cli:test', timeoutMs: 5000, cluster: false });
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(single).not.toBeInstanceOf(Cluster);
      // Keys on every slot work through the cluster client.
      for (const key of ['a', 'b', 'c', 'd']) await client.set(`t:${key}`, key);
      expect(await client.get('t:d')).toBe('d');
    } finally {
      await client.quit();
      await single.quit();
    }
  });

  it('serve-http refuses a Redis Cluster node with a usage error (its transactions need one server)', async () => {
    const { startBridge } = await import('../../src/http/index.js');
    await expect(startBridge({ redisUrl: cluster.url, token: 'cluster-test-token', port: 0 })).rejects.toMatchObject({ code: 'http.cluster', exitCode: 2 });
  });

  it('counts connections on every node, per node and in total', async () => {
    const mq = startBullmq(cluster.ports[0]!, ['calendar-sync', 'token-refresh'], { prefix: '{bullmq}', cluster: true });
    // BullMQ's keys share one hash tag, so they live on one master: an app client that talks to
    // every master (as a cache on the cluster would) puts a connection on each of them.
    const app = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }]);
    try {
      await app.ping();
      await Promise.all(app.nodes('master').map((node) => node.ping()));
      const plan = planFile('{bullmq}');
      const read = async () => (await runCli(['connections', '--json', '--config', plan, '--redis-url', cluster.url])).result();
      // The replica appears once it has synced and the client's slot map lists it.
      const nodesWithClients = (d: { connections: { node: string }[] }) => new Set(d.connections.map((c) => c.node)).size;
      const doc = await waitForValue(read, (d) => d.byRole['bullmq-worker'] >= 2 && d.nodes.length === 4 && nodesWithClients(d) >= 3, {
        timeoutMs: 40_000,
        intervalMs: 200,
        what: 'workers on every master and the replica listed',
      });
      expect(doc.cluster).toBe(true);
      expect(doc.nodes.reduce((sum: number, node: { total: number }) => sum + node.total, 0)).toBe(doc.total);
      expect(nodesWithClients(doc)).toBeGreaterThanOrEqual(3);
      // Replication links between the nodes are not clients of the app.
      expect(doc.connections.some((c: { flags: string }) => /[SM]/.test(c.flags))).toBe(false);
      expect(doc.byQueue['calendar-sync']).toBeGreaterThanOrEqual(1);
      // ioredis Cluster connects each logical connection to several nodes: more server-side connections than logical ones.
      expect(doc.app).toBeGreaterThan(3);
    } finally {
      app.disconnect();
      await mq.close();
    }
  }, 60_000);

  it('bullmq.cluster-hashtag fails on "bullmq" and passes on "{bullmq}"', async () => {
    const plain = await runCli([
      'preflight',
      '--phase',
      '2',
      '--json',
      '--config',
      planFile('bullmq'),
      '--redis-url',
      cluster.url,
      '--namespace',
      uniqueNamespace(),
    ]);
    const check = (doc: { checks: { id: string; status: string; fix?: string }[] }) => doc.checks.find((c) => c.id === 'bullmq.cluster-hashtag')!;
    expect(plain.exitCode).toBe(3);
    expect(check(plain.result())).toMatchObject({ status: 'fail' });
    expect(check(plain.result()).fix).toContain('{bullmq}');
    const tagged = await runCli([
      'preflight',
      '--phase',
      '2',
      '--json',
      '--config',
      planFile('{bullmq}'),
      '--redis-url',
      cluster.url,
      '--namespace',
      uniqueNamespace(),
    ]);
    expect(check(tagged.result()).status).toBe('pass');
  });

  it('state and flags work there: phase2, status, an SDK instance following, rollback with its confirmation', async () => {
    const namespace = uniqueNamespace('cluster');
    const app = new Cluster([{ host: '127.0.0.1', port: cluster.ports[1]! }]);
    app.on('error', () => undefined);
    const flags = await connectFlags({ app: 'worker', redis: app, namespace, heartbeatMs: 500 });
    try {
      expect(flags.useBullMQ('webhook-health-check')).toBe(false);
      // phase2 runs the tier's checks: on a cluster the BullMQ prefix must be a hash tag.
      const untagged = await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--redis-url', cluster.url, '--namespace', namespace]);
      expect(untagged.exitCode).toBe(3);
      expect(untagged.error().details.blocked.checks.map((c: { id: string }) => c.id)).toContain('bullmq.cluster-hashtag');
      const flip = await runCli([
        'phase2',
        '--tier',
        'non-critical',
        '--yes',
        '--json',
        '--wait',
        '5s',
        '--config',
        planFile('{bullmq}'),
        '--redis-url',
        cluster.url,
        '--namespace',
        namespace,
      ]);
      expect(flip.exitCode).toBe(0);
      expect(flip.result()).toMatchObject({ changed: true, confirmations: { live: 1, confirmed: 1 } });
      await waitFor(() => flags.useBullMQ('webhook-health-check'), { what: 'the SDK to follow the flip' });

      const status = await runCli(['status', '--json', '--redis-url', cluster.url, '--namespace', namespace]);
      expect(status.exitCode).toBe(0);
      expect(status.result()).toMatchObject({ flags: { USE_BULLMQ: true, BULLMQ_TIERS: ['non-critical'] }, drift: { ok: true } });
      expect(status.result().baselines[0]).toMatchObject({ step: 'phase2:non-critical', nodes: 4 });

      const rollback = await runCli(['rollback', '--yes', '--json', '--wait', '5s', '--redis-url', cluster.url, '--namespace', namespace]);
      expect(rollback.exitCode).toBe(0);
      expect(rollback.result()).toMatchObject({ changed: true, confirmations: { live: 1, confirmed: 1 } });
      expect(flags.useBullMQ('webhook-health-check')).toBe(false);
    } finally {
      await flags.close();
      await app.quit().catch(() => app.disconnect());
    }
  });
});
