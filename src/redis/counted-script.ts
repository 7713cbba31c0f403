/**
 * Lua scripts that say which commands they ran. Redis counts a script's inner calls in INFO
 * (total_commands_processed and commandstats), so a reader that subtracts its own traffic from
 * those counters (the monitor) needs them by name.
 */

/** Prepend to a script; use `call('hget', ...)` (lowercase, as commandstats names them) instead of redis.call. */
export const COUNTED_CALL_PRELUDE = `
local calls = {}
local function call(command, ...)
  calls[command] = (calls[command] or 0) + 1
  return redis.call(command, ...)
end
`;

/** The script's reply `{cjson.encode(calls), ...rest}` split in two. */
export function splitCountedReply(reply: unknown): { calls: Record<string, number>; rest: unknown[] } {
  const [encoded, ...rest] = reply as [string, ...unknown[]];
  const decoded = JSON.parse(String(encoded)) as Record<string, number> | unknown[];
  // cjson encodes an empty table as {} but some builds as []: both mean no call.
  return { calls: Array.isArray(decoded) ? {} : decoded, rest };
}
