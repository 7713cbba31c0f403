/**
 * A Lua prologue that keeps scripts run through the bridge from calling admin commands (pure).
 *
 * Redis refuses most admin commands inside scripts, not all: 7.0 runs FLUSHALL, MIGRATE, RESTORE,
 * SWAPDB... from `redis.call`. The prologue shadows `redis` with a table whose `call` and `pcall`
 * refuse the bridge's admin list and pass everything else to the real ones, and shadows every
 * global that leads back to the real table (`_G`, `load`, `loadstring`; `getfenv`, `setfenv` and
 * `debug` too, which 7.0 no longer exposes). This holds because Redis 7 makes the globals and
 * library tables read-only, so a script cannot swap `string.upper` or `type` under the guard;
 * on Redis 6 it can (the bridge warns at start).
 *
 * It is one line, put in front of the script's first line (after a shebang), so Lua's error line
 * numbers stay those of the script as written.
 */

/** The prologue for one deny list (names upper-case). */
export function scriptGuard(denied: readonly string[]): string {
  const list = ` ${denied.join(' ')} `;
  if (!/^[ A-Z0-9_-]*$/.test(list)) throw new Error(`unexpected command name in the script deny list: ${list}`);
  return (
    `local redis = (function(R, denied) ` +
    `local upper, find, raise, kind = string.upper, string.find, error, type ` +
    `local function refused(c) if kind(c) == 'string' then local n = upper(c) ` +
    `if find(denied, ' ' .. n .. ' ', 1, true) then return 'ERR ' .. n .. ' is not allowed over REST, not from a script either: admin command' end end end ` +
    `local guarded = setmetatable({}, { __index = R, __metatable = false }) ` +
    `guarded.call = function(c, ...) local e = refused(c) if e then raise({ err = e }) end return R.call(c, ...) end ` +
    `guarded.pcall = function(c, ...) local e = refused(c) if e then return { err = e } end return R.pcall(c, ...) end ` +
    `return guarded end)(redis, '${list}') ` +
    `local _G, load, loadstring, getfenv, setfenv, debug = nil, nil, nil, nil, nil, nil; `
  );
}

/** `script` with `guard` in front of its first line of code (a shebang line stays first). */
export function withGuard(script: string, guard: string): string {
  if (!script.startsWith('#!')) return guard + script;
  const newline = script.indexOf('\n');
  if (newline === -1) return `${script}\n${guard}`;
  return script.slice(0, newline + 1) + guard + script.slice(newline + 1);
}
