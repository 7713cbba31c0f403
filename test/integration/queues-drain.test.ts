/**
 * redis-migrate/queues after a flip: the old side's worker keeps running until every live app
 * instance has applied the change and its backlog is empty, then stops; it restarts for a late job
 * and on a rollback; a kill-switched instance keeps Bull's workers; close() lets active jobs finish.
 */
import Bull from 'bull';
import { hostname } from 'node:os';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { QueueFlags, WorkerChange } from '../../src/adapters/queues/index.js';
import type { FlagsClient } from '../../src/flags/index.js';
import { readState } from '../../src/state/flag-store.js';
import { reportInstance } from '../../src/state/instances.js';
import { stateKeys } from '../../src/state/keys.js';
import { adapterWorld, deferred, type AdapterWorld } from '../support/adapter.js';
import { waitFor } from '../support/wait.js';

const QUEUE = 'webhook-health-check';
const FAST_DRAIN = { pollMs: 50, settleMs: 200, ackTimeoutMs: 60_000, watchMs: 10_000 };

let world: AdapterWorld;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await world?.cleanup();
});

/** The real flags client, counting the adapter's rollout reads (one per drain poll). */
function counted(flags: FlagsClient): QueueFlags & { polls: number } {
  const wrapper = {
    polls: 0,
    app: flags.app,
    useBullMQ: (queue: string) => flags.useBullMQ(queue),
    on: (event: 'change', listener: () => void) => flags.on(event, listener),
    off: (event: 'change', listener: () => void) => flags.off(event, listener),
    rollout: () => {
      wrapper.polls++;
      return flags.rollout();
    },
  };
  return wrapper;
}

/** A Bull producer outside the adapter: an app instance that still adds to Bull. */
function legacyProducer(): Bull.Queue {
  const url = new URL(inject('redisUrl'));
  const queue = new Bull(QUEUE, { redis: { host: url.hostname, port: Number(url.port) }, prefix: world.prefixes.bull });
  closers.push(() => queue.close());
  return queue;
}

describe('draining the old side', () => {
  it('waits for every live instance and the backlog, stops, restarts for a late job and on a rollback', { timeout: 60_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'drain');
    const keys = stateKeys(world.namespace);
    const real = await world.flags();
    const flags = counted(real);
    const queues = world.queues(real, { flags, drain: FAST_DRAIN });
    const changes: WorkerChange[] = [];
    queues.on('worker', (change) => changes.push(change));
    const done: string[] = [];
    const q = queues.get<{ n: number }>(QUEUE);
    await q.process(async (job) => void done.push(`${job.side} ${job.data.n}`), { concurrency: 4 });
    const changesLike = (side: string, state: string, reason: string) =>
      changes.filter((c) => c.side === side && c.state === state && c.reason === reason).length;

    // Another app instance that has not applied the next flip yet (same store epoch, this version).
    const version = await world.flip('medium', 'bull');
    await waitFor(() => real.version === version);
    const { state } = await readState(world.admin, keys);
    const lagging = {
      id: 'lagging',
      app: 'old-api',
      host: hostname(),
      pid: 1,
      epoch: state.epoch,
      source: 'redis' as const,
      killSwitch: false,
      heartbeatMs: 60_000,
      startedAt: Date.now(),
    };
    await reportInstance(world.admin, keys, { ...lagging, version }, false);

    await q.addBulk([1, 2, 3].map((n) => ({ name: 'check', data: { n } })));
    await waitFor(() => done.length === 3, { what: 'the jobs on Bull' });
    expect(queues.workers()).toEqual([`bull:${QUEUE}`]);

    const flipped = await world.flip('non-critical', 'bullmq');
    await waitFor(() => queues.workers().length === 2, { what: 'the BullMQ worker to join' });
    await q.add('check', { n: 4 });
    // The lagging instance may still add to Bull: its worker stays, however long the backlog reads empty.
    const polls = flags.polls;
    await waitFor(() => flags.polls >= polls + 20, { what: 'twenty drain polls' });
    expect(queues.workers()).toEqual([`bull:${QUEUE}`, `bullmq:${QUEUE}`]);
    await legacyProducer().add('check', { n: 5 });
    await waitFor(() => done.includes('bull 5'), { what: "the lagging instance's job on Bull" });

    await reportInstance(world.admin, keys, { ...lagging, version: flipped }, true);
    await waitFor(() => changesLike('bull', 'stopped', 'drained') === 1, { what: 'the Bull worker to stop once every instance applied the flip' });
    expect(queues.workers()).toEqual([`bullmq:${QUEUE}`]);
    expect(done).toContain('bullmq 4');

    // A job that lands on Bull after the drain restarts its worker, which drains it and stops again.
    await legacyProducer().add('check', { n: 6 });
    await waitFor(() => changesLike('bull', 'stopped', 'drained') === 2, { what: 'the late job to be drained' });
    expect(changesLike('bull', 'started', 'late-job')).toBe(1);
    expect(done).toContain('bull 6');

    // Rollback while BullMQ holds a delayed job: Bull takes new work at once, BullMQ drains its job, then stops.
    await q.add('check', { n: 7 }, { delay: 800 });
    const rolledBack = await world.flip('non-critical', 'bull');
    await waitFor(() => q.side === 'bull');
    await q.add('check', { n: 8 });
    await reportInstance(world.admin, keys, { ...lagging, version: rolledBack }, true);
    await waitFor(() => changesLike('bullmq', 'stopped', 'drained') === 1, { what: 'the BullMQ worker to drain and stop', timeoutMs: 15_000 });
    expect(done).toEqual(expect.arrayContaining(['bullmq 7', 'bull 8']));
    expect(queues.workers()).toEqual([`bull:${QUEUE}`]);
    expect(new Set(done).size).toBe(done.length);
    expect(done).toHaveLength(8);
  });

  it("keeps Bull's worker while a live instance is pinned to Bull by its kill switch", { timeout: 30_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'pinned');
    const real = await world.flags();
    const flags = counted(real);
    const pinned = await world.flags({ USE_BULLMQ: 'false' });
    const queues = world.queues(real, { flags, drain: { ...FAST_DRAIN, ackTimeoutMs: 0 } });
    await queues.get(QUEUE).process(async () => undefined);
    await world.flip('non-critical', 'bullmq');
    await waitFor(() => queues.workers().length === 2);
    const polls = flags.polls;
    await waitFor(() => flags.polls >= polls + 20, { what: 'twenty drain polls' });
    expect(queues.workers()).toEqual([`bull:${QUEUE}`, `bullmq:${QUEUE}`]);
    await pinned.close();
    await waitFor(() => queues.workers().length === 1, { what: 'the Bull worker to stop once nobody is pinned' });
    expect(queues.workers()).toEqual([`bullmq:${QUEUE}`]);
  });
});

