/**
 * What the monitor saw of each tier's soak: healthy monitored time and the last threshold breach,
 * for the tier's current soak only (a new flip starts a new soak and forgets the old numbers), and
 * how often a soak the monitor was watching stopped or restarted. `gate.soak` and `phase2` read it.
 * Everything is kept in Redis so a restarted monitor resumes, and two monitors never count twice.
 */
import { flatToObject, runScript, type RedisClient } from '../redis/client.js';
import { COUNTED_CALL_PRELUDE, splitCountedReply } from '../redis/counted-script.js';
import type { StateKeys } from './keys.js';

export interface TierSoakHealth {
  /** The soak start (server time, ms) these numbers belong to. */
  since: number;
  /** Monitored time without a breach, ms. */
  healthyMs: number;
  /** Server time of the last breach in this soak, or null. */
  breachAt: number | null;
  breach: string | null;
  /** Soaks of this tier the monitor saw stop or restart (rollback, re-flip), over all time. */
  restarts: number;
}

/** One tier as the monitor sees it at one sample. */
export interface TierSoakReading {
  tier: string;
  /** Its soak start (server time, ms), or null when the tier is not running on BullMQ. */
  since: number | null;
  /** The breaches of this sample that concern the tier, joined; null when none. */
  breach: string | null;
}

/**
 * KEYS: soak hash. ARGV: sample time, longest gap between two samples counted as watched (ms),
 * then per tier: name, soak start ('' = not soaking), breach text ('' = none).
 * Healthy time is the time since the last sample of *any* monitor (`<tier>:lastAt`), so a restart
 * or a second monitor adds nothing twice. `<tier>:observed` is the soak start last seen: when it
 * changes, that soak was interrupted.
 */
const RECORD_SCRIPT = `${COUNTED_CALL_PRELUDE}
local at = tonumber(ARGV[1])
local maxGap = tonumber(ARGV[2])
for i = 3, #ARGV, 3 do
  local tier, since, breach = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local observed = call('hget', KEYS[1], tier .. ':observed')
  if observed and observed ~= '' and observed ~= since then call('hincrby', KEYS[1], tier .. ':restarts', 1) end
  if observed ~= since then call('hset', KEYS[1], tier .. ':observed', since) end
  if since ~= '' then
    if call('hget', KEYS[1], tier .. ':since') ~= since then
      call('hdel', KEYS[1], tier .. ':healthyMs', tier .. ':breachAt', tier .. ':breach', tier .. ':lastAt')
      call('hset', KEYS[1], tier .. ':since', since)
    end
    local last = tonumber(call('hget', KEYS[1], tier .. ':lastAt') or '')
    if breach ~= '' then
      call('hset', KEYS[1], tier .. ':breachAt', ARGV[1], tier .. ':breach', breach)
    elseif last and at > last and at - last <= maxGap then
      call('hincrby', KEYS[1], tier .. ':healthyMs', at - last)
    end
    if not last or at > last then call('hset', KEYS[1], tier .. ':lastAt', ARGV[1]) end
  end
end
local hash = call('hgetall', KEYS[1])
return {cjson.encode(calls), unpack(hash)}`;

/**
 * Record one sample for every tier of the plan (on BullMQ or not, so an interrupted soak is seen)
 * and return the soak records after it, with the commands the script ran inside Redis.
 */
export async function recordSoakSample(
  client: RedisClient,
  keys: StateKeys,
  sample: { at: number; maxGapMs: number; tiers: readonly TierSoakReading[] },
): Promise<{ health: Record<string, TierSoakHealth>; calls: Record<string, number> }> {
  const args: string[] = [String(sample.at), String(Math.max(0, Math.round(sample.maxGapMs)))];
  for (const tier of sample.tiers) args.push(tier.tier, tier.since === null ? '' : String(tier.since), tier.breach ?? '');
  const { calls, rest } = splitCountedReply(await runScript(client, RECORD_SCRIPT, [keys.soak], args));
  return { health: parseSoakHealth(flatToObject(rest)), calls };
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
      restarts: Number(hash[`${tier}:restarts`] ?? 0),
    };
  }
  return out;
}

export async function readSoakHealth(client: RedisClient, keys: StateKeys): Promise<Record<string, TierSoakHealth>> {
  return parseSoakHealth((await client.hgetall(keys.soak)) as Record<string, string>);
}
