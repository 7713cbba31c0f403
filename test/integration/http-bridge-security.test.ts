/**
 * The bridge is an app endpoint, not an admin console: a token holder cannot read the Redis
 * password, change the configuration, flush, replicate, save, crash the server or park a shared
 * connection in the Lua debugger, neither directly nor from a script. Against a real redis-server
 * with a password and DEBUG enabled (so that a command let through would really do harm), driven
 * by raw HTTP (what curl or an attacker sends) and by @upstash/redis (what the app sees).
 */
import { errors, Redis as Upstash } from '@upstash/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/http/index.js';
import { post, startTestBridge, TEST_TOKEN } from '../support/http.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';

const PASSWORD = 'redis-secret-4b1d';
let server: RedisServer;
let bridge: Bridge;
let direct: Redis;
let redis: Upstash;
let run = 0;
const key = (name: string) => `sec${run}:${name}`;

beforeAll(async () => {
  server = await startRedis({ password: PASSWORD, args: ['--enable-debug-command', 'local'] });
  bridge = await startTestBridge(server.url);
  direct = server.client();
  redis = new Upstash({ url: bridge.url, token: TEST_TOKEN });
});

afterAll(async () => {
  await bridge?.close();
  await server?.stop();
});

beforeEach(async () => {
  run++;
  await direct.set(key('keep'), 'still here');
});

/** The server is untouched: same password and settings, no new user, a master, the key kept, alive. */
async function expectUntouched(): Promise<void> {
  expect(await direct.config('GET', 'requirepass')).toEqual(['requirepass', PASSWORD]);
  expect(await direct.config('GET', 'maxmemory')).toEqual(['maxmemory', '0']);
  expect(await direct.acl('USERS')).toEqual(['default']);
  expect(String(await direct.info('replication'))).toMatch(/role:master/);
  expect(await direct.get(key('keep'))).toBe('still here');
}

