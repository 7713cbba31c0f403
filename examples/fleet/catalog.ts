/**
 * The fleet's queues as data (pure): the plan's queues, where each lives in BullMQ for the chosen
 * topology, the repeatable jobs, and the keys that hold a side's unfinished jobs.
 */
import { createHash } from 'node:crypto';
import type { Topology } from './config.js';

export const SYSTEMS = ['bull', 'bullmq'] as const;
export type QueueSystem = (typeof SYSTEMS)[number];

/** The one BullMQ queue of the merged topology; job names carry the legacy queue name. */
export const MERGED_QUEUE = 'fleet-jobs';

/** Where a legacy queue's jobs go in BullMQ. */
export function bullmqQueueOf(topology: Topology, queue: string): string {
  return topology === 'merged' ? MERGED_QUEUE : queue;
}

/** BullMQ queues of a topology, each with the legacy queues it carries. */
export function bullmqQueues(topology: Topology, queues: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const queue of queues) {
    const target = bullmqQueueOf(topology, queue);
    out.set(target, [...(out.get(target) ?? []), queue]);
  }
  return out;
}

/** Keys whose jobs are not finished yet (waiting, active, delayed, ...), with the command that counts them. */
export function backlogKeys(system: QueueSystem, prefix: string, queue: string): [kind: 'list' | 'zset', key: string][] {
  const base = `${prefix}:${queue}:`;
  if (system === 'bull') {
    return [['list', `${base}wait`], ['list', `${base}active`], ['zset', `${base}delayed`], ['list', `${base}paused`]];
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

/** A repeatable job: one per queue, firing on the same cron in whichever system holds it. */
export interface RepeatSpec {
  queue: string;
  cron: string;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Bull 4's key for an unnamed repeatable job (`repeatable.js` getRepeatKey): name:jobId:endDate:tz:cron. */
export function bullRepeatKey(spec: RepeatSpec): string {
  return `__default__::::${spec.cron}`;
}

/** Bull 4's job id for the tick at `millis` (`repeatable.js` getRepeatJobId). */
export function bullRepeatJobId(spec: RepeatSpec, millis: number): string {
  const key = bullRepeatKey(spec);
  return `repeat:${md5(`__default__:${md5(key)}`)}:${millis}`;
}

/** BullMQ's job scheduler id for a queue's repeatable (unique inside a merged queue too). */
export function schedulerId(spec: RepeatSpec): string {
  return `tick-${spec.queue}`;
}

/** BullMQ's job id for the tick at `millis` (`job-scheduler.js` getSchedulerNextJobId). */
export function bullmqRepeatJobId(spec: RepeatSpec, millis: number): string {
  return `repeat:${schedulerId(spec)}:${millis}`;
}

/** The tick a repeat job stands for: the millis at the end of its id, or a compensating job's own tick. */
export function tickOf(jobId: string | undefined, data: { tick?: number }): number | undefined {
  if (typeof data.tick === 'number') return data.tick;
  const match = /:(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : undefined;
}
