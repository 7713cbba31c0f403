import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectFlags, type FlagsClient } from '../../src/flags/index.js';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { writePlan } from '../support/plan-files.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { fastHttpChecks, restEndpoint } from '../support/http.js';
import { startRedis } from '../support/redis-server.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

function cli(namespace: string, args: string[], extra: string[] = []) {
  return runCli([...args, '--json', '--namespace', namespace, ...extra], { env: { REDIS_URL: inject('redisUrl') } });
}

describe.concurrent('rollback', () => {
  it('puts every queue back on legacy, reports how many app instances confirmed, and is idempotent', async () => {
    const ns = uniqueNamespace();
    const apps: FlagsClient[] = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        connectFlags({ app: i < 4 ? 'api' : 'worker', redisUrl: inject('redisUrl'), namespace: ns, env: {}, heartbeatMs: 1000 }),
      ),
    );
    try {
      const flip = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
      expect(flip.result().confirmations).toMatchObject({ live: 8, confirmed: 8 });
      expect(apps.every((app) => app.useBullMQ('token-health-reminder'))).toBe(true);

      const rollback = await cli(ns, ['rollback', '--yes', '--reason', 'error rate up']);
      expect(rollback.exitCode).toBe(0);
      expect(rollback.json().ok).toBe(true);
      const report = rollback.result();
      expect(report).toMatchObject({ changed: true, version: 2, after: { useBullmq: 'false' } });
      expect(report.confirmations).toMatchObject({ live: 8, confirmed: 8, unconfirmed: [] });
      expect(report.confirmations.slowestMs).toBeGreaterThanOrEqual(0);
      // Every instance was back on legacy before the command returned.
      expect(apps.every((app) => !app.useBullMQ('token-health-reminder') && app.version === 2)).toBe(true);
      // Every tier goes back to legacy with the master switch: the next phase2 turns on only the tier it names.
      expect(report.tiers.find((t: { name: string }) => t.name === 'non-critical')).toMatchObject({ state: 'legacy', effective: 'legacy' });

      const again = await cli(ns, ['rollback', '--yes']);
      expect(again.result()).toMatchObject({ changed: false, version: 2, confirmations: { live: 8, confirmed: 8 } });
      const audit = (await cli(ns, ['audit'])).result();
      expect(audit.entries.map((e: { kind: string }) => e.kind)).toEqual(['flip', 'rollback']);
      expect(audit.entries[1]).toMatchObject({
        reason: 'error rate up',
        before: { useBullmq: 'true', 'tier:non-critical': 'bullmq' },
        after: { useBullmq: 'false', 'tier:non-critical': 'legacy' },
      });

      const restore = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
      expect(restore.result()).toMatchObject({ changed: true, after: { useBullmq: 'true' } });
      expect(apps.every((app) => app.useBullMQ('token-health-reminder'))).toBe(true);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('reports instances that did not confirm within --wait', async () => {
    const ns = uniqueNamespace();
    const keys = stateKeys(ns);
    // A registered, heart-beating instance that never applies anything (a hung process).
    const now = Number((await admin.time())[0]) * 1000;
    await admin.hset(
      keys.instances,
      'ghost',
      JSON.stringify({
        id: 'ghost',
        app: 'legacy-cron',
        host: 'box9',
        pid: 4242,
        version: 0,
        epoch: null,
        source: 'env',
        killSwitch: false,
        heartbeatMs: 60_000,
        startedAt: now,
      }),
    );
    await admin.zadd(keys.heartbeats, now, 'ghost');
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes', '--wait', '0']);
    const rollback = await cli(ns, ['rollback', '--yes', '--wait', '300ms']);
    expect(rollback.exitCode).toBe(0);
    expect(rollback.result().confirmations).toMatchObject({ live: 1, confirmed: 0, unconfirmed: [{ id: 'ghost', app: 'legacy-cron', pid: 4242 }] });
    expect(rollback.result().warnings.join(' ')).toContain('1 of 1 live app instance(s) did not confirm');
  });

  it('instances that apply the rollback and shut down at once count as confirmed, listed as gone', async () => {
    const ns = uniqueNamespace();
    const apps: FlagsClient[] = await Promise.all(
      Array.from({ length: 20 }, () => connectFlags({ app: 'worker', redisUrl: inject('redisUrl'), namespace: ns, env: {}, heartbeatMs: 1000 })),
    );
    try {
      expect((await cli(ns, ['phase2', '--tier', 'non-critical', '--yes'])).result().confirmations).toMatchObject({ live: 20, confirmed: 20 });
      // Each app shuts down the moment it has applied the rollback (e.g. a deploy that was already stopping).
      for (const app of apps) app.once('change', () => void app.close());
      const rollback = await cli(ns, ['rollback', '--yes', '--wait', '5s']);
      const report = rollback.result();
      expect(report.confirmations).toMatchObject({ live: 20, confirmed: 20, unconfirmed: [] });
      expect(report.confirmations.gone).toHaveLength(20);
      expect(report.confirmations.gone.every((instance: { confirmed: boolean }) => instance.confirmed)).toBe(true);
      expect(report.warnings).toEqual([]);
      // They really left: no record remains.
      expect(await admin.hlen(stateKeys(ns).instances)).toBe(0);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('an instance that left without a word (its record removed) is gone, not "did not confirm"', async () => {
    const ns = uniqueNamespace();
    const keys = stateKeys(ns);
    const now = Number((await admin.time())[0]) * 1000;
    await admin.hset(
      keys.instances,
      'old-sdk',
      JSON.stringify({
        id: 'old-sdk',
        app: 'cron',
        host: 'box1',
        pid: 7,
        version: 0,
        epoch: null,
        source: 'env',
        killSwitch: false,
        heartbeatMs: 60_000,
        startedAt: now,
      }),
    );
    await admin.zadd(keys.heartbeats, now, 'old-sdk');
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes', '--wait', '0']);
    // It shuts down as the rollback is published, removing its record but sending nothing.
    const listener = admin.duplicate();
    await listener.subscribe(keys.changes);
    listener.on('message', () => void admin.multi().hdel(keys.instances, 'old-sdk').zrem(keys.heartbeats, 'old-sdk').exec());
    try {
      const rollback = await cli(ns, ['rollback', '--yes', '--wait', '500ms']);
      expect(rollback.result().confirmations).toMatchObject({
        live: 1,
        confirmed: 0,
        unconfirmed: [],
        gone: [{ id: 'old-sdk', app: 'cron', confirmed: false }],
      });
      expect(rollback.result().warnings).toEqual([]);
    } finally {
      listener.disconnect();
    }
  });

  it('--tier returns one tier; --phase 1 turns HTTP Redis off', async () => {
    const ns = uniqueNamespace();
    // phase1 runs the HTTP checks first: give it a working REST endpoint over the same Redis.
    const rest = await restEndpoint(inject('redisUrl'));
    const config = writePlan({ ...defaultPlanDocument(), http: fastHttpChecks() });
    const phase1 = await runCli(['phase1', '--yes', '--json', '--namespace', ns, '--config', config], {
      env: { REDIS_URL: inject('redisUrl'), ...rest.env },
    }).finally(() => rest.close());
    expect(phase1.exitCode).toBe(0);
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    await cli(ns, ['phase2', '--tier', 'medium', '--yes', '--force', '--reason', 'test']);
    const tier = await cli(ns, ['rollback', '--tier', 'non-critical', '--yes']);
    expect(tier.result()).toMatchObject({ changed: true, after: { 'tier:non-critical': 'legacy' }, flags: { USE_BULLMQ: true, BULLMQ_TIERS: ['medium'] } });
    expect(tier.result().notes.join(' ')).toContain('medium stay on BullMQ');
    const http = await cli(ns, ['rollback', '--phase', '1', '--yes']);
    expect(http.result()).toMatchObject({ changed: true, flags: { USE_HTTP_REDIS: false, USE_BULLMQ: true } });
    const bad = await cli(ns, ['rollback', '--tier', 'nope', '--yes']);
    expect(bad.exitCode).toBe(2);
    expect(bad.json().error.message).toContain('valid tiers');
  });

  it('is not blocked by the lock or a broken plan file', async () => {
    const ns = uniqueNamespace();
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    await admin.set(
      stateKeys(ns).lock,
      JSON.stringify({ owner: 'stuck@ops', command: 'phase2 --tier medium', host: 'h', pid: 1, since: 0, token: 't' }),
      'PX',
      60_000,
    );
    const broken = writePlan('{ "namespace": "x", "tiers": [ ');
    const rollback = await cli(ns, ['rollback', '--yes'], ['--config', broken]);
    expect(rollback.exitCode).toBe(0);
    expect(rollback.result()).toMatchObject({ changed: true, flags: { USE_BULLMQ: false } });
    expect(rollback.result().warnings[0]).toContain('plan file unusable');
    // Other state changes do wait for the lock.
    const blocked = await cli(ns, ['phase1', '--yes']);
    expect(blocked.exitCode).toBe(5);
    expect(blocked.json().error.message).toContain('stuck@ops (phase2 --tier medium');
  });

  it('with a broken plan that may name a namespace it cannot read, it says how to proceed', async () => {
    const broken = writePlan('{ "namespace": 42, "tiers": [');
    const run = await runCli(['rollback', '--yes', '--json', '--config', broken], { env: { REDIS_URL: inject('redisUrl') } });
    expect(run.exitCode).toBe(2);
    expect(run.json().error.fix).toContain('--namespace');
  });

  it('with a broken plan that names no namespace, it rolls back the default one and warns once', async () => {
    // Its own server: this test uses the "default" namespace.
    const server = await startRedis();
    try {
      const env = { REDIS_URL: server.url };
      expect((await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json'], { env })).exitCode).toBe(0);
      const broken = writePlan('not json at all');
      const json = await runCli(['rollback', '--yes', '--json', '--config', broken], { env });
      expect(json.exitCode, json.stdout).toBe(0);
      expect(json.result()).toMatchObject({ namespace: 'default', changed: true, flags: { USE_BULLMQ: false } });
      expect(json.result().warnings.filter((w: string) => w.includes('plan file unusable'))).toHaveLength(1);
      expect(json.stderr).not.toContain('plan file unusable');

      const human = await runCli(['rollback', '--yes', '--config', broken], { env });
      expect(human.exitCode).toBe(0);
      expect(`${human.stdout}\n${human.stderr}`.split('plan file unusable')).toHaveLength(2);
      expect(human.stdout).toContain('namespace "default"');

      // A YAML plan broken elsewhere still names its namespace on its own line: that one is rolled back.
      await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--namespace', 'shop'], { env });
      const yaml = writePlan('namespace: shop\ntiers: [\n', { name: 'redis-migrate.config.yaml' });
      const named = await runCli(['rollback', '--yes', '--json', '--config', yaml], { env });
      expect(named.exitCode, named.stdout).toBe(0);
      expect(named.result()).toMatchObject({ namespace: 'shop', changed: true });
    } finally {
      await server.stop();
    }
  });
});
