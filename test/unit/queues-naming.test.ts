/** Where the queues adapter puts things on each side (pure). */
import { describe, expect, it } from 'vitest';
import {
  backlogKeys,
  bullmqJobName,
  bullmqQueueOf,
  bullmqRepeatJobId,
  bullRepeatJobId,
  bullRepeatKey,
  compensationJobId,
  repeatTickOf,
  schedulerId,
  splitMergedName,
  type Topology,
} from '../../src/adapters/queues/naming.js';

const perQueue: Topology = { kind: 'per-queue' };
const merged: Topology = { kind: 'merged', queue: 'jobs', concurrency: undefined };

describe('topology', () => {
  it('keeps each queue, or puts every job in one queue named by queue and job name', () => {
    expect([bullmqQueueOf(perQueue, 'calendar-sync'), bullmqJobName(perQueue, 'calendar-sync', 'sync')]).toEqual(['calendar-sync', 'sync']);
    expect([bullmqQueueOf(merged, 'calendar-sync'), bullmqJobName(merged, 'calendar-sync', 'sync')]).toEqual(['jobs', 'calendar-sync:sync']);
    expect(splitMergedName('calendar-sync:sync:extra')).toEqual({ queue: 'calendar-sync', name: 'sync:extra' });
  });

  it('lists the keys holding unfinished jobs on each side', () => {
    expect(backlogKeys('bull', 'bull', 'q').map(([, key]) => key)).toEqual(['bull:q:wait', 'bull:q:active', 'bull:q:delayed', 'bull:q:paused']);
    expect(backlogKeys('bullmq', 'bullmq', 'q').map(([kind, key]) => `${kind} ${key}`)).toContain('zset bullmq:q:prioritized');
  });
});

describe('repeatables', () => {
  const spec = { queue: 'token-refresh', name: '__default__', schedule: { pattern: '*/2 * * * * *' } };

  it('names them as Bull 4 and BullMQ 6 do', () => {
    expect(bullRepeatKey(spec)).toBe('__default__::::*/2 * * * * *');
    expect(bullRepeatKey({ name: 'r', schedule: { pattern: '0 9 * * *', tz: 'UTC', endDate: 5 } })).toBe('r::5:UTC:0 9 * * *');
    expect(bullRepeatJobId(spec, 1000)).toMatch(/^repeat:[0-9a-f]{32}:1000$/);
    expect([schedulerId(perQueue, spec), schedulerId(merged, spec)]).toEqual(['__default__', 'token-refresh:__default__']);
    expect(bullmqRepeatJobId('refresh', 1000)).toBe('repeat:refresh:1000');
  });

  it('finds the tick of a scheduled job on either side and of a compensating one', () => {
    expect(repeatTickOf('repeat:abc:2000', { repeat: { cron: 'x' }, prevMillis: 2000 })).toBe(2000);
    expect(repeatTickOf('repeat:refresh:3000', { repeatJobKey: 'refresh', prevMillis: 3000 })).toBe(3000);
    const id = compensationJobId(spec, 4000);
    expect(id).toMatch(/^tick-[0-9a-f]{16}-4000$/);
    expect(repeatTickOf(id, {})).toBe(4000);
    expect(repeatTickOf('plain-5000', {})).toBeUndefined();
  });
});
