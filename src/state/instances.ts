/**
 * Running app instances (flags SDK) as the store sees them: each writes a record and a heartbeat,
 * and acknowledges every version it applies. The CLI counts live ones and who applied what.
 */
import { runScript, serverTimeMs, type RedisClient } from '../redis/client.js';
import type { StateKeys } from './keys.js';

export interface InstanceRecord {
  id: string;
  app: string;
  host: string;
  pid: number;
  /** The version the instance has applied (0 = none yet). */
  version: number;
  epoch: string | null;
  /** Where its current values come from. */
  source: 'redis' | 'env' | 'last-known';
  /** USE_BULLMQ=false in the instance's own environment pins it to legacy. */
  killSwitch: boolean;
  heartbeatMs: number;
  startedAt: number;
}

export interface InstanceView extends InstanceRecord {
  /** Server time of its last heartbeat or acknowledgement, ms. */
  lastSeen: number;
  live: boolean;
}

export interface AckMessage {
  id: string;
  app: string;
  version: number;
  epoch: string | null;
  /** The instance is shutting down: its last word, with the version it applied. */
  left?: boolean;
}

/** KEYS: instances, heartbeats. ARGV: id, record JSON, acks channel ('' = heartbeat only), ack JSON. */
export const REPORT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return now`;

/** An instance is live if it heartbeat within three of its intervals (one missed beat is normal). */
export function isLive(record: Pick<InstanceRecord, 'heartbeatMs'>, lastSeen: number, now: number): boolean {
  return now - lastSeen <= Math.max(3 * record.heartbeatMs, 1500);
}

export async function reportInstance(client: RedisClient, keys: StateKeys, record: InstanceRecord, ack: boolean): Promise<void> {
  const message: AckMessage = { id: record.id, app: record.app, version: record.version, epoch: record.epoch };
  await runScript(client, REPORT_SCRIPT, [keys.instances, keys.heartbeats], [record.id, JSON.stringify(record), ack ? keys.acks : '', JSON.stringify(message)]);
}

/** KEYS: instances, heartbeats. ARGV: id, acks channel, last-word JSON. */
export const LEAVE_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`;

/**
 * A clean shutdown: remove the instance's record and, in the same step, acknowledge the version it
 * applied with `left`, so a change it applied just before leaving counts as confirmed.
 */
export async function removeInstance(client: RedisClient, keys: StateKeys, record: InstanceRecord): Promise<void> {
  const message: AckMessage = { id: record.id, app: record.app, version: record.version, epoch: record.epoch, left: true };
  await runScript(client, LEAVE_SCRIPT, [keys.instances, keys.heartbeats], [record.id, keys.acks, JSON.stringify(message)]);
}

/** Forget instances not seen for a day: they are gone, and the hash should not grow forever. */
export async function pruneInstances(client: RedisClient, keys: StateKeys, olderThanMs = 86_400_000): Promise<number> {
  const cutoff = (await serverTimeMs(client)) - olderThanMs;
  const stale = (await client.zrangebyscore(keys.heartbeats, '-inf', String(cutoff))) as string[];
  if (stale.length === 0) return 0;
  await Promise.all([client.hdel(keys.instances, ...stale), client.zrem(keys.heartbeats, ...stale)]);
  return stale.length;
}

export function parseInstances(records: Record<string, string>, heartbeats: string[], now: number): InstanceView[] {
  const lastSeen = new Map<string, number>();
  for (let i = 0; i + 1 < heartbeats.length; i += 2) lastSeen.set(heartbeats[i] as string, Number(heartbeats[i + 1]));
  const out: InstanceView[] = [];
  for (const [id, json] of Object.entries(records)) {
    let record: InstanceRecord;
    try {
      record = JSON.parse(json) as InstanceRecord;
    } catch {
      continue;
    }
    const seen = lastSeen.get(id) ?? 0;
    out.push({ ...record, id, lastSeen: seen, live: isLive(record, seen, now) });
  }
  return out.sort((a, b) => a.app.localeCompare(b.app) || a.id.localeCompare(b.id));
}

export async function readInstances(client: RedisClient, keys: StateKeys): Promise<{ now: number; instances: InstanceView[] }> {
  const [records, heartbeats, now] = await Promise.all([
    client.hgetall(keys.instances) as Promise<Record<string, string>>,
    client.zrange(keys.heartbeats, '0', '-1', 'WITHSCORES') as Promise<string[]>,
    serverTimeMs(client),
  ]);
  return { now, instances: parseInstances(records, heartbeats, now) };
}
