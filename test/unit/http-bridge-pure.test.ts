import { describe, expect, it } from 'vitest';
import { isReadOnly, refusal } from '../../src/http/command-policy.js';
import { encodeValue, errorJson, resultJson } from '../../src/http/encode.js';
import { commandFromPath, Invalid, parseJson, toCommand, toCommands } from '../../src/http/request.js';
import { ScriptTable, sha1, stripUpstashFlags } from '../../src/http/scripts.js';

/** What @upstash/redis does with a base64 response (its decode(), reduced to strings and arrays). */
function clientDecode(value: unknown): unknown {
  if (typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  if (Array.isArray(value)) return value.map(clientDecode);
  return value;
}

describe('request parsing', () => {
  it.each([
    [['set', 'k', 'v'], { name: 'SET', args: ['k', 'v'] }],
    [['SET', 'k', 'v', 'EX', 100], { name: 'SET', args: ['k', 'v', 'EX', '100'] }],
    [['set', 'k', true], { name: 'SET', args: ['k', 'true'] }],
    [['set', 'k', 1.5], { name: 'SET', args: ['k', '1.5'] }],
    [['ping'], { name: 'PING', args: [] }],
  ])('%j → %j', (body, expected) => {
    expect(toCommand(body)).toEqual(expected);
  });

  it.each([[[]], ['GET'], [[1, 'k']], [['set', 'k', null]], [['set', 'k', { a: 1 }]], [['set', 'k', ['x']]], [['']]])(
    'rejects %j with an ERR text',
    (body) => {
      const result = toCommand(body);
      expect(result).toBeInstanceOf(Invalid);
      expect((result as Invalid).error).toMatch(/^ERR /);
    },
  );

  it('parses pipelines and names the bad command', () => {
    expect(toCommands([['get', 'a'], ['incr', 'b']])).toEqual([{ name: 'GET', args: ['a'] }, { name: 'INCR', args: ['b'] }]);
    expect((toCommands([['get', 'a'], 'incr']) as Invalid).error).toMatch(/\(command 2\)$/);
    expect(toCommands([])).toBeInstanceOf(Invalid);
    expect(toCommands({ a: 1 })).toBeInstanceOf(Invalid);
  });

  it('reports bad JSON', () => {
    expect(parseJson('["get"')).toBeInstanceOf(Invalid);
    expect(parseJson('["get","k"]')).toEqual(['get', 'k']);
  });

  it('reads path-style commands, with a POST body as the last argument', () => {
    expect(commandFromPath('/set/foo/b%20ar', undefined)).toEqual({ name: 'SET', args: ['foo', 'b ar'] });
    expect(commandFromPath('/set/foo', 'the body')).toEqual({ name: 'SET', args: ['foo', 'the body'] });
    expect(commandFromPath('/', undefined)).toBeInstanceOf(Invalid);
    expect(commandFromPath('/get/%E0%A4%A', undefined)).toBeInstanceOf(Invalid);
  });
});

describe('command policy', () => {
  it.each(['BLPOP', 'BRPOPLPUSH', 'BZPOPMIN', 'WAIT', 'SELECT', 'CLIENT', 'HELLO', 'AUTH', 'QUIT', 'MONITOR', 'SUBSCRIBE', 'PSUBSCRIBE', 'MULTI', 'EXEC', 'WATCH', 'DISCARD'])(
    'refuses %s with an explanation',
    (name) => {
      expect(refusal(name, ['x', '0'])).toMatch(new RegExp(`^ERR ${name} is not supported over REST: `));
    },
  );

  it('refuses XREAD only with BLOCK, and lets ordinary commands through', () => {
    expect(refusal('XREAD', ['BLOCK', '0', 'STREAMS', 's', '$'])).toMatch(/BLOCK/);
    expect(refusal('XREAD', ['COUNT', '1', 'STREAMS', 's', '0'])).toBeUndefined();
    for (const name of ['GET', 'SET', 'EVAL', 'EVALSHA', 'SCRIPT', 'PING', 'FLUSHDB', 'LPOP']) expect(refusal(name, [])).toBeUndefined();
  });

  it('knows reads from writes (unknown commands count as writes)', () => {
    for (const name of ['GET', 'MGET', 'HGETALL', 'ZRANGE', 'TTL', 'EVALSHA_RO']) expect(isReadOnly(name)).toBe(true);
    for (const name of ['SET', 'INCR', 'DEL', 'EVAL', 'EVALSHA', 'HSET', 'SOMETHING.NEW']) expect(isReadOnly(name)).toBe(false);
  });
});

describe('shebang rewriting', () => {
  it.each([
    ['#!lua flags=allow-key-locking\nreturn 1', '\nreturn 1'],
    ['#!lua flags=no-writes,allow-key-locking\nreturn 1', '#!lua flags=no-writes\nreturn 1'],
    ['#!lua flags=allow-key-locking,allow-oom\r\nreturn 1', '#!lua flags=allow-oom\r\nreturn 1'],
    ['#!lua flags=allow-key-locking', ''],
  ])('%j → %j', (script, expected) => {
    expect(stripUpstashFlags(script)).toBe(expected);
  });

  it.each(['return 1', '#!lua\nreturn 1', '#!lua flags=no-writes\nreturn 1', '-- #!lua flags=allow-key-locking\nreturn 1'])(
    'leaves %j as it is (same string)',
    (script) => {
      expect(stripUpstashFlags(script)).toBe(script);
    },
  );

  it('maps EVALSHA of the original to EVAL of the rewrite, once seen by EVAL', () => {
    const table = new ScriptTable();
    const original = '#!lua flags=allow-key-locking\nreturn KEYS[1]';
    const sha = sha1(original);
    // Unknown sha: passes through so Redis answers NOSCRIPT and the client falls back to EVAL.
    expect(table.prepare({ name: 'EVALSHA', args: [sha, '1', 'k'] }).command).toEqual({ name: 'EVALSHA', args: [sha, '1', 'k'] });
    expect(table.prepare({ name: 'EVAL', args: [original, '1', 'k'] }).command).toEqual({ name: 'EVAL', args: ['\nreturn KEYS[1]', '1', 'k'] });
    expect(table.prepare({ name: 'EVALSHA', args: [sha.toUpperCase(), '1', 'k'] }).command).toEqual({ name: 'EVAL', args: ['\nreturn KEYS[1]', '1', 'k'] });
    expect(table.prepare({ name: 'EVALSHA_RO', args: [sha, '0'] }).command.name).toBe('EVAL_RO');
    // Scripts that need no rewrite are not remembered.
    table.prepare({ name: 'EVAL', args: ['return 1', '0'] });
    expect(table.size).toBe(1);
  });

  it("answers SCRIPT LOAD with the original's sha and SCRIPT EXISTS with 1 for remembered originals", () => {
    const table = new ScriptTable();
    const original = '#!lua flags=allow-key-locking\nreturn 2';
    const load = table.prepare({ name: 'SCRIPT', args: ['load', original] });
    expect(load.command).toEqual({ name: 'SCRIPT', args: ['load', '\nreturn 2'] });
    expect(load.reply?.(Buffer.from(sha1('\nreturn 2')))).toBe(sha1(original));
    const exists = table.prepare({ name: 'SCRIPT', args: ['EXISTS', sha1(original), 'ffff'] });
    expect(exists.reply?.([0, 0])).toEqual([1, 0]);
    const flush = table.prepare({ name: 'SCRIPT', args: ['FLUSH'] });
    flush.reply?.(Buffer.from('OK'));
    expect(table.size).toBe(0);
    expect(table.prepare({ name: 'EVALSHA', args: [sha1(original), '0'] }).command.name).toBe('EVALSHA');
  });
});

describe('response encoding', () => {
  it('base64-encodes every string, nested ones and status replies included', () => {
    const reply = [Buffer.from('OK'), Buffer.from('test'), 3, null, [Buffer.from('ünï'), [Buffer.from('deep')]]];
    const json = JSON.parse(encodeValue(reply, true)) as unknown;
    expect(json).toEqual(['T0s=', 'dGVzdA==', 3, null, ['w7xuw68=', ['ZGVlcA==']]]);
    expect(clientDecode(json)).toEqual(['OK', 'test', 3, null, ['ünï', ['deep']]]);
  });

  it('keeps binary values byte for byte in base64', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x22, 0x5c]);
    const json = JSON.parse(resultJson(bytes, true)) as { result: string };
    expect(Buffer.from(json.result, 'base64').equals(bytes)).toBe(true);
  });

  it('writes UTF-8 JSON without the encoding header, escaping what JSON needs', () => {
    expect(JSON.parse(encodeValue([Buffer.from('a"b\\c\n'), 7], false))).toEqual(['a"b\\c\n', 7]);
    expect(resultJson(Buffer.from('PONG'), false)).toBe('{"result":"PONG"}');
  });

  it('turns nested error replies into their text, and error answers into {"error"} never encoded', () => {
    expect(JSON.parse(encodeValue([new Error('ERR boom')], false))).toEqual(['ERR boom']);
    expect(JSON.parse(errorJson('NOSCRIPT No matching script'))).toEqual({ error: 'NOSCRIPT No matching script' });
  });
});
