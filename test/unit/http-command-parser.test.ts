import { describe, expect, it } from 'vitest';
import { InFlightBudget, SMALL_REQUEST_BYTES } from '../../src/http/budget.js';
import { CommandParser, TooManyCommands, type BodyShape } from '../../src/http/command-parser.js';
import { Invalid } from '../../src/http/request.js';

/** Commands with every argument as text (long ones arrive as bytes). */
function asText(result: ReturnType<CommandParser['end']>) {
  return Array.isArray(result) ? result.map(({ name, args }) => ({ name, args: args.map((arg) => arg.toString()) })) : result;
}

function parse(text: string, shape: BodyShape = 'command', max = 1000) {
  const parser = new CommandParser(shape, max);
  return asText(parser.write(Buffer.from(text, 'utf8')) ?? parser.end());
}

/** The same body cut into chunks at every byte position (two chunks), and one byte at a time. */
function parseSplit(text: string, shape: BodyShape) {
  const bytes = Buffer.from(text, 'utf8');
  const results = [];
  for (let cut = 0; cut <= bytes.length; cut++) {
    const parser = new CommandParser(shape, 1000);
    results.push(asText(parser.write(bytes.subarray(0, cut)) ?? parser.write(bytes.subarray(cut)) ?? parser.end()));
  }
  const single = new CommandParser(shape, 1000);
  let failure: Invalid | TooManyCommands | undefined;
  for (const byte of bytes) failure ??= single.write(Buffer.from([byte]));
  results.push(asText(failure ?? single.end()));
  return results;
}

