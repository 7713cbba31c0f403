/** redis-migrate/queues on real Bull 4 and BullMQ 6: one job shape, one event stream, retries as each side does them, the merged topology. */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { QueueJob, Side } from '../../src/adapters/queues/index.js';
import { adapterWorld, type AdapterWorld } from '../support/adapter.js';
import { waitFor } from '../support/wait.js';

let world: AdapterWorld;
afterEach(async () => {
  await world?.cleanup();
});

/** What a handler can see of a job, minus what differs by nature (id, side, creation time). */
function shape(job: QueueJob<Record<string, unknown>>) {
  return {
    name: job.name,
    data: job.data,
    opts: { ...job.opts, jobId: undefined },
    attemptsMade: job.attemptsMade,
    queue: job.queue,
    repeatTick: job.repeatTick,
    timestampType: typeof job.timestamp,
    idType: typeof job.id,
  };
}

describe('one job shape and one event stream on both sides', () => {
  it('a handler sees the same job on Bull and BullMQ; completed, failed, progress and drained come from both; retries use the custom backoff on each', {
    timeout: 30_000,
  }, async () => {
    world = adapterWorld(inject('redisUrl'), 'shape');
    const flags = await world.flags();
    const backoffCalls: [number, string][] = [];
    const queues = world.queues(flags, {
      backoffStrategies: {
        linear: (attemptsMade, error) => {
          backoffCalls.push([attemptsMade, error.message]);
          return 20 * attemptsMade;
        },
      },
    });
    const q = queues.get<Record<string, unknown>, string>('webhook-health-check');
    const seen: { side: Side; shape: ReturnType<typeof shape> }[] = [];
    const handled = new Set<QueueJob<Record<string, unknown>>>();
    const events: string[] = [];
    q.on('completed', (job, result) => events.push(`completed ${job.side} ${job.id} ${result}${handled.has(job) ? " (the handler's job)" : ''}`));
    q.on('failed', (job, error) => events.push(`failed ${job?.side} ${job?.id} ${job?.attemptsMade} ${error.message}`));
    q.on('progress', (job, progress) => events.push(`progress ${job.side} ${job.id} ${JSON.stringify(progress)}`));
    q.on('drained', (side) => events.push(`drained ${side}`));
    await q.process(
      async (job) => {
        seen.push({ side: job.side, shape: shape(job) });
        handled.add(job);
        await job.updateProgress({ step: job.attemptsMade });
        await job.log(`attempt ${job.attemptsMade + 1}`);
        if (job.attemptsMade === 0) throw new Error('first attempt fails');
        return `done on ${job.side}`;
      },
      { concurrency: 2 },
    );
    const options = { attempts: 2, backoff: { type: 'linear' }, priority: 3, removeOnComplete: 10, removeOnFail: { count: 5 } };

    const onBull = await q.add('sync', { userId: 1 }, { ...options, jobId: 'shape-1' });
    expect([onBull.side, onBull.id, onBull.name, onBull.opts]).toEqual(['bull', 'shape-1', 'sync', { ...options, jobId: 'shape-1' }]);
    await waitFor(() => events.includes("completed bull shape-1 done on bull (the handler's job)"), { what: 'the Bull job to complete', timeoutMs: 10_000 });

    await world.flip('non-critical', 'bullmq');
    await waitFor(() => q.side === 'bullmq', { what: 'the flip to arrive' });
    const onBullmq = await q.add('sync', { userId: 1 }, { ...options, jobId: 'shape-2' });
    expect([onBullmq.side, onBullmq.id, onBullmq.name, onBullmq.opts]).toEqual(['bullmq', 'shape-2', 'sync', { ...options, jobId: 'shape-2' }]);
    await waitFor(() => events.includes("completed bullmq shape-2 done on bullmq (the handler's job)"), {
      what: 'the BullMQ job to complete',
      timeoutMs: 10_000,
    });
    await waitFor(() => events.includes('drained bull') && events.includes('drained bullmq'), { what: 'drained from both sides' });

    const bySide = (side: Side) => seen.filter((entry) => entry.side === side).map((entry) => entry.shape);
    expect(bySide('bull')).toHaveLength(2);
    expect(bySide('bullmq')).toEqual(bySide('bull'));
    expect(bySide('bull')[1]).toEqual({
      name: 'sync',
      data: { userId: 1 },
      opts: { ...options, jobId: undefined },
      attemptsMade: 1,
      queue: 'webhook-health-check',
      repeatTick: undefined,
      timestampType: 'number',
      idType: 'string',
    });
    for (const side of ['bull', 'bullmq'] as const) {
      const id = side === 'bull' ? 'shape-1' : 'shape-2';
      expect(events).toContain(`failed ${side} ${id} 1 first attempt fails`);
      expect(events).toContain(`progress ${side} ${id} {"step":0}`);
      expect(events).toContain(`progress ${side} ${id} {"step":1}`);
    }
    // Both libraries ask the one strategy, with the attempt that just failed.
    expect(backoffCalls).toEqual([
      [1, 'first attempt fails'],
      [1, 'first attempt fails'],
    ]);
    const logs = await Promise.all([
      world.admin.lrange(`${world.prefixes.bull}:webhook-health-check:shape-1:logs`, 0, -1),
      world.admin.lrange(`${world.prefixes.bullmq}:webhook-health-check:shape-2:logs`, 0, -1),
    ]);
    expect(logs).toEqual([
      ['attempt 1', 'attempt 2'],
      ['attempt 1', 'attempt 2'],
    ]);
  });

  it('refuses an option one side cannot honour at add, on either side, and writes nothing', async () => {
    world = adapterWorld(inject('redisUrl'), 'refuse');
    const queues = world.queues(await world.flags());
    const q = queues.get('webhook-health-check');
    await expect(q.add('sync', {}, { timeout: 1000 } as never)).rejects.toMatchObject({ code: 'queues.job-option-one-side' });
    await world.flip('non-critical', 'bullmq');
    await waitFor(() => q.side === 'bullmq');
    await expect(q.add('sync', {}, { jobId: '17' })).rejects.toThrow(/integer/);
    await expect(
      q.addBulk([
        { name: 'a', data: {} },
        { name: 'b', data: {}, opts: { keepLogs: 5 } as never },
      ]),
    ).rejects.toThrow(/keepLogs/);
    expect(await world.admin.keys(`${world.namespace}-*`)).toEqual([]);
    expect(() => queues.get('bad:name')).toThrow(/contains ":"/);
  });
});

