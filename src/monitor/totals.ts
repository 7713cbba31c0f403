/**
 * Jobs completed / failed per queue and side as monotonic totals, counted from readings stored in
 * Redis (src/state/monitor-totals.ts), and breaches by threshold. Pure.
 */
import { QUEUE_SYSTEMS, type QueueSystem } from '../observe/queue-keys.js';
import type { Breach } from '../observe/samples.js';
import type { RawSample } from '../observe/sampler.js';
import { ACTIVE_BREACHES_FIELD, type TotalsUpdate } from '../state/monitor-totals.js';

export const FINISHED_KINDS = ['completed', 'failed'] as const;
export type FinishedKind = (typeof FINISHED_KINDS)[number];

export interface MonitorTotals {
  /** queue → side → jobs finished since the monitor first counted them. */
  jobs: Record<string, Record<QueueSystem, Record<FinishedKind, number>>>;
  /** threshold → breaches started. */
  breaches: Record<string, number>;
}

const totalField = (queue: string, side: QueueSystem, kind: FinishedKind) => `jobs:${queue}:${side}:${kind}`;
const seenField = (queue: string, side: QueueSystem, kind: FinishedKind) => `seen:${queue}:${side}:${kind}`;
export const cursorField = (queue: string) => `cursor:${queue}`;

/** The BullMQ events cursor per queue, as stored (the sampler counts events after it). */
export function storedCursors(hash: Record<string, string>, queues: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const queue of queues) {
    const cursor = hash[cursorField(queue)];
    if (cursor) out[queue] = cursor;
  }
  return out;
}

/**
 * One update per queue: how many jobs finished since the stored readings. A set size only grows
 * by finished jobs (removals are not counted back); BullMQ's events survive removeOnComplete, set
 * sizes survive a trimmed stream, so that side takes the larger of the two, as samples do. A queue
 * seen for the first time records its readings and counts nothing (history is not this soak's).
 */
export function totalsUpdates(stored: Record<string, string>, raw: RawSample, queues: readonly string[]): TotalsUpdate[] {
  const updates: TotalsUpdate[] = [];
  for (const queue of queues) {
    const reading = raw.queues[queue];
    if (!reading) continue;
    const update: TotalsUpdate = { expect: [], set: [], incr: [] };
    for (const side of QUEUE_SYSTEMS) {
      for (const kind of FINISHED_KINDS) {
        const field = seenField(queue, side, kind);
        const previous = stored[field];
        const now = reading[side][kind];
        update.expect.push([field, previous ?? '']);
        update.set.push([field, String(now)]);
        let counted = previous === undefined ? 0 : Math.max(0, now - Number(previous));
        if (side === 'bullmq' && stored[cursorField(queue)] !== undefined) counted = Math.max(counted, reading.bullmqEvents[kind]);
        update.incr.push([totalField(queue, side, kind), counted]);
      }
    }
    const cursor = raw.cursors[queue];
    update.expect.push([cursorField(queue), stored[cursorField(queue)] ?? '']);
    if (cursor) update.set.push([cursorField(queue), cursor]);
    updates.push(update);
  }
  return updates;
}

/** The key a breach is known by while it lasts: one per threshold and queue. */
export function breachKey(breach: Pick<Breach, 'threshold' | 'queue'>): string {
  return `${breach.threshold}:${breach.queue ?? ''}`;
}

export function parseTotals(hash: Record<string, string>, queues: readonly string[]): MonitorTotals {
  const jobs: MonitorTotals['jobs'] = {};
  for (const queue of queues) {
    const sides = {} as Record<QueueSystem, Record<FinishedKind, number>>;
    for (const side of QUEUE_SYSTEMS) {
      sides[side] = { completed: Number(hash[totalField(queue, side, 'completed')] ?? 0), failed: Number(hash[totalField(queue, side, 'failed')] ?? 0) };
    }
    jobs[queue] = sides;
  }
  const breaches: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    const match = /^breaches:(.+)$/.exec(field);
    if (match && field !== ACTIVE_BREACHES_FIELD) breaches[match[1] as string] = Number(value);
  }
  return { jobs, breaches };
}
