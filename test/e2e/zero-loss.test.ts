/**
 * The point of an incremental migration: while the fleet produces at a steady rate, the CLI flips
 * the tiers, rolls back and flips again, and every job is processed exactly once, nothing is left
 * behind in either system, and every repeatable tick fires in exactly one system.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../examples/fleet/ledger.js';
import { forkFleet, type FleetChild } from '../../examples/fleet/supervisor.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { backlogByKey, shortSoakPlan } from '../support/fleet.js';
import { backdateHistory } from '../support/history.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const QUEUES = defaultPlan().tiers.flatMap((tier) => tier.queues);
const TICK_MS = 2000;

describe('zero lost jobs across flips and rollbacks', () => {
  let server: RedisServer;
  let plan: ReturnType<typeof shortSoakPlan>;
  const namespace = uniqueNamespace('zero');
  const ledger = new Ledger(TICK_MS);
  const children: FleetChild[] = [];

  beforeAll(async () => {
    server = await startRedis();
    plan = shortSoakPlan(namespace);
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await server?.stop();
    plan?.cleanup();
  });

  /** Jobs produced and repeat ticks fired so far, to wait until the fleet has worked a while in the current state. */
  function progress(): { produced: number; ticks: Map<string, number> } {
    const summary = ledger.summary();
    return { produced: summary.produced, ticks: new Map(summary.repeatables.map((repeatable) => [repeatable.queue, repeatable.ticks])) };
  }

  /** Wait until at least `jobs` more jobs were produced and every repeatable fired again since `from`. */
  async function worked(from: ReturnType<typeof progress>, jobs: number, what: string): Promise<void> {
    await waitFor(
      () => {
        const now = progress();
        return now.produced - from.produced >= jobs && now.ticks.size === 3 && [...now.ticks].every(([queue, ticks]) => ticks > (from.ticks.get(queue) ?? 0));
      },
      { timeoutMs: 30_000, what },
    );
  }

  async function cli(...args: string[]) {
    if (args[0] === 'phase2') {
      // Each tier's soak window counts as passed: the gate is tested elsewhere, here only the jobs matter.
      const redis = server.client();
      await backdateHistory(redis, stateKeys(namespace), '1h');
    }
    const run = await runCli([...args, '--yes', '--json', '--wait', '3s'], {
      env: { REDIS_URL: server.url, REDIS_MIGRATE_ACTOR: 'zero-loss-test' },
      cwd: plan.path.replace(/\/[^/]+$/, ''),
    });
    expect(run.exitCode, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
    return run.result();
  }

  it('processes every job exactly once while tiers move back and forth', { timeout: 120_000 }, async () => {
    const env = {
      REDIS_URL: server.url,
      REDIS_MIGRATE_CONFIG: plan.path,
      REDIS_MIGRATE_NAMESPACE: namespace,
      FLEET_HEARTBEAT_MS: '1000',
      FLEET_DRAIN_SETTLE_MS: '500',
      FLEET_DRAIN_WATCH_MS: '4000',
      FLEET_REPEAT_CRON: '*/2 * * * * *',
      FLEET_CONCURRENCY: '4',
    };
    // An API-like producer that also owns the repeatables, and two competing worker processes.
    const api = forkFleet({ name: 'api', env: { ...env, FLEET_ROLES: 'produce,schedule', FLEET_RATE: '100' }, ledger });
    const workers = ['w1', 'w2'].map((name) => forkFleet({ name, env: { ...env, FLEET_ROLES: 'work', FLEET_RATE: '0' }, ledger }));
    children.push(api, ...workers);
    await Promise.all(children.map((child) => child.ready));

    const steps: string[][] = [
      ['phase2', '--tier', 'non-critical'],
      ['phase2', '--tier', 'medium'],
      ['rollback', '--tier', 'medium', '--reason', 'zero-loss test'],
      ['rollback', '--reason', 'zero-loss test'],
      // The rollback returned every tier to legacy: they come back one phase2 at a time.
      ['phase2', '--tier', 'non-critical'],
      ['phase2', '--tier', 'medium'],
      ['phase2', '--tier', 'critical'],
    ];
    // The fleet works on legacy a while first: jobs on Bull and a tick of every repeatable.
    await worked({ produced: 0, ticks: new Map() }, 200, 'jobs and ticks on the legacy side');
    for (const step of steps) {
      const before = progress();
      const report = await cli(...step);
      expect(report.changed, step.join(' ')).toBe(true);
      // Every live instance (3 fleet processes) applied the change before the CLI returned.
      expect(report.confirmations.confirmed).toBe(3);
      await worked(before, 150, `jobs and ticks after ${step.join(' ')}`);
    }

    // Workers let go of the legacy side once it drained.
    await waitFor(() => workers.every((worker) => worker.lanes.length > 0 && worker.lanes.every((lane) => lane.startsWith('bullmq:'))), {
      timeoutMs: 30_000,
      what: 'legacy workers to stop',
    });
    api.setRate(0);
    await waitFor(() => ledger.summary().outstanding === 0, { timeoutMs: 30_000, what: 'every produced job to be processed' });
    // One more tick of every repeatable, on BullMQ, before the fleet stops.
    await worked(progress(), 0, 'a last tick of every repeatable');
    const codes = await Promise.all(children.map((child) => child.stop()));
    expect(codes).toEqual([0, 0, 0]);
    // No unhandled rejection or failed shutdown in any process.
    for (const child of children)
      expect(
        child.logs.filter((line) => line.startsWith('error:')),
        child.name,
      ).toEqual([]);

    const summary = ledger.summary();
    // At least what the waits above let through: 200 on legacy, then 150 after each step.
    expect(summary.produced).toBeGreaterThanOrEqual(200 + steps.length * 150);
    expect(summary.bySystem.bull.produced).toBeGreaterThan(200);
    expect(summary.bySystem.bullmq.produced).toBeGreaterThan(200);
    expect({ outstanding: summary.outstanding, duplicates: summary.duplicates, unknown: summary.unknown, addFailures: summary.addFailures }).toEqual({
      outstanding: 0,
      duplicates: 0,
      unknown: 0,
      addFailures: 0,
    });

    expect(summary.repeatables).toHaveLength(3);
    for (const repeatable of summary.repeatables) {
      expect(repeatable.doubleFired, repeatable.queue).toEqual([]);
      expect(repeatable.gaps, repeatable.queue).toEqual([]);
      expect(repeatable.bySystem.bull, repeatable.queue).toBeGreaterThan(0);
      expect(repeatable.bySystem.bullmq, repeatable.queue).toBeGreaterThan(0);
      expect(repeatable.lastSystem, repeatable.queue).toBe('bullmq');
    }

    // Nothing left in either system: no legacy job and no legacy schedule; BullMQ holds only the next scheduled ticks.
    const redis = server.client();
    for (const queue of QUEUES) {
      expect(await backlogByKey(redis, 'bull', 'bull', queue), `bull ${queue}`).toEqual({});
      expect(await redis.zcard(`bull:${queue}:repeat`), `bull ${queue} repeat`).toBe(0);
      const left = await backlogByKey(redis, 'bullmq', 'bullmq', queue);
      const ids = Object.values(left).flat();
      expect(
        ids.every((id) => id.startsWith(`repeat:tick:`)),
        `bullmq ${queue}: ${JSON.stringify(left)}`,
      ).toBe(true);
    }
    // Every connection the fleet opened is closed.
    const clients = (await redis.client('LIST')) as string;
    expect(clients).not.toMatch(/name=(fleet:|bull:|redis-migrate:sdk:)/);
  });
});
