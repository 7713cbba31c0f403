import { describe, expect, it } from 'vitest';
import { classifyKey, globEscape, isBullMeta, scanPattern, type LegacyScope } from '../../src/cleanup/legacy-keys.js';

const scope: LegacyScope = { legacyPrefix: 'bull', bullmqPrefix: 'bullmq', queues: new Set(['sync', 'calendar-sync']) };

describe('classifyKey', () => {
  it.each([
    ['bull:sync:1', 'job', undefined],
    ['bull:sync:42:lock', 'job-lock', undefined],
    ['bull:sync:42:logs', 'job-logs', undefined],
    ['bull:sync:repeat:2139229d6409838fcdaf57f662735edc:1795640400000', 'repeat-job', undefined],
    ['bull:sync:repeat:2139229d6409838fcdaf57f662735edc:1795640400000:lock', 'job-lock', undefined],
    ['bull:sync:wait', 'wait', ['list']],
    ['bull:sync:active', 'active', ['list']],
    ['bull:sync:paused', 'paused', ['list']],
    ['bull:sync:delayed', 'delayed', ['zset']],
    ['bull:sync:completed', 'completed', ['zset']],
    ['bull:sync:failed', 'failed', ['zset']],
    ['bull:sync:priority', 'priority', ['zset']],
    ['bull:sync:id', 'id', ['string']],
    ['bull:sync:stalled-check', 'stalled-check', ['string']],
    ['bull:sync:stalled', 'stalled', ['set']],
    ['bull:sync:meta-paused', 'meta-paused', ['string']],
    ['bull:sync:meta', 'meta', ['hash']],
    ['bull:sync:repeat', 'repeat', ['zset']],
    ['bull:sync:limiter', 'limiter', ['string', 'hash', 'zset']],
    ['bull:sync:limiter:index', 'limiter', ['string', 'hash', 'zset']],
    ['bull:sync:metrics:completed', 'metrics', ['hash']],
    ['bull:sync:metrics:failed:data', 'metrics', ['list']],
    ['bull:sync:de:some-id', 'debounce', ['string']],
    // Custom job ids (group limiter ids contain ':'): deleted only if the TYPE fits.
    ['bull:sync:custom:id-1', 'job', ['hash']],
    ['bull:sync:dd2b90f9-3129-4472-8517-61bc3e7ecea9:u1', 'job', ['hash']],
    ['bull:sync:custom:id-1:logs', 'job-logs', ['list']],
  ])('%s is legacy %s', (key, kind, types) => {
    const verdict = classifyKey(key, scope);
    expect(verdict).toMatchObject({ verdict: 'legacy', kind, queue: 'sync' });
    expect(verdict.verdict === 'legacy' ? verdict.verify?.types : 'x').toEqual(types);
  });

  it.each(['marker', 'events', 'prioritized', 'pc', 'waiting-children'])('BullMQ-only %s under the legacy prefix is foreign', (name) => {
    expect(classifyKey(`bull:sync:${name}`, scope)).toEqual({ verdict: 'foreign', queue: 'sync', shape: name });
  });

  it.each([
    ['bullmq:sync:1', 'outside-prefix'], // BullMQ's own keys: `bull:*` never matches `bullmq:*`
    ['bullmq:sync:wait', 'outside-prefix'],
    ['redis-migrate:{default}:state', 'outside-prefix'],
    ['app:bull:sync:1', 'outside-prefix'],
    ['bullish:sync:1', 'outside-prefix'],
    ['bull:sync', 'not-a-queue-key'], // an app key named like the prefix and queue, without the colon
    ['bull:sync-v2:1', 'queue-not-targeted'], // a queue whose name starts with a target's name
    ['bull:syncer:wait', 'queue-not-targeted'],
    ['bull:other:1', 'queue-not-targeted'],
    ['bull:sync:', 'unknown-shape'],
    ['bull:sync:repeat:hourly', 'unknown-shape'], // a BullMQ job scheduler
    ['bull:sync:7:dependencies', 'unknown-shape'], // a BullMQ flow key
  ])('%s is kept (%s)', (key, reason) => {
    expect(classifyKey(key, scope)).toMatchObject({ verdict: 'keep', reason });
  });

  it('keeps everything when both libraries share the prefix: nothing can be proven legacy', () => {
    expect(classifyKey('bull:sync:1', { ...scope, bullmqPrefix: 'bull' })).toEqual({ verdict: 'keep', reason: 'shared-prefix' });
  });

  it('works with a hash-tagged prefix and glob characters in names', () => {
    const tagged: LegacyScope = { legacyPrefix: '{bull}', bullmqPrefix: '{bullmq}', queues: new Set(['a*b']) };
    expect(classifyKey('{bull}:a*b:7', tagged)).toMatchObject({ verdict: 'legacy', kind: 'job' });
    expect(classifyKey('{bull}:aXb:7', tagged)).toMatchObject({ verdict: 'keep', reason: 'queue-not-targeted' });
    expect(scanPattern('{bull}', ['a*b'])).toBe('{bull}:a\\*b:*');
  });
});

describe('scan pattern', () => {
  it('always ends the prefix and the queue with a colon', () => {
    expect(scanPattern('bull', ['sync'])).toBe('bull:sync:*');
    expect(scanPattern('bull', ['sync', 'calendar-sync'])).toBe('bull:*');
    expect(globEscape('a?[b]\\')).toBe('a\\?\\[b\\]\\\\');
  });
});

describe('isBullMeta', () => {
  it("accepts Bull's forward-compatible pause flag only", () => {
    expect(isBullMeta(['paused'])).toBe(true);
    expect(isBullMeta([])).toBe(true);
    expect(isBullMeta(['version', 'opts.maxLenEvents'])).toBe(false);
    expect(isBullMeta(['paused', 'version'])).toBe(false);
  });
});