describe('merged topology', () => {
  it("puts every queue's BullMQ jobs in one queue with one worker, and routes each job to its queue's handler by name", { timeout: 30_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'merged');
    const flags = await world.flags();
    const queues = world.queues(flags, { topology: { merged: 'jobs' } });
    const handled: string[] = [];
    const names = ['webhook-health-check', 'notification-reminder'];
    for (const name of names) {
      await queues.get<{ n: number }>(name).process(async (job) => void handled.push(`${job.queue} ${job.name} ${job.side} ${job.data.n}`), { concurrency: 3 });
    }
    await world.flip('non-critical', 'bullmq');
    await waitFor(() => queues.workers().includes('bullmq:jobs'), { what: 'the merged worker' });
    await queues.get('webhook-health-check').addBulk([1, 2].map((n) => ({ name: 'check', data: { n } })));
    await queues.get('notification-reminder').add('remind', { n: 3 });
    await waitFor(() => handled.length === 3, { what: 'three jobs' });
    expect(handled.sort()).toEqual(['notification-reminder remind bullmq 3', 'webhook-health-check check bullmq 1', 'webhook-health-check check bullmq 2']);
    expect(await world.admin.hget(`${world.prefixes.bullmq}:jobs:1`, 'name')).toMatch(/^(webhook-health-check:check|notification-reminder:remind)$/);
    await waitFor(() => queues.workers().join() === 'bullmq:jobs', { what: 'the Bull workers to stop' });
    // One blocking connection for the merged queue, named by BullMQ after it.
    const list = String(await world.admin.client('LIST'));
    const blocking = `${world.prefixes.bullmq}:${Buffer.from('jobs').toString('base64')}`;
    expect(list.split('\n').filter((line) => line.includes(`name=${blocking} `))).toHaveLength(1);
  });
});
