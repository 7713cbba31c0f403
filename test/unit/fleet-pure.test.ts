import { describe, expect, it } from 'vitest';
import { defaultRepeatQueues, fleetOptionsFromEnv, parseRoles } from '../../examples/fleet/config.js';
import { Ledger } from '../../examples/fleet/ledger.js';
import { defaultPlan } from '../../src/plan/default-plan.js';

const plan = defaultPlan();

describe('fleet options', () => {
  it('defaults to one process doing everything, per-queue topology, one repeatable per tier', () => {
    const options = fleetOptionsFromEnv({}, plan);
    expect([...options.roles]).toEqual(['produce', 'work', 'schedule']);
    expect(options.topology).toBe('per-queue');
    expect(options.repeatQueues).toEqual(['webhook-health-check', 'adaptive-sync', 'token-refresh']);
    expect(options.http).toBeUndefined();
    expect(options.flags).toBe(true);
    expect(fleetOptionsFromEnv({ FLEET_FLAGS: 'off' }, plan).flags).toBe(false);
  });

  it('reads roles, rate, topology and the HTTP endpoint from the environment', () => {
    const options = fleetOptionsFromEnv(
      {
        FLEET_ROLES: 'work',
        FLEET_RATE: '250',
        FLEET_TOPOLOGY: 'merged',
        FLEET_NAME: 'w1',
        UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079',
        UPSTASH_REDIS_REST_TOKEN: 't',
      },
      plan,
    );
    expect([...options.roles]).toEqual(['work']);
    expect(options.rate).toBe(250);
    expect(options.topology).toBe('merged');
    expect(options.http).toEqual({ url: 'http://127.0.0.1:8079', token: 't' });
  });

  it.each([
    [{ FLEET_ROLES: 'cook' }, /unknown role "cook"/],
    [{ FLEET_TOPOLOGY: 'star' }, /FLEET_TOPOLOGY/],
    [{ FLEET_RATE: '-1' }, /FLEET_RATE/],
    [{ FLEET_REPEAT_QUEUES: 'nope' }, /not a queue of the plan/],
    [{ FLEET_NAME: 'a b' }, /FLEET_NAME/],
  ])('rejects %j', (env, message) => {
    expect(() => fleetOptionsFromEnv(env, plan)).toThrow(message);
  });

  it('parses role lists', () => {
    expect([...parseRoles('produce, schedule')]).toEqual(['produce', 'schedule']);
    expect(defaultRepeatQueues(plan)).toHaveLength(3);
  });
});

describe('Ledger', () => {
  const batch = (over: Partial<Parameters<Ledger['apply']>[0]>) => ({
    type: 'events' as const,
    from: 'p',
    produced: [],
    done: [],
    fires: [],
    addFailures: 0,
    ...over,
  });

  it('counts produced, processed, outstanding and duplicates per system', () => {
    const ledger = new Ledger();
    ledger.apply(
      batch({
        produced: [
          ['a', 'q', 'bull'],
          ['b', 'q', 'bullmq'],
          ['c', 'q', 'bullmq'],
        ],
      }),
    );
    ledger.apply(
      batch({
        done: [
          ['a', 'q', 'bull', 1],
          ['b', 'q', 'bullmq', 1],
          ['b', 'q', 'bullmq', 2],
          ['x', 'q', 'bull', 1],
        ],
        addFailures: 1,
      }),
    );
    expect(ledger.summary()).toMatchObject({
      produced: 3,
      processed: 2,
      outstanding: 1,
      duplicates: 1,
      unknown: 1,
      addFailures: 1,
      bySystem: { bull: { produced: 1, processed: 1 }, bullmq: { produced: 2, processed: 1 } },
    });
    expect(ledger.outstandingIds()).toEqual(['c']);
  });

  it('finds ticks fired twice and ticks missing', () => {
    const ledger = new Ledger(1000);
    ledger.apply(
      batch({
        fires: [
          ['r', 'bull', 1000, 1010],
          ['r', 'bull', 2000, 2010],
          ['r', 'bullmq', 2000, 2020],
          ['r', 'bullmq', 5000, 5010],
        ],
      }),
    );
    const [repeat] = ledger.summary().repeatables;
    expect(repeat).toEqual({
      queue: 'r',
      ticks: 3,
      bySystem: { bull: 2, bullmq: 2 },
      doubleFired: [2000],
      gaps: [3000, 4000],
      skippedLate: [],
      lastSystem: 'bullmq',
    });
  });

  it('tells ticks the library skipped because a tick ran late from ticks lost', () => {
    const ledger = new Ledger(1000);
    // Tick 2000 ran at 3500: the library scheduled the next one from then (4000), skipping 3000 by design.
    ledger.apply(
      batch({
        fires: [
          ['r', 'bull', 1000, 1010],
          ['r', 'bull', 2000, 3500],
          ['r', 'bull', 4000, 4010],
          ['r', 'bull', 6000, 6010],
        ],
      }),
    );
    const [repeat] = ledger.summary().repeatables;
    expect([repeat?.skippedLate, repeat?.gaps]).toEqual([[3000], [5000]]);
  });
});
