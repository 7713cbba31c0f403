import { describe, expect, it } from 'vitest';
import { CommandPolicy, isReadOnly } from '../../src/http/command-policy.js';
import { encodeValue, errorJson, resultJson } from '../../src/http/encode.js';
import { PIPELINE_SLICE, PIPELINE_SLICE_BYTES, sliceEnd } from '../../src/http/executor.js';
import { commandFromPath, Invalid } from '../../src/http/request.js';
import { scriptGuard, withGuard } from '../../src/http/script-guard.js';
import { NOSCRIPT, ScriptTable, sha1, stripUpstashFlags } from '../../src/http/scripts.js';

/** What @upstash/redis does with a base64 response (its decode(), reduced to strings and arrays). */
function clientDecode(value: unknown): unknown {
  if (typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  if (Array.isArray(value)) return value.map(clientDecode);
  return value;
}

describe('path-style commands', () => {
  it('reads path-style commands, with a POST body as the last argument', () => {
    expect(commandFromPath('/set/foo/b%20ar', undefined)).toEqual({ name: 'SET', args: ['foo', 'b ar'] });
    expect(commandFromPath('/set/foo', 'the body')).toEqual({ name: 'SET', args: ['foo', 'the body'] });
    expect(commandFromPath('/', undefined)).toBeInstanceOf(Invalid);
    expect(commandFromPath('/get/%E0%A4%A', undefined)).toBeInstanceOf(Invalid);
  });
});

describe('command policy', () => {
  const policy = new CommandPolicy({ allowFlush: false });
  const refusal = (name: string, args: string[] = []) => policy.refusal(name, args);

  it.each(['BLPOP', 'BRPOPLPUSH', 'BZPOPMIN', 'WAIT', 'SELECT', 'HELLO', 'AUTH', 'QUIT', 'SUBSCRIBE', 'PSUBSCRIBE', 'MULTI', 'EXEC', 'WATCH', 'DISCARD'])(
    'refuses %s, which HTTP cannot carry, with an explanation',
    (name) => {
      expect(refusal(name, ['x', '0'])).toMatch(new RegExp(`^ERR ${name} is not supported over REST: `));
    },
  );

  it.each([
    ['CONFIG', ['GET', 'requirepass'], /password/],
    ['ACL', ['SETUSER', 'x'], /users/],
    ['DEBUG', ['SEGFAULT'], /crash/],
    ['FLUSHALL', [], /--allow-flush/],
    ['FLUSHDB', ['ASYNC'], /--allow-flush/],
    ['REPLICAOF', ['127.0.0.1', '1'], /replication/],
    ['SLAVEOF', ['NO', 'ONE'], /replication/],
    ['SAVE', [], /files/],
    ['BGSAVE', [], /files/],
    ['BGREWRITEAOF', [], /files/],
    ['SHUTDOWN', ['NOSAVE'], /stops the server/],
    ['MODULE', ['LOAD', '/x.so'], /native code/],
    ['FUNCTION', ['LOAD', 'x'], /server-side code/],
    ['CLIENT', ['KILL', 'ID', '1'], /other clients/],
    ['MONITOR', [], /every command/],
    ['FAILOVER', [], /replication/],
    ['CLUSTER', ['MEET', 'h', '1'], /cluster/],
    ['LATENCY', ['RESET'], /diagnostics/],
    ['SLOWLOG', ['RESET'], /diagnostics/],
    ['MIGRATE', ['h', '1', 'k', '0', '1'], /another server/],
    ['SWAPDB', ['0', '1'], /databases/],
    ['PFDEBUG', ['GETREG', 'k'], /debugging/],
    ['PFSELFTEST', [], /debugging/],
    ['RESTORE', ['k', '0', 'x'], /crash/],
    ['SCRIPT', ['DEBUG', 'YES'], /Lua debugger/],
    ['SCRIPT', ['kill'], /running script/],
  ])('refuses the admin command %s %j, saying why', (name, args, why) => {
    const text = refusal(name, args as string[]);
    expect(text).toMatch(/^ERR [A-Z-]+( [A-Z]+)? is not allowed over REST: admin command, /);
    expect(text).toMatch(why);
  });

  it('lets FLUSHALL and FLUSHDB through when the bridge allows them, and nothing else of the admin list', () => {
    const lenient = new CommandPolicy({ allowFlush: true });
    expect(lenient.refusal('FLUSHALL', [])).toBeUndefined();
    expect(lenient.refusal('FLUSHDB', [])).toBeUndefined();
    expect(lenient.refusal('CONFIG', ['GET', '*'])).toMatch(/not allowed/);
    expect(lenient.scriptDenyList()).not.toContain('FLUSHALL');
    expect(policy.scriptDenyList()).toEqual(expect.arrayContaining(['FLUSHALL', 'FLUSHDB', 'MIGRATE', 'RESTORE', 'SWAPDB', 'CONFIG']));
    // Blocking and connection commands behave inside scripts (BLPOP does not block there).
    expect(policy.scriptDenyList()).not.toContain('BLPOP');
  });

  it('refuses XREAD only with BLOCK, and lets ordinary commands through', () => {
    expect(refusal('XREAD', ['BLOCK', '0', 'STREAMS', 's', '$'])).toMatch(/BLOCK/);
    expect(refusal('XREAD', ['COUNT', '1', 'STREAMS', 's', '0'])).toBeUndefined();
    for (const name of ['GET', 'SET', 'EVAL', 'EVALSHA', 'FCALL', 'PING', 'LPOP', 'INFO', 'OBJECT', 'MEMORY', 'DBSIZE', 'KEYS'])
      expect(refusal(name)).toBeUndefined();
    for (const sub of ['LOAD', 'EXISTS', 'FLUSH']) expect(refusal('SCRIPT', [sub])).toBeUndefined();
    expect(refusal('OBJECT', ['FREQ', 'k'])).toBeUndefined();
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

  const GUARD = '--guard-- ';

  it('rewrites every script: flags stripped, the guard in front of the first line of code', () => {
    expect(withGuard('return 1', GUARD)).toBe('--guard-- return 1');
    expect(withGuard('#!lua flags=no-writes\nreturn 1', GUARD)).toBe('#!lua flags=no-writes\n--guard-- return 1');
    expect(withGuard('#!lua', GUARD)).toBe('#!lua\n--guard-- ');
    const table = new ScriptTable(GUARD);
    expect(table.prepare({ name: 'EVAL', args: ['#!lua flags=allow-key-locking\nreturn 1', '0'] }).command.args[0]).toBe('--guard-- \nreturn 1');
    expect(table.prepare({ name: 'EVAL_RO', args: ['return 2', '0'] }).command).toEqual({ name: 'EVAL_RO', args: ['--guard-- return 2', '0'] });
  });

  it('keeps the guard on one line, so error line numbers stay those of the script', () => {
    const guard = scriptGuard(['CONFIG', 'FLUSHALL']);
    expect(guard).not.toMatch(/[\r\n]/);
    expect(guard).toContain("' CONFIG FLUSHALL '");
    expect(() => scriptGuard(["X') os.exit() --"])).toThrow(/unexpected command name/);
  });

  it('maps EVALSHA of a seen original to EVAL of its rewrite, and answers NOSCRIPT for any other sha', () => {
    const table = new ScriptTable(GUARD);
    const original = '#!lua flags=allow-key-locking\nreturn KEYS[1]';
    const sha = sha1(original);
    // Unknown sha: NOSCRIPT from a script, whatever Redis has cached, so the client sends the text.
    const unknown = table.prepare({ name: 'EVALSHA', args: [sha, '1', 'k'] }).command;
    expect(unknown.name).toBe('EVAL');
    expect(unknown.args[0]).toContain(NOSCRIPT);
    expect(table.prepare({ name: 'EVAL', args: [original, '1', 'k'] }).command).toEqual({ name: 'EVAL', args: ['--guard-- \nreturn KEYS[1]', '1', 'k'] });
    expect(table.prepare({ name: 'EVALSHA', args: [sha.toUpperCase(), '1', 'k'] }).command).toEqual({
      name: 'EVAL',
      args: ['--guard-- \nreturn KEYS[1]', '1', 'k'],
    });
    expect(table.prepare({ name: 'EVALSHA_RO', args: [sha, '0'] }).command.name).toBe('EVAL_RO');
    table.prepare({ name: 'EVAL', args: ['return 1', '0'] });
    expect(table.size).toBe(2);
  });

  it("answers SCRIPT LOAD with the original's sha and SCRIPT EXISTS from what it knows", () => {
    const table = new ScriptTable(GUARD);
    const original = '#!lua flags=allow-key-locking\nreturn 2';
    const load = table.prepare({ name: 'SCRIPT', args: ['load', original] });
    expect(load.command).toEqual({ name: 'SCRIPT', args: ['load', '--guard-- \nreturn 2'] });
    // A Buffer, as Redis's own bulk reply is: every JS string the bridge writes as JSON is an integer reply.
    expect(String(load.reply?.(Buffer.from(sha1('\nreturn 2'))))).toBe(sha1(original));
    // Redis may have 'ffff' cached (loaded over TCP, unguarded): EVALSHA would not run it, so 0.
    const exists = table.prepare({ name: 'SCRIPT', args: ['EXISTS', sha1(original), 'ffff'] });
    expect(exists.reply?.([0, 1])).toEqual([1, 0]);
    const flush = table.prepare({ name: 'SCRIPT', args: ['FLUSH'] });
    flush.reply?.(Buffer.from('OK'));
    expect(table.size).toBe(0);
    expect(table.prepare({ name: 'EVALSHA', args: [sha1(original), '0'] }).command.args[0]).toContain(NOSCRIPT);
  });
});

describe('pipeline slices', () => {
  it('end at 500 commands, or earlier once their arguments reach 256 KB, and always hold one', () => {
    const pings = Array.from({ length: 1200 }, () => ({ name: 'PING', args: [] }));
    expect([sliceEnd(pings, 0), sliceEnd(pings, 500), sliceEnd(pings, 1000)]).toEqual([PIPELINE_SLICE, 1000, 1200]);
    const big = Array.from({ length: 100 }, () => ({ name: 'SET', args: ['k', Buffer.alloc(10 * 1024)] }));
    expect(sliceEnd(big, 0)).toBe(Math.ceil(PIPELINE_SLICE_BYTES / (10 * 1024 + 1)));
    const huge = [
      { name: 'SET', args: ['k', Buffer.alloc(PIPELINE_SLICE_BYTES * 3)] },
      { name: 'GET', args: ['k'] },
    ];
    expect(sliceEnd(huge, 0)).toBe(1);
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
