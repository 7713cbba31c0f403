/**
 * What redis-migrate/queues really opens, read from CLIENT LIST and classified as `connections`
 * does, equals what `plan`'s connection budget predicts for the same process at each step.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migratingQueues, sharedConnection, type MigratingQueues } from '../../src/adapters/queues/index.js';
import { connectFlags } from '../../src/flags/index.js';
import { classifyConnections, summarizeConnections, type ConnectionSummary } from '../../src/observe/classify.js';
import { parseClientList } from '../../src/observe/client-list.js';
import { processConnections } from '../../src/plan/budget.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import type { PlanProcess } from '../../src/plan/topology-schema.js';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const plan = defaultPlan();
const QUEUES = plan.tiers.flatMap((tier) => tier.queues);
const queueTier = Object.fromEntries(plan.tiers.flatMap((tier) => tier.queues.map((queue) => [queue, tier.name])));
const DRAIN = { pollMs: 50, settleMs: 100 };

let server: RedisServer;
let admin: Redis;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url, { connectionName: 'redis-migrate:cli:test' });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

function world() {
  const namespace = uniqueNamespace('conn');
  const ctx = { legacyPrefix: `${namespace}-bull`, bullmqPrefix: `${namespace}-bullmq`, queueTier };
  const onBullmq = new Set<string>();
  return {
    namespace,
    ctx,
    onBullmq,
    async flip(tier: string) {
      const queues = plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
      for (const queue of queues) onBullmq.add(queue);
      await applyFlagChange(admin, stateKeys(namespace), {
        changes: { useBullmq: 'true', [`tier:${tier}`]: 'bullmq', [`tier:${tier}:queues`]: queues.join(',') },
        actor: 'test',
        command: `phase2 --tier ${tier}`,
        kind: 'flip',
      });
    },
    /** This world's connections (other tests' servers are separate; the admin's own is the tool's). */
    async measure(): Promise<ConnectionSummary> {
      const clients = parseClientList(String(await admin.client('LIST'))).map((client) => ({ client, node: null }));
      return summarizeConnections(classifyConnections(clients, ctx));
    },
    predicted(process: PlanProcess, merge: 'none' | 'all' = 'none'): number {
      return processConnections(process, QUEUES, queueTier, merge, { bullmq: new Set(onBullmq), draining: new Set(), phase1Done: false, cleanedUp: false })
        .total;
    },
  };
}

function adapterProcess(overrides: Partial<PlanProcess> & { connections: Partial<PlanProcess['connections']> }): PlanProcess {
  return {
    name: 'app',
    replicas: 1,
    workers: 'all',
    queueEvents: 'none',
    produces: 'all',
    bullmqConnection: 'shared',
    legacyConnection: 'default',
    ...overrides,
    connections: { phase1: 0, other: 0, flagsSdk: 2, flagsSdkOnBullmq: false, queuesAdapter: true, ...overrides.connections },
  };
}

/** The steady reading: `expected` connections, each Bull blocking connection named and blocked (not between two commands). */
async function settle(w: ReturnType<typeof world>, expected: number): Promise<ConnectionSummary> {
  let last: ConnectionSummary | undefined;
  const steady = (s: ConnectionSummary) => s.app === expected && s.byRole['legacy-worker'] === s.byRole['legacy-events'];
  try {
    await waitFor(
      async () => {
        last = await w.measure();
        return steady(last);
      },
      { timeoutMs: 15_000, what: `${expected} connections` },
    );
  } catch {
    // Fall through to the assertion, which shows what was measured.
  }
  return last as ConnectionSummary;
}

