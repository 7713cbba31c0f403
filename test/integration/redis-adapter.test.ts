/**
 * redis-migrate/redis against a real redis-server and the serve-http bridge over it (one database
 * behind both transports, as on Upstash): the same command suite gives the same answers over TCP
 * (its own RESP2 connection and an app's default RESP3 one), over HTTP and from plain
 * @upstash/redis; values cross the switch byte for byte; a switch loses, repeats and reorders nothing.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MigratingRedisError, migratingRedis, type MigratingRedis, type MigratingRedisOptions } from '../../src/adapters/redis/index.js';
import { redisTextOfUpstash } from '../../src/adapters/redis/errors.js';
import type { Bridge } from '../../src/http/index.js';
import { uniqueNamespace } from '../support/cli.js';
import { startTestBridge, TEST_TOKEN } from '../support/http.js';
import { freePort } from '../support/redis-server.js';
import { startTcpGate } from '../support/tcp-gate.js';
import { waitFor } from '../support/wait.js';

const url = inject('redisUrl');
let bridge: Bridge;
let admin: Redis;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  bridge = await startTestBridge(url);
  admin = new Redis(url);
});

afterAll(async () => {
  for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
  admin.disconnect();
  await bridge?.close();
});

/** A flag the test flips by hand; emits 'change' like a FlagsClient. */
class TestFlag extends EventEmitter {
  http = false;
  useHttpRedis(): boolean {
    return this.http;
  }
  set(http: boolean): void {
    this.http = http;
    this.emit('change');
  }
}

function open(flag: TestFlag, options: Partial<MigratingRedisOptions> = {}): MigratingRedis {
  const client = migratingRedis({ flags: flag, redisUrl: url, upstash: { url: bridge.url, token: TEST_TOKEN, enableTelemetry: false }, ...options });
  closing.push(() => client.close());
  return client;
}

/** The API both clients share, for the suite. */
type Client = Pick<
  MigratingRedis,
  | 'get'
  | 'set'
  | 'incr'
  | 'incrby'
  | 'expire'
  | 'pexpire'
  | 'ttl'
  | 'del'
  | 'mget'
  | 'hget'
  | 'hset'
  | 'hincrby'
  | 'zadd'
  | 'zrange'
  | 'zremrangebyscore'
  | 'zcard'
  | 'eval'
  | 'evalsha'
  | 'pipeline'
  | 'multi'
>;

const VALUES: [string, string][] = [
  ['plain', 'v'],
  ['number-looking', '1234'],
  ['float-looking', '1.50'],
  ['"null"', 'null'],
  ['"true"', 'true'],
  ['JSON object', '{"a":1,"b":[true,null],"c":"x"}'],
  ['JSON string', '"quoted"'],
  ['empty', ''],
  ['unicode', 'ünïcödé ✓ 😀 中文'],
  ['control and latin-1', '\u0000\u0001\t\n\r\u007f\u0080\u00ff'],
  ['base64-looking', 'T0s='],
  ['OK', 'OK'],
  ['long', 'x'.repeat(100_000)],
];

/** Written for Upstash as @upstash/ratelimit 2.1+ writes its scripts; stock Redis refuses the flag. */
const SHEBANG_SCRIPT = '#!lua flags=allow-key-locking\nreturn {ARGV[1], #KEYS}';
const SHEBANG_SHA = createHash('sha1').update(SHEBANG_SCRIPT).digest('hex');

