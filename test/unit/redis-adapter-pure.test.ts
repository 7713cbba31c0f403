/** redis-migrate/redis, pure parts: the command lines the TCP side sends, and the router's ordering across a switch. */
import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { commandLine, InvalidArgument, SUPPORTED_COMMANDS, type SupportedCommand } from '../../src/adapters/redis/commands.js';
import { SideRouter, type Side } from '../../src/adapters/redis/router.js';
import { CommandParser } from '../../src/http/command-parser.js';
import { argText } from '../../src/http/request.js';
import { waitFor } from '../support/wait.js';

/** The body @upstash/redis sends for a call, caught by a Requester instead of an HTTP server. */
/** The command the REST bridge's own parser reads from a request body. */
function bridgeCommand(body: unknown): { name: string; args: (string | undefined)[] } {
  const parser = new CommandParser('command', 1);
  parser.write(Buffer.from(JSON.stringify(body)));
  const parsed = parser.end();
  if (!Array.isArray(parsed)) throw new Error(`the bridge refuses ${JSON.stringify(body)}`);
  const [command] = parsed;
  return { name: command!.name, args: command!.args.map((arg) => argText(arg)) };
}

async function upstashBody(command: SupportedCommand, args: unknown[]): Promise<unknown> {
  let body: unknown;
  const redis = new Redis({
    request: async (request) => {
      body = request.body;
      return { result: null } as never;
    },
  });
  await (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[command]?.(...args);
  return body;
}

const cases: [SupportedCommand, unknown[]][] = [
  ['get', ['user:1']],
  ['set', ['k', 'v']],
  ['set', ['k', 'v', { ex: 60 }]],
  ['set', ['k', 'v', { px: 1500, nx: true }]],
  ['set', ['k', 'v', { xx: true, get: true, keepTtl: true }]],
  ['set', ['k', 'v', { exat: 1_900_000_000 }]],
  ['set', ['k', 'v', { pxat: 1_900_000_000_000 }]],
  ['set', ['k', 1234]],
  ['set', ['k', 1.5]],
  ['set', ['k', 1e21]],
  ['set', ['k', true]],
  ['set', ['k', { a: 1, b: ['x'] }]],
  ['set', ['k', 'null']],
  ['set', ['k', null]],
  ['set', ['k', 'ünï 😀 \u0000\u00ff']],
  ['incr', ['n']],
  ['incrby', ['n', 5]],
  ['expire', ['k', 60]],
  ['expire', ['k', 60, 'NX']],
  ['expire', ['k', 0]],
  ['pexpire', ['k', 1500]],
  ['pexpire', ['k', 1500, 'gt']],
  ['ttl', ['k']],
  ['del', ['a', 'b', 'c']],
  ['mget', ['a', 'b']],
  ['mget', [['a', 'b']]],
  ['hget', ['h', 'f']],
  ['hset', ['h', { f1: 'v', f2: 2, f3: { nested: true } }]],
  ['hincrby', ['h', 'f', -3]],
  ['zadd', ['z', { score: 1, member: 'a' }]],
  ['zadd', ['z', { score: 1, member: 'a' }, { score: 2.5, member: 'b' }]],
  ['zadd', ['z', { nx: true, ch: true }, { score: 1, member: 'a' }]],
  ['zadd', ['z', { xx: true, incr: true, gt: true }, { score: 1, member: 'a' }]],
  ['zrange', ['z', 0, -1]],
  ['zrange', ['z', 0, -1, { withScores: true }]],
  ['zrange', ['z', '(1', '+inf', { byScore: true, offset: 0, count: 10, withScores: true }]],
  ['zrange', ['z', '[a', '+', { byLex: true, rev: true }]],
  ['zremrangebyscore', ['z', '-inf', '(5']],
  ['zcard', ['z']],
  ['eval', ['return 1', [], []]],
  ['eval', ['return 1', ['k'], [null]]],
  ['eval', ['return KEYS[1]', ['k1', 'k2'], ['a', 7, 1.25]]],
  ['evalsha', ['74740bb3a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', ['k'], [10, 1_795_635_620_005, 10_000]]],
];

describe('command lines', () => {
  it('cover every supported command', () => {
    expect(new Set(cases.map(([command]) => command))).toEqual(new Set(SUPPORTED_COMMANDS));
  });

  // What the REST server hands Redis for @upstash/redis's command (the bridge's own parser) must be what the TCP side sends.
  it.each(cases)('%s %j: the same command @upstash/redis sends', async (command, args) => {
    const upstash = bridgeCommand(await upstashBody(command, args));
    const line = commandLine(command, args);
    expect({ name: (line[0] as string).toUpperCase(), args: line.slice(1) }).toEqual(upstash);
  });

  it.each([
    ['undefined', ['k', undefined], /argument 2 of SET is undefined/],
    ['NaN', ['k', Number.NaN], /argument 2 of SET is NaN/],
    ['Infinity', ['k', Number.POSITIVE_INFINITY], /argument 2 of SET is Infinity/],
    ['a function', ['k', () => 1], /argument 2 of SET is function/],
    ['a bigint', ['k', 10n], /argument 2 of SET is bigint/],
    ['an undefined key', [undefined, 'v'], /argument 1 of SET is undefined/],
  ])('refuses %s before sending anything', (_label, args, message) => {
    expect(() => commandLine('set', args)).toThrow(InvalidArgument);
    expect(() => commandLine('set', args)).toThrow(message);
  });
});

/** A call whose promise the test settles. */
function deferred() {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SideRouter', () => {
  function router(initial: Side = 'tcp', maxWaitMs = 60_000) {
    const state = { wanted: initial, switches: [] as string[], started: [] as string[] };
    const r = new SideRouter(
      () => state.wanted,
      (to, from) => state.switches.push(`${from ?? '-'}>${to}`),
      maxWaitMs,
    );
    const call = (name: string, side: Side) => {
      const d = deferred();
      const result = r.run(side, () => {
        state.started.push(name);
        return d.promise;
      });
      return { ...d, result };
    };
    return { r, state, call };
  }

  it('runs calls on one side concurrently', () => {
    const { state, call } = router();
    call('a', 'tcp');
    call('b', 'tcp');
    expect(state.started).toEqual(['a', 'b']);
    expect(state.switches).toEqual(['->tcp']);
  });

  it('starts a call for the other side only after every call on the old side settled, keeping call order', async () => {
    const { state, call } = router();
    const a = call('a', 'tcp');
    const b = call('b', 'tcp');
    const c = call('c', 'http');
    const d = call('d', 'tcp');
    const e = call('e', 'http');
    expect(state.started).toEqual(['a', 'b']);
    a.resolve('A');
    await tick();
    expect(state.started).toEqual(['a', 'b']);
    b.resolve('B');
    await tick();
    // c switched to http; d (tcp) waits behind it, and e waits behind d.
    expect(state.started).toEqual(['a', 'b', 'c']);
    c.resolve('C');
    await tick();
    expect(state.started).toEqual(['a', 'b', 'c', 'd']);
    d.resolve('D');
    await tick();
    expect(state.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    e.resolve('E');
    expect(await Promise.all([a.result, b.result, c.result, d.result, e.result])).toEqual(['A', 'B', 'C', 'D', 'E']);
    // Idle again: back to the side the flags name (tcp).
    expect(state.switches).toEqual(['->tcp', 'tcp>http', 'http>tcp', 'tcp>http', 'http>tcp']);
  });

  it('releases the queue when a call fails, and passes the failure to its caller', async () => {
    const { state, call } = router();
    const a = call('a', 'tcp');
    const b = call('b', 'http');
    a.reject(new Error('boom'));
    await expect(a.result).rejects.toThrow('boom');
    await tick();
    expect(state.started).toEqual(['a', 'b']);
    b.resolve('B');
    expect(await b.result).toBe('B');
  });

  it('follows a flip made while calls ran once the last one settles, without a next call', async () => {
    const { r, state, call } = router();
    const a = call('a', 'tcp');
    state.wanted = 'http';
    r.settle();
    expect(state.switches).toEqual(['->tcp']);
    a.resolve('A');
    await r.idle();
    expect(state.switches).toEqual(['->tcp', 'tcp>http']);
    expect(r.side).toBe('http');
  });

  it('switches at once when idle', () => {
    const { r, state } = router('http');
    r.settle();
    state.wanted = 'tcp';
    r.settle();
    r.settle();
    expect(state.switches).toEqual(['->http', 'http>tcp']);
  });

  it('lets waiting calls go ahead after maxWaitMs when a call hangs on the old side; the hung call still settles', async () => {
    const { r, state, call } = router('tcp', 30);
    const hung = call('hung', 'tcp');
    const b = call('b', 'http');
    const c = call('c', 'http');
    const d = call('d', 'tcp');
    expect(state.started).toEqual(['hung']);
    await waitFor(() => state.started.includes('c'), { what: 'the waiting calls to start' });
    // b and c went ahead on http; d (tcp again) waits behind them, not behind the hung call.
    expect(state.started).toEqual(['hung', 'b', 'c']);
    b.resolve('B');
    c.resolve('C');
    await waitFor(() => state.started.includes('d'), { what: 'd to start after b and c' });
    d.resolve('D');
    hung.resolve('late');
    expect(await Promise.all([hung.result, b.result, c.result, d.result])).toEqual(['late', 'B', 'C', 'D']);
    await r.idle();
    expect(state.switches).toEqual(['->tcp', 'tcp>http', 'http>tcp']);
  });

  it('turns a synchronous throw into a rejection and keeps going', async () => {
    const { r, state, call } = router();
    await expect(
      r.run('tcp', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    const b = call('b', 'http');
    expect(state.started).toEqual(['b']);
    b.resolve('B');
    await expect(b.result).resolves.toBe('B');
  });
});
