/**
 * The rule behind code.legacy-usage: is old code still there for what the migration moved? Bull
 * imported for a queue being cleaned up (or for a queue the scan cannot name), and ioredis
 * commands on the keys phase 1 moved to HTTP (the plan's cache key patterns and limiter prefixes). Pure.
 */
import type { QueueUse, RedisKeyUse } from './match.js';

export interface LegacyUsageInput {
  bullFiles: readonly string[];
  queueUses: readonly QueueUse[];
  redisKeys: readonly RedisKeyUse[];
  /** The queues whose legacy side is being cleaned up. */
  queues: readonly string[];
  /** Key patterns (SCAN MATCH syntax) and key prefixes phase 1 moved; empty: the ioredis part is not checked. */
  movedKeys: readonly string[];
}

export interface LegacyUsage {
  /** Files importing Bull for a queue in scope, or for queues the scan cannot name. */
  bull: { file: string; queues: string[] }[];
  /** Files importing Bull only for queues outside the plan. */
  outside: { file: string; queues: string[] }[];
  /** ioredis commands on moved keys. */
  redis: RedisKeyUse[];
}

function globRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '\\' && i + 1 < glob.length) source += `\\${glob[++i]}`;
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${glob
          .slice(i + 1, end)
          .replace(/^\^/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a key (or every key starting with `key.text`) can match the pattern. */
export function keyMatches(pattern: string, key: { text: string; exact: boolean }): boolean {
  if (key.exact) return globRegExp(pattern).test(key.text);
  const literal = /^[^*?[\\]*/.exec(pattern)?.[0] ?? '';
  return key.text.length > 0 && (key.text.startsWith(literal) || literal.startsWith(key.text));
}

export function legacyUsage(input: LegacyUsageInput): LegacyUsage {
  const scope = new Set(input.queues);
  const bull: LegacyUsage['bull'] = [];
  const outside: LegacyUsage['outside'] = [];
  for (const file of input.bullFiles) {
    const names = [...new Set(input.queueUses.filter((use) => use.file === file).map((use) => use.name))];
    const known = names.filter((name): name is string => name !== null);
    const unknown = names.length === 0 || names.includes(null);
    if (unknown || known.some((name) => scope.has(name))) bull.push({ file, queues: known.filter((name) => scope.has(name)) });
    else outside.push({ file, queues: known });
  }
  const redis = input.movedKeys.length
    ? input.redisKeys.filter((use) => input.movedKeys.some((pattern) => keyMatches(pattern, { text: use.key, exact: use.exact })))
    : [];
  return { bull, outside, redis };
}