/** Every supported command, each answer (or Redis's error text) recorded. */
async function suite(c: Client, p: string): Promise<[string, unknown][]> {
  const out: [string, unknown][] = [];
  const step = async (label: string, run: () => Promise<unknown>) => {
    try {
      out.push([label, await run()]);
    } catch (error) {
      const message = (error as Error).message;
      out.push([label, { error: (error as Error).name === 'UpstashError' ? redisTextOfUpstash(message) : message }]);
    }
  };
  for (const [label, value] of VALUES) {
    await step(`set ${label}`, () => c.set(`${p}v:${label}`, value));
    await step(`get ${label}`, () => c.get(`${p}v:${label}`));
  }
  await step('set number', () => c.set(`${p}num`, 1234));
  await step('get number', () => c.get(`${p}num`));
  await step('set object', () => c.set(`${p}obj`, { a: 1, list: ['x', 2] }));
  await step('get object', () => c.get(`${p}obj`));
  await step('set boolean', () => c.set(`${p}bool`, false));
  await step('get boolean', () => c.get(`${p}bool`));
  await step('get missing', () => c.get(`${p}missing`));
  await step('set ex', () => c.set(`${p}s`, 'v', { ex: 1000 }));
  await step('ttl in range', async () => {
    const ttl = await c.ttl(`${p}s`);
    return ttl > 990 && ttl <= 1000;
  });
  await step('set nx on existing', () => c.set(`${p}s`, 'other', { nx: true }));
  await step('set get', () => c.set(`${p}s`, 'new', { get: true }));
  await step('set px xx', () => c.set(`${p}s`, 'px', { px: 500_000, xx: true }));
  await step('set xx missing', () => c.set(`${p}nothing`, 'v', { xx: true }));
  await step('incr new', () => c.incr(`${p}n`));
  await step('incrby', () => c.incrby(`${p}n`, 41));
  await step('incr a string', () => c.incr(`${p}s`));
  await step('get counter', () => c.get(`${p}n`));
  await step('expire', () => c.expire(`${p}n`, 100));
  await step('expire NX on one with a ttl', () => c.expire(`${p}n`, 50, 'NX'));
  await step('expire missing', () => c.expire(`${p}missing`, 100));
  await step('expire 0 (an arity error on Upstash too)', () => c.expire(`${p}n`, 0));
  await step('pexpire', () => c.pexpire(`${p}n`, 100_000));
  await step('ttl persistent', () => c.ttl(`${p}num`));
  await step('ttl missing', () => c.ttl(`${p}missing`));
  await step('mget', () => c.mget(`${p}num`, `${p}missing`, `${p}v:unicode`));
  await step('mget array', () => c.mget([`${p}num`, `${p}missing`]));
  await step('del', () => c.del(`${p}num`, `${p}missing`, `${p}obj`));
  await step('hset', () => c.hset(`${p}h`, { f: 'v', n: 1, j: { a: 1 } }));
  await step('hget', () => c.hget(`${p}h`, 'f'));
  await step('hget json', () => c.hget(`${p}h`, 'j'));
  await step('hget missing', () => c.hget(`${p}h`, 'nope'));
  await step('hincrby', () => c.hincrby(`${p}h`, 'n', 2));
  await step('hincrby a string', () => c.hincrby(`${p}h`, 'f', 2));
  await step('zadd', () => c.zadd(`${p}z`, { score: 1, member: 'a' }, { score: 2.5, member: 'b' }, { score: 3, member: 'c' }));
  await step('zadd nx ch', () => c.zadd(`${p}z`, { nx: true, ch: true }, { score: 9, member: 'a' }, { score: 4, member: 'd' }));
  await step('zadd xx incr', () => c.zadd(`${p}z`, { xx: true, incr: true }, { score: 0.5, member: 'a' }));
  await step('zrange', () => c.zrange(`${p}z`, 0, -1));
  await step('zrange withScores', () => c.zrange(`${p}z`, 0, -1, { withScores: true }));
  await step('zrange byScore limit rev', () => c.zrange(`${p}z`, '+inf', '(1', { byScore: true, rev: true, offset: 0, count: 2 }));
  await step('zremrangebyscore', () => c.zremrangebyscore(`${p}z`, '-inf', '(2'));
  await step('zcard', () => c.zcard(`${p}z`));
  await step('eval table', () => c.eval("return {1, 'a', false, {2, 'b'}, 3.9}", [], []));
  await step('eval keys and args', () => c.eval('return {#KEYS, ARGV[1], ARGV[2], ARGV[3]}', [`${p}k`], ['x', 7, 1.25]));
  await step('eval error', () => c.eval("return redis.call('INCR', KEYS[1])", [`${p}s`], []));
  await step('evalsha unknown', () => c.evalsha('0123456789abcdef0123456789abcdef01234567', [], []));
  await step('eval Upstash shebang', () => c.eval(SHEBANG_SCRIPT, [`${p}k`], ['shebang']));
  await step('evalsha Upstash shebang', () => c.evalsha(SHEBANG_SHA, [`${p}k`, `${p}k2`], ['by sha']));
  await step('pipeline', () => c.pipeline().set(`${p}pl`, 'a').get(`${p}pl`).incr(`${p}pl:n`).zcard(`${p}z`).exec());
  await step('pipeline with a failure', () => c.pipeline().set(`${p}pl`, 'a').incr(`${p}pl`).get(`${p}pl`).exec());
  await step('pipeline keepErrors', () => c.pipeline().incr(`${p}pl`).get(`${p}pl`).exec({ keepErrors: true }));
  await step('multi', () => c.multi().incr(`${p}m`).incr(`${p}m`).get(`${p}m`).exec());
  await step('multi with a failure', () => c.multi().incr(`${p}m`).incr(`${p}pl`).exec());
  await step('multi aborted', () => c.multi().set(`${p}abort`, 'x').expire(`${p}abort`, 0).exec());
  await step('nothing of the aborted multi', () => c.get(`${p}abort`));
  return out;
}

