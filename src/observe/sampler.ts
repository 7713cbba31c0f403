/**
 * One raw monitor reading: connections on every node, command counters, each plan queue's job
 * counts in both systems (Bull under the legacy prefix, BullMQ under the BullMQ prefix), BullMQ's
 * completed/failed events since the last reading, and the live flags SDK instances.
 */
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { readInstances, type InstanceRecord, type InstanceView } from '../state/instances.js';
import type { StateKeys } from '../state/keys.js';
import { parseCommandStats, parseInfo, serverFacts } from './info.js';
import { readJobCounts, type JobCounts } from './queue-keys.js';
import { nodesOf } from './read-nodes.js';
import type { Role } from './classify.js';
import { takeConnectionSnapshot } from './take-snapshot.js';

export interface RawQueueReading {
  legacy: JobCounts;
  bullmq: JobCounts;
  /** BullMQ `events` stream entries since the previous reading (survive removeOnComplete/removeOnFail). */
  bullmqEvents: { completed: number; failed: number };
}

/** Live flags SDK instances: by applied version, and by version and where their values come from. */
export interface InstanceCounts {
  live: number;
  versions: Record<string, number>;
  groups: { version: number; source: InstanceRecord['source']; count: number }[];
  /** Pinned to legacy by USE_BULLMQ=false in their own environment. */
  killSwitched: number;
}

export interface RawSample {
  at: number;
  /** `byTier`: connections whose name says a queue of the tier. */
  connections: { total: number; app: number; byRole: Record<Role, number>; byTier: Record<string, number> };
  /** Summed over nodes: server-side commands (Lua inner calls included) and per command calls. */
  commands: { total: number; byCommand: Record<string, number> };
  queues: Record<string, RawQueueReading>;
  instances: InstanceCounts;
  /** Last BullMQ event id seen per queue, to count only new events next time. */
  cursors: Record<string, string>;
  /** Commands this reading sent (subtracted from the app's rate). */
  ownCommands: number;
  /** The same by command, as INFO commandstats names them (subtracted from the per-command rates). */
  ownByCommand: Record<string, number>;
}

/** What one reading sends, by command: kept next to the reads so the two stay in step. */
export function ownCommandsOf(nodes: number, queues: number): Record<string, number> {
  return {
    'client|id': nodes,
    'client|list': nodes,
    info: 2 * nodes,
    // Bull: wait, active, paused (LLEN); delayed, failed, completed (ZCARD). BullMQ adds prioritized.
    llen: 6 * queues,
    zcard: 7 * queues,
    xrange: queues,
    hgetall: 1,
    zrange: 1,
    time: 1,
  };
}

/** The stream id just after `id` (XRANGE's exclusive "(" start needs Redis 6.2; this works on 5.0). */
export function nextStreamId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq ?? 0) + 1}`;
}

async function readEvents(
  client: RedisClient,
  key: string,
  cursor: string | undefined,
): Promise<{ completed: number; failed: number; cursor: string; commands: number }> {
  if (cursor === undefined) {
    const last = (await client.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return { completed: 0, failed: 0, cursor: last[0]?.[0] ?? '0-0', commands: 1 };
  }
  const rows = (await client.xrange(key, nextStreamId(cursor), '+', 'COUNT', 10_000)) as [string, string[]][];
  let completed = 0;
  let failed = 0;
  for (const [, fields] of rows) {
    const event = fields[fields.indexOf('event') + 1];
    if (event === 'completed') completed++;
    else if (event === 'failed') failed++;
  }
  return { completed, failed, cursor: rows[rows.length - 1]?.[0] ?? cursor, commands: 1 };
}

export function countInstances(instances: readonly InstanceView[]): InstanceCounts {
  const live = instances.filter((instance) => instance.live);
  const versions: Record<string, number> = {};
  const groups = new Map<string, InstanceCounts['groups'][number]>();
  for (const instance of live) {
    versions[String(instance.version)] = (versions[String(instance.version)] ?? 0) + 1;
    const key = `${instance.version}|${instance.source}`;
    const group = groups.get(key) ?? { version: instance.version, source: instance.source, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  return { live: live.length, versions, groups: [...groups.values()], killSwitched: live.filter((instance) => instance.killSwitch).length };
}

export async function readRawSample(client: RedisClient, plan: Plan, keys: StateKeys, cursors: Record<string, string>): Promise<RawSample> {
  const nodes = nodesOf(client);
  const queues = plan.tiers.flatMap((tier) => tier.queues);
  // readInstances reads the server clock too: that TIME is the sample's time.
  const [snapshot, infos, readings, { instances, now: at }] = await Promise.all([
    takeConnectionSnapshot(client, plan),
    Promise.all(nodes.map(async ({ redis }) => [String(await redis.info('stats')), String(await redis.info('commandstats'))] as const)),
    Promise.all(
      queues.map(async (queue) => {
        const [legacy, bullmq, events] = await Promise.all([
          readJobCounts(client, plan.legacy.prefix, queue, 'legacy'),
          readJobCounts(client, plan.bullmq.prefix, queue, 'bullmq'),
          readEvents(client, `${plan.bullmq.prefix}:${queue}:events`, cursors[queue]),
        ]);
        return { queue, legacy, bullmq, events };
      }),
    ),
    readInstances(client, keys),
  ]);
  let total = 0;
  const byCommand: Record<string, number> = {};
  for (const [stats, commandstats] of infos) {
    total += serverFacts(parseInfo(stats)).totalCommandsProcessed ?? 0;
    for (const [command, stat] of Object.entries(parseCommandStats(parseInfo(commandstats)))) byCommand[command] = (byCommand[command] ?? 0) + stat.calls;
  }
  const nextCursors: Record<string, string> = {};
  const out: Record<string, RawQueueReading> = {};
  for (const reading of readings) {
    nextCursors[reading.queue] = reading.events.cursor;
    out[reading.queue] = {
      legacy: reading.legacy,
      bullmq: reading.bullmq,
      bullmqEvents: { completed: reading.events.completed, failed: reading.events.failed },
    };
  }
  const ownByCommand = ownCommandsOf(nodes.length, queues.length);
  const ownCommands = Object.values(ownByCommand).reduce((sum, n) => sum + n, 0);
  return {
    at,
    connections: { total: snapshot.total, app: snapshot.app, byRole: snapshot.byRole, byTier: snapshot.byTier },
    commands: { total, byCommand },
    queues: out,
    instances: countInstances(instances),
    cursors: nextCursors,
    ownCommands,
    ownByCommand,
  };
}
