/**
 * A repeatable job as each system stores it, behind one narrow port, so the handover in
 * repeatables.ts reads the same for both directions. Bull: a repeat key in `<prefix>:<q>:repeat`
 * and a delayed job per tick. BullMQ: a job scheduler with the same cron.
 */
import type { Redis } from 'ioredis';
import type { BullSide } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import { bullmqQueueOf, bullmqRepeatJobId, bullRepeatJobId, bullRepeatKey, schedulerId, type RepeatSpec } from './catalog.js';
import type { Topology } from './config.js';

export interface RepeatSide {
  /** The tick the side has scheduled next (ms), or null when the repeatable is not there. */
  next(spec: RepeatSpec): Promise<number | null>;
  /** Remove the repeatable and its next tick if that tick is still delayed. */
  remove(spec: RepeatSpec): Promise<void>;
  /** Whether the job of a tick exists (it was due, so removal left it to run here). */
  tickExists(spec: RepeatSpec, millis: number): Promise<boolean>;
  /** Create the repeatable; its first tick is the next cron time. */
  create(spec: RepeatSpec): Promise<void>;
  /** One job standing for a tick that would otherwise be lost in the handover. */
  addTick(spec: RepeatSpec, millis: number): Promise<void>;
}

const TICK_OPTIONS = { removeOnComplete: 1000, removeOnFail: 1000 } as const;

/**
 * Reads go straight to the keys over the process's shared connection (no Bull queue object, so a
 * reconcile that finds nothing to move opens no connection); changes go through Bull itself.
 */
export function bullRepeatSide(bull: BullSide, prefix: string, reader: Redis): RepeatSide {
  // Hold the queue only for the call: a scheduler must not keep a legacy queue open by itself.
  async function withQueue<T>(spec: RepeatSpec, fn: (queue: ReturnType<BullSide['hold']>) => Promise<T>): Promise<T> {
    const queue = bull.hold(spec.queue, 'schedule');
    try {
      await queue.isReady();
      return await fn(queue);
    } finally {
      await bull.release(spec.queue, 'schedule');
    }
  }
  const key = (spec: RepeatSpec, suffix: string) => `${prefix}:${spec.queue}:${suffix}`;
  return {
    async next(spec) {
      const score = await reader.zscore(key(spec, 'repeat'), bullRepeatKey(spec));
      return score === null ? null : Number(score);
    },
    remove: (spec) => withQueue(spec, (queue) => queue.removeRepeatableByKey(bullRepeatKey(spec))),
    tickExists: async (spec, millis) => (await reader.exists(key(spec, bullRepeatJobId(spec, millis)))) === 1,
    create: (spec) =>
      withQueue(spec, async (queue) => {
        await queue.add({ kind: 'tick' }, { ...TICK_OPTIONS, repeat: { cron: spec.cron } });
      }),
    addTick: (spec, millis) =>
      withQueue(spec, async (queue) => {
        await queue.add({ kind: 'tick', tick: millis }, { ...TICK_OPTIONS, jobId: `tick-${spec.queue}-${millis}` });
      }),
  };
}

export function bullmqRepeatSide(bullmq: BullmqSide, topology: Topology): RepeatSide {
  const queueOf = (spec: RepeatSpec) => bullmq.queue(bullmqQueueOf(topology, spec.queue));
  return {
    async next(spec) {
      const scheduler = await queueOf(spec).getJobScheduler(schedulerId(spec));
      return scheduler?.next ?? null;
    },
    async remove(spec) {
      await queueOf(spec).removeJobScheduler(schedulerId(spec));
    },
    async tickExists(spec, millis) {
      return (await queueOf(spec).getJob(bullmqRepeatJobId(spec, millis))) !== undefined;
    },
    async create(spec) {
      await queueOf(spec).upsertJobScheduler(schedulerId(spec), { pattern: spec.cron }, { name: spec.queue, data: { kind: 'tick' }, opts: TICK_OPTIONS });
    },
    async addTick(spec, millis) {
      await queueOf(spec).add(spec.queue, { kind: 'tick', tick: millis }, { ...TICK_OPTIONS, jobId: `tick-${spec.queue}-${millis}` });
    },
  };
}