describe('the same command suite on every transport', () => {
  it('gives identical answers over TCP (own RESP2, app RESP3), HTTP, and from plain @upstash/redis', async () => {
    const ns = uniqueNamespace('kvc');
    const flag = new TestFlag();
    const own = open(flag);
    const appConnection = new Redis(url);
    closing.push(async () => appConnection.disconnect());
    const app = open(flag, { ioredis: appConnection });
    const plain = new UpstashRedis({ url: bridge.url, token: TEST_TOKEN, automaticDeserialization: false, enableTelemetry: false });

    const tcp = await suite(own, `${ns}:tcp:`);
    const tcpApp = await suite(app, `${ns}:app:`);
    expect(own.transport).toBe('tcp');
    flag.set(true);
    const http = await suite(own, `${ns}:http:`);
    expect(own.transport).toBe('http');
    const reference = await suite(plain as unknown as Client, `${ns}:plain:`);

    expect(tcpApp).toEqual(tcp);
    expect(http).toEqual(tcp);
    expect(reference).toEqual(tcp);
    // The answers themselves (so that all four being wrong the same way would not pass).
    const answers = Object.fromEntries(tcp);
    for (const [label, value] of VALUES) expect(answers[`get ${label}`], label).toBe(value);
    expect(answers).toMatchObject({
      'get number': '1234',
      'get object': '{"a":1,"list":["x",2]}',
      'get boolean': 'false',
      'get missing': null,
      'ttl in range': true,
      'set nx on existing': null,
      'set get': 'v',
      'set xx missing': null,
      incrby: 42,
      'incr a string': { error: 'ERR value is not an integer or out of range' },
      'get counter': '42',
      'expire NX on one with a ttl': 0,
      'expire 0 (an arity error on Upstash too)': { error: "ERR wrong number of arguments for 'expire' command" },
      'ttl persistent': -1,
      'ttl missing': -2,
      mget: ['1234', null, 'ünïcödé ✓ 😀 中文'],
      del: 2,
      hset: 3,
      'hget json': '{"a":1}',
      hincrby: 3,
      'zadd nx ch': 1,
      'zadd xx incr': '1.5',
      'zrange withScores': ['a', '1.5', 'b', '2.5', 'c', '3', 'd', '4'],
      'zrange byScore limit rev': ['d', 'c'],
      zremrangebyscore: 1,
      'eval table': [1, 'a', null, [2, 'b'], 3],
      'eval keys and args': [1, 'x', '7', '1.25'],
      'evalsha unknown': { error: expect.stringMatching(/^NOSCRIPT/) },
      'eval Upstash shebang': ['shebang', 1],
      'evalsha Upstash shebang': ['by sha', 2],
      pipeline: ['OK', 'a', 1, 3],
      'pipeline with a failure': { error: 'Command 2 [ incr ] failed: ERR value is not an integer or out of range' },
      'pipeline keepErrors': [{ error: 'ERR value is not an integer or out of range' }, { result: 'a' }],
      multi: [1, 2, '2'],
      'multi with a failure': { error: 'Command 2 [ incr ] failed: ERR value is not an integer or out of range' },
      'multi aborted': { error: "EXECABORT Transaction discarded because of previous errors: ERR wrong number of arguments for 'expire' command" },
      'nothing of the aborted multi': null,
    });
  });

  it('throws MigratingRedisError with the transport on both sides, and refuses bad arguments before sending', async () => {
    const flag = new TestFlag();
    const client = open(flag);
    const key = `${uniqueNamespace('kve')}:s`;
    await client.set(key, 'text');
    for (const http of [false, true]) {
      flag.set(http);
      const error = await client.incr(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigratingRedisError);
      expect(error).toMatchObject({ message: 'ERR value is not an integer or out of range', command: 'incr', transport: http ? 'http' : 'tcp' });
      await expect(client.set(key, undefined)).rejects.toThrow(/argument 2 of SET is undefined/);
      expect(() => client.pipeline().set(key, Number.NaN)).toThrow(/argument 2 of SET is NaN/);
    }
    expect(await client.get(key)).toBe('text');
  });
});

