import { describe, expect, it } from 'vitest';
import { classifyCommand, estimateTraffic, parseCommandStats, SECONDS_PER_MONTH } from '../../src/checks/http/budget-rules.js';
import { classifyRead, describeCounts, summarize, TYPE_CHANGES } from '../../src/checks/http/deserialization-rules.js';
import { failOpenNote, limiterProblems, refillDuring, type LimiterRun } from '../../src/checks/http/ratelimit-rules.js';
import { describeFetchError } from '../../src/checks/http/rest.js';
import { compactCount, percentile } from '../../src/checks/http/stats.js';
import { isCleartextRemote, resolveHttpTarget, targetProblems } from '../../src/checks/http/target.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import type { PlanRateLimiter } from '../../src/plan/schema.js';

describe('HTTP target', () => {
  const plan = defaultPlan();

  it('takes the URL from UPSTASH_REDIS_REST_URL before the plan, the token only from the named variable', () => {
    const withUrl = { ...plan, http: { ...plan.http, url: 'https://plan.example.com/', tokenEnv: 'MY_TOKEN' } };
    expect(resolveHttpTarget(withUrl, { MY_TOKEN: 'secret' })).toEqual({
      url: 'https://plan.example.com',
      urlSource: 'plan',
      token: 'secret',
      tokenEnv: 'MY_TOKEN',
    });
    expect(resolveHttpTarget(withUrl, { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079', UPSTASH_REDIS_REST_TOKEN: 'ignored' })).toMatchObject({
      url: 'http://127.0.0.1:8079',
      urlSource: 'env',
      token: undefined,
    });
  });

  it('names every problem: no URL, a redis:// URL, no token', () => {
    expect(targetProblems(resolveHttpTarget(plan, {})).map((p) => p.kind)).toEqual(['no-url', 'no-token']);
    const bad = resolveHttpTarget(plan, { UPSTASH_REDIS_REST_URL: 'redis://127.0.0.1:6379', UPSTASH_REDIS_REST_TOKEN: 't' });
    expect(targetProblems(bad).map((p) => p.kind)).toEqual(['bad-url']);
  });

  it('flags plain http to another host', () => {
    expect(isCleartextRemote('http://10.0.0.5:8079')).toBe(true);
    expect(isCleartextRemote('http://127.0.0.1:8079')).toBe(false);
    expect(isCleartextRemote('https://x.upstash.io')).toBe(false);
  });
});

describe('fetch failures', () => {
  const fetchError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code, message: code } });
  it.each([
    ['ECONNREFUSED', /connection refused/, /serve-http/],
    ['ENOTFOUND', /cannot resolve/, /host/],
    ['UND_ERR_SOCKET', /without an HTTP answer/, /redis:\/\//],
  ])('%s → message and fix', (code, message, fix) => {
    const failure = describeFetchError(fetchError(code), 'http://h:1', 1000);
    expect(failure.message).toMatch(message);
    expect(failure.fix).toMatch(fix);
  });

  it('reports timeouts with the limit', () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(describeFetchError(timeout, 'http://h:1', 1500).message).toBe('no answer from http://h:1 within 1500 ms');
  });
});

describe('deserialization rules', () => {
  it.each([
    ['hello', 'hello', 'unchanged'],
    ['007', '007', 'unchanged'],
    ['1234', 1234, 'number'],
    ['true', true, 'boolean'],
    ['null', null, 'null'],
    ['{"a":1}', { a: 1 }, 'object'],
    ['[1,2]', [1, 2], 'array'],
    ['"quoted"', 'quoted', 'unquoted-string'],
    ['test', '\u00b5\u00eb-', 'altered'],
    ['hello', null, 'missing'],
  ] as const)('%j read as %j → %s', (stored, read, kind) => {
    expect(classifyRead(stored, read)).toBe(kind);
  });

  it('summarizes counts, examples (at most three) and type changes', () => {
    const summary = summarize([
      { key: 'a', kind: 'number' },
      { key: 'b', kind: 'number' },
      { key: 'c', kind: 'number' },
      { key: 'd', kind: 'number' },
      { key: 'e', kind: 'unchanged' },
      { key: 'f', kind: 'object' },
      { key: 'g', kind: 'missing' },
    ]);
    expect(summary).toMatchObject({ sampled: 7, typeChanges: 5, counts: { number: 4, unchanged: 1, object: 1, missing: 1 } });
    expect(summary.examples.number).toEqual(['a', 'b', 'c']);
    expect(describeCounts(summary.counts, TYPE_CHANGES)).toBe('4 become numbers, 1 become objects (JSON parsed: parsing them again fails)');
  });
});

