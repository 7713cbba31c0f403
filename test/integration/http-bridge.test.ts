/**
 * The bridge against a real redis-server, driven by the real @upstash/redis and @upstash/ratelimit
 * with their DEFAULT options (auto-pipelining, base64 responses, read-your-writes).
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis as Upstash } from '@upstash/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge, RequestLogEntry } from '../../src/http/index.js';
import { sha1 } from '../../src/http/scripts.js';
import { post, startTestBridge, TEST_TOKEN } from '../support/http.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';

let server: RedisServer;
let bridge: Bridge;
let direct: Redis;
let redis: Upstash;
const requests: RequestLogEntry[] = [];
let run = 0;
const key = (name: string) => `t${run}:${name}`;

beforeAll(async () => {
  server = await startRedis();
  bridge = await startTestBridge(server.url, { onRequest: (entry) => requests.push(entry), maxRequestBytes: 64 * 1024 });
  direct = server.client();
  redis = new Upstash({ url: bridge.url, token: TEST_TOKEN });
});

afterAll(async () => {
  await bridge?.close();
  await server?.stop();
});

describe('@upstash/redis with default options', () => {
  it('round-trips strings that base64 mistakes would mangle, unicode, numbers and JSON', async () => {
    run++;
    await redis.set(key('test'), 'test');
    await redis.set(key('uni'), 'héllo wörld ✓ 日本');
    await redis.set(key('num'), 42);
    await redis.set(key('json'), { a: 1, list: ['x', 2] });
    expect(await redis.get(key('test'))).toBe('test');
    expect(await redis.get(key('uni'))).toBe('héllo wörld ✓ 日本');
    expect(await redis.get(key('num'))).toBe(42);
    expect(await redis.get(key('json'))).toEqual({ a: 1, list: ['x', 2] });
    expect(await direct.get(key('json'))).toBe('{"a":1,"list":["x",2]}');
    expect(await redis.ping()).toBe('PONG');
  });

  it('sends even a lone command as POST /pipeline (auto-pipelining)', async () => {
    run++;
    requests.length = 0;
    await redis.get(key('lone'));
    expect(requests.map((entry) => entry.path)).toEqual(['/pipeline']);
    expect(requests[0]?.commands).toEqual(['GET']);
  });

  it('incr, expire and ttl', async () => {
    run++;
    expect(await redis.incr(key('n'))).toBe(1);
    expect(await redis.incrby(key('n'), 9)).toBe(10);
    expect(await redis.expire(key('n'), 100)).toBe(1);
    const ttl = await redis.ttl(key('n'));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    await redis.set(key('ex'), 'v', { ex: 50 });
    expect(await direct.ttl(key('ex'))).toBeGreaterThan(40);
  });

  it('hset/hgetall (flat RESP2 reply), zadd/zrange withScores, mget with a missing key', async () => {
    run++;
    await redis.hset(key('h'), { name: 'ada', age: 36 });
    expect(await redis.hgetall(key('h'))).toEqual({ name: 'ada', age: 36 });
    await redis.zadd(key('z'), { score: 1, member: 'one' }, { score: 2.5, member: 'two' });
    expect(await redis.zrange(key('z'), 0, -1, { withScores: true })).toEqual(['one', 1, 'two', 2.5]);
    await redis.set(key('m1'), 'first');
    expect(await redis.mget(key('m1'), key('missing'))).toEqual(['first', null]);
  });

  it('pipeline and multi/exec', async () => {
    run++;
    const pipeline = redis.pipeline();
    pipeline.set(key('p'), 1).incr(key('p')).get(key('p'));
    expect(await pipeline.exec()).toEqual(['OK', 2, 2]);
    const multi = redis.multi();
    multi.set(key('m'), 'a').append(key('m'), 'b').get(key('m'));
    expect(await multi.exec()).toEqual(['OK', 2, 'ab']);
  });

  it('eval with nested replies, createScript (EVALSHA → NOSCRIPT → EVAL), scriptLoad + evalsha', async () => {
    run++;
    expect(await redis.eval("return {redis.status_reply('OK'), ARGV[1], {KEYS[1], 7}}", [key('k')], ['x'])).toEqual(['OK', 'x', [key('k'), 7]]);
    const source = `return 'script-${run}-' .. ARGV[1]`;
    requests.length = 0;
    const script = redis.createScript(source);
    expect(await script.exec([], ['a'])).toBe(`script-${run}-a`);
    // The first try was EVALSHA (unknown to Redis), answered NOSCRIPT, then EVAL.
    expect(requests.flatMap((entry) => entry.commands)).toEqual(['EVALSHA', 'EVAL']);
    expect(await script.exec([], ['b'])).toBe(`script-${run}-b`);
    const sha = await redis.scriptLoad('return 40 + 2');
    expect(sha).toBe(sha1('return 40 + 2'));
    expect(await redis.evalsha(sha, [], [])).toBe(42);
  });

  it('changes upstash-sync-token with every write, not with reads', async () => {
    run++;
    await redis.set(key('ryw'), 1);
    const afterWrite = redis.readYourWritesSyncToken;
    expect(afterWrite).toMatch(/^\d+$/);
    await redis.get(key('ryw'));
    expect(redis.readYourWritesSyncToken).toBe(afterWrite);
    await redis.incr(key('ryw'));
    expect(Number(redis.readYourWritesSyncToken)).toBeGreaterThan(Number(afterWrite));
  });

  it('reports Redis errors with their text (single command and auto-pipelined)', async () => {
    run++;
    await redis.set(key('str'), 'abc');
    await expect(redis.incr(key('str'))).rejects.toThrow(/ERR value is not an integer/);
    const single = await post(bridge.url, ['INCR', key('str')]);
    expect(single.status).toBe(400);
    expect(single.json).toEqual({ error: 'ERR value is not an integer or out of range' });
    const noscript = await post(bridge.url, ['EVALSHA', 'f'.repeat(40), '0']);
    expect(noscript.json.error).toMatch(/^NOSCRIPT/);
  });

  it('streams pub/sub messages as server-sent events', async () => {
    run++;
    const channel = key('chan');
    const subscriber = redis.subscribe<string>([channel]);
    const received: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      subscriber.on('message', ({ message }) => {
        received.push(message);
        resolve();
      }),
    );
    // Publish until the subscription is in place (it is set up asynchronously).
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) {
      await direct.publish(channel, JSON.stringify({ hello: 'world' }));
      await Promise.race([got, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    await subscriber.unsubscribe();
    expect(received[0]).toEqual({ hello: 'world' });
  });
});

describe('@upstash/ratelimit through the bridge', () => {
  const cases = [
    ['slidingWindow', () => Ratelimit.slidingWindow(5, '60 s')],
    ['fixedWindow', () => Ratelimit.fixedWindow(5, '60 s')],
    ['tokenBucket', () => Ratelimit.tokenBucket(5, '60 s', 5)],
  ] as const;

  it.each(cases)('%s: 5 allowed, then blocked; getRemaining and resetUsedTokens agree', async (_name, limiter) => {
    run++;
    const limit = new Ratelimit({ redis, limiter: limiter(), prefix: key('rl'), ephemeralCache: false, enableProtection: false, analytics: false });
    const id = 'sms:+15550100';
    const results: boolean[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await limit.limit(id);
      expect(response.reason).not.toBe('timeout');
      results.push(response.success);
    }
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect((await limit.getRemaining(id)).remaining).toBe(0);
    await limit.resetUsedTokens(id);
    expect((await limit.getRemaining(id)).remaining).toBe(5);
    expect((await limit.limit(id)).success).toBe(true);
  });

  it('needed the shebang rewrite: stock Redis rejects the scripts as sent', async () => {
    const sent = '#!lua flags=allow-key-locking\nreturn 1';
    await expect(direct.eval(sent, 0)).rejects.toThrow(/Unexpected flag in script shebang/);
    expect(await redis.eval(sent, [], [])).toBe(1);
    const sha = await redis.scriptLoad(sent);
    expect(sha).toBe(sha1(sent));
    expect(await redis.evalsha(sha, [], [])).toBe(1);
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });
});

describe('protocol edges', () => {
  it('answers 401 JSON without a token or with a wrong one', async () => {
    const none = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await post(bridge.url, ['PING'], { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const client = new Upstash({ url: bridge.url, token: 'wrong-token' });
    await expect(client.get('x')).rejects.toThrow(/Unauthorized/);
  });

  it('base64-encodes nested strings, status replies and binary values exactly', async () => {
    run++;
    const bytes = Buffer.from([0x00, 0xff, 0x80, 0x41, 0xc3]);
    await direct.set(key('bin'), bytes);
    const encoded = await post(
      `${bridge.url}/pipeline`,
      [
        ['GET', key('bin')],
        ['EVAL', "return {redis.status_reply('OK'), {'nested'}}", '0'],
      ],
      { 'upstash-encoding': 'base64' },
    );
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.json[0].result, 'base64').equals(bytes)).toBe(true);
    expect(encoded.json[1].result).toEqual(['T0s=', ['bmVzdGVk']]);
    const plain = await post(bridge.url, ['EVAL', "return {redis.status_reply('OK'), {'nested'}}", '0']);
    expect(plain.json).toEqual({ result: ['OK', ['nested']] });
  });

  it('stringifies JSON scalar arguments', async () => {
    run++;
    expect((await post(bridge.url, ['SET', key('scalar'), 12.5, 'EX', 100])).json).toEqual({ result: 'OK' });
    expect(await direct.get(key('scalar'))).toBe('12.5');
    await post(bridge.url, ['SET', key('bool'), true]);
    expect(await direct.get(key('bool'))).toBe('true');
  });

  it('keeps pipeline errors inline while the other commands run', async () => {
    run++;
    const answer = await post(`${bridge.url}/pipeline`, [
      ['SET', key('k1'), 'x'],
      ['INCR', key('k1')],
      ['SELECT', '1'],
      ['GET', key('k1')],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json[0]).toEqual({ result: 'OK' });
    expect(answer.json[1].error).toBe('ERR value is not an integer or out of range');
    expect(answer.json[2].error).toMatch(/^ERR SELECT is not supported over REST/);
    expect(answer.json[3]).toEqual({ result: 'x' });
  });

  it('discards a transaction that Redis rejects while queueing (400), and keeps runtime errors inline', async () => {
    run++;
    const aborted = await post(`${bridge.url}/multi-exec`, [
      ['SET', key('tx'), '1'],
      ['NOSUCHCOMMAND', 'x'],
    ]);
    expect(aborted.status).toBe(400);
    expect(aborted.json.error).toMatch(/^EXECABORT .*: ERR unknown command 'NOSUCHCOMMAND'/);
    expect(await direct.exists(key('tx'))).toBe(0);
    const refused = await post(`${bridge.url}/multi-exec`, [
      ['SET', key('tx'), '1'],
      ['BLPOP', 'q', '0'],
    ]);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/BLPOP is not supported.*\(transaction discarded\)$/);
    expect(await direct.exists(key('tx'))).toBe(0);
    const partial = await post(`${bridge.url}/multi-exec`, [
      ['SET', key('tx'), 'a'],
      ['INCR', key('tx')],
      ['GET', key('tx')],
    ]);
    expect(partial.json).toEqual([{ result: 'OK' }, { error: 'ERR value is not an integer or out of range' }, { result: 'a' }]);
  });

  it('never interleaves concurrent transactions (each on its own connection)', async () => {
    run++;
    const shared = key('shared');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(`${bridge.url}/multi-exec`, [
          ['SET', shared, `v${i}`],
          ['APPEND', shared, '-'],
          ['GET', shared],
        ]),
      ),
    );
    for (const [i, answer] of answers.entries()) expect(answer.json).toEqual([{ result: 'OK' }, { result: `v${i}-`.length }, { result: `v${i}-` }]);
  });

  it.each([
    [['BLPOP', 'q', '0'], /BLPOP is not supported over REST: it blocks/],
    [['SUBSCRIBE', 'c'], /SUBSCRIBE is not supported over REST: use POST \/subscribe/],
    [['MULTI'], /MULTI is not supported over REST: send the commands to POST \/multi-exec/],
    [['CLIENT', 'SETNAME', 'x'], /CLIENT is not allowed over REST/],
    [['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'], /XREAD with BLOCK/],
  ])('refuses %j with 400', async (command, message) => {
    const answer = await post(bridge.url, command);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(message);
  });

  it('answers bad requests with 400/405/413 JSON', async () => {
    expect((await post(bridge.url, '["GET"')).status).toBe(400);
    expect((await post(bridge.url, { get: 'k' })).status).toBe(400);
    expect((await post(`${bridge.url}/pipeline`, [])).status).toBe(400);
    const put = await fetch(bridge.url, { method: 'PUT', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(put.status).toBe(405);
    const big = await post(bridge.url, ['SET', 'k', 'x'.repeat(70 * 1024)]);
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/^ERR max request size exceeded/);
  });

  it('runs path-style commands for curl', async () => {
    run++;
    await post(`${bridge.url}/set/${encodeURIComponent(key('path'))}`, 'body value');
    const answer = await fetch(`${bridge.url}/get/${encodeURIComponent(key('path'))}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(await answer.json()).toEqual({ result: 'body value' });
  });

  it('names its Redis connections redis-migrate:cli:http:*', async () => {
    const names = String(await direct.client('LIST'))
      .split('\n')
      .map((line) => / name=(\S*)/.exec(line)?.[1])
      .filter((name) => name?.startsWith('redis-migrate:'));
    expect(names).toEqual(expect.arrayContaining(['redis-migrate:cli:http:pool:1', 'redis-migrate:cli:http:pool:4', 'redis-migrate:cli:http:sub']));
    expect(names.some((name) => name?.startsWith('redis-migrate:cli:http:tx:'))).toBe(true);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new ones and closes its Redis connections', async () => {
    const own = await startTestBridge(server.url);
    // A script that keeps Redis busy for ~300 ms, so the request is in flight when close() starts.
    const slow = post(own.url, [
      'EVAL',
      'local t = redis.call("TIME") local s = t[1] * 1000000 + t[2] repeat local n = redis.call("TIME") until n[1] * 1000000 + n[2] - s > 300000 return "done"',
      '0',
    ]);
    // Close only once the bridge has the request (a loaded machine may take a while to send it).
    while (own.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const closing = own.close();
    expect((await slow).json).toEqual({ result: 'done' });
    await closing;
    await expect(fetch(own.url, { method: 'POST', body: '["PING"]' })).rejects.toThrow();
    const list = String(await direct.client('LIST'));
    const poolConnections = list.split('\n').filter((line) => / name=redis-migrate:cli:http:pool:/.test(line));
    // Only the suite's own bridge (4 pool connections) is left.
    expect(poolConnections).toHaveLength(4);
  });
});
