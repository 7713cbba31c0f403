/** The tick-exact handover of a repeatable between two systems, against in-memory sides. */
import { describe, expect, it } from 'vitest';
import type { RepeatSpec } from '../../examples/fleet/catalog.js';
import type { RepeatSide } from '../../examples/fleet/repeat-sides.js';
import { RepeatScheduler } from '../../examples/fleet/repeatables.js';
import type { FlagsClient } from '../../src/flags/client.js';

const PERIOD = 1000;

/** A side whose schedule is one number; `promoted` ticks survive removal (they were already due). */
class MemorySide implements RepeatSide {
  scheduled: number | null = null;
  jobs = new Set<number>();
  promoted = new Set<number>();
  added: number[] = [];
  constructor(private readonly firstTick: () => number) {}
  async next() {
    return this.scheduled;
  }
  async remove() {
    if (this.scheduled !== null && !this.promoted.has(this.scheduled)) this.jobs.delete(this.scheduled);
    this.scheduled = null;
  }
  async tickExists(_spec: RepeatSpec, millis: number) {
    return this.jobs.has(millis);
  }
  async create() {
    this.scheduled = this.firstTick();
    this.jobs.add(this.scheduled);
  }
  async addTick(_spec: RepeatSpec, millis: number) {
    this.added.push(millis);
    this.jobs.add(millis);
  }
}

async function moveToBullmq(bull: MemorySide, bullmq: MemorySide): Promise<string[]> {
  const logs: string[] = [];
  const flags = { useBullMQ: () => true } as unknown as FlagsClient;
  const scheduler = new RepeatScheduler([{ queue: 'q', cron: '* * * * * *' }], { bull, bullmq }, flags, (_level, message) => logs.push(message));
  await scheduler.reconcile();
  await scheduler.stop();
  return logs;
}

describe('repeatable handover', () => {
  it('moves the scheduled tick itself when it is still delayed', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 5 * PERIOD);
    const logs = await moveToBullmq(bull, bullmq);
    expect([bull.scheduled, bull.jobs.size, bullmq.scheduled, bullmq.added]).toEqual([null, 0, 5 * PERIOD, []]);
    expect(logs[0]).toContain('moved');
  });

  it('leaves a tick that was already due to the old side and starts after it', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const logs = await moveToBullmq(bull, bullmq);
    expect([bull.jobs.has(5 * PERIOD), bullmq.scheduled, bullmq.added]).toEqual([true, 6 * PERIOD, []]);
    expect(logs[0]).toContain('ran on the old side');
  });

  it('compensates a tick the move would otherwise lose (removed, and the new side starts later)', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const logs = await moveToBullmq(bull, bullmq);
    expect([bull.jobs.size, bullmq.scheduled, bullmq.added]).toEqual([0, 6 * PERIOD, [5 * PERIOD]]);
    expect(logs[0]).toContain('compensated');
  });

  it('creates the schedule when neither side has it, and does nothing when it is in place', async () => {
    const bull = new MemorySide(() => 0);
    const bullmq = new MemorySide(() => 3 * PERIOD);
    await moveToBullmq(bull, bullmq);
    expect(bullmq.scheduled).toBe(3 * PERIOD);
    bullmq.scheduled = 4 * PERIOD;
    await moveToBullmq(bull, bullmq);
    expect([bullmq.scheduled, bullmq.added]).toEqual([4 * PERIOD, []]);
  });
});
