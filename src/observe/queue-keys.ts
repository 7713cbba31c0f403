/**
 * Queue keys of both libraries (measured layouts, see the facts file): job counts, Bull repeatables
 * and BullMQ job schedulers. Reads go key by key (no MULTI, no pipeline) so they are routed per slot
 * on a Redis Cluster. Parsing is pure and exported for tests.
 */
import type { RedisClient } from '../redis/client.js';

export const QUEUE_SYSTEMS = ['legacy', 'bullmq'] as const;
export type QueueSystem = (typeof QUEUE_SYSTEMS)[number];

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  paused: number;
  /** BullMQ only (Bull keeps prioritized jobs in `wait`). */
  prioritized: number;
  failed: number;
  completed: number;
}

export function emptyCounts(): JobCounts {
  return { waiting: 0, active: 0, delayed: 0, paused: 0, prioritized: 0, failed: 0, completed: 0 };
}

/** Jobs not yet finished: what a flip leaves behind in the legacy system. */
export function backlogOf(counts: JobCounts): number {
  return counts.waiting + counts.active + counts.delayed + counts.paused + counts.prioritized;
}

export async function readJobCounts(client: RedisClient, prefix: string, queue: string, system: QueueSystem): Promise<JobCounts> {
  const key = (name: string) => `${prefix}:${queue}:${name}`;
  const [waiting, active, delayed, paused, prioritized, failed, completed] = await Promise.all([
    client.llen(key('wait')),
    client.llen(key('active')),
    client.zcard(key('delayed')),
    client.llen(key('paused')),
    system === 'bullmq' ? client.zcard(key('prioritized')) : Promise.resolve(0),
    client.zcard(key('failed')),
    client.zcard(key('completed')),
  ]);
  return {
    waiting: Number(waiting),
    active: Number(active),
    delayed: Number(delayed),
    paused: Number(paused),
    prioritized: Number(prioritized),
    failed: Number(failed),
    completed: Number(completed),
  };
}

export interface Repeatable {
  system: QueueSystem;
  /** Job name (Bull `__default__` when unnamed); BullMQ: the template's name. */
  name: string;
  /** Bull repeat key member, or BullMQ scheduler id. */
  key: string;
  /** Cron pattern or "every:<ms>": how two systems' entries are matched. */
  schedule: string;
  tz: string | null;
}

/**
 * A Bull 4 repeat member: `name:jobId:endDate:tz:cron` for cron jobs, `name:jobId:endDate:every`
 * for interval jobs (bull/lib/repeatable.js getRepeatKey). Parsed from the right, names may hold ":".
 */
export function parseBullRepeatKey(member: string): Repeatable | null {
  const parts = member.split(':');
  if (parts.length < 4) return null;
  const last = parts[parts.length - 1] as string;
  if (/^\d+$/.test(last)) {
    return { system: 'legacy', name: parts.slice(0, -3).join(':'), key: member, schedule: `every:${last}`, tz: null };
  }
  if (parts.length < 5) return null;
  const tz = parts[parts.length - 2] as string;
  return { system: 'legacy', name: parts.slice(0, -4).join(':'), key: member, schedule: last.trim(), tz: tz || null };
}

/** A BullMQ job scheduler hash (`<prefix>:<queue>:repeat:<id>`: name, pattern | every, tz). */
export function parseScheduler(id: string, hash: Record<string, string>): Repeatable {
  const schedule = hash.pattern ? hash.pattern.trim() : hash.every ? `every:${hash.every}` : `id:${id}`;
  return { system: 'bullmq', name: hash.name ?? id, key: id, schedule, tz: hash.tz || null };
}

export async function readBullRepeatables(client: RedisClient, prefix: string, queue: string): Promise<Repeatable[]> {
  const members = (await client.zrange(`${prefix}:${queue}:repeat`, '0', '-1')) as string[];
  return members.map(parseBullRepeatKey).filter((entry): entry is Repeatable => entry !== null);
}

export async function readBullmqSchedulers(client: RedisClient, prefix: string, queue: string): Promise<Repeatable[]> {
  const ids = (await client.zrange(`${prefix}:${queue}:repeat`, '0', '-1')) as string[];
  const hashes = await Promise.all(ids.map((id) => client.hgetall(`${prefix}:${queue}:repeat:${id}`) as Promise<Record<string, string>>));
  return ids.map((id, index) => parseScheduler(id, hashes[index] ?? {}));
}

/** Keys under the BullMQ prefix that only Bull writes, or that hold Bull-shaped data. */
export async function findLegacyShapedKeys(client: RedisClient, prefix: string, queue: string): Promise<string[]> {
  const key = (name: string) => `${prefix}:${queue}:${name}`;
  const [priority, id, wait, meta, repeat] = await Promise.all([
    client.exists(key('priority')),
    client.exists(key('id')),
    client.exists(key('wait')),
    client.exists(key('meta')),
    client.zrange(key('repeat'), '0', '20') as Promise<string[]>,
  ]);
  const found: string[] = [];
  if (Number(priority)) found.push(key('priority'));
  // BullMQ writes `meta` with its first job; jobs without it were added by Bull.
  if ((Number(id) || Number(wait)) && !Number(meta)) found.push(Number(id) ? key('id') : key('wait'));
  if (repeat.some((member) => member.includes('::'))) found.push(key('repeat'));
  return found;
}