describe('connections the queues adapter opens', () => {
  it('one process, flags with their own connections, one BullMQ queue per queue: 36, 30, 14 as the budget says', { timeout: 60_000 }, async () => {
    const w = world();
    const flags = await connectFlags({ app: 'api', redisUrl: server.url, namespace: w.namespace, env: {}, heartbeatMs: 500 });
    const queues = migratingQueues({
      flags,
      redisUrl: server.url,
      name: `${w.namespace}-app`,
      bull: { prefix: w.ctx.legacyPrefix },
      bullmq: { prefix: w.ctx.bullmqPrefix },
      drain: DRAIN,
    });
    closers.push(
      () => queues.close(),
      () => flags.close(),
    );
    const process = adapterProcess({ connections: { flagsSdk: 2 } });
    await startAll(queues);

    expect(w.predicted(process)).toBe(36);
    const legacy = await settle(w, 36);
    expect(legacy.app).toBe(36);
    expect(legacy.byRole).toMatchObject({ 'legacy-worker': 11, 'legacy-events': 11, 'bullmq-shared': 1, 'flags-sdk': 2, 'bullmq-worker': 0 });
    expect(legacy.bySystem.legacy).toBe(33);

    await w.flip('non-critical');
    const nonCritical = await settle(w, w.predicted(process));
    expect([nonCritical.app, nonCritical.byRole['bullmq-worker'], nonCritical.bySystem.legacy]).toEqual([30, 3, 24]);

    await w.flip('medium');
    await w.flip('critical');
    const all = await settle(w, w.predicted(process));
    expect([all.app, all.byRole['bullmq-worker'], all.bySystem.legacy, all.byRole['bullmq-shared']]).toEqual([14, 11, 0, 1]);

    await queues.close();
    await flags.close();
    expect((await settle(w, 0)).app).toBe(0);
  });

  it('the smallest setup: flags on the shared connection, queues merged; a producer-only process alongside: 35 + 13 before, 3 + 2 after', {
    timeout: 60_000,
  }, async () => {
    const w = world();
    const open = async (name: string, producerOnly: boolean) => {
      const connection = sharedConnection({ redisUrl: server.url, name: `${w.namespace}-${name}`, failFast: producerOnly });
      const flags = await connectFlags({ app: name, redis: connection, namespace: w.namespace, env: {}, heartbeatMs: 500 });
      const queues = migratingQueues({
        flags,
        bull: { prefix: w.ctx.legacyPrefix },
        bullmq: { prefix: w.ctx.bullmqPrefix, connection },
        topology: { merged: 'jobs' },
        drain: DRAIN,
        failFast: producerOnly,
      });
      closers.push(
        () => queues.close(),
        () => flags.close(),
        () => connection.quit(),
      );
      return queues;
    };
    const worker = await open('worker', false);
    const api = await open('api', true);
    await startAll(worker, false);
    await Promise.all(QUEUES.map((queue) => api.get(queue).add('job', {})));
    const shared = { flagsSdk: 1, flagsSdkOnBullmq: true };
    const workerProcess = adapterProcess({ name: 'worker', produces: 'none', connections: shared });
    const apiProcess = adapterProcess({ name: 'api', workers: 'none', connections: shared });
    const predicted = () => w.predicted(workerProcess, 'all') + w.predicted(apiProcess, 'all');

    expect([w.predicted(workerProcess, 'all'), w.predicted(apiProcess, 'all')]).toEqual([35, 13]);
    expect((await settle(w, 48)).app).toBe(48);
    for (const tier of ['non-critical', 'medium', 'critical']) await w.flip(tier);
    expect([w.predicted(workerProcess, 'all'), w.predicted(apiProcess, 'all')]).toEqual([3, 2]);
    await Promise.all(QUEUES.map((queue) => api.get(queue).add('job', {})));
    const after = await settle(w, predicted());
    expect([after.app, after.byRole['bullmq-worker'], after.byRole['bullmq-shared'], after.byRole['flags-sdk'], after.bySystem.legacy]).toEqual([
      5, 1, 2, 2, 0,
    ]);
  });
});

/** Every queue produced to and processed, so each side that has work opens what it needs. */
async function startAll(queues: MigratingQueues, produce = true): Promise<void> {
  for (const queue of QUEUES) await queues.get(queue).process(async () => undefined);
  if (produce) await Promise.all(QUEUES.map((queue) => queues.get(queue).add('job', {})));
}