describe('command bodies', () => {
  it.each([
    ['["set","k","v"]', [{ name: 'SET', args: ['k', 'v'] }]],
    ['["SET", "k", "v", "EX", 100]', [{ name: 'SET', args: ['k', 'v', 'EX', '100'] }]],
    ['["set","k",true]', [{ name: 'SET', args: ['k', 'true'] }]],
    ['["set","k",false]', [{ name: 'SET', args: ['k', 'false'] }]],
    ['["set","k",1.5]', [{ name: 'SET', args: ['k', '1.5'] }]],
    [' \n["ping"] \r\n', [{ name: 'PING', args: [] }]],
  ])('%s → %j', (body, expected) => {
    expect(parse(body)).toEqual(expected);
  });

  it('keeps the exact digits of numbers JSON.parse would round (beyond 2^53), and every number as written', () => {
    expect(parse('["SET","k",12345678901234567890]')).toEqual([{ name: 'SET', args: ['k', '12345678901234567890'] }]);
    expect(parse('["INCRBY","k",-9007199254740993]')).toEqual([{ name: 'INCRBY', args: ['k', '-9007199254740993'] }]);
    expect(parse('["ZADD","z",1.10,"m",1e3,"n",0]')).toEqual([{ name: 'ZADD', args: ['z', '1.10', 'm', '1e3', 'n', '0'] }]);
    // What JSON.parse would have sent:
    expect(String(JSON.parse('12345678901234567890'))).toBe('12345678901234567000');
  });

  it('resolves escapes and multi-byte UTF-8 exactly as JSON.parse does', () => {
    const value = 'a"b\\c/\b\f\n\r\t é ✓ 日本 😀 \u0001';
    const body = JSON.stringify(['SET', 'k', value, '\\u0041', 'x\\"y']);
    expect(parse(body)).toEqual([{ name: 'SET', args: ['k', value, '\\u0041', 'x\\"y'] }]);
    expect(parse('["SET","k","\\u00e9\\ud83d\\ude00"]')).toEqual([{ name: 'SET', args: ['k', 'é😀'] }]);
  });

  it('keeps long values as the bytes JSON.parse + UTF-8 would give, escapes and surrogates included', () => {
    // The insides of JSON string literals, as a client writes them.
    const sources = [
      'x'.repeat(64),
      'é✓日本😀'.repeat(20),
      String.raw`{\"nested\":\"json \\ with \\\"quotes\\\"\",\"list\":[1,2]}`.repeat(4),
      String.raw`tab\tnew\nline \u0000\u001f \/ ` + 'y'.repeat(80),
      'z'.repeat(70) + String.raw`\ud83d\ude00 lone \ud800 end \udc00`,
    ];
    const body = `["SET","k",${sources.map((source) => `"${source}"`).join(',')}]`;
    const parser = new CommandParser('command', 10);
    expect(parser.write(Buffer.from(body))).toBeUndefined();
    const [command] = parser.end() as { args: (string | Buffer)[] }[];
    const expected = (JSON.parse(body) as string[]).slice(2).map((value) => Buffer.from(value, 'utf8'));
    const args = command?.args.slice(1) ?? [];
    expect(args).toHaveLength(sources.length);
    expect(args.every((arg) => Buffer.isBuffer(arg))).toBe(true);
    for (const [i, arg] of args.entries()) expect((arg as Buffer).equals(expected[i] as Buffer)).toBe(true);
    // Short ones stay strings.
    expect(command?.args[0]).toBe('k');
    for (const result of parseSplit(body, 'command')) expect(result).toEqual([{ name: 'SET', args: ['k', ...expected.map((value) => value.toString())] }]);
  });

  it('gives the same commands wherever the body is cut into chunks', () => {
    const body = `[["SET","kéy",${JSON.stringify('va"l\\ue ✓ 😀')},"EX",100.25e+2], ["INCRBY","n",12345678901234567890],["GET","x",true,false]]`;
    const expected = [
      { name: 'SET', args: ['kéy', 'va"l\\ue ✓ 😀', 'EX', '100.25e+2'] },
      { name: 'INCRBY', args: ['n', '12345678901234567890'] },
      { name: 'GET', args: ['x', 'true', 'false'] },
    ];
    for (const result of parseSplit(body, 'commands')) expect(result).toEqual(expected);
    for (const result of parseSplit('["get","a\\\\"]', 'command')) expect(result).toEqual([{ name: 'GET', args: ['a\\'] }]);
  });

  it.each([
    ['[]', /a command must be a non-empty JSON array/],
    ['"GET"', /a command must be a non-empty JSON array/],
    ['{"get":"k"}', /a command must be a non-empty JSON array/],
    ['[1,"k"]', /the command name must be a non-empty string/],
    ['[""]', /the command name must be a non-empty string/],
    ['["set","k",null]', /argument 2 of SET must be a string, number or boolean/],
    ['["set","k",{"a":1}]', /argument 2 of SET must be a string, number or boolean/],
    ['["set",["x"]]', /argument 1 of SET must be/],
    ['["get"', /not valid JSON: the body ends before the JSON does/],
    ['["get",]', /not valid JSON: unexpected "]"/],
    ['["get" "k"]', /not valid JSON: unexpected/],
    ['["get","k"] x', /not valid JSON: unexpected "x"/],
    ['["get",01]', /not valid JSON: "01" is not a JSON number/],
    ['["get",1.]', /not valid JSON/],
    ['["get",tru]', /not valid JSON: unexpected "tru"/],
    ['["get","\\x"]', /not valid JSON: a string has a malformed escape/],
    ['["get","\\u12"]', /malformed escape/],
    ['', /a command must be a non-empty JSON array/],
  ])('rejects %j with an ERR text', (body, message) => {
    const result = parse(body);
    expect(result).toBeInstanceOf(Invalid);
    expect((result as Invalid).error).toMatch(/^ERR /);
    expect((result as Invalid).error).toMatch(message);
  });

  it('reports a bad command of a pipeline by its position', () => {
    expect(parse('[["get","a"],["incr","b"]]', 'commands')).toEqual([
      { name: 'GET', args: ['a'] },
      { name: 'INCR', args: ['b'] },
    ]);
    expect((parse('[["get","a"],"incr"]', 'commands') as Invalid).error).toMatch(/a command must be a non-empty JSON array.*\(command 2\)$/);
    expect((parse('[["get","a"],["set","k",null]]', 'commands') as Invalid).error).toMatch(/argument 2 of SET .*\(command 2\)$/);
    expect((parse('[]', 'commands') as Invalid).error).toMatch(/a pipeline must be a non-empty JSON array of commands/);
    expect((parse('{"a":1}', 'commands') as Invalid).error).toMatch(/a pipeline must be/);
  });

  it('stops at the command past the cap, without reading further', () => {
    const parser = new CommandParser('commands', 3);
    expect(parser.write(Buffer.from('[["ping"],["ping"],["ping"],'))).toBeUndefined();
    expect(parser.write(Buffer.from('["ping"]'))).toEqual(new TooManyCommands(3));
    // It stays failed, whatever comes next.
    expect(parser.write(Buffer.from(']'))).toEqual(new TooManyCommands(3));
    expect(parse('[["ping"],["ping"],["ping"]]', 'commands', 3)).toHaveLength(3);
  });
});

describe('in-flight budget', () => {
  it('lets large requests fill three quarters of it, and small ones the rest', () => {
    const budget = new InFlightBudget(4 * SMALL_REQUEST_BYTES * 10);
    const big = budget.hold();
    expect(big.take(SMALL_REQUEST_BYTES * 20)).toBe(true);
    const second = budget.hold();
    expect(second.take(SMALL_REQUEST_BYTES * 11)).toBe(false);
    expect(second.take(SMALL_REQUEST_BYTES * 10)).toBe(true);
    // Large requests are at 3/4 now; a small one still fits.
    const small = budget.hold();
    expect(small.take(SMALL_REQUEST_BYTES)).toBe(true);
    // A request that grows past the small size counts as large from then on.
    expect(small.take(1)).toBe(false);
    big.release();
    second.release();
    small.release();
    expect(budget.usedBytes).toBe(0);
  });

  it('counts answers already built, room or not, until they are sent', () => {
    const budget = new InFlightBudget(1000);
    const holding = budget.hold();
    holding.add(5000);
    expect(budget.usedBytes).toBe(5000);
    expect(budget.hold().take(10)).toBe(false);
    holding.release();
    holding.release();
    expect(budget.usedBytes).toBe(0);
  });
});
