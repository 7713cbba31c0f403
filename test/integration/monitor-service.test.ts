/**
 * The monitor as a long-running service, in-process over a real redis-server: its soak bookkeeping
 * and job totals live in Redis, so a restarted monitor carries on without counting anything twice
 * and two monitors at once count each job and each second once; /metrics answers fast with 11
 * queues and 100 SDK instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phase2 } from '../../phases/phase2.js';
import { runMonitor } from '../../src/monitor/loop.js';
import { startMetricsServer } from '../../src/monitor/metrics-server.js';
import { MonitorMetrics } from '../../src/monitor/prometheus.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import type { RedisClient } from '../../src/redis/client.js';
import { openRedis } from '../../src/redis/connect.js';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { reportInstance } from '../../src/state/instances.js';
import { stateKeys } from '../../src/state/keys.js';
import { readMonitorTotals } from '../../src/state/monitor-totals.js';
import { readSoakHealth } from '../../src/state/soak-health.js';
import { uniqueNamespace } from '../support/cli.js';
import { startBullmq } from '../support/queues.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const QUEUE = 'webhook-health-check';
const INTERVAL_MS = 200;

function shortPlan(namespace: string): Plan {
  const plan = defaultPlan();
  return { ...plan, namespace, tiers: plan.tiers.map((tier) => ({ ...tier, soak: '1h', watch: undefined })) };
}

describe('monitor service bookkeeping', () => {
  let server: RedisServer;
  let client: RedisClient;
  beforeAll(async () => {
    server = await startRedis();
    client = await openRedis({ url: server.url, name: 'redis-migrate:cli:test', timeoutMs: 5000 });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  async function setup() {
    const namespace = uniqueNamespace('svc');
    const plan = shortPlan(namespace);
    const keys = stateKeys(namespace);
    const prefix = `bmq-${namespace}`;
    const scoped = { ...plan, bullmq: { prefix } };
    await applyFlagChange(client, keys, { changes: phase2.flip(plan, 'non-critical'), actor: 'test', command: 'phase2 --tier non-critical', kind: 'flip' });
    return { plan: scoped, keys, prefix };
  }

  const monitorFor = (plan: Plan, keys: ReturnType<typeof stateKeys>, samples: number) =>
    runMonitor({
      client,
      plan,
      keys,
      actor: 'test',
      intervalMs: INTERVAL_MS,
      durationMs: INTERVAL_MS * (samples - 1) + 50,
      signal: new AbortController().signal,
    });

  const completedTotal = async (keys: ReturnType<typeof stateKeys>) => Number((await readMonitorTotals(client, keys))[`jobs:${QUEUE}:bullmq:completed`] ?? 0);

  it('a restarted monitor counts the jobs finished while it was down once, and not the gap as watched time', async () => {
    const { plan, keys, prefix } = await setup();
    const fleet = startBullmq(server.port, [QUEUE], { prefix });
    try {
      const queue = fleet.queues[0]!;
      // History before the first sample is not this soak's: nothing is counted.
      await queue.addBulk(Array.from({ length: 7 }, () => ({ name: 'old', data: {} })));
      await waitFor(async () => (await queue.getCompletedCount()) === 7, { what: '7 old jobs' });
      const initial = await monitorFor(plan, keys, 2);
      expect(await completedTotal(keys)).toBe(0);

      await queue.addBulk(Array.from({ length: 10 }, () => ({ name: 'a', data: {} })));
      await waitFor(async () => (await queue.getCompletedCount()) === 17, { what: '10 jobs' });
      const first = await monitorFor(plan, keys, 3);
      expect(await completedTotal(keys)).toBe(10);
      const healthyAfterFirst = (await readSoakHealth(client, keys))['non-critical']!.healthyMs;
      expect(healthyAfterFirst).toBeGreaterThan(0);
      // Both runs and the short gap between them (under two intervals) at most.
      expect(healthyAfterFirst).toBeLessThanOrEqual(first.summary.endedAt - initial.summary.startedAt);

      // Down while 5 more jobs complete; a minute long, as the soak record sees it (its last sample moved back).
      await queue.addBulk(Array.from({ length: 5 }, () => ({ name: 'b', data: {} })));
      await waitFor(async () => (await queue.getCompletedCount()) === 22, { what: '5 more jobs' });
      const lastAt = Number(await client.hget(keys.soak, 'non-critical:lastAt'));
      await client.hset(keys.soak, 'non-critical:lastAt', String(lastAt - 60_000));
      const second = await monitorFor(plan, keys, 3);
      expect(await completedTotal(keys)).toBe(15);
      const health = (await readSoakHealth(client, keys))['non-critical']!;
      // Only the second run's own intervals were added: not the gap, not the first run again.
      const secondSpan = second.summary.endedAt - second.summary.startedAt;
      expect(health.healthyMs - healthyAfterFirst).toBeGreaterThan(0);
      expect(health.healthyMs - healthyAfterFirst).toBeLessThanOrEqual(secondSpan);
      expect(health.restarts).toBe(0);
    } finally {
      await fleet.close();
    }
  });

  it('two monitors at once count each job and each soak second once; a rollback counts as a soak restart', async () => {
    const { plan, keys, prefix } = await setup();
    const fleet = startBullmq(server.port, [QUEUE], { prefix });
    try {
      const queue = fleet.queues[0]!;
      await monitorFor(plan, keys, 1);
      let produced = 0;
      const adds: Promise<unknown>[] = [];
      const producer = setInterval(() => adds.push(queue.addBulk(Array.from({ length: 5 }, () => ({ name: 'c', data: {} }))).then(() => (produced += 5))), 50);
      const [a, b] = await Promise.all([monitorFor(plan, keys, 8), monitorFor(plan, keys, 8)]);
      clearInterval(producer);
      await Promise.all(adds);
      await waitFor(async () => (await queue.getCompletedCount()) === produced, { timeoutMs: 30_000, what: 'every job done' });
      await monitorFor(plan, keys, 1);
      expect(await completedTotal(keys)).toBe(produced);
      const health = (await readSoakHealth(client, keys))['non-critical']!;
      const span = Math.max(a.summary.endedAt, b.summary.endedAt) - Math.min(a.summary.startedAt, b.summary.startedAt);
      expect(health.healthyMs).toBeLessThanOrEqual(span + INTERVAL_MS * 2);

      await applyFlagChange(client, keys, { changes: { useBullmq: 'false' }, actor: 'test', command: 'rollback', kind: 'rollback' });
      await monitorFor(plan, keys, 1);
      await monitorFor(plan, keys, 1);
      expect((await readSoakHealth(client, keys))['non-critical']!.restarts).toBe(1);
    } finally {
      await fleet.close();
    }
  });

  it('removes all of its own traffic: on an idle Redis with a tier soaking, the app sends 0 commands/s', async () => {
    const { plan, keys } = await setup();
    const rates: (number | null)[] = [];
    // The first sample has no rate; the second may include loading the scripts (EVALSHA, then EVAL).
    await runMonitor({
      client,
      plan,
      keys,
      actor: 'test',
      intervalMs: INTERVAL_MS,
      durationMs: INTERVAL_MS * 5 + 50,
      signal: new AbortController().signal,
      onTick: (tick) => rates.push(tick.sample.commands.perSecond),
    });
    expect(rates.length).toBeGreaterThanOrEqual(5);
    expect(rates.slice(2)).toEqual(rates.slice(2).map(() => 0));
  });

  it('/metrics answers in under 50 ms with 11 queues and 100 SDK instances', async () => {
    const { plan, keys } = await setup();
    for (let i = 0; i < 100; i++) {
      await reportInstance(
        client,
        keys,
        {
          id: `i${i}`,
          app: 'api',
          host: 'h',
          pid: i,
          version: i % 3 === 0 ? 0 : 1,
          epoch: null,
          source: i % 10 === 0 ? 'env' : 'redis',
          killSwitch: i === 0,
          heartbeatMs: 60_000,
          startedAt: 0,
        },
        false,
      );
    }
    const metrics = new MonitorMetrics(plan, plan.namespace, INTERVAL_MS);
    const http = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      source: metrics,
      intervalMs: INTERVAL_MS,
      health: () => ({ lastIterationAt: Date.now(), startedAt: Date.now(), redisUp: true, samples: 1, failedSamples: 0 }),
    });
    try {
      await runMonitor({
        client,
        plan,
        keys,
        actor: 'test',
        intervalMs: INTERVAL_MS,
        durationMs: INTERVAL_MS + 50,
        signal: new AbortController().signal,
        onTick: (tick) => metrics.update(tick),
      });
      const scrape = async () => {
        const started = performance.now();
        const text = await (await fetch(`${http.url}/metrics`)).text();
        return { text, ms: performance.now() - started };
      };
      const { text } = await scrape();
      expect(text).toContain('redis_migrate_up 1');
      expect(text).toContain('redis_migrate_sdk_instances{version="1",source="redis"} 60');
      expect(text).toContain('redis_migrate_sdk_instances_kill_switched 1');
      expect(text.match(/^redis_migrate_queue_jobs\{/gm)?.length).toBe(11 * 2 * 4);
      // No jobs finished: no failure ratio to speak of (NaN, not 0 %); no maxConnections in the plan: no series.
      expect(text).toMatch(/^redis_migrate_failure_ratio nan$/im);
      expect(text).not.toMatch(/^redis_migrate_max_connections /m);
      // The median of 20 scrapes, best of three rounds: a loaded machine delays some rounds, a scrape that did real work would be slow in all.
      const medians: number[] = [];
      for (let round = 0; round < 3; round++) {
        const times: number[] = [];
        for (let i = 0; i < 20; i++) times.push((await scrape()).ms);
        medians.push(times.sort((x, y) => x - y)[10]!);
      }
      expect(Math.min(...medians)).toBeLessThan(50);
    } finally {
      await http.close();
    }
  });
});