describe('@upstash/ratelimit on each transport', () => {
  it.each([
    ['fixedWindow', Ratelimit.fixedWindow(5, '60 s')],
    ['slidingWindow', Ratelimit.slidingWindow(5, '60 s')],
    ['tokenBucket', Ratelimit.tokenBucket(1, '60 s', 5)],
  ])('%s: 5 of 7 allowed, remaining and reset work, over TCP and over HTTP', async (_name, algorithm) => {
    const flag = new TestFlag();
    const client = open(flag);
    for (const http of [false, true]) {
      flag.set(http);
      const limiter = new Ratelimit({ redis: client, limiter: algorithm, prefix: uniqueNamespace('kvrl'), ephemeralCache: false });
      const results = [];
      for (let i = 0; i < 7; i++) results.push((await limiter.limit('sms:+15550100')).success);
      expect(results, http ? 'HTTP' : 'TCP').toEqual([true, true, true, true, true, false, false]);
      expect((await limiter.getRemaining('sms:+15550100')).remaining).toBe(0);
      await limiter.resetUsedTokens('sms:+15550100');
      expect((await limiter.limit('sms:+15550100')).success).toBe(true);
      expect(client.transport).toBe(http ? 'http' : 'tcp');
    }
  });
});

describe('values across the switch', () => {
  it('reads back byte for byte what the other transport wrote, and what old ioredis code wrote', async () => {
    const ns = uniqueNamespace('kvx');
    const flag = new TestFlag();
    const client = open(flag);
    for (const [from, to] of [
      [false, true],
      [true, false],
    ] as const) {
      for (const [label, value] of VALUES) {
        const key = `${ns}:${from}:${label}`;
        flag.set(from);
        await client.set(key, value, { ex: 600 });
        flag.set(to);
        expect(await client.get(key), `${label} written over ${from ? 'HTTP' : 'TCP'}`).toBe(value);
        expect(Buffer.compare((await admin.getBuffer(key)) as Buffer, Buffer.from(value, 'utf8')), label).toBe(0);
      }
    }
    // Bytes that are not UTF-8, written by the legacy app: both sides decode them to the same string.
    const raw = Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x00, 0xf0, 0x9f, 0x98]);
    await admin.set(`${ns}:raw`, raw);
    flag.set(false);
    const overTcp = await client.get(`${ns}:raw`);
    flag.set(true);
    expect(await client.get(`${ns}:raw`)).toBe(overTcp);
    expect(overTcp).toBe(raw.toString('utf8'));
  });
});

