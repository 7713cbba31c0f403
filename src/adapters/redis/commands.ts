/**
 * The commands `migratingRedis` supports, as the Redis command line `@upstash/redis` 1.39 sends for
 * the same call (pure). The TCP side sends exactly these words, so both transports give Redis the
 * same command; test/unit/redis-adapter-commands.test.ts compares them with @upstash/redis's own
 * command classes.
 */
import type { ScoreMember, SetCommandOptions, ZAddCommandOptions, ZRangeCommandOptions } from '@upstash/redis';

/** Every command `migratingRedis` implements, on the client and in `pipeline()` / `multi()`. */
export const SUPPORTED_COMMANDS = [
  'get',
  'set',
  'incr',
  'incrby',
  'expire',
  'pexpire',
  'ttl',
  'del',
  'mget',
  'hget',
  'hset',
  'hincrby',
  'zadd',
  'zrange',
  'zremrangebyscore',
  'zcard',
  'eval',
  'evalsha',
] as const;
export type SupportedCommand = (typeof SUPPORTED_COMMANDS)[number];

/** A caller's mistake found before anything is sent (the same on both transports). */
export class InvalidArgument extends Error {
  override readonly name = 'InvalidArgument';
}

/**
 * One argument as Redis receives it. @upstash/redis sends strings, numbers and booleans as JSON
 * scalars (the REST server prints them) and JSON-encodes anything else; this does the same in one
 * step. What JSON cannot carry as a value (undefined, NaN, a bigint, a function) is refused, on both sides.
 */
export function wireArgument(value: unknown, index: number, command: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (Number.isFinite(value)) return String(value);
      break;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      // null too: it becomes the text "null" (@upstash/ratelimit's resetUsedTokens sends one).
      const text = JSON.stringify(value) as string | undefined;
      if (text !== undefined) return text;
      break;
    }
    default:
      break;
  }
  const shown = typeof value === 'number' ? String(value) : typeof value;
  throw new InvalidArgument(
    `argument ${index} of ${command.toUpperCase()} is ${shown}: pass a string, a finite number, a boolean or a JSON-serialisable object`,
  );
}

type Words = unknown[];

function setWords(key: string, value: unknown, opts?: SetCommandOptions): Words {
  const words: Words = ['set', key, value];
  if (!opts) return words;
  if ('nx' in opts && opts.nx) words.push('nx');
  else if ('xx' in opts && opts.xx) words.push('xx');
  if ('get' in opts && opts.get) words.push('get');
  if ('ex' in opts && typeof opts.ex === 'number') words.push('ex', opts.ex);
  else if ('px' in opts && typeof opts.px === 'number') words.push('px', opts.px);
  else if ('exat' in opts && typeof opts.exat === 'number') words.push('exat', opts.exat);
  else if ('pxat' in opts && typeof opts.pxat === 'number') words.push('pxat', opts.pxat);
  else if ('keepTtl' in opts && opts.keepTtl) words.push('keepTtl');
  return words;
}

function zaddWords(key: string, first: ScoreMember<unknown> | ZAddCommandOptions, rest: ScoreMember<unknown>[]): Words {
  const words: Words = ['zadd', key];
  if ('nx' in first && first.nx) words.push('nx');
  else if ('xx' in first && first.xx) words.push('xx');
  if ('ch' in first && first.ch) words.push('ch');
  if ('incr' in first && first.incr) words.push('incr');
  if ('lt' in first && first.lt) words.push('lt');
  else if ('gt' in first && first.gt) words.push('gt');
  if ('score' in first && 'member' in first) words.push(first.score, first.member);
  for (const { score, member } of rest) words.push(score, member);
  return words;
}

function zrangeWords(key: string, min: unknown, max: unknown, opts?: ZRangeCommandOptions): Words {
  const words: Words = ['zrange', key, min, max];
  if (opts?.byScore) words.push('byscore');
  if (opts?.byLex) words.push('bylex');
  if (opts?.rev) words.push('rev');
  if (opts?.count !== undefined && opts.offset !== undefined) words.push('limit', opts.offset, opts.count);
  if (opts?.withScores) words.push('withscores');
  return words;
}

function scriptWords(name: 'eval' | 'evalsha', script: string, keys: string[], args: unknown[] | undefined): Words {
  return [name, script, keys.length, ...keys, ...(args ?? [])];
}

/** The words of one call, before they become strings. */
function words(command: SupportedCommand, args: readonly unknown[]): Words {
  // biome-ignore lint/suspicious/noExplicitAny: each public method's signature types these arguments; this switch only re-reads them by position
  const a = args as any[];
  switch (command) {
    case 'set':
      return setWords(a[0], a[1], a[2]);
    case 'expire':
    case 'pexpire':
      // @upstash/redis drops falsy words here (so `expire(k, 0)` is an arity error on Upstash too).
      return command === 'expire' ? ['expire', ...a.filter(Boolean)] : ['pexpire', ...a];
    case 'mget':
      return ['mget', ...(Array.isArray(a[0]) ? a[0] : a)];
    case 'hset':
      return ['hset', a[0], ...Object.entries((a[1] ?? {}) as Record<string, unknown>).flat()];
    case 'zadd':
      return zaddWords(a[0], a[1], a.slice(2));
    case 'zrange':
      return zrangeWords(a[0], a[1], a[2], a[3]);
    case 'eval':
    case 'evalsha':
      return scriptWords(command, a[0], a[1] ?? [], a[2]);
    default:
      return [command, ...a];
  }
}

/** The command line of one call, as strings: `['set', 'user:1', 'v', 'ex', '60']`. Throws InvalidArgument. */
export function commandLine(command: SupportedCommand, args: readonly unknown[]): string[] {
  const list = words(command, args);
  const line = new Array<string>(list.length);
  line[0] = command;
  for (let i = 1; i < list.length; i++) line[i] = wireArgument(list[i], i, command);
  return line;
}

/** Score bounds and lexicographic bounds, as @upstash/redis types them. */
export type ScoreBound = number | `(${number}` | '-inf' | '+inf';
export type LexBound = `(${string}` | `[${string}` | '-' | '+';
