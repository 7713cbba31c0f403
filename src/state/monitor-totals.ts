/**
 * The monitor's running totals in Redis: jobs completed and failed per queue and side, breaches
 * by threshold, and the readings they were counted up to (set sizes, the BullMQ events cursor).
 * Kept here, not in the monitor's memory, so they survive a restart (Prometheus sees one monotonic
 * counter) and two monitors never count the same jobs: each update names the reading it counted
 * from and is applied only if that is still the stored one.
 */
import { flatToObject, runScript, type RedisClient } from '../redis/client.js';
import { COUNTED_CALL_PRELUDE, splitCountedReply } from '../redis/counted-script.js';
import type { StateKeys } from './keys.js';

/** A compare-and-set over fields of the monitor hash ('' = the field is absent). */
export interface TotalsUpdate {
  expect: [field: string, value: string][];
  set: [field: string, value: string][];
  incr: [field: string, by: number][];
}

export const ACTIVE_BREACHES_FIELD = 'breaches:active';

/**
 * KEYS: monitor hash. ARGV: updates (JSON), the keys of the breaches in progress ("\n"-joined).
 * Reads the hash once and writes what changed in one HSET (a plan has a dozen queues, four
 * readings each). Returns the calls made, the breach keys that started now (counted once, whoever sees them
 * first), and the hash after the update.
 */
const RECORD_SCRIPT = `${COUNTED_CALL_PRELUDE}
local flat = call('hgetall', KEYS[1])
local hash = {}
for i = 1, #flat, 2 do hash[flat[i]] = flat[i + 1] end
local changed = {}
local function put(field, value)
  if hash[field] ~= value then
    hash[field] = value
    changed[#changed + 1] = field
    changed[#changed + 1] = value
  end
end
local function add(field, by)
  if by > 0 then put(field, string.format('%.0f', (tonumber(hash[field]) or 0) + by)) end
end
for _, update in ipairs(cjson.decode(ARGV[1])) do
  local current = true
  for _, pair in ipairs(update.expect) do
    if (hash[pair[1]] or '') ~= pair[2] then current = false end
  end
  if current then
    for _, pair in ipairs(update.set) do put(pair[1], pair[2]) end
    for _, pair in ipairs(update.incr) do add(pair[1], pair[2]) end
  end
end
local before = {}
for key in string.gmatch(hash['${ACTIVE_BREACHES_FIELD}'] or '', '[^\\n]+') do before[key] = true end
local started = {}
for key in string.gmatch(ARGV[2], '[^\\n]+') do
  if not before[key] then
    started[#started + 1] = key
    add('breaches:' .. string.match(key, '^[^:]+'), 1)
  end
end
put('${ACTIVE_BREACHES_FIELD}', ARGV[2])
if #changed > 0 then call('hset', KEYS[1], unpack(changed)) end
local out = {}
for field, value in pairs(hash) do
  out[#out + 1] = field
  out[#out + 1] = value
end
return {cjson.encode(calls), table.concat(started, '\\n'), unpack(out)}`;

export async function recordMonitorTotals(
  client: RedisClient,
  keys: StateKeys,
  updates: readonly TotalsUpdate[],
  activeBreaches: readonly string[],
): Promise<{ hash: Record<string, string>; started: string[]; calls: Record<string, number> }> {
  const reply = await runScript(client, RECORD_SCRIPT, [keys.monitor], [JSON.stringify(updates), activeBreaches.join('\n')]);
  const { calls, rest } = splitCountedReply(reply);
  const [started, ...hash] = rest;
  return { hash: flatToObject(hash), started: String(started).split('\n').filter(Boolean), calls };
}

export async function readMonitorTotals(client: RedisClient, keys: StateKeys): Promise<Record<string, string>> {
  return (await client.hgetall(keys.monitor)) as Record<string, string>;
}
