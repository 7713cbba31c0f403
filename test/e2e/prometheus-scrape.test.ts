/**
 * A real Prometheus scrapes `monitor --metrics-port` while the reference fleet runs and a tier
 * flips to BullMQ; the series it stored, read back through its HTTP API, match what
 * `connections --json`, `status --json` and Redis itself report. The shipped alert rules evaluate
 * cleanly on those series; every dashboard query runs.
 */
import Bull from 'bull';
import { Queue } from 'bullmq';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { shortSoakPlan, startFleetProcess } from '../support/fleet.js';
import { PROMETHEUS, prometheusSkipReason, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';
import { panelQueries } from '../support/dashboard.js';

const skip = prometheusSkipReason(PROMETHEUS);
const SHIPPED_RULES = fileURLToPath(new URL('../../monitoring/prometheus-rules.yml', import.meta.url));

describe.skipIf(skip !== null)(`Prometheus scraping the monitor${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let server: RedisServer;
  let prometheus: RunningPrometheus | undefined;
  const namespace = uniqueNamespace('prom');
  const plan = shortSoakPlan(namespace, '1h');
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server?.stop();
    plan.cleanup();
  });

  const cli = (...args: string[]) => runCli([...args, '--json', '--config', plan.path], { env: { REDIS_URL: server.url } });
  const value = async (expr: string): Promise<number | null> => {
    const result = await prometheus!.query(expr);
    return result.length ? Number(result[0]!.value[1]) : null;
  };

  it('stores series that match connections --json, status --json and Redis across a tier flip', { timeout: 120_000 }, async () => {
    const redis = server.client();
    // Jobs whose counts are known: delayed an hour, nobody processes them during the test.
    const bullmqQueue = new Queue('token-health-reminder', { connection: { port: server.port, host: '127.0.0.1' }, prefix: 'bullmq' });
    await bullmqQueue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'later', data: { i }, opts: { delay: 3_600_000 } })));
    await bullmqQueue.close();
    const legacyQueue = new Bull('adaptive-sync', { redis: { port: server.port, host: '127.0.0.1' }, prefix: 'bull' });
    await Promise.all([1, 2].map((i) => legacyQueue.add({ i }, { delay: 3_600_000 })));
    await legacyQueue.close();

    const fleet = await startFleetProcess('api', {
      REDIS_URL: server.url,
      REDIS_MIGRATE_CONFIG: plan.path,
      REDIS_MIGRATE_NAMESPACE: namespace,
      FLEET_RATE: '10',
      FLEET_HEARTBEAT_MS: '1000',
      FLEET_DRAIN_SETTLE_MS: '300',
      FLEET_DRAIN_WATCH_MS: '1000',
      FLEET_REPEAT_QUEUES: '',
    });
    cleanups.push(() => fleet.stop());

    const port = await freePort();
    const monitor = execa(
      'node',
      [BIN, 'monitor', '--interval', '1s', '--metrics-port', String(port), '--config', plan.path, '--redis-url', server.url, '--json'],
      { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' },
    );
    cleanups.push(async () => {
      monitor.kill('SIGTERM');
      await monitor;
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, { timeoutMs: 20_000, what: 'monitor /healthz' });
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`], scrapeInterval: '1s', ruleFiles: [SHIPPED_RULES] });
    cleanups.push(() => prometheus!.stop());
    await waitFor(async () => (await value('redis_migrate_up')) === 1, { timeoutMs: 20_000, intervalMs: 250, what: 'first scrape' });
    expect(await value('redis_migrate_tier_effective_side{tier="non-critical",side="legacy"}')).toBe(1);

    const flip = await cli('phase2', '--tier', 'non-critical', '--yes', '--wait', '3s');
    expect(flip.exitCode, flip.stdout + flip.stderr).toBe(0);
    const version = flip.result().version as number;
    await waitFor(async () => (await value('redis_migrate_tier_effective_side{tier="non-critical",side="bullmq"}')) === 1, {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: 'the flip in Prometheus',
    });
    // The same series was 1 on the legacy side before: Prometheus saw the tier move.
    expect(await value('max_over_time(redis_migrate_tier_effective_side{tier="non-critical",side="legacy"}[5m])')).toBe(1);
    expect(await value('redis_migrate_state_version')).toBe(version);
    expect(await value('redis_migrate_tier_state{tier="non-critical",state="bullmq"}')).toBe(1);
    expect(await value('redis_migrate_flag_enabled{flag="use_bullmq"}')).toBe(1);

    // Connections: Prometheus' latest reading equals connections --json once the fleet has settled.
    // Each reader leaves its own connection out and counts the other's as role "redis-migrate",
    // so that role differs by design; app connections exclude every redis-migrate connection.
    await waitFor(
      async () => {
        const report = (await cli('connections')).result();
        const roles = Object.keys(report.byRole).filter((role) => role !== 'redis-migrate');
        const [app, ...counts] = await Promise.all([
          value('redis_migrate_app_connections'),
          ...roles.map((role) => value(`redis_migrate_connections{role="${role}"}`)),
        ]);
        const same = app === report.app && roles.every((role, i) => counts[i] === report.byRole[role]);
        return same && report.byRole['bullmq-worker'] > 0;
      },
      { timeoutMs: 45_000, intervalMs: 500, what: 'connections in Prometheus = connections --json' },
    );

    // Job counts as Redis has them.
    expect(await value('redis_migrate_queue_jobs{queue="token-health-reminder",side="bullmq",state="delayed"}')).toBe(
      await redis.zcard('bullmq:token-health-reminder:delayed'),
    );
    expect(await value('redis_migrate_queue_jobs{queue="adaptive-sync",side="legacy",state="delayed"}')).toBe(await redis.zcard('bull:adaptive-sync:delayed'));
    expect(await redis.zcard('bullmq:token-health-reminder:delayed')).toBe(3);
    await waitFor(async () => ((await value('sum(redis_migrate_queue_jobs_completed_total{tier="non-critical",side="bullmq"})')) ?? 0) > 0, {
      timeoutMs: 20_000,
      intervalMs: 500,
      what: 'BullMQ completions counted',
    });
    expect(await value('sum(redis_migrate_queue_jobs_failed_total)')).toBe(0);

    // SDK instances and the soak, as status --json has them.
    const status = (await cli('status')).result();
    await waitFor(async () => (await value(`sum(redis_migrate_sdk_instances{version="${version}"})`)) === status.instances.current, {
      timeoutMs: 10_000,
      intervalMs: 250,
      what: 'SDK instances on the new version',
    });
    expect(status.instances.current).toBeGreaterThan(0);
    expect(await value('redis_migrate_sdk_instances_outdated')).toBe(0);
    const soak = status.tiers.find((tier: { name: string }) => tier.name === 'non-critical').soak;
    expect(await value('redis_migrate_tier_soak_required_seconds{tier="non-critical"}')).toBe(3600);
    expect(await value('redis_migrate_tier_soak_started_timestamp_seconds{tier="non-critical"}')).toBe(soak.startedAt / 1000);
    const elapsed = (await value('redis_migrate_tier_soak_elapsed_seconds{tier="non-critical"}'))!;
    expect(elapsed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThanOrEqual(soak.elapsedMs / 1000 + 1);
    expect(await value('redis_migrate_tier_soak_restarts_total{tier="non-critical"}')).toBe(0);

    // The shipped rules evaluate against the real series without errors (vector matching included), and none fires on a healthy soak.
    const rules = await prometheus!.rules();
    expect(rules.map((rule) => rule.name).sort()).toEqual(expect.arrayContaining(['RedisMigrateFailureRateHigh', 'RedisMigrateSoakInterrupted']));
    for (const rule of rules)
      expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? '' }).toEqual({ rule: rule.name, health: 'ok', error: '' });
    expect(rules.filter((rule) => rule.state === 'firing').map((rule) => rule.name)).toEqual([]);

    // Every dashboard query is valid PromQL against these series.
    for (const query of panelQueries()) {
      await expect(
        prometheus!.query(query.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m').replaceAll('$job', '.*')),
        query,
      ).resolves.toBeDefined();
    }
  });
});
