/**
 * Where things live on each side (pure): the BullMQ queue a queue's jobs go to in each topology,
 * job names in the merged queue, the keys that hold a side's unfinished jobs, and the ids Bull 4
 * and BullMQ 6 give a repeatable and its ticks (read from their code: bull/lib/repeatable.js,
 * bullmq job-scheduler.js).
 */
import { createHash } from 'node:crypto';
import type { Schedule } from './repeat-options.js';
import type { RepeatJobOptions, Side } from './types.js';

/** per-queue: each queue is its own BullMQ queue; merged: every job in one BullMQ queue, routed by job name. */
export type Topology = { kind: 'per-queue' } | { kind: 'merged'; queue: string; concurrency: number | undefined };

/** The BullMQ queue that holds a queue's jobs. */
export function bullmqQueueOf(topology: Topology, queue: string): string {
  return topology.kind === 'merged' ? topology.queue : queue;
}

/** The BullMQ job name: the app's name, or `<queue>:<name>` in the merged queue so the worker can route it. */
export function bullmqJobName(topology: Topology, queue: string, name: string): string {
  return topology.kind === 'merged' ? `${queue}:${name}` : name;
}

/** The queue and name of a job in the merged queue (queue names hold no ":", BullMQ refuses them). */
export function splitMergedName(jobName: string): { queue: string; name: string } {
  const colon = jobName.indexOf(':');
  return colon === -1 ? { queue: jobName, name: jobName } : { queue: jobName.slice(0, colon), name: jobName.slice(colon + 1) };
}

/** Keys whose jobs are not finished yet (waiting, active, delayed, ...), with the command that counts them. */
export function backlogKeys(side: Side, prefix: string, queue: string): [kind: 'list' | 'zset', key: string][] {
  const base = `${prefix}:${queue}:`;
  if (side === 'bull') {
    // Bull keeps prioritized jobs in `wait` too (its `priority` zset only orders them).
    return [
      ['list', `${base}wait`],
      ['list', `${base}active`],
      ['zset', `${base}delayed`],
      ['list', `${base}paused`],
    ];
  }
  return [
    ['list', `${base}wait`],
    ['list', `${base}active`],
    ['zset', `${base}delayed`],
    ['zset', `${base}prioritized`],
    ['list', `${base}paused`],
    ['zset', `${base}waiting-children`],
  ];
}

/** A repeatable as the app registered it: the same on both sides. */
export interface RepeatSpec {
  queue: string;
  name: string;
  schedule: Schedule;
  data: unknown;
  opts: RepeatJobOptions;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Bull 4's key of a repeatable (`getRepeatKey`): name:jobId:endDate:tz:cron, with no custom job id. */
export function bullRepeatKey(spec: Pick<RepeatSpec, 'name' | 'schedule'>): string {
  const { endDate, tz, pattern } = spec.schedule;
  return `${spec.name}::${endDate === undefined ? ':' : `${endDate}:`}${tz === undefined ? ':' : `${tz}:`}${pattern}`;
}

/** What every tick's job id of a Bull 4 repeatable starts with (`getRepeatJobId` without the time). */
export function bullRepeatJobIdPrefix(spec: Pick<RepeatSpec, 'name' | 'schedule'>): string {
  return `repeat:${md5(`${spec.name}:${md5(bullRepeatKey(spec))}`)}:`;
}

/** Bull 4's job id for the tick at `millis` (`getRepeatJobId`). */
export function bullRepeatJobId(spec: Pick<RepeatSpec, 'name' | 'schedule'>, millis: number): string {
  return `${bullRepeatJobIdPrefix(spec)}${millis}`;
}

/** BullMQ's job scheduler id: the name, or `<queue>:<name>` in the merged queue (unique there too). */
export function schedulerId(topology: Topology, spec: Pick<RepeatSpec, 'queue' | 'name'>): string {
  return topology.kind === 'merged' ? `${spec.queue}:${spec.name}` : spec.name;
}

/** BullMQ's job id for the tick at `millis` (`getSchedulerNextJobId`). */
export function bullmqRepeatJobId(scheduler: string, millis: number): string {
  return `repeat:${scheduler}:${millis}`;
}

/** The id of a one-off job standing for a tick a move would otherwise lose: the same on both sides, and accepted by both. */
export function compensationJobId(spec: Pick<RepeatSpec, 'queue' | 'name'>, millis: number): string {
  return `tick-${md5(`${spec.queue}\n${spec.name}`).slice(0, 16)}-${millis}`;
}

const COMPENSATION = /^tick-[0-9a-f]{16}-(\d+)$/;

/**
 * The tick a job stands for: a scheduled repeat job carries it as `prevMillis` (both libraries set
 * it to the tick's time), a compensating job in its id. Undefined for other jobs.
 */
export function repeatTickOf(id: string, opts: { repeat?: unknown; repeatJobKey?: unknown; prevMillis?: unknown } | undefined): number | undefined {
  if (opts && (opts.repeat || opts.repeatJobKey) && typeof opts.prevMillis === 'number') return opts.prevMillis;
  const match = COMPENSATION.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** The lock key one process holds while it moves a repeatable (other processes wait). */
export function repeatLockKey(bullmqPrefix: string, spec: Pick<RepeatSpec, 'queue' | 'name'>): string {
  return `redis-migrate:queues:repeat-lock:${bullmqPrefix}:${spec.queue}:${spec.name}`;
}
