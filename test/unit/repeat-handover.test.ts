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

/** A Bull-like side: after the removal, one pick-up in flight still schedules tick 6, as `race` says. */
class RacingSide extends MemorySide {
  private pickups = 0;
  constructor(private readonly race: (side: RacingSide) => void) {
    super(() => 0);
  }
  async pickingUp() {
    if (this.pickups++ > 0) return false;
    this.race(this);
    return true;
  }
  async leftTicks() {
    return [...this.jobs].filter((tick) => !this.promoted.has(tick) && tick !== this.scheduled);
  }
  async removeTick(_spec: RepeatSpec, millis: number) {
    if (!this.promoted.has(millis)) this.jobs.delete(millis);
  }
}

async function moveToBullmq(bull: MemorySide, bullmq: MemorySide): Promise<RepeatMove[]> {
  const moves: RepeatMove[] = [];
  const handover = new RepeatHandover({
    sides: { bull, bullmq },
    flags: { useBullMQ: () => true },
    moved: (move) => moves.push(move),
    error: (error) => {
      throw error;
    },
  });
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

  it.each([
    [
      're-adds the repeatable and its tick',
      (side: RacingSide) => {
        side.scheduled = 6 * PERIOD;
        side.jobs.add(6 * PERIOD);
      },
    ],
    ["adds the tick's job after the removal (Bull adds the two in separate steps)", (side: RacingSide) => side.jobs.add(6 * PERIOD)],
  ])('takes over the tick a Bull pick-up in flight still schedules: it %s', async (_label, race) => {
    const bull = new RacingSide(race);
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 6 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.scheduled, bull.jobs.has(5 * PERIOD), bull.jobs.has(6 * PERIOD), bullmq.scheduled, bullmq.added]).toEqual([null, true, false, 6 * PERIOD, []]);
    expect(moves.map((move) => [move.tick, move.outcome])).toEqual([
      [5 * PERIOD, 'ran-on-old-side'],
      [6 * PERIOD, 'moved'],
    ]);
  });

  it('starts the new side before waiting for a pick-up, so the wait cannot push its first tick out', async () => {
    let now = 5.5 * PERIOD;
    // The pick-up in flight found the repeatable removed and scheduled nothing; meanwhile two periods passed.
    const bull = new RacingSide(() => (now = 7.5 * PERIOD));
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    const bullmq = new MemorySide(() => Math.ceil(now / PERIOD) * PERIOD);
    await moveToBullmq(bull, bullmq);
    expect([bullmq.scheduled, bullmq.added]).toEqual([6 * PERIOD, []]);
  });

  it('compensates a tick taken from a pick-up when the new side starts after it', async () => {
    const bull = new RacingSide((side) => side.jobs.add(6 * PERIOD));
    bull.scheduled = 5 * PERIOD;
    bull.jobs.add(5 * PERIOD);
    bull.promoted.add(5 * PERIOD);
    const bullmq = new MemorySide(() => 7 * PERIOD);
    const moves = await moveToBullmq(bull, bullmq);
    expect([bull.jobs.has(6 * PERIOD), bullmq.scheduled, bullmq.added]).toEqual([false, 7 * PERIOD, [6 * PERIOD]]);
    expect(moves.map((move) => move.outcome)).toEqual(['ran-on-old-side', 'compensated']);
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
