import { describe, expect, it } from 'vitest';
import { countConnections } from '../../src/synthetic/loadtest-run.js';
import { escapeGlob, isolatedPrefix } from '../../src/synthetic/prefix.js';
import { latencySummary, percentile, totalCommandCalls } from '../../src/synthetic/stats.js';
import { judgeQueue, type Observed } from '../../src/synthetic/verify-queue.js';

describe('percentile', () => {
  it.each([
    [[], 50, 0],
    [[7], 99, 7],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 1],
  ])('%j p%i = %i', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('summarises unsorted latencies', () => {
    expect(latencySummary([30, 10, 20])).toEqual({ p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
  });
});

describe('totalCommandCalls', () => {
  it('sums calls over every command, ignoring other fields and sections', () => {
    const info = [
      '# Commandstats',
      'cmdstat_evalsha:calls=120,usec=900,usec_per_call=7.5,rejected_calls=0,failed_calls=0',
      'cmdstat_client|list:calls=3,usec=90,usec_per_call=30.0,rejected_calls=0,failed_calls=0',
      'cmdstat_bzpopmin:calls=11,usec=10,usec_per_call=1.0,rejected_calls=0,failed_calls=0',
      '',
    ].join('\r\n');
    expect(totalCommandCalls(info)).toBe(134);
    expect(totalCommandCalls('# Commandstats\r\n')).toBe(0);
  });
});

describe('isolated prefixes', () => {
  it('keeps the plan prefix hash-tagged on Redis Cluster', () => {
    expect(isolatedPrefix('verify', 'bullmq', 'abc123')).toBe('rm-verify-abc123');
    expect(isolatedPrefix('loadtest', '{bullmq}', 'abc123')).toBe('{rm-loadtest-abc123}');
    expect(isolatedPrefix('verify', 'bullmq')).toMatch(/^rm-verify-[0-9a-f]{6}$/);
  });

  it('escapes glob characters for SCAN MATCH', () => {
    expect(escapeGlob('{rm-x}')).toBe('{rm-x}');
    expect(escapeGlob('a*b?[c]')).toBe('a\\*b\\?\\[c\\]');
  });
});

describe('countConnections', () => {
  const list = [
    'id=1 addr=x name=redis-migrate:cli:loadtest cmd=evalsha',
    'id=2 addr=x name=rm-loadtest-abc:dG9rZW4= cmd=bzpopmin',
    'id=3 addr=x name=rm-loadtest-abc:Y2Fs cmd=bzpopmin',
    'id=4 addr=x name=redis-migrate:cli:loadtest-sampler cmd=client|list',
    'id=5 addr=x name= cmd=evalsha',
    'id=6 addr=x name=bull:Y2Fs cmd=brpoplpush',
    '',
  ].join('\n');
  it('counts the run and the server, never the sampler itself', () => {
    expect(countConnections(list, 'rm-loadtest-abc', 'redis-migrate:cli:loadtest', 'redis-migrate:cli:loadtest-sampler')).toEqual({ loadtest: 3, server: 5 });
  });
});

describe('judgeQueue', () => {
  const settings = { backoffMs: 100, timeoutMs: 1000 };
  const good = (): Observed => ({
    completed: new Set(['succeeds', 'retries', 'progress']),
    failed: new Map([['fails', 'planned permanent failure']]),
    progress: [50, 100],
    retryAttempts: [0, 105, 230],
    final: {
      succeeds: { state: 'completed', attemptsMade: 1 },
      retries: { state: 'completed', attemptsMade: 3 },
      fails: { state: 'failed', attemptsMade: 2 },
      progress: { state: 'completed', attemptsMade: 1 },
    },
  });

  it('passes when every event arrived as expected', () => {
    expect(judgeQueue(good(), settings).every((check) => check.ok)).toBe(true);
  });

  it.each<[string, (o: Observed) => void, string]>([
    ['no completed event', (o) => o.completed.delete('succeeds'), 'completes'],
    ['retried faster than the backoff', (o) => (o.retryAttempts = [0, 20, 40]), 'retries with backoff'],
    ['retried too few times', (o) => (o.final.retries = { state: 'completed', attemptsMade: 2 }), 'retries with backoff'],
    ['the doomed job did not land in failed', (o) => (o.final.fails = { state: 'delayed', attemptsMade: 1 }), 'fails for good'],
    ['no progress events', (o) => (o.progress = []), 'reports progress'],
  ])('fails when %s', (_label, mutate, failing) => {
    const observed = good();
    mutate(observed);
    const checks = judgeQueue(observed, settings);
    expect(checks.filter((check) => !check.ok).map((check) => check.name)).toEqual([failing]);
  });

  it('adds a failing check for a run error', () => {
    const observed = { ...good(), error: 'connection lost' };
    expect(judgeQueue(observed, settings).at(-1)).toEqual({ name: 'runs', ok: false, detail: 'connection lost' });
  });
});
