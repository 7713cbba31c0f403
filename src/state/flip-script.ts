/**
 * The one atomic flag change: compare, write state + version, append the audit entry, publish the
 * new state. As a Lua script nothing can observe the state without its audit entry or version.
 *
 * KEYS: state hash, audit stream, lock.
 * ARGV: changes JSON [[field, value, default, hasSince]], actor, command, reason, kind,
 *       lock token ('' = do not check), epoch candidate, changes channel, details JSON.
 * Returns: {changed 0|1, version, nowMs, beforeJSON, afterJSON, flat state}.
 */
export const FLIP_SCRIPT = `
pcall(redis.replicate_commands)
local changes = cjson.decode(ARGV[1])
local lockToken = ARGV[6]
if lockToken ~= '' then
  local held = redis.call('GET', KEYS[3])
  local ok, lock = pcall(cjson.decode, held or 'null')
  if not held or not ok or type(lock) ~= 'table' or lock.token ~= lockToken then
    return redis.error_reply('LOCKLOST the migration lock expired or was taken over')
  end
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local before, after, changed = {}, {}, false
for _, c in ipairs(changes) do
  local field, value, default, withSince = c[1], c[2], c[3], c[4]
  local current = redis.call('HGET', KEYS[1], field)
  if not current then current = default end
  if current ~= value then
    before[field] = current
    after[field] = value
    changed = true
    redis.call('HSET', KEYS[1], field, value)
    if withSince == 1 then redis.call('HSET', KEYS[1], field .. ':since', tostring(now)) end
  end
end

local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if changed then
  redis.call('HSETNX', KEYS[1], 'epoch', ARGV[7])
  version = redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('HSET', KEYS[1], 'updatedAt', tostring(now), 'updatedBy', ARGV[2])
  redis.call('XADD', KEYS[2], '*',
    'time', tostring(now), 'kind', ARGV[5], 'actor', ARGV[2], 'command', ARGV[3], 'reason', ARGV[4],
    'version', tostring(version), 'before', cjson.encode(before), 'after', cjson.encode(after), 'details', ARGV[9])
end

local flat = redis.call('HGETALL', KEYS[1])
if changed then
  local snapshot = {}
  for i = 1, #flat, 2 do snapshot[flat[i]] = flat[i + 1] end
  redis.call('PUBLISH', ARGV[8], cjson.encode(snapshot))
end
return {changed and 1 or 0, version, now, cjson.encode(before), cjson.encode(after), flat}
`;
