/** `verify` and `loadtest` as users run them: real BullMQ queues on an isolated prefix, keys removed after. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

describe('verify and loadtest', () => {
  let redis: Redis;
  // Its own server: the production job below, under the plan's real BullMQ prefix, would fail
  // bullmq.prefix-collision for every phase2 run on the shared server meanwhile.
  let server: RedisServer;
  const namespace = uniqueNamespace('synth');
  const env = { REDIS_URL: '', REDIS_MIGRATE_NAMESPACE: namespace };
  // A production job under the plan's BullMQ prefix that the synthetic runs must not touch.
  const production = 'bullmq:webhook-health-check:wait';

  beforeAll(async () => {
    server = await startRedis();
    env.REDIS_URL = server.url;
    redis = new Redis(server.url);
    await redis.rpush(production, 'production-job-1');
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  async function keysUnder(prefix: string): Promise<string[]> {
    return (await redis.keys(`${prefix}:*`)) as string[];
  }

  it('verify --tier passes every queue of the tier, reports per queue and leaves no key behind', async () => {
    const run = await runCli(['verify', '--tier', 'non-critical', '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json().ok).toBe(true);
    const report = run.result();
    expect(report.queues.map((queue: { queue: string }) => queue.queue)).toEqual(['webhook-health-check', 'notification-reminder', 'token-health-reminder']);
    for (const queue of report.queues) {
      expect(queue.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok])).toEqual([
        ['completes', true],
        ['retries with backoff', true],
        ['fails for good', true],
        ['reports progress', true],
      ]);
    }
    expect(report.prefix).toMatch(/^rm-verify-[0-9a-f]{6}$/);
    expect(await keysUnder(report.prefix)).toEqual([]);
    expect(await redis.lrange(production, 0, -1)).toEqual(['production-job-1']);
  });

  it('verify exits 3 with a per-queue failure when the events do not arrive in time', async () => {
    const run = await runCli(['verify', '--tier', 'critical', '--deadline', '1ms', '--json'], { env });
    expect(run.exitCode).toBe(3);
    expect(run.json().ok).toBe(false);
    const report = run.result();
    expect(report.queues.every((queue: { ok: boolean }) => !queue.ok)).toBe(true);
    expect(await keysUnder(report.prefix)).toEqual([]);
  });

  it('verify rejects an unknown tier with exit 2', async () => {
    const run = await runCli(['verify', '--tier', 'nope', '--json'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('tier.unknown');
  });

  it('loadtest --jobs runs every job, measures, and cleans up', async () => {
    const run = await runCli(['loadtest', '--jobs', '300', '--tier', 'medium', '--concurrency', '4', '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.result();
    expect(run.json().ok).toBe(true);
    expect(report).toMatchObject({ jobs: 300, completed: 300, failed: 0, tier: 'medium', concurrency: 4 });
    expect(report.queues).toHaveLength(5);
    expect(report.perQueue.reduce((sum: number, queue: { completed: number }) => sum + queue.completed, 0)).toBe(300);
    expect(report.throughput).toBeGreaterThan(0);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p95);
    expect(report.latencyMs.p95).toBeLessThanOrEqual(report.latencyMs.p99);
    // One shared connection plus one blocking connection per Worker (facts file): never more.
    expect(report.peakConnections.loadtest).toBeGreaterThanOrEqual(2);
    expect(report.peakConnections.loadtest).toBeLessThanOrEqual(6);
    expect(report.commands.perJob).toBeGreaterThan(1);
    expect(report.cleanup.keysLeft).toBe(0);
    expect(await keysUnder(report.prefix)).toEqual([]);
    expect(await redis.lrange(production, 0, -1)).toEqual(['production-job-1']);
    // No progress bar without a terminal.
    expect(run.stderr).not.toContain('[#');
  });

  it('loadtest --rate paces the adds', async () => {
    const run = await runCli(['loadtest', '--jobs', '100', '--rate', '200', '--tier', 'critical', '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.result();
    expect(report.rate).toBe(200);
    expect(report.enqueueMs).toBeGreaterThanOrEqual(400);
  });

  it('loadtest rejects bad numbers with exit 2', async () => {
    const run = await runCli(['loadtest', '--jobs', 'many', '--json'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('option.invalid');
  });
});