describe('admin commands over REST', () => {
  it('refuses CONFIG GET requirepass with 400 {"error":"ERR ..."} and never shows the password', async () => {
    const answer = await post(bridge.url, ['CONFIG', 'GET', 'requirepass']);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: expect.stringMatching(/^ERR CONFIG is not allowed over REST: admin command, .*password/) });
    // The curl form (path-style) and lower case go the same way.
    const path = await fetch(`${bridge.url}/config/get/requirepass`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(path.status).toBe(400);
    const text = await path.text();
    expect(text).toMatch(/CONFIG is not allowed/);
    expect(text + answer.text).not.toContain(PASSWORD);
  });

  it.each(
    [
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['ACL', 'SETUSER', 'intruder', 'on', '>pw', '~*', '+@all'],
      ['FLUSHALL'],
      ['FLUSHDB', 'ASYNC'],
      ['REPLICAOF', '127.0.0.1', '1'],
      ['SLAVEOF', '127.0.0.1', '1'],
      ['SAVE'],
      ['BGSAVE'],
      ['BGREWRITEAOF'],
      ['SHUTDOWN', 'NOSAVE'],
      ['DEBUG', 'SEGFAULT'],
      ['DEBUG', 'SLEEP', '5'],
      ['SCRIPT', 'DEBUG', 'YES'],
      ['SCRIPT', 'KILL'],
      ['MODULE', 'LOAD', '/tmp/x.so'],
      ['FUNCTION', 'FLUSH'],
      ['CLIENT', 'KILL', 'TYPE', 'normal'],
      ['CLIENT', 'PAUSE', '5000'],
      ['MONITOR'],
      ['FAILOVER'],
      ['LATENCY', 'RESET'],
      ['SLOWLOG', 'RESET'],
      ['SWAPDB', '0', '1'],
      ['PFSELFTEST'],
    ].map((command) => [command.join(' '), command] as const),
  )('refuses %s with 400 and changes nothing', async (_name, command) => {
    const answer = await post(bridge.url, command);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(new RegExp(`^ERR ${command[0]}( ${command[1]})? is not allowed over REST: admin command, `));
    await expectUntouched();
  });

  it('refuses MIGRATE, which would make Redis connect out and move keys there', async () => {
    const answer = await post(bridge.url, ['MIGRATE', '127.0.0.1', String(await freePort()), key('keep'), '0', '1000']);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/MIGRATE is not allowed over REST/);
    await expectUntouched();
  });

  it('answers inside /pipeline with an inline error per refused command, and runs the rest', async () => {
    const answer = await post(`${bridge.url}/pipeline`, [['SET', key('p'), '1'], ['CONFIG', 'GET', 'requirepass'], ['FLUSHALL'], ['GET', key('p')]]);
    expect(answer.status).toBe(200);
    expect(answer.json[0]).toEqual({ result: 'OK' });
    expect(answer.json[1].error).toMatch(/^ERR CONFIG is not allowed over REST/);
    expect(answer.json[2].error).toMatch(/^ERR FLUSHALL is not allowed over REST/);
    expect(answer.json[3]).toEqual({ result: '1' });
    expect(answer.text).not.toContain(PASSWORD);
    await expectUntouched();
  });

  it('discards a /multi-exec that holds one, with a single 400, before anything runs', async () => {
    const answer = await post(`${bridge.url}/multi-exec`, [['SET', key('tx'), '1'], ['FLUSHALL']]);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/^ERR FLUSHALL is not allowed over REST: .*\(transaction discarded\)$/);
    expect(await direct.exists(key('tx'))).toBe(0);
    await expectUntouched();
  });

  it('keeps the shared connections sane: SCRIPT DEBUG cannot park one in the Lua debugger', async () => {
    for (let i = 0; i < 8; i++) await post(bridge.url, ['SCRIPT', 'DEBUG', 'YES']);
    // Every pool connection still answers its own requests with their own replies.
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(bridge.url, ['EVAL', 'return ARGV[1]', '0', `v${i}`])));
    for (const [i, answer] of answers.entries()) expect(answer.json).toEqual({ result: `v${i}` });
  });
});