describe('switching', () => {
  it('keeps call order across a flip: a read on HTTP waits for a write still on its way over TCP', async () => {
    const gate = await startTcpGate(Number(new URL(url).port));
    closing.push(() => gate.close());
    const flag = new TestFlag();
    const client = open(flag, { redisUrl: gate.url });
    const key = `${uniqueNamespace('kvo')}:k`;
    await client.set(key, 'before');
    gate.hold();
    const write = client.set(key, 'written over TCP');
    flag.set(true);
    let readDone = false;
    const read = client.get(key).finally(() => {
      readDone = true;
    });
    // The HTTP side is fast; give it every chance to overtake.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readDone).toBe(false);
    gate.release();
    expect(await write).toBe('OK');
    expect(await read).toBe('written over TCP');
  });

  it('does not let a call hung on the old side hold the new side back longer than switchWaitMs', async () => {
    const gate = await startTcpGate(Number(new URL(url).port));
    closing.push(() => gate.close());
    const flag = new TestFlag();
    const client = open(flag, { redisUrl: gate.url, switchWaitMs: 300 });
    const key = `${uniqueNamespace('kvh')}:k`;
    await client.set(key, 'before');
    gate.hold();
    const stuck = client.set(key, 'stuck on TCP');
    flag.set(true);
    // Answered over HTTP while the TCP write is still held: it did not wait for it past 300 ms.
    expect(await client.get(key)).toBe('before');
    gate.release();
    expect(await stuck).toBe('OK');
    expect(await client.get(key)).toBe('stuck on TCP');
  });

  it('loses and repeats no call while the flag flips back and forth under concurrent load', async () => {
    const flag = new TestFlag();
    const client = open(flag);
    const key = `${uniqueNamespace('kvl')}:counter`;
    const calls: Promise<number>[] = [];
    const sides = new Set<string>();
    for (let i = 0; i < 600; i++) {
      if (i % 40 === 0) flag.set(!flag.http);
      calls.push(client.incr(key));
      if (i % 7 === 0) {
        await calls[calls.length - 1];
        sides.add(client.transport);
      }
    }
    const seen = await Promise.all(calls);
    expect(sides).toEqual(new Set(['tcp', 'http']));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(await admin.get(key)).toBe('600');
  });

  it('closes its TCP connection on a flip (without waiting for a call) and opens it again on rollback', async () => {
    const flag = new TestFlag();
    const name = uniqueNamespace('conn');
    const client = open(flag, { name });
    const connectionName = `redis-migrate:kv:${name}`;
    const named = async () => ((await admin.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${connectionName} `)).length;
    await client.set(`${name}:k`, 'v');
    expect(await named()).toBe(1);
    flag.set(true);
    await waitFor(async () => (await named()) === 0, { what: 'the TCP connection to close' });
    expect(await client.get(`${name}:k`)).toBe('v');
    expect(await named()).toBe(0);
    flag.set(false);
    await waitFor(async () => (await named()) === 1, { what: 'the TCP connection to reopen' });
    expect(await client.get(`${name}:k`)).toBe('v');
  });

  it("keeps an app's own ioredis connection open across flips and close()", async () => {
    const flag = new TestFlag();
    const appConnection = new Redis(url);
    closing.push(async () => appConnection.disconnect());
    const client = open(flag, { ioredis: appConnection });
    await client.set(`${uniqueNamespace('kva')}:k`, 'v');
    flag.set(true);
    await client.get('x');
    await client.close();
    expect(appConnection.status).toBe('ready');
    expect(await appConnection.ping()).toBe('PONG');
  });

  it('with upstash: null stays on TCP when the flag says HTTP, and says so once per flip', async () => {
    const flag = new TestFlag();
    const warnings: string[] = [];
    const client = open(flag, { upstash: null, name: 'sms', onWarning: (message) => warnings.push(message) });
    flag.set(true);
    await client.set(`${uniqueNamespace('kvn')}:k`, 'v');
    await client.get('x');
    expect(client.transport).toBe('tcp');
    expect(warnings).toEqual(['USE_HTTP_REDIS is on but migratingRedis "sms" has no HTTP endpoint (upstash: null): its calls stay on TCP']);
    flag.set(false);
    await client.get('x');
    flag.set(true);
    await client.get('x');
    expect(warnings).toHaveLength(2);
  });

  it('close() lets running calls finish; later calls reject', async () => {
    const client = open(new TestFlag());
    const key = `${uniqueNamespace('kvq')}:k`;
    const running = client.set(key, 'v');
    await client.close();
    expect(await running).toBe('OK');
    await expect(client.get(key)).rejects.toThrow(/get after close\(\)/);
  });
});

describe('configuration errors', () => {
  it.each([
    ['no endpoint at all', { upstash: undefined, env: {} }, /no HTTP endpoint/],
    ['a REST URL that is not http(s)', { upstash: { url: 'redis://x', token: 't' } }, /must start with http/],
    ['a malformed Redis URL', { redisUrl: 'http://nope' }, /unsupported URL scheme/],
  ])('%s: a UsageError at construction', (_label, options, message) => {
    expect(() => migratingRedis({ flags: new TestFlag(), redisUrl: url, upstash: { url: 'http://127.0.0.1:1', token: 't' }, ...options })).toThrow(message);
  });

  it('an unreachable Redis fails a call within seconds instead of hanging', async () => {
    const client = open(new TestFlag(), { redisUrl: `redis://127.0.0.1:${await freePort()}` });
    const started = Date.now();
    await expect(client.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an HTTP endpoint that never answers fails a call after httpTimeoutMs instead of hanging', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closing.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const flag = new TestFlag();
    flag.set(true);
    const client = open(flag, { upstash: { url: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, token: 't' }, httpTimeoutMs: 300 });
    const started = Date.now();
    await expect(client.get('k')).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads the endpoint from UPSTASH_REDIS_REST_URL / _TOKEN', async () => {
    const flag = new TestFlag();
    flag.set(true);
    const client = migratingRedis({
      flags: flag,
      redisUrl: url,
      env: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: TEST_TOKEN, UPSTASH_DISABLE_TELEMETRY: '1' },
    });
    closing.push(() => client.close());
    expect(await client.set(`${uniqueNamespace('kvenv')}:k`, 'v')).toBe('OK');
    expect(client.transport).toBe('http');
  });
});
