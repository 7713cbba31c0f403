/** The tick-exact hand-over of a repeatable between the two sides (redis-migrate/queues), against in-memory sides. */
import { describe, expect, it } from 'vitest';
import type { RepeatSpec } from '../../src/adapters/queues/naming.js';
import { RepeatHandover } from '../../src/adapters/queues/repeat-handover.js';
import type { RepeatSide } from '../../src/adapters/queues/repeat-sides.js';
import type { RepeatMove } from '../../src/adapters/queues/types.js';

const PERIOD = 1000;
const SPEC: RepeatSpec = { queue: 'q', name: 'refresh', schedule: { pattern: '* * * * * *' }, data: {}, opts: {} };

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
  async removeOthers(_spec: RepeatSpec, all: boolean) {
    if (all) await this.remove();
  }
}

async function moveToBullmq(bull: MemorySide, bullmq: MemorySide): Promise<RepeatMove[]> {
  const moves: RepeatMove[] = [];
  const handover = new RepeatHandover({ sides: { bull, bullmq }, flags: { useBullMQ: () => true }, moved: (move) => moves.push(move), error: (error) => { throw error; } });
  await handover.register(SPEC);
  await handover.stop();
  return moves;
}

describe('repeatable hand-over', () => {
  it('moves the scheduled tick itself when it is still delayed', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 5 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.scheduled, bull.jobs.size, bullmq.scheduled, bullmq.added]).toEqual([null, 0, 5 * PERIOD, []]);
    expect(moves).toEqual([{ queue: 'q', name: 'refresh', to: 'bullmq', tick: 5 * PERIOD, outcome: 'moved' }]);
  });

  it('leaves a tick that was already due to the old side and starts after it', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.jobs.has(5 * PERIOD), bullmq.scheduled, bullmq.added]).toEqual([true, 6 * PERIOD, []]);
    expect(moves[0]?.outcome).toBe('ran-on-old-side');
  });

  it('compensates a tick the move would otherwise lose (removed, and the new side starts later)', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.jobs.size, bullmq.scheduled, bullmq.added]).toEqual([0, 6 * PERIOD, [5 * PERIOD]]);
    expect(moves[0]?.outcome).toBe('compensated');
  });

  it('creates the schedule when neither side has it, and does nothing when it is in place', async () => {
    const bull = new MemorySide(() => 0);
    const bullmq = new MemorySide(() => 3 * PERIOD);
    expect((await moveToBullmq(bull, bullmq))[0]?.outcome).toBe('created');
    bullmq.scheduled = 4 * PERIOD;
    expect(await moveToBullmq(bull, bullmq)).toEqual([]);
    expect([bullmq.scheduled, bullmq.added]).toEqual([4 * PERIOD, []]);
  });

  it('waits for a pick-up in flight on Bull and takes the tick it re-added (Bull\'s check-then-add)', async () => {
    const bull = new MemorySide(() => 0);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    let pickups = 0;
    // A Bull worker picked up tick 5 just before the removal; it adds tick 6 once its check passed.
    Object.assign(bull, {
      async pickingUp() {
        if (pickups++ > 0) return false;
        bull.scheduled = 6 * PERIOD;
        bull.jobs.add(6 * PERIOD);
        return true;
      },
    });
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.scheduled, bull.jobs.has(5 * PERIOD), bull.jobs.has(6 * PERIOD), bullmq.scheduled, bullmq.added]).toEqual([null, true, false, 6 * PERIOD, []]);
    expect(moves).toEqual([{ queue: 'q', name: 'refresh', to: 'bullmq', tick: 6 * PERIOD, outcome: 'moved' }]);
  });

  it('rejects register when the first placement fails, and unregister removes from both sides', async () => {
    const bull = new MemorySide(() => 0);
    const bullmq = new MemorySide(() => 1);
    bullmq.create = async () => {
      throw new Error('bad pattern');
    };
    const handover = new RepeatHandover({ sides: { bull, bullmq }, flags: { useBullMQ: () => true }, moved: () => undefined, error: () => undefined });
    await expect(handover.register(SPEC)).rejects.toThrow('bad pattern');
    bull.scheduled = 7;
    await handover.unregister('q', 'refresh');
    expect(bull.scheduled).toBeNull();
    await handover.stop();
  });
});
