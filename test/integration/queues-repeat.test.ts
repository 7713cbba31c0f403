/** Repeatables through redis-migrate/queues on real Bull 4 and BullMQ 6: stored as each library stores them, moved with their tier tick for tick. */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RepeatMove, Side } from '../../src/adapters/queues/index.js';
import { bullRepeatJobId, bullRepeatKey } from '../../src/adapters/queues/naming.js';
import { adapterWorld, type AdapterWorld } from '../support/adapter.js';
import { waitFor } from '../support/wait.js';

const QUEUE = 'token-refresh';
let world: AdapterWorld;
afterEach(async () => {
  await world?.cleanup();
});

describe('repeatables', () => {
  it('are a Bull repeat on Bull and a job scheduler on BullMQ, and move both ways on the same tick', { timeout: 30_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'rep');
    const flags = await world.flags();
    const queues = world.queues(flags);
    const moves: RepeatMove[] = [];
    queues.on('repeat', (move) => moves.push(move));
    const q = queues.get(QUEUE);
    const key = (side: Side, suffix: string) => `${world.prefixes[side]}:${QUEUE}:${suffix}`;
    // Hourly: no tick fires during the test.
    const spec = { name: 'refresh', schedule: { pattern: '0 0 * * * *' } };
    await q.repeat('refresh', { cron: '0 0 * * * *' }, { full: true }, { attempts: 2 });
    const due = Number(await world.admin.zscore(key('bull', 'repeat'), bullRepeatKey(spec)));
    expect(due).toBeGreaterThan(Date.now());
    expect(await world.admin.zscore(key('bull', 'delayed'), bullRepeatJobId(spec, due))).not.toBeNull();
    expect(moves).toEqual([{ queue: QUEUE, name: 'refresh', to: 'bull', tick: null, outcome: 'created' }]);

    await world.flip('critical', 'bullmq');
    await waitFor(() => moves.length === 2, { what: 'the move to BullMQ' });
    expect(moves[1]).toEqual({ queue: QUEUE, name: 'refresh', to: 'bullmq', tick: due, outcome: 'moved' });
    expect([await world.admin.zcard(key('bull', 'repeat')), await world.admin.zcard(key('bull', 'delayed'))]).toEqual([0, 0]);
    expect(await world.admin.zscore(key('bullmq', 'delayed'), `repeat:refresh:${due}`)).not.toBeNull();
    expect(await world.admin.hget(key('bullmq', 'repeat:refresh'), 'pattern')).toBe('0 0 * * * *');

    await world.flip('critical', 'bull');
    await waitFor(() => moves.length === 3, { what: 'the move back' });
    expect(moves[2]).toEqual({ queue: QUEUE, name: 'refresh', to: 'bull', tick: due, outcome: 'moved' });
    expect(await world.admin.zcard(key('bullmq', 'delayed'))).toBe(0);
    expect(Number(await world.admin.zscore(key('bull', 'repeat'), bullRepeatKey(spec)))).toBe(due);

    // A new pattern under the same name replaces the old schedule; removeRepeat leaves nothing anywhere.
    await q.repeat('refresh', { pattern: '0 30 * * * *' }, { full: true });
    expect(await world.admin.zrange(key('bull', 'repeat'), 0, -1)).toEqual([bullRepeatKey({ name: 'refresh', schedule: { pattern: '0 30 * * * *' } })]);
    await q.removeRepeat('refresh');
    expect([
      await world.admin.zcard(key('bull', 'repeat')),
      await world.admin.zcard(key('bull', 'delayed')),
      await world.admin.zcard(key('bullmq', 'delayed')),
    ]).toEqual([0, 0, 0]);
    await expect(q.repeat('bad', { every: 1000 } as never)).rejects.toThrow(/every/);
  });

  it('fire every tick exactly once while flips and rollbacks move them, with two processes following the same repeatable', { timeout: 40_000 }, async () => {
    world = adapterWorld(inject('redisUrl'), 'ticks');
    const fired = new Map<number, { side: Side; at: number }[]>();
    const adapters = [];
    for (let i = 0; i < 2; i++) {
      const queues = world.queues(await world.flags(), { drain: { pollMs: 50, settleMs: 200 } });
      const q = queues.get(QUEUE);
      await q.process(async (job) => {
        if (job.repeatTick !== undefined) fired.set(job.repeatTick, [...(fired.get(job.repeatTick) ?? []), { side: job.side, at: Date.now() }]);
      });
      await q.repeat('tick', { pattern: '* * * * * *' });
      adapters.push(queues);
    }
    const sides = (side: Side) => [...fired.values()].flat().filter((fire) => fire.side === side).length;
    for (const side of ['bullmq', 'bull', 'bullmq', 'bull', 'bullmq'] as const) {
      const before = sides(side);
      await world.flip('critical', side);
      await waitFor(() => sides(side) >= before + 2, { what: `two ticks on ${side}`, timeoutMs: 10_000 });
    }
    const ticks = [...fired.keys()].sort((a, b) => a - b);
    const doubles = [...fired].filter(([, by]) => by.length > 1);
    // A missing tick is lost unless the tick before ran after its time (both libraries then schedule from the run).
    const gaps: number[] = [];
    for (let i = 1; i < ticks.length; i++) {
      const ranAt = Math.min(...(fired.get(ticks[i - 1] as number) ?? []).map((fire) => fire.at));
      for (let t = (ticks[i - 1] as number) + 1000; t < (ticks[i] as number); t += 1000) if (ranAt < t) gaps.push(t);
    }
    expect({ doubles, gaps }).toEqual({ doubles: [], gaps: [] });
    expect(ticks.length).toBeGreaterThanOrEqual(10);
  });
});
