import { describe, expect, it } from 'vitest';
import { parseInstances } from '../../src/state/instances.js';
import { diffChanges } from '../../src/state/model.js';

describe('parseInstances', () => {
  it('an instance is live within three heartbeat intervals', () => {
    const record = (id: string) =>
      JSON.stringify({ id, app: 'api', host: 'h', pid: 1, version: 2, epoch: 'e', source: 'redis', killSwitch: false, heartbeatMs: 1000, startedAt: 0 });
    const now = 100_000;
    const list = parseInstances({ a: record('a'), b: record('b'), broken: '{' }, ['a', String(now - 2500), 'b', String(now - 3500)], now);
    expect(list.map((i) => [i.id, i.live])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('diffChanges', () => {
  it('treats never-written fields as their defaults, so a rollback on a fresh store changes nothing', () => {
    expect(diffChanges({}, { useBullmq: 'false', 'tier:medium': 'legacy' })).toEqual({});
    expect(diffChanges({ useBullmq: 'true' }, { useBullmq: 'false' })).toEqual({ useBullmq: 'false' });
  });
});
