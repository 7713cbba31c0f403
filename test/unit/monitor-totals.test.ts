/** Monitor totals from stored readings, and the health verdict: pure rules. */
import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/monitor/metrics-server.js';
import { breachKey, parseTotals, storedCursors, totalsUpdates } from '../../src/monitor/totals.js';
import { emptyCounts } from '../../src/observe/queue-keys.js';
import type { RawSample } from '../../src/observe/sampler.js';

function raw(
  queue: string,
  legacy: { completed: number; failed: number },
  bullmq: { completed: number; failed: number },
  events: { completed: number; failed: number },
  cursor: string,
): RawSample {
  return {
    at: 0,
    connections: { total: 0, app: 0, byRole: {} as RawSample['connections']['byRole'], byTier: {} },
    commands: { total: 0, byCommand: {} },
    queues: { [queue]: { legacy: { ...emptyCounts(), ...legacy }, bullmq: { ...emptyCounts(), ...bullmq }, bullmqEvents: events } },
    instances: { live: 0, versions: {}, groups: [], killSwitched: 0 },
    cursors: { [queue]: cursor },
    ownCommands: 0,
    ownByCommand: {},
  };
}

describe('monitor totals', () => {
  it('a queue seen for the first time records its readings and counts nothing', () => {
    const [update] = totalsUpdates({}, raw('q', { completed: 40, failed: 2 }, { completed: 9, failed: 1 }, { completed: 0, failed: 0 }, '5-0'), ['q']);
    expect(update!.incr.every(([, by]) => by === 0)).toBe(true);
    expect(update!.expect).toContainEqual(['seen:q:legacy:completed', '']);
    expect(update!.set).toContainEqual(['seen:q:legacy:completed', '40']);
    expect(update!.set).toContainEqual(['cursor:q', '5-0']);
  });

  it('counts set growth since the stored reading; BullMQ takes the larger of set growth and events', () => {
    const stored = {
      'seen:q:legacy:completed': '40',
      'seen:q:legacy:failed': '2',
      'seen:q:bullmq:completed': '9',
      'seen:q:bullmq:failed': '1',
      'cursor:q': '5-0',
    };
    expect(storedCursors(stored, ['q', 'other'])).toEqual({ q: '5-0' });
    // removeOnComplete keeps BullMQ's completed set small: the 30 events count; a cleaned legacy set counts 0, not minus.
    const [update] = totalsUpdates(stored, raw('q', { completed: 10, failed: 5 }, { completed: 10, failed: 4 }, { completed: 30, failed: 1 }, '9-0'), ['q']);
    expect(Object.fromEntries(update!.incr)).toEqual({
      'jobs:q:legacy:completed': 0,
      'jobs:q:legacy:failed': 3,
      'jobs:q:bullmq:completed': 30,
      'jobs:q:bullmq:failed': 3,
    });
    expect(update!.expect).toContainEqual(['cursor:q', '5-0']);
  });

  it('parses totals and breach counts, and names breaches by threshold and queue', () => {
    const totals = parseTotals({ 'jobs:q:bullmq:completed': '12', 'breaches:maxFailureRate': '2', 'breaches:active': 'maxFailureRate:q' }, ['q']);
    expect(totals.jobs.q).toEqual({ legacy: { completed: 0, failed: 0 }, bullmq: { completed: 12, failed: 0 } });
    expect(totals.breaches).toEqual({ maxFailureRate: 2 });
    expect(breachKey({ threshold: 'maxFailureRate', queue: 'q' })).toBe('maxFailureRate:q');
    expect(breachKey({ threshold: 'maxConnections' })).toBe('maxConnections:');
  });

  it('/healthz: ok while the loop turns (Redis up or not), stalled after three intervals, at least 30 s', () => {
    const base = { startedAt: 0, redisUp: false, samples: 0, failedSamples: 3 };
    expect(healthOf({ ...base, lastIterationAt: 100_000 }, 10_000, 125_000).code).toBe(200);
    expect(healthOf({ ...base, lastIterationAt: 100_000 }, 10_000, 131_000)).toEqual({ status: 'stalled', code: 503 });
    expect(healthOf({ ...base, lastIterationAt: 100_000 }, 1_000, 129_000).code).toBe(200);
    expect(healthOf({ ...base, lastIterationAt: null }, 10_000, 20_000).code).toBe(200);
  });
});