describe('close()', () => {
  it('lets active jobs on both sides finish, then closes every connection it opened', { timeout: 30_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'close');
    const flags = await world.flags();
    const queues = world.queues(flags, { name: `${world.namespace}-app`, drain: FAST_DRAIN });
    const q = queues.get<{ side: string }>(QUEUE);
    const release = deferred();
    const order: string[] = [];
    const started = new Set<string>();
    q.on('completed', (job) => order.push(`completed ${job.side}`));
    await q.process(
      async (job) => {
        started.add(job.side);
        await release.promise;
        order.push(`finished ${job.side}`);
      },
      { concurrency: 2 },
    );
    await q.add('slow', { side: 'bull' });
    await waitFor(() => started.has('bull'));
    await world.flip('non-critical', 'bullmq');
    await waitFor(() => q.side === 'bullmq');
    await q.add('slow', { side: 'bullmq' });
    await waitFor(() => started.has('bullmq'));

    const closing = queues.close().then(() => order.push('closed'));
    await expect(q.add('late', { side: 'none' })).rejects.toThrow(/closing/);
    release.resolve();
    await closing;
    expect(order.slice(-1)).toEqual(['closed']);
    expect(order.filter((entry) => entry.startsWith('finished')).sort()).toEqual(['finished bull', 'finished bullmq']);
    expect(order.filter((entry) => entry.startsWith('completed')).sort()).toEqual(['completed bull', 'completed bullmq']);
    expect(await world.admin.zcard(`${world.prefixes.bull}:${QUEUE}:completed`)).toBe(1);
    expect(await world.admin.zcard(`${world.prefixes.bullmq}:${QUEUE}:completed`)).toBe(1);
    expect(queues.workers()).toEqual([]);
    const list = String(await world.admin.client('LIST'));
    expect(list).not.toContain(`name=${world.namespace}-app:`);
    expect(list).not.toContain(`name=${world.prefixes.bull}:`);
    expect(list).not.toContain(`name=${world.prefixes.bullmq}:`);
  });

  it('a producer-only (failFast) adapter refuses process(), and places a repeatable while its connection is still connecting', async () => {
    world = adapterWorld(inject('redisUrl'), 'failfast');
    const queues = world.queues({ useBullMQ: () => false, on: () => undefined, off: () => undefined } as never, { failFast: true });
    expect(() => queues.get(QUEUE).process(async () => undefined)).toThrow(/failFast/);
    // No offline queue: the adapter's own reads wait for the connection instead of failing at once.
    await queues.get(QUEUE).repeat('hourly', { pattern: '0 0 * * * *' });
    expect(await world.admin.zcard(`${world.prefixes.bull}:${QUEUE}:repeat`)).toBe(1);
  });
});
