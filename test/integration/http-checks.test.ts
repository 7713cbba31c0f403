/** Each HTTP check passing and failing, against a real redis-server and the bridge. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpChecks } from '../../src/checks/http/index.js';
import { runChecks } from '../../src/checks/run-checks.js';
import type { CheckContext, CheckResult } from '../../src/checks/types.js';
import type { Bridge } from '../../src/http/index.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import type { PlanHttp } from '../../src/plan/schema.js';
import { stateKeys } from '../../src/state/keys.js';
import { startProxy, startTestBridge, TEST_TOKEN, withoutEncoding, type EditingProxy } from '../support/http.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';

let server: RedisServer;
let other: RedisServer;
let bridge: Bridge;
let otherBridge: Bridge;
let noEncoding: EditingProxy;
let flagKeeping: EditingProxy;
let freshBridge: Bridge;
let tcp: Redis;

beforeAll(async () => {
  [server, other] = await Promise.all([startRedis(), startRedis()]);
  [bridge, otherBridge] = await Promise.all([startTestBridge(server.url), startTestBridge(other.url)]);
  tcp = server.client();
  // A server that ignores Upstash-Encoding: base64 (as the npm emulator does).
  noEncoding = await startProxy(bridge.url, { headers: withoutEncoding });
  // A plain proxy to stock Redis: the Upstash-only shebang flag reaches Redis, which rejects it.
  // Its own bridge: one that has seen the limiter's scripts maps their shas and never asks Redis to EVAL them again.
  freshBridge = await startTestBridge(server.url);
  flagKeeping = await startProxy(freshBridge.url, { body: (body) => body.replaceAll('allow-key-locking', 'no-such-upstash-flag') });
});

afterAll(async () => {
  await Promise.all([noEncoding?.close(), flagKeeping?.close()]);
  await Promise.all([bridge?.close(), otherBridge?.close(), freshBridge?.close()]);
  await Promise.all([server?.stop(), other?.stop()]);
});

function context(options: { url?: string; token?: string; http?: Partial<PlanHttp>; redis?: Redis | null } = {}): CheckContext {
  const plan = defaultPlan();
  const env: Record<string, string> = {};
  if (options.url !== '') env.UPSTASH_REDIS_REST_URL = options.url ?? bridge.url;
  if (options.token !== '') env.UPSTASH_REDIS_REST_TOKEN = options.token ?? TEST_TOKEN;
  return {
    plan: { ...plan, http: { ...plan.http, budgetWindow: '1s', latencyWarnMs: 1000, ...options.http } },
    redis: options.redis === undefined ? tcp : options.redis,
    redisUrl: server.url,
    namespace: 'checks',
    keys: stateKeys('checks'),
    phase: 1,
    tier: undefined,
    env,
    timeoutMs: 5000,
  };
}

async function runOne(id: string, ctx: CheckContext): Promise<CheckResult> {
  const check = httpChecks.find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const [result] = await runChecks([check], ctx);
  return result as CheckResult;
}

function statuses(results: CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.map((result) => [result.id, result.status]));
}

describe('a healthy endpoint', () => {
  it('passes every HTTP check', async () => {
    await tcp.set('ok-cache:1', 'plain text');
    await tcp.set('ok-cache:2', 'another value');
    const results = await runChecks(
      httpChecks,
      context({
        http: {
          cacheKeyPatterns: ['ok-cache:*'],
          rateLimiters: [
            { name: 'api', algorithm: 'slidingWindow', limit: 4, window: '1m', prefix: 'ok-rl', timeout: '0s', refillRate: undefined },
            { name: 'sms', algorithm: 'tokenBucket', limit: 3, window: '1h', prefix: 'ok-rl', timeout: '0s', refillRate: 1 },
          ],
        },
      }),
    );
    expect(statuses(results)).toEqual({
      'http.configured': 'pass',
      'http.reachable': 'pass',
      'http.auth': 'pass',
      'http.latency': 'pass',
      'http.roundtrip': 'pass',
      'http.deserialization': 'pass',
      'http.ratelimit': 'pass',
      'http.command-budget': 'pass',
    });
    expect(results.find((result) => result.id === 'http.latency')?.data).toMatchObject({ samples: 20, failures: 0 });
    expect(results.find((result) => result.id === 'http.ratelimit')?.message).toMatch(/api \(slidingWindow 4\/1m\): 4 allowed, then blocked/);
    // The checks clean up after themselves: no scratch or limiter keys left.
    expect(await tcp.keys('redis-migrate:*scratch*')).toEqual([]);
    expect(await tcp.keys('ok-rl:*')).toEqual([]);
  });
});

describe('configuration', () => {
  it('fails without a URL or a token, and every other check skips', async () => {
    const results = await runChecks(httpChecks, context({ url: '', token: '', redis: null }));
    expect(results[0]).toMatchObject({ id: 'http.configured', status: 'fail' });
    expect(results[0]?.message).toMatch(/UPSTASH_REDIS_REST_URL is not set.*UPSTASH_REDIS_REST_TOKEN is not set/);
    expect(results[0]?.fix).toMatch(/serve-http/);
    expect(results.slice(1).every((result) => result.status === 'skip')).toBe(true);
  });

  it('fails on a redis:// URL and warns on plain http to another host', async () => {
    expect((await runOne('http.configured', context({ url: 'redis://127.0.0.1:6379' }))).message).toMatch(/not an http\(s\):\/\/ URL/);
    expect(await runOne('http.configured', context({ url: 'http://10.1.2.3:8079' }))).toMatchObject({ status: 'warn', fix: 'use the https:// REST URL' });
  });
});

describe('reachability and auth', () => {
  it('fails on a dead endpoint with the fix', async () => {
    const ctx = context({ url: `http://127.0.0.1:${await freePort()}` });
    const reachable = await runOne('http.reachable', ctx);
    expect(reachable).toMatchObject({ status: 'fail', message: expect.stringMatching(/connection refused/) });
    expect(await runOne('http.auth', ctx)).toMatchObject({ status: 'skip' });
    expect(await runOne('http.roundtrip', ctx)).toMatchObject({ status: 'skip' });
  });

  it('fails when pointed at the Redis TCP port', async () => {
    const result = await runOne('http.reachable', context({ url: `http://127.0.0.1:${server.port}` }));
    expect(result.status).toBe('fail');
    expect(result.fix).toMatch(/REST endpoint/);
  });

  it('fails on a wrong token (401) and the checks that need the endpoint skip', async () => {
    const ctx = context({ token: 'wrong-token-123' });
    expect(await runOne('http.reachable', ctx)).toMatchObject({ status: 'pass', data: { status: 401 } });
    const auth = await runOne('http.auth', ctx);
    expect(auth).toMatchObject({ status: 'fail', message: expect.stringMatching(/rejected the token .*HTTP 401/) });
    expect(JSON.stringify(auth)).not.toContain('wrong-token-123');
    for (const id of ['http.latency', 'http.roundtrip', 'http.deserialization', 'http.command-budget']) expect((await runOne(id, ctx)).status).toBe('skip');
  });
});

describe('latency and round trip', () => {
  it('warns when the median is over the threshold', async () => {
    const result = await runOne('http.latency', context({ http: { latencyWarnMs: 0 } }));
    expect(result).toMatchObject({ status: 'warn', message: expect.stringMatching(/above the plan's 0 ms/) });
  });

  it('fails the round trip through a server without base64 responses', async () => {
    const result = await runOne('http.roundtrip', context({ url: noEncoding.url }));
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(/GET returned .* instead of the value written/) });
  });
});

describe('http.deserialization', () => {
  beforeAll(async () => {
    await tcp.mset('typed:num', '1234', 'typed:bool', 'true', 'typed:null', 'null', 'typed:json', '{"a":1}', 'typed:str', 'hello', 'typed:lead0', '007');
    await tcp.mset('strings:a', 'alpha', 'strings:b', 'beta');
    // Not a string: never sampled (the cache check is about GET/SET values).
    await tcp.hset('typed:hash', 'field', '1');
  });

  it('fails with the fix when values would change type under the default settings', async () => {
    const result = await runOne('http.deserialization', context({ http: { cacheKeyPatterns: ['typed:*'] } }));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/of 6 sampled key\(s\): 1 become numbers, 1 become booleans, 1 become null, 1 become objects/);
    expect(result.fix).toMatch(/automaticDeserialization: false/);
    expect(result.data).toMatchObject({ typeChanges: 4, counts: { unchanged: 2 } });
  });

  it('passes when the plan says the app turns automatic deserialization off', async () => {
    const result = await runOne('http.deserialization', context({ http: { cacheKeyPatterns: ['typed:*'], automaticDeserialization: false } }));
    expect(result).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(/all 6 sampled key\(s\) read back unchanged with automaticDeserialization: false/),
    });
  });

  it('warns (lists the changes) when the app expects parsed values', async () => {
    const result = await runOne('http.deserialization', context({ http: { cacheKeyPatterns: ['typed:*'], automaticDeserialization: true } }));
    expect(result.status).toBe('warn');
  });

  it('passes plain strings, skips without patterns, warns when nothing matches', async () => {
    expect((await runOne('http.deserialization', context({ http: { cacheKeyPatterns: ['strings:*'] } }))).status).toBe('pass');
    expect((await runOne('http.deserialization', context())).status).toBe('skip');
    expect((await runOne('http.deserialization', context({ http: { cacheKeyPatterns: ['nothing-here:*'] } }))).status).toBe('warn');
  });

  it('fails when values come back altered (no base64) or the endpoint serves another database', async () => {
    const altered = await runOne('http.deserialization', context({ url: noEncoding.url, http: { cacheKeyPatterns: ['strings:*'] } }));
    expect(altered).toMatchObject({ status: 'fail', message: expect.stringMatching(/come back altered/) });
    const elsewhere = await runOne('http.deserialization', context({ url: otherBridge.url, http: { cacheKeyPatterns: ['strings:*'] } }));
    expect(elsewhere).toMatchObject({ status: 'fail', message: expect.stringMatching(/does not serve the same database/) });
  });
});

describe('http.ratelimit', () => {
  const limiter = { name: 'api', algorithm: 'fixedWindow', limit: 3, window: '1m', prefix: 'rl-check', timeout: '5s', refillRate: undefined } as const;

  it('warns about fail-open when the limiter has a timeout, after the right counts', async () => {
    const result = await runOne('http.ratelimit', context({ http: { rateLimiters: [limiter] } }));
    expect(result.status).toBe('warn');
    expect(result.message).toMatch(
      /api \(fixedWindow 3\/1m\): 3 allowed, then blocked; reset works\. @upstash\/ratelimit lets requests through .* api after 5s/,
    );
  });

  it('counts a large limit with a rate-batched call', async () => {
    const result = await runOne('http.ratelimit', context({ http: { rateLimiters: [{ ...limiter, limit: 500, timeout: '0s' }] } }));
    expect(result).toMatchObject({ status: 'pass', message: expect.stringMatching(/500 allowed, then blocked/) });
  });

  it('fails through an endpoint that passes the Upstash-only shebang flag to stock Redis', async () => {
    const result = await runOne('http.ratelimit', context({ url: flagKeeping.url, http: { rateLimiters: [limiter] } }));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/shebang|no-such-upstash-flag/i);
  });

  it('skips without limiters in the plan', async () => {
    expect((await runOne('http.ratelimit', context())).status).toBe('skip');
  });
});

describe('http.command-budget', () => {
  async function withTraffic<T>(work: () => Promise<T>): Promise<T> {
    let running = true;
    const traffic = (async () => {
      let i = 0;
      while (running) {
        await tcp.set(`budget:${i % 50}`, String(i));
        await tcp.get(`budget:${i % 50}`);
        i++;
      }
    })();
    try {
      return await work();
    } finally {
      running = false;
      await traffic;
    }
  }

  it('projects the measured cache traffic per month and its cost', async () => {
    const result = await withTraffic(() => runOne('http.command-budget', context()));
    expect(result.status).toBe('pass');
    const data = result.data as { perSecond: { cache: number }; httpMonthly: number; httpMonthlyCost: number; top: { command: string }[] };
    expect(data.perSecond.cache).toBeGreaterThan(10);
    expect(data.httpMonthly).toBeGreaterThan(0);
    expect(data.httpMonthlyCost).toBeCloseTo((data.httpMonthly / 100_000) * 0.2, 6);
    expect(data.top.map((entry) => entry.command)).toEqual(expect.arrayContaining(['get', 'set']));
    expect(result.message).toMatch(/cache and limiter commands .* a month ≈ \$/);
  });

  it("warns over the plan's monthly budget, skips without TCP", async () => {
    const result = await withTraffic(() => runOne('http.command-budget', context({ http: { monthlyBudget: 0 } })));
    expect(result).toMatchObject({ status: 'warn', message: expect.stringMatching(/over the plan's monthly budget of \$0\.00/) });
    expect((await runOne('http.command-budget', context({ redis: null }))).status).toBe('skip');
  });
});
