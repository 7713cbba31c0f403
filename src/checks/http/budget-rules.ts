/**
 * Commands per month and their cost, from two `INFO commandstats` snapshots (pure).
 *
 * commandstats counts per command name, not per key, so the cache and rate-limiter share is an
 * estimate by command type: string and generic key commands (GET, SET, INCR, EXPIRE, DEL...) are
 * what a cache and a counter-based limiter send; blocking pops, lists, sorted sets, streams, pub/sub
 * and scripts are queue traffic that stays on TCP; operational commands are not billed by Upstash.
 * Commands run inside Lua scripts are counted too (Upstash bills them as well), so queue scripts
 * add a little to the estimate (their SET/INCR calls).
 */

export const SECONDS_PER_MONTH = 30 * 24 * 3600;
export const FREE_TIER_COMMANDS = 500_000;

export type TrafficClass = 'cache' | 'queue' | 'admin' | 'other';

const CACHE = new Set([
  'get',
  'set',
  'setex',
  'psetex',
  'setnx',
  'getex',
  'getdel',
  'getset',
  'mget',
  'mset',
  'msetnx',
  'append',
  'strlen',
  'getrange',
  'setrange',
  'incr',
  'incrby',
  'incrbyfloat',
  'decr',
  'decrby',
  'del',
  'unlink',
  'exists',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'ttl',
  'pttl',
  'persist',
  'type',
  'touch',
]);

// Blocking pops, sorted sets and streams by prefix; lists by name ("l"/"r" alone would catch LCS, RENAME).
const QUEUE_PREFIXES = ['bl', 'br', 'bz', 'z', 'x'];
const QUEUE = new Set([
  'lpush',
  'lpushx',
  'lpop',
  'llen',
  'lrange',
  'lrem',
  'lset',
  'ltrim',
  'lindex',
  'linsert',
  'lmove',
  'lmpop',
  'lpos',
  'rpush',
  'rpushx',
  'rpop',
  'rpoplpush',
  'evalsha',
  'eval',
  'evalsha_ro',
  'eval_ro',
  'fcall',
  'fcall_ro',
  'publish',
  'spublish',
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
  'script',
]);

// Not billed by Upstash (pricing FAQ), plus the server-side commands an app does not send for data.
const ADMIN = new Set([
  'auth',
  'hello',
  'select',
  'command',
  'config',
  'info',
  'ping',
  'reset',
  'quit',
  'client',
  'cluster',
  'slowlog',
  'latency',
  'memory',
  'monitor',
  'debug',
  'readonly',
  'readwrite',
  'echo',
  'time',
  'dbsize',
  'role',
  'replconf',
  'psync',
  'sync',
]);

/** "client|setname" (Redis 7 subcommands) → "client". */
function baseName(name: string): string {
  const bar = name.indexOf('|');
  return bar === -1 ? name : name.slice(0, bar);
}

export function classifyCommand(name: string): TrafficClass {
  const base = baseName(name.toLowerCase());
  if (ADMIN.has(base)) return 'admin';
  if (CACHE.has(base)) return 'cache';
  if (QUEUE.has(base)) return 'queue';
  if (QUEUE_PREFIXES.some((prefix) => base.startsWith(prefix))) return 'queue';
  return 'other';
}

/** `cmdstat_get:calls=12,usec=...` lines → calls per command. */
export function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls.set(match[1] as string, Number(match[2]));
  }
  return calls;
}

export interface TrafficEstimate {
  windowMs: number;
  perSecond: Record<TrafficClass, number>;
  /** Busiest commands in the window, calls per second. */
  top: { command: string; class: TrafficClass; perSecond: number }[];
  /** Cache and limiter commands, i.e. what moves to HTTP. */
  httpMonthly: number;
  httpMonthlyCost: number;
  /** Every billable command on this Redis (queues included). */
  allMonthly: number;
  allMonthlyCost: number;
  pricePer100k: number;
}

export function estimateTraffic(before: Map<string, number>, after: Map<string, number>, windowMs: number, pricePer100k: number): TrafficEstimate {
  const seconds = Math.max(windowMs, 1) / 1000;
  const perSecond: Record<TrafficClass, number> = { cache: 0, queue: 0, admin: 0, other: 0 };
  const top: TrafficEstimate['top'] = [];
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta <= 0) continue;
    const kind = classifyCommand(command);
    perSecond[kind] += delta / seconds;
    top.push({ command, class: kind, perSecond: delta / seconds });
  }
  top.sort((a, b) => b.perSecond - a.perSecond);
  const cost = (monthly: number) => (monthly / 100_000) * pricePer100k;
  const httpMonthly = perSecond.cache * SECONDS_PER_MONTH;
  const allMonthly = (perSecond.cache + perSecond.queue + perSecond.other) * SECONDS_PER_MONTH;
  return {
    windowMs,
    perSecond,
    top: top.slice(0, 10),
    httpMonthly,
    httpMonthlyCost: cost(httpMonthly),
    allMonthly,
    allMonthlyCost: cost(allMonthly),
    pricePer100k,
  };
}
