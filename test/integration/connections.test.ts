import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFlags } from '../../src/flags/index.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { openRedis } from '../../src/redis/connect.js';
import type { RedisClient } from '../../src/redis/client.js';
import { takeConnectionSnapshot } from '../../src/observe/take-snapshot.js';
import { runCli } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { QUEUES, startBull, startBullmq } from '../support/queues.js';
import { waitForValue } from '../support/wait.js';

const plan = defaultPlan();

describe('connections against real Bull and BullMQ clients', () => {
  let server: RedisServer;
  let tool: RedisClient;
  const snapshot = () => takeConnectionSnapshot(tool, plan);

  beforeAll(async () => {
    server = await startRedis();
    tool = await openRedis({ url: server.url, name: 'redis-migrate:cli:test', timeoutMs: 5000 });
  });
  afterAll(async () => {
    await tool?.quit();
    await server?.stop();
  });

  it('11 Bull queues with process(): 33 connections, all legacy, every queue decoded', async () => {
    const bull = startBull(server.port, QUEUES);
    try {
      const s = await waitForValue(snapshot, (v) => v.byRole['legacy-worker'] === 11 && v.byRole['legacy-events'] === 11 && v.app === 33, {
        timeoutMs: 20_000,
        what: '33 Bull connections',
      });
      expect(s.bySystem.legacy).toBe(33);
      expect(s.byRole).toMatchObject({ 'bullmq-worker': 0, 'bullmq-shared': 0, 'flags-sdk': 0, other: 11 });
      expect(Object.keys(s.byQueue).sort()).toEqual([...QUEUES].sort());
      expect(s.byTier).toEqual({ 'non-critical': 3, medium: 5, critical: 3 });
      // This snapshot's own connection is never counted.
      expect(s.total).toBe(33);
    } finally {
      await bull.close();
    }
    await waitForValue(snapshot, (v) => v.total === 0, { what: 'every app connection to close' });
  });

  it('11 BullMQ Workers on one shared connection: 12; with QueueEvents: 23', async () => {
    const mq = startBullmq(server.port, QUEUES);
    try {
      const s = await waitForValue(snapshot, (v) => v.byRole['bullmq-worker'] === 11 && v.app === 12, { what: '12 BullMQ connections' });
      expect(s.byRole['bullmq-shared']).toBe(1);
      expect(s.bySystem).toMatchObject({ bullmq: 12, legacy: 0 });
    } finally {
      await mq.close();
    }
    await waitForValue(snapshot, (v) => v.total === 0, { what: 'every app connection to close' });

    const withEvents = startBullmq(server.port, QUEUES, { queueEvents: true });
    try {
      const s = await waitForValue(snapshot, (v) => v.byRole['bullmq-events'] === 11 && v.byRole['bullmq-worker'] === 11 && v.app === 23, {
        what: '23 BullMQ connections with QueueEvents',
      });
      expect(s.byRole['bullmq-shared']).toBe(1);
      expect(s.byQueue['calendar-sync']).toBe(2);
    } finally {
      await withEvents.close();
    }
    await waitForValue(snapshot, (v) => v.total === 0, { what: 'every app connection to close' });
  });

  it('recognises flags SDK instances and this tool, and --json carries the contract', async () => {
    const flags = await connectFlags({ app: 'api', redisUrl: server.url, heartbeatMs: 500 });
    const bull = startBull(server.port, ['calendar-sync']);
    try {
      const s = await waitForValue(snapshot, (v) => v.byRole['flags-sdk'] === 2 && v.byRole['legacy-worker'] === 1, { what: 'the SDK and one Bull worker' });
      expect(s.byRole['redis-migrate']).toBe(0);
      const run = await runCli(['connections', '--json', '--redis-url', server.url]);
      expect(run.exitCode).toBe(0);
      expect(run.json().ok).toBe(true);
      const doc = run.result();
      expect(Object.keys(doc.byRole)).toEqual([
        'legacy-worker',
        'legacy-events',
        'bullmq-worker',
        'bullmq-events',
        'bullmq-shared',
        'flags-sdk',
        'cache-tcp',
        'redis-migrate',
        'other',
      ]);
      // The test's own inspecting connection is another redis-migrate:cli connection; the command's own is left out.
      expect(doc.byRole['redis-migrate']).toBe(1);
      expect(doc.byRole['flags-sdk']).toBe(2);
      expect(doc.total).toBe(doc.app + 1);
      expect(doc.byQueue).toEqual({ 'calendar-sync': 1 });
      expect(doc.byTier).toMatchObject({ critical: 1 });
      const worker = doc.connections.find((c: { role: string }) => c.role === 'legacy-worker');
      expect(worker).toMatchObject({ queue: 'calendar-sync', tier: 'critical' });
      expect(worker.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(doc.step).toMatchObject({ id: 'legacy', predicted: 40 });
      expect(doc.target).toMatchObject({ connections: 3, met: false });
    } finally {
      await bull.close();
      await flags.close();
    }
  });
});
