/**
 * TEST-ONLY time travel for the migration state, so a soak window is tested without waiting it out.
 * Production has no way to do this on purpose: a soak clock moved by hand is drift (exit 4).
 */
import type { Cluster, Redis } from 'ioredis';
import { parseDuration } from '../../src/plan/duration.js';
import type { StateKeys } from '../../src/state/keys.js';

/**
 * KEYS: state hash, audit stream, soak hash. ARGV: ms.
 * Every moment the namespace recorded moves back by ARGV[1]: each `<field>:since` clock and
 * `updatedAt`; each audit entry's `time` and its stream ID (the stream is rewritten in order); the
 * monitor's soak records (`<tier>:since`, `:observed`, `:lastAt`, `:breachAt`). Relative order and
 * every cross-check the tool makes (a clock equals the time of the audit entry that set it; a soak
 * record belongs to the soak that starts at the tier's clock) hold as before.
 */
const BACKDATE_SCRIPT = `
local shift = tonumber(ARGV[1])
local function back(value)
  local n = tonumber(value)
  if not n then return value end
  return string.format('%.0f', n - shift)
end

local state = redis.call('HGETALL', KEYS[1])
for i = 1, #state, 2 do
  local field = state[i]
  if string.sub(field, -6) == ':since' or field == 'updatedAt' then redis.call('HSET', KEYS[1], field, back(state[i + 1])) end
end

local soak = redis.call('HGETALL', KEYS[3])
for i = 1, #soak, 2 do
  local field = soak[i]
  if string.match(field, ':since$') or string.match(field, ':observed$') or string.match(field, ':lastAt$') or string.match(field, ':breachAt$') then
    redis.call('HSET', KEYS[3], field, back(soak[i + 1]))
  end
end

local entries = redis.call('XRANGE', KEYS[2], '-', '+')
if #entries > 0 then
  redis.call('DEL', KEYS[2])
  for _, entry in ipairs(entries) do
    local ms, seq = string.match(entry[1], '^(%d+)-(%d+)$')
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'time' then fields[i + 1] = back(fields[i + 1]) end
    end
    redis.call('XADD', KEYS[2], back(ms) .. '-' .. seq, unpack(fields))
  end
end
return #entries`;

/**
 * Moves the namespace's whole recorded history `by` into the past (ms, or a duration like "24h"),
 * as if that much time had passed since: soak windows elapse, gates open, `status` and drift see a
 * consistent story. Locks, TTLs, SDK heartbeats and monitor samples are left as they are (they
 * belong to live processes and the wall clock). Returns how many audit entries moved.
 */
export async function backdateHistory(client: Redis | Cluster, keys: StateKeys, by: number | string): Promise<number> {
  const ms = typeof by === 'number' ? by : parseDuration(by);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) throw new Error(`backdateHistory: expected a positive duration, got ${String(by)}`);
  return Number(await client.eval(BACKDATE_SCRIPT, 3, keys.state, keys.audit, keys.soak, String(Math.round(ms))));
}