describe('rate limiter rules', () => {
  const sliding: PlanRateLimiter = { name: 'api', algorithm: 'slidingWindow', limit: 5, window: '10s', prefix: 'p', timeout: '5s', refillRate: undefined };
  const bucket: PlanRateLimiter = { ...sliding, name: 'sms', algorithm: 'tokenBucket', window: '1s', timeout: '0s' };
  const good: LimiterRun = { allowed: 5, blocked: true, timeouts: 0, remainingAfter: 0, remainingAfterReset: 5, allowedAfterReset: true, elapsedMs: 100 };

  it('accepts the right number allowed, then blocked, and a working reset', () => {
    expect(limiterProblems(sliding, good)).toEqual([]);
  });

  it.each([
    [{ allowed: 3 }, /only 3 of 5/],
    [{ allowed: 6, blocked: false }, /no request was blocked/],
    [{ allowed: 7 }, /7 requests allowed, limit 5/],
    [{ timeouts: 2 }, /timed out \(fail-open\)/],
    [{ remainingAfter: 2 }, /getRemaining said 2/],
    [{ remainingAfterReset: 1 }, /after resetUsedTokens, not 5/],
    [{ allowedAfterReset: false }, /still blocked/],
  ] as const)('%j → %s', (change, problem) => {
    expect(limiterProblems(sliding, { ...good, ...change }).join('; ')).toMatch(problem);
  });

  it('gives a token bucket the tokens it refills during the run', () => {
    expect(refillDuring(bucket, 500)).toBe(3);
    expect(limiterProblems(bucket, { ...good, allowed: 7, remainingAfter: 1, elapsedMs: 500 })).toEqual([]);
    expect(refillDuring(sliding, 500)).toBe(0);
  });

  it('notes fail-open for every limiter with a timeout', () => {
    expect(failOpenNote([sliding, bucket])).toMatch(/fail-open\): api after 5s$/);
    expect(failOpenNote([bucket])).toBeUndefined();
  });
});

describe('command budget rules', () => {
  it.each([
    ['get', 'cache'],
    ['set', 'cache'],
    ['incr', 'cache'],
    ['expire', 'cache'],
    ['evalsha', 'queue'],
    ['bzpopmin', 'queue'],
    ['lpush', 'queue'],
    ['zadd', 'queue'],
    ['xadd', 'queue'],
    ['lcs', 'other'],
    ['rename', 'other'],
    ['hset', 'other'],
    ['info', 'admin'],
    ['client|setname', 'admin'],
    ['ping', 'admin'],
  ] as const)('%s is %s traffic', (command, kind) => {
    expect(classifyCommand(command)).toBe(kind);
  });

  it('parses commandstats and projects a month from the delta', () => {
    const before = parseCommandStats(
      '# Commandstats\r\ncmdstat_get:calls=100,usec=5,usec_per_call=0.05,rejected_calls=0,failed_calls=0\r\ncmdstat_info:calls=3,usec=1\r\n',
    );
    const after = parseCommandStats(
      'cmdstat_get:calls=150,usec=9\ncmdstat_set:calls=10,usec=1\ncmdstat_evalsha:calls=40,usec=9\ncmdstat_info:calls=4,usec=1\n',
    );
    const estimate = estimateTraffic(before, after, 10_000, 0.2);
    expect(estimate.perSecond).toEqual({ cache: 6, queue: 4, admin: 0.1, other: 0 });
    expect(estimate.httpMonthly).toBe(6 * SECONDS_PER_MONTH);
    expect(estimate.httpMonthlyCost).toBeCloseTo((6 * SECONDS_PER_MONTH * 0.2) / 100_000, 6);
    expect(estimate.allMonthly).toBe(10 * SECONDS_PER_MONTH);
    expect(estimate.top[0]).toEqual({ command: 'get', class: 'cache', perSecond: 5 });
  });
});

describe('number helpers', () => {
  it('takes nearest-rank percentiles and compacts counts', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([], 50)).toBeNaN();
    expect(compactCount(4_752_000)).toBe('4.75M');
    expect(compactCount(950)).toBe('950');
  });
});