describe('admin commands through @upstash/redis', () => {
  it('surfaces a refused FLUSHALL / FLUSHDB as an UpstashError with the reason', async () => {
    const flushall = redis.flushall();
    await expect(flushall).rejects.toBeInstanceOf(errors.UpstashError);
    await expect(flushall).rejects.toThrow(/FLUSHALL is not allowed over REST: admin command, it deletes every key \(start serve-http with --allow-flush/);
    await expect(redis.flushdb()).rejects.toThrow(/FLUSHDB is not allowed over REST/);
    await expectUntouched();
  });

  it('fails a pipeline on the refused command (or keeps the error inline), and a multi as a whole', async () => {
    const pipeline = redis.pipeline();
    pipeline.set(key('p'), 1).flushdb().get(key('p'));
    await expect(pipeline.exec()).rejects.toThrow(/Command 2 \[ flushdb \] failed: ERR FLUSHDB is not allowed over REST/);
    const kept = redis.pipeline();
    kept.set(key('p'), 2).flushdb().get(key('p'));
    const results = await kept.exec({ keepErrors: true });
    expect(results[0]).toEqual({ result: 'OK', error: undefined });
    expect(results[1]?.error).toMatch(/FLUSHDB is not allowed over REST/);
    expect(results[2]).toEqual({ result: 2, error: undefined });
    const multi = redis.multi();
    multi.set(key('m'), 1).flushall();
    await expect(multi.exec()).rejects.toThrow(/FLUSHALL is not allowed over REST.*transaction discarded/);
    expect(await direct.exists(key('m'))).toBe(0);
    await expectUntouched();
  });
});

describe('admin commands from scripts', () => {
  it('refuses what Redis 7 lets scripts call (FLUSHALL, MIGRATE, RESTORE...), as an UpstashError', async () => {
    // Stock Redis runs this one from a script:
    await direct.set(key('victim'), 'x');
    const eval_ = redis.eval(`return redis.call('flushall')`, [], []);
    await expect(eval_).rejects.toBeInstanceOf(errors.UpstashError);
    await expect(eval_).rejects.toThrow(/ERR FLUSHALL is not allowed over REST, not from a script either: admin command/);
    await expect(redis.eval(`return redis.call('MIGRATE', '127.0.0.1', ARGV[1], KEYS[1], 0, 1000)`, [key('keep')], [String(await freePort())])).rejects.toThrow(
      /MIGRATE is not allowed/,
    );
    await expect(redis.eval(`return redis.call('SwapDB', 0, 1)`, [], [])).rejects.toThrow(/SWAPDB is not allowed/);
    // Ordinary commands still run, and error line numbers are those of the script as written.
    expect(await redis.eval(`redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('GET', KEYS[1])`, [key('s')], ['ok'])).toBe('ok');
    await expect(redis.eval(`local a = 1\nlocal b = 2\nerror('line three')`, [], [])).rejects.toThrow(/user_script:3: line three/);
    await expectUntouched();
  });

  it.each([
    ['pcall around redis.call', `return tostring(pcall(redis.call, 'FLUSHALL'))`, 'false'],
    ['redis.pcall', `return redis.pcall('FLUSHALL')['err']`, /FLUSHALL is not allowed/],
    ['_G', `return _G.redis.call('FLUSHALL')`, /attempt to index local '_G'/],
    ['loadstring', `return loadstring("return redis.call('FLUSHALL')")()`, /attempt to call local 'loadstring'/],
    ['the metatable', `return getmetatable(redis).__index.call('FLUSHALL')`, /attempt to index a boolean value/],
    ['rawget', `return rawget(redis, 'call')`, null],
    ['a coroutine', `return coroutine.wrap(function() return redis.call('FLUSHALL') end)()`, /FLUSHALL is not allowed/],
  ])('cannot be bypassed through %s', async (_how, script, outcome) => {
    const answer = await post(bridge.url, ['EVAL', script, '0']);
    if (typeof outcome === 'string' || outcome === null) expect(answer.json).toEqual({ result: outcome });
    else expect(answer.text).toMatch(outcome);
    await expectUntouched();
  });

  it('never runs a script it did not guard: EVALSHA of one loaded over TCP gets NOSCRIPT, and the EVAL fallback is guarded', async () => {
    const source = `redis.call('FLUSHDB') return 'flushed-${run}'`;
    const sha = String(await direct.script('LOAD', source));
    const answer = await post(bridge.url, ['EVALSHA', sha, '0']);
    expect(answer.json.error).toMatch(/^NOSCRIPT/);
    expect((await post(bridge.url, ['SCRIPT', 'EXISTS', sha])).json).toEqual({ result: [0] });
    // The SDK's createScript tries EVALSHA, gets NOSCRIPT, falls back to EVAL with the text.
    await expect(redis.createScript(source).exec([], [])).rejects.toThrow(/FLUSHDB is not allowed over REST, not from a script either/);
    await expectUntouched();
  });
});

describe('--allow-flush', () => {
  it('lets FLUSHDB and FLUSHALL through (for test suites), and still nothing else of the admin list', async () => {
    const lenient = await startTestBridge(server.url, { allowFlush: true });
    try {
      const client = new Upstash({ url: lenient.url, token: TEST_TOKEN });
      expect(await client.flushdb()).toBe('OK');
      expect(await direct.dbsize()).toBe(0);
      await direct.set(key('keep'), 'still here');
      expect(await client.eval(`return redis.call('FLUSHALL')`, [], [])).toBe('OK');
      expect(await direct.dbsize()).toBe(0);
      await direct.set(key('keep'), 'still here');
      expect((await post(lenient.url, ['CONFIG', 'GET', 'requirepass'])).status).toBe(400);
      await expectUntouched();
    } finally {
      await lenient.close();
    }
  });
});
