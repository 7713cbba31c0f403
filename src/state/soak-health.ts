/**
 * What the monitor saw of each tier's soak: healthy monitored time and the last threshold breach,
 * for the tier's current soak only (a new flip starts a new soak and forgets the old numbers).
 * `gate.soak` and `phase2` read it.
 */
import { runScript, type RedisClient } from '../redis/client.js';
import type { StateKeys } from './keys.js';

export interface TierSoakHealth {
  /** The soak start (server time, ms) these numbers belong to. */
  since: number;
  /** Monitored time without a breach, ms. */
  healthyMs: number;
  /** Server time of the last breach in this soak, or null. */
  breachAt: number | null;
  breach: string | null;
}

/** KEYS: soak hash. ARGV: tier, since, healthy ms to add, breach time ('' = none), breach text. */
const RECORD_SCRIPT = `
local tier = ARGV[1]
if redis.call('HGET', KEYS[1], tier .. ':since') ~= ARGV[2] then
  redis.call('HDEL', KEYS[1], tier .. ':healthyMs', tier .. ':breachAt', tier .. ':breach')
  redis.call('HSET', KEYS[1], tier .. ':since', ARGV[2])
end
if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', KEYS[1], tier .. ':healthyMs', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], tier .. ':breachAt', ARGV[4], tier .. ':breach', ARGV[5]) end
return redis.call('HGET', KEYS[1], tier .. ':healthyMs') or '0'`;

export async function recordSoakSample(
  client: RedisClient,
  keys: StateKeys,
  sample: { tier: string; since: number; healthyMs: number; breachAt: number | null; breach: string | null },
): Promise<void> {
  await runScript(client, RECORD_SCRIPT, [keys.soak], [
    sample.tier,
    String(sample.since),
    Math.max(0, Math.round(sample.healthyMs)),
    sample.breachAt === null ? '' : String(sample.breachAt),
    sample.breach ?? '',
  ]);
}

export function parseSoakHealth(hash: Record<string, string>): Record<string, TierSoakHealth> {
  const out: Record<string, TierSoakHealth> = {};
  for (const [field, value] of Object.entries(hash)) {
    const match = /^(.+):since$/.exec(field);
    if (!match) continue;
    const tier = match[1] as string;
    const breachAt = hash[`${tier}:breachAt`];
    out[tier] = {
      since: Number(value),
      healthyMs: Number(hash[`${tier}:healthyMs`] ?? 0),
      breachAt: breachAt ? Number(breachAt) : null,
      breach: hash[`${tier}:breach`] || null,
    };
  }
  return out;
}

export async function readSoakHealth(client: RedisClient, keys: StateKeys): Promise<Record<string, TierSoakHealth>> {
  return parseSoakHealth((await client.hgetall(keys.soak)) as Record<string, string>);
}
